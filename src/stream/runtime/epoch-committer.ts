// The main-thread end of a view or table sink: when every task of the job acknowledged a barrier,
// the changes all sink subtasks produced for that epoch are applied in one synchronous step, so a
// reader never sees part of an epoch (or one subtask's part without the other's).

import type { Chunk } from '../chunk.js';
import type { Row } from '../../types/value.js';
import { decodeStateValue, encodeStateValue } from '../checkpoint/state-codec.js';
import type { MvWriter } from '../mv-writer.js';
import type { TableSink } from '../operators/sinks.js';

export interface EpochCommitter {
  commit(epoch: number, chunks: readonly Chunk[]): void;
  /** Resolves when what was committed so far is durable (table sinks write LevelDB). */
  flushed?(): Promise<void>;
  /**
   * Checkpointing committers keep state of their own (a view's rows): the delta since the last
   * snapshot as state entries (null: deleted), taken right after the checkpoint's epoch committed.
   */
  snapshot?(checkpointId: number): Map<string, string | null>;
  confirm?(checkpointId: number): void;
  /** Start from these entries (a checkpoint's, or none); `full`: the next snapshot writes them all. */
  restore?(entries: ReadonlyMap<string, string>, full: boolean): void;
}

/** A view's rows in checkpoints: view/<row key> → [row, count]. */
export const VIEW_STATE_PREFIX = 'view/';

export class ViewCommitter implements EpochCommitter {
  /** Row keys of snapshots not yet confirmed complete: written again until one is. */
  private unconfirmed: { readonly id: number; readonly keys: readonly string[] }[] = [];

  constructor(private readonly writer: MvWriter, checkpointing = false) { if (checkpointing) writer.trackChanges(); }

  commit(_epoch: number, chunks: readonly Chunk[]): void {
    for (const c of chunks) this.writer.write(c);
    this.writer.commitEpoch();
  }

  snapshot(checkpointId: number): Map<string, string | null> {
    const changes = this.writer.takeChanges();
    for (const u of this.unconfirmed) for (const k of u.keys) if (!changes.has(k)) changes.set(k, this.writer.current(k));
    this.unconfirmed.push({ id: checkpointId, keys: [...changes.keys()] });
    const out = new Map<string, string | null>();
    for (const [k, [row, n]] of changes) out.set(VIEW_STATE_PREFIX + k, row ? encodeStateValue([row, n]) : null);
    return out;
  }

  confirm(checkpointId: number): void { this.unconfirmed = this.unconfirmed.filter((u) => u.id > checkpointId); }

  restore(entries: ReadonlyMap<string, string>, full: boolean): void {
    const rows: [Row, number][] = [];
    for (const v of entries.values()) rows.push(decodeStateValue(v) as [Row, number]);
    this.writer.reset(rows);
    if (!full) this.writer.takeChanges();
  }
}

export class TableSinkCommitter implements EpochCommitter {
  constructor(private readonly sink: TableSink) {}
  commit(epoch: number, chunks: readonly Chunk[]): void {
    const out = { emit: () => undefined };
    for (const c of chunks) this.sink.processChunk(c);
    this.sink.processBarrier({ epoch }, out);
  }
  flushed(): Promise<void> { return this.sink.flushed(); }
}

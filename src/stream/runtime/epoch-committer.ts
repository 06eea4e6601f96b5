// The main-thread end of a view or table sink: when every task of the job acknowledged a barrier,
// the changes all sink subtasks produced for that epoch are applied in one synchronous step, so a
// reader never sees part of an epoch (or one subtask's part without the other's).

import type { Chunk } from '../chunk.js';
import type { MvWriter } from '../mv-writer.js';
import type { TableSink } from '../operators/sinks.js';

export interface EpochCommitter {
  commit(epoch: number, chunks: readonly Chunk[]): void;
  /** Resolves when what was committed so far is durable (table sinks write LevelDB). */
  flushed?(): Promise<void>;
}

export class ViewCommitter implements EpochCommitter {
  constructor(private readonly writer: MvWriter) {}
  commit(_epoch: number, chunks: readonly Chunk[]): void {
    for (const c of chunks) this.writer.write(c);
    this.writer.commitEpoch();
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

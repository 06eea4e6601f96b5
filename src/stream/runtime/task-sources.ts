// The heads of source tasks. A table source reads the main thread's feed (snapshot, then every
// committed change, with barriers placed in commit order); a connector source polls its split
// reader; VALUES emits its rows once. All are pulled by the task loop, so they produce only when
// the task's outputs have credit.

import type { MessagePort } from 'node:worker_threads';
import { type Chunk, ChunkBuilder, Op, insertChunk } from '../chunk.js';
import type { Row } from '../../types/value.js';
import type { SourceSplitReader } from '../connectors/source-reader.js';
import { unpackChunk } from './chunk-codec.js';
import type { FeedAck, FeedMessage } from './messages.js';
import type { StreamTask, TaskSource } from './stream-task.js';

/** Table rows and changes from the main thread; each chunk taken is acknowledged (the feed's bound, table-feed.ts). */
export class TableFeedSource implements TaskSource {
  private readonly queue: FeedMessage[] = [];
  private head = 0;
  /** Restored: the table's rows at start, collected until the feed says they are complete. */
  private startRows: Row[] | null;
  /** The image is being brought back from the spill store before the catch-up (null: not started). */
  private preparing: Promise<void> | null = null;
  private prepared = false;
  private failure: unknown = null;

  /** `catchUp`: the task restored from a checkpoint; emit only what changed since (table-image.ts). */
  constructor(private readonly port: MessagePort, task: () => StreamTask, private readonly catchUp: { catchUp(rows: readonly Row[]): Chunk[]; prepareCatchUp?(): Promise<void> } | null) {
    this.startRows = catchUp ? [] : null;
    port.on('message', (m: FeedMessage) => { this.queue.push(m); task().schedule(); });
  }
  step(task: StreamTask): boolean {
    if (this.failure) throw this.failure;
    if (this.head >= this.queue.length) return false;
    const m = this.queue[this.head];
    // The catch-up compares the whole image: wait (reading nothing after it) until it is in memory.
    if ('startDone' in m && this.startRows && !this.prepared) {
      this.preparing ??= (this.catchUp!.prepareCatchUp?.() ?? Promise.resolve()).then(
        () => { this.prepared = true; },
        (e: unknown) => { this.failure = e; },
      ).finally(() => task.schedule());
      return false;
    }
    this.queue[this.head++] = undefined as unknown as FeedMessage;
    if (this.head > 256 && this.head * 2 > this.queue.length) { this.queue.splice(0, this.head); this.head = 0; }
    if ('rows' in m) {
      const chunk = unpackChunk(m.rows);
      if (m.start && this.startRows) { for (const r of chunk.rows) this.startRows.push(r); } else task.emitFromSource(chunk);
      this.port.postMessage({ taken: chunk.rows.length } satisfies FeedAck);
    } else if ('startDone' in m) {
      if (this.startRows) for (const c of this.catchUp!.catchUp(this.startRows)) task.emitFromSource(c);
      this.startRows = null;
    } else task.completeBarrier(m.barrier);
    return true;
  }
  close(): void { this.port.removeAllListeners('message'); this.port.close(); }
}

export class ValuesSource implements TaskSource {
  private pending: Chunk | null;
  constructor(rows: Row[]) { this.pending = rows.length ? insertChunk(rows) : null; }
  step(task: StreamTask): boolean {
    if (!this.pending) return false;
    const c = this.pending;
    this.pending = null;
    task.emitFromSource(c);
    return true;
  }
}

/** Batch size of one poll: one buffer's worth of rows. */
const POLL_ROWS = 1024;
/** How long an idle (rate-limited or drained) reader rests before the next poll. */
const IDLE_MS = 10;

export class ConnectorSource implements TaskSource {
  private finished = false;
  private timer: NodeJS.Timeout | null = null;
  /** Since when polls found nothing (for scan.watermark.idle-timeout). */
  private emptySince: number | null = null;

  /** `idleTimeoutMs`: after this long without data the task is idle (0: never). */
  constructor(readonly reader: SourceSplitReader, private readonly idleTimeoutMs = 0) {}
  step(task: StreamTask): boolean {
    if (this.finished || this.timer) return false;
    const now = Date.now();
    const rows = this.reader.poll(POLL_ROWS, now);
    if (rows === null) { this.finished = true; task.endOfInput(); return false; }
    if (rows.length === 0) {
      // Idle: a reader that can never produce (a Kafka subtask owning no partition), or none for the timeout.
      this.emptySince ??= now;
      if (this.reader.idle || (this.idleTimeoutMs > 0 && now - this.emptySince >= this.idleTimeoutMs)) task.setIdle(true);
      this.timer = setTimeout(() => { this.timer = null; task.schedule(); }, IDLE_MS);
      return false;
    }
    this.emptySince = null;
    task.setIdle(false);
    const b = new ChunkBuilder(POLL_ROWS);
    const origin = this.reader.polled;
    const emit = origin ? (c: Chunk) => task.emitFromSource({ ops: c.ops, rows: c.rows, origin }) : (c: Chunk) => task.emitFromSource(c);
    for (const r of rows) { const c = b.push(Op.Insert, r); if (c) emit(c); }
    const c = b.take();
    if (c) emit(c);
    return true;
  }
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.reader.close?.();
  }
}

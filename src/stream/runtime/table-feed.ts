// The main-thread end of a table source: the table lives in the main thread's table store, so its
// snapshot and then every committed change (deletes before inserts, as LocalJob delivered them)
// are packed and posted to the table-source task, and barriers are posted into the same port so
// they sit exactly between the commits before and after them. Subscribing and reading the
// snapshot happen in one synchronous step, so no commit is missed or seen twice.
//
// Committed DML cannot be refused, but it can be slowed: the task acknowledges the rows it takes,
// and while more than FEED_MAX_ROWS_IN_FLIGHT are posted and not taken, sessions that commit
// changes wait before their statement completes (the table store's throttles). Memory for a
// view that cannot keep up with its table stays bounded; the writer slows to the view's pace.

import type { MessagePort } from 'node:worker_threads';
import type { Row } from '../../types/value.js';
import type { TableChange } from '../../storage/table-store.js';
import { ChunkBuilder, Op, type Chunk } from '../chunk.js';
import { packChunk } from './chunk-codec.js';
import type { FeedAck, FeedMessage } from './messages.js';
import type { Barrier } from '../operators/operator.js';

/** Rows a feed may have posted that its task has not taken before committing sessions wait. */
export const FEED_MAX_ROWS_IN_FLIGHT = 65_536;

export interface TableAccess {
  tableRows(oid: number): Iterable<Row>;
  subscribe(listener: (changes: TableChange[]) => void): () => void;
  /** Make committing sessions wait while `gate` returns a promise; returns the unregistration. */
  throttle(gate: () => Promise<void> | null): () => void;
}

export class TableFeed {
  private unsubscribe: () => void = () => undefined;
  private unthrottle: () => void = () => undefined;
  rowsSent = 0;
  private rowsTaken = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly port: MessagePort, readonly oid: number, tables: TableAccess, withRows: boolean, private readonly maxInFlight = FEED_MAX_ROWS_IN_FLIGHT) {
    if (!withRows) {
      this.port.postMessage({ startDone: true } satisfies FeedMessage);
      return;
    }
    port.on('message', (m: FeedAck) => {
      this.rowsTaken += m.taken;
      if (this.waiters.length && !this.lagging) this.release();
    });
    this.unthrottle = tables.throttle(() => (this.lagging ? new Promise<void>((resolve) => this.waiters.push(resolve)) : null));
    this.unsubscribe = tables.subscribe((changes) => {
      for (const ch of changes) {
        if (ch.oid !== oid) continue;
        const b = new ChunkBuilder();
        for (const r of ch.deleted) this.send(b.push(Op.Delete, r));
        for (const r of ch.inserted) this.send(b.push(Op.Insert, r));
        this.send(b.take());
      }
    });
    const b = new ChunkBuilder();
    for (const r of tables.tableRows(oid)) this.send(b.push(Op.Insert, r), true);
    this.send(b.take(), true);
    this.port.postMessage({ startDone: true } satisfies FeedMessage);
  }

  private send(c: Chunk | null, start = false): void {
    if (!c) return;
    this.rowsSent += c.rows.length;
    this.port.postMessage((start ? { rows: packChunk(c), start } : { rows: packChunk(c) }) satisfies FeedMessage);
  }

  barrier(barrier: Barrier): void { this.port.postMessage({ barrier } satisfies FeedMessage); }

  /** Rows posted and not yet taken by the task. */
  get inFlight(): number { return this.rowsSent - this.rowsTaken; }
  private get lagging(): boolean { return this.inFlight > this.maxInFlight; }

  private release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  close(): void {
    this.unsubscribe();
    this.unthrottle();
    this.release(); // a stopped job holds no one back
    this.port.close();
  }
}

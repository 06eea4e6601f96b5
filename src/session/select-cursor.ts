// A running SELECT (simple Query, or Execute of a SELECT portal): the wire layer pulls its rows
// batch by batch and sends them as it goes. Pulling is synchronous; a point lookup is pulled,
// finished and answered without a single promise, and only a long query pauses between time
// slices. The statement counts as running (pg_stat_activity's query) from the first pull to the
// end of its rows.

import type { OutputColumn } from '../plan/logical.js';
import { type Batch, PlanStream } from '../executor/stream-plan.js';
import type { Transaction } from './transaction.js';

/** What a cursor needs from its session. */
export interface CursorOwner {
  currentQuery: string;
  readonly txn: Transaction | null;
  /** Commit the session's transaction: a promise only when it has writes to make durable. */
  commitTxnSync(): Promise<void> | undefined;
}

export class SelectCursor {
  private state: 'new' | 'running' | 'done' = 'new';

  constructor(
    private readonly owner: CursorOwner,
    readonly columns: OutputColumn[],
    private readonly stream: PlanStream,
    private readonly sql: string,
    /** The transaction the statement runs in (null: it reads committed rows and has none). */
    private readonly txn: Transaction | null,
    /** Autocommit mode: the statement's transaction ends with its rows. */
    private readonly autocommit: boolean,
  ) {}

  /** The next batch of rows, PAUSED (await resume(), then pull again), or null after the last batch. */
  next(): Batch {
    if (this.state === 'new') { this.state = 'running'; this.owner.currentQuery = this.sql; }
    try {
      return this.stream.next();
    } catch (e) {
      this.stop();
      throw e;
    }
  }

  async resume(): Promise<void> {
    try {
      await this.stream.resume();
    } catch (e) {
      this.stop();
      throw e;
    }
  }

  /**
   * After next() returned null: in autocommit mode the statement's transaction ends (a suspended
   * portal may finish after other statements ran, so only its own). A promise only when there is
   * something to write.
   */
  finish(): Promise<void> | undefined {
    this.stop();
    if (this.autocommit && this.owner.txn === this.txn) return this.owner.commitTxnSync();
    return undefined;
  }

  /** Stop early (portal closed, connection gone): nothing is committed. */
  stop(): void {
    if (this.state === 'running') this.owner.currentQuery = '';
    this.state = 'done';
  }
}

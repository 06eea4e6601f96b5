// Everything a running batch query needs besides its plan.

import type { EvalContext } from '../plan/expr.js';
import type { Datum, Row } from '../types/value.js';
import type { TableOverlay } from '../storage/table-store.js';

export interface TableAccess {
  /** The rows of a table as this transaction sees them. */
  table(oid: number): TableOverlay;
}

export interface SystemTables {
  rows(name: string): Row[];
}

export class ExecContext {
  /** Rows of the enclosing queries, innermost last, for correlated subqueries. */
  readonly outer: Row[] = [];
  readonly cteResults = new Map<number, Row[]>();
  /** Results of uncorrelated subqueries, computed once per statement. */
  readonly subqueryCache = new Map<object, Row[]>();
  private ops = 0;
  private sliceStart = Date.now();
  /** Absolute deadline (ms since epoch) from statement_timeout, or 0 for none. */
  deadline = 0;

  constructor(
    readonly params: readonly Datum[],
    readonly evalCtx: EvalContext,
    readonly tables: TableAccess,
    readonly system: SystemTables,
    private readonly isCancelled: () => boolean,
  ) {}

  /**
   * Called once per row from executor loops. Every 1024 calls it checks for cancellation and the
   * statement deadline, and returns true when the query has run for a whole time slice, so that a
   * generator-based loop can yield and let the server read other sockets (CancelRequest among them).
   */
  tick(): boolean {
    if ((++this.ops & 1023) !== 0) return false;
    this.checkCancel();
    const now = Date.now();
    if (now - this.sliceStart >= 20) { this.sliceStart = now; return true; }
    return false;
  }
  checkCancel(): void {
    if (this.isCancelled()) throw cancelled();
    if (this.deadline && Date.now() > this.deadline) throw new SqlError(SqlState.QueryCanceled, 'canceling statement due to statement timeout');
  }
  /** Start a fresh time slice (after the driver has yielded to the event loop). */
  resumed(): void { this.sliceStart = Date.now(); }
}

import { SqlError, SqlState } from '../errors.js';
function cancelled(): SqlError { return new SqlError(SqlState.QueryCanceled, 'canceling statement due to user request'); }

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

  constructor(
    readonly params: readonly Datum[],
    readonly evalCtx: EvalContext,
    readonly tables: TableAccess,
    readonly system: SystemTables,
    private readonly isCancelled: () => boolean,
  ) {}

  /** Called from loops; throws when the query has been cancelled. Cheap: checks every 4096 calls. */
  tick(): void {
    if ((++this.ops & 4095) === 0 && this.isCancelled()) throw cancelled();
  }
  checkCancel(): void { if (this.isCancelled()) throw cancelled(); }
}

import { SqlError, SqlState } from '../errors.js';
function cancelled(): SqlError { return new SqlError(SqlState.QueryCanceled, 'canceling statement due to user request'); }

// A correlated subquery in a grouped query's select list, HAVING or ORDER BY runs once per group,
// so its references to the grouped query's columns must point at the aggregate's output (the
// grouping keys) instead of the input row. A reference to a column that is not a grouping key
// is the error PostgreSQL raises ("subquery uses ungrouped column … from outer query").

import { SqlError, SqlState } from '../../errors.js';
import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { walkPlanExprs } from './plan-walk.js';

const done = new WeakSet<LogicalPlan>();

/**
 * Re-point, in place, the outer references of `plan` (a subquery directly inside the grouped
 * query) from input columns to grouping-key positions. `keyOf` maps an input column position to
 * its grouping-key position, or undefined when the column is not grouped.
 */
export function regroupOuterRefs(plan: LogicalPlan, keyOf: (inputIndex: number) => number | undefined, nameOf: (inputIndex: number) => string): void {
  if (done.has(plan)) return; // the same subquery can be reached from a target and from ORDER BY
  done.add(plan);
  walkPlanExprs(plan, (e: Expr, depth: number) => {
    if (e.kind !== 'outer' || e.depth !== depth + 1) return;
    const k = keyOf(e.index);
    if (k === undefined) throw new SqlError(SqlState.GroupingError, `subquery uses ungrouped column "${nameOf(e.index)}" from outer query`);
    (e as { index: number }).index = k;
  });
}

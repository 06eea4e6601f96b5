// Turns IN / EXISTS / NOT EXISTS subqueries in a streaming WHERE clause into semi and anti
// joins: `x IN (SELECT c …)` joins on x = c; `EXISTS (SELECT … WHERE inner.c = outer.x …)` joins on
// the correlated equalities, which are removed from the subquery.

import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { splitConjuncts } from '../../plan/conjuncts.js';
import { asSubqueryJoin } from '../../optimizer/rules/decorrelate-predicate-subquery.js';

export interface SemiJoinSpec {
  readonly anti: boolean;
  /** The subquery with the correlation removed; its columns are the right side. */
  readonly right: LogicalPlan;
  readonly leftKeys: Expr[];
  readonly rightKeys: Expr[];
}

/** Recognise one conjunct as a semi/anti join on equalities only, or return null. The analysis
 * is the optimizer's decorrelate_predicate_subquery rule (which normally has rewritten these
 * conjuncts into joins before the stream planner sees them). */
export function asSemiJoin(conjunct: Expr): SemiJoinSpec | null {
  const sj = asSubqueryJoin(conjunct, 0);
  if (!sj || splitConjuncts(sj.condition).length !== sj.leftKeys.length) return null;
  return { anti: sj.anti, right: sj.right, leftKeys: sj.leftKeys, rightKeys: sj.rightKeys };
}

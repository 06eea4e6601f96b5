// eliminate_limit: `LIMIT ALL` / `LIMIT NULL` without OFFSET (or with OFFSET 0) is no limit at
// all, and `LIMIT 0` returns nothing, so its input need not run.

import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import type { Rule } from '../optimizer.js';

export const eliminateLimit: Rule = {
  name: 'eliminate_limit',
  apply(plan: LogicalPlan): LogicalPlan {
    if (plan.kind !== 'limit') return plan;
    const limit = constValue(plan.limit);
    const offset = constValue(plan.offset);
    if (limit === 0) return { kind: 'values', rows: [], columns: plan.columns };
    if (limit === null && (offset === null || offset === 0)) return plan.input;
    return plan;
  },
};

/** The number a LIMIT/OFFSET expression is (null for none/NULL), or undefined if not a constant. */
function constValue(e: Expr | null): number | null | undefined {
  if (!e) return null;
  if (e.kind !== 'const') return undefined;
  if (e.value === null) return null;
  return typeof e.value === 'number' || typeof e.value === 'bigint' ? Number(e.value) : undefined;
}

// merge_projections: a projection of a projection is one projection (the inner expressions
// substituted into the outer ones), so rows are built once. Only when nothing is computed twice
// that should not be: inner expressions that are volatile or contain subqueries block the merge,
// and a non-trivial inner expression may be used at most once by the outer projection.

import type { LogicalPlan } from '../../plan/logical.js';
import { hasSubquery, isMovable, substituteColumns } from '../plan-util.js';
import { walkExpr } from '../../sql/binder/expr-key.js';
import type { Rule } from '../optimizer.js';

export const mergeProjections: Rule = {
  name: 'merge_projections',
  apply(plan: LogicalPlan): LogicalPlan {
    if (plan.kind !== 'project' || plan.input.kind !== 'project') return plan;
    const inner = plan.input;
    // A subquery in the outer list reads the inner projection's row through outer references.
    if (plan.exprs.some(hasSubquery)) return plan;
    const uses = new Array<number>(inner.exprs.length).fill(0);
    for (const e of plan.exprs) walkExpr(e, (x) => { if (x.kind === 'column') uses[x.index]++; });
    for (let i = 0; i < inner.exprs.length; i++) {
      const e = inner.exprs[i];
      if (!uses[i]) continue;
      if (!isMovable(e)) return plan;
      if (uses[i] > 1 && e.kind !== 'column' && e.kind !== 'const') return plan;
    }
    return { ...plan, input: inner.input, exprs: plan.exprs.map((e) => substituteColumns(e, inner.exprs)) };
  },
};

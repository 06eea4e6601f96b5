// Visit every expression of a logical plan, including those of nested subqueries, with the
// subquery nesting depth (so `outer` references can be told apart from deeper ones).

import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { walkExpr } from './expr-key.js';

export function walkPlanExprs(plan: LogicalPlan, f: (e: Expr, depth: number) => void, depth = 0): void {
  const visit = (e: Expr | null | undefined) => {
    if (!e) return;
    walkExpr(e, (x) => {
      f(x, depth);
      if (x.kind === 'subquery' || x.kind === 'insubquery') walkPlanExprs(x.plan, f, depth + 1);
    });
  };
  switch (plan.kind) {
    case 'scan': case 'systemScan': case 'cteRef': return;
    case 'values': plan.rows.forEach((r) => r.forEach(visit)); return;
    case 'filter': visit(plan.predicate); break;
    case 'project': plan.exprs.forEach(visit); break;
    case 'projectSet': plan.exprs.forEach(visit); plan.srfs.forEach((s) => s.args.forEach(visit)); break;
    case 'aggregate':
      plan.groupBy.forEach(visit);
      plan.aggs.forEach((a) => { a.args.forEach(visit); visit(a.filter); a.orderBy.forEach((o) => visit(o.expr)); });
      break;
    case 'window':
      plan.calls.forEach((c) => { c.args.forEach(visit); c.partitionBy.forEach(visit); c.orderBy.forEach((o) => visit(o.expr)); visit(c.agg?.filter); });
      break;
    case 'join': visit(plan.condition); walkPlanExprs(plan.left, f, depth); walkPlanExprs(plan.right, f, depth); return;
    case 'sort': plan.keys.forEach((k) => visit(k.expr)); break;
    case 'limit': visit(plan.limit); visit(plan.offset); break;
    case 'distinct': plan.on?.forEach(visit); break;
    case 'setop': walkPlanExprs(plan.left, f, depth); walkPlanExprs(plan.right, f, depth); return;
    case 'tableFunction': plan.args.forEach(visit); return;
    case 'hopWindow': visit(plan.time); break;
  }
  if ('input' in plan) walkPlanExprs(plan.input, f, depth);
}

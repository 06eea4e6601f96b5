// Helpers shared by the optimizer rules: which columns an expression reads, whether it may be
// moved to another place in the plan, and renumbering or substituting its column references.

import type { Expr } from '../plan/expr.js';
import type { LogicalPlan } from '../plan/logical.js';
import { mapExpr, walkExpr } from '../sql/binder/expr-key.js';
import { walkPlanExprs } from '../sql/binder/plan-walk.js';

/** Column positions read by `e` (not looking into subquery plans). */
export function columnRefs(e: Expr, into: Set<number> = new Set()): Set<number> {
  walkExpr(e, (x) => { if (x.kind === 'column') into.add(x.index); });
  return into;
}

/** True if `e` contains a subquery: its correlated references point at the row of the node that
 * evaluates it, so neither the expression nor that node's input layout may change. */
export function hasSubquery(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => { if (x.kind === 'subquery' || x.kind === 'insubquery') found = true; });
  return found;
}

/** An expression that gives the same answer wherever it is evaluated over the same row: no
 * subqueries, no volatile calls, no references to an enclosing query. */
export function isMovable(e: Expr): boolean {
  let ok = true;
  walkExpr(e, (x) => {
    if (x.kind === 'subquery' || x.kind === 'insubquery' || x.kind === 'outer' || x.kind === 'aggref' || x.kind === 'windowref') ok = false;
    else if (x.kind === 'call' && x.volatile) ok = false;
  });
  return ok;
}

/** Renumber column references through `map` (old position → new position). */
export function remapColumns(e: Expr, map: (index: number) => number): Expr {
  return mapExpr(e, (x) => (x.kind === 'column' ? { ...x, index: map(x.index) } : undefined));
}

/** Replace each column reference `#i` by `exprs[i]` (moving an expression below a projection). */
export function substituteColumns(e: Expr, exprs: readonly Expr[]): Expr {
  return mapExpr(e, (x) => (x.kind === 'column' ? exprs[x.index] : undefined));
}

/** True if the plan (including its subqueries) refers to a query outside itself. */
export function referencesOuter(plan: LogicalPlan): boolean {
  let found = false;
  walkPlanExprs(plan, (x, depth) => { if (x.kind === 'outer' && x.depth > depth) found = true; });
  return found;
}

/** Every expression a node evaluates over its input row(s). */
export function nodeExprs(plan: LogicalPlan): Expr[] {
  switch (plan.kind) {
    case 'filter': return [plan.predicate];
    case 'project': return plan.exprs;
    case 'projectSet': return [...plan.exprs, ...plan.srfs.flatMap((s) => s.args)];
    case 'aggregate': return [...plan.groupBy, ...plan.aggs.flatMap((a) => [...a.args, ...(a.filter ? [a.filter] : []), ...a.orderBy.map((o) => o.expr)])];
    case 'window': return plan.calls.flatMap((c) => [...c.args, ...c.partitionBy, ...c.orderBy.map((o) => o.expr), ...(c.agg?.filter ? [c.agg.filter] : []), ...(c.agg?.args ?? [])]);
    case 'join': return [...(plan.condition ? [plan.condition] : []), ...(plan.equiKeys ? [...plan.equiKeys.left, ...plan.equiKeys.right] : [])];
    case 'sort': return plan.keys.map((k) => k.expr);
    case 'limit': return [...(plan.limit ? [plan.limit] : []), ...(plan.offset ? [plan.offset] : [])];
    case 'distinct': return plan.on ?? [];
    case 'values': return plan.rows.flat();
    case 'tableFunction': return plan.args;
    case 'hopWindow': return [plan.time];
    default: return [];
  }
}

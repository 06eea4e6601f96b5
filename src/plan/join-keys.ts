// Equi-join keys of a join condition: `l.a = r.b AND …` split into key pairs (each side's key over
// that side's own columns) and the residual predicate checked on each match. The batch hash join
// and the stream hash join both read their keys through `joinKeys`, so a plan annotated by the
// extract_join_condition rule and an unoptimized plan give the same keys.

import type { Expr } from './expr.js';
import type { LogicalPlan } from './logical.js';
import { splitConjuncts } from './conjuncts.js';
import { mapExpr, walkExpr } from '../sql/binder/expr-key.js';

type JoinPlan = Extract<LogicalPlan, { kind: 'join' }>;

export interface EquiKeys {
  /** Key expressions over the left input's columns. */
  readonly left: Expr[];
  /** Key expressions over the right input's columns (indices start at 0). */
  readonly right: Expr[];
  /** Conjuncts that are not key equalities, over the concatenated row. */
  readonly rest: Expr[];
}

/** Which join input an expression reads: 'L', 'R', 'none' (constants), or 'both' (also for
 * subqueries and volatile calls, which must stay where they are). */
export function exprSide(e: Expr, leftWidth: number): 'L' | 'R' | 'both' | 'none' {
  let s: 'L' | 'R' | 'both' | 'none' = 'none';
  walkExpr(e, (x) => {
    if (x.kind === 'column') {
      const t = x.index < leftWidth ? 'L' : 'R';
      s = s === 'none' ? t : s === t ? s : 'both';
    } else if (x.kind === 'subquery' || x.kind === 'insubquery' || x.kind === 'outer' || (x.kind === 'call' && x.volatile)) {
      s = 'both';
    }
  });
  return s;
}

/** Renumber column references by `by` (negative shifts right-side columns to start at 0). */
export function shiftColumns(e: Expr, by: number): Expr {
  return mapExpr(e, (x) => (x.kind === 'column' ? { ...x, index: x.index + by } : undefined));
}

/** Split `l.a = r.b AND …` into key pairs over each side and the residual conjuncts. */
export function extractEquiKeys(cond: Expr | null, leftWidth: number): EquiKeys {
  const out: EquiKeys = { left: [], right: [], rest: [] };
  if (!cond) return out;
  for (const c of splitConjuncts(cond)) {
    if (c.kind === 'call' && c.name === '=' && c.args.length === 2) {
      const [a, b] = c.args;
      const sa = exprSide(a, leftWidth), sb = exprSide(b, leftWidth);
      if (sa === 'L' && sb === 'R') { out.left.push(a); out.right.push(shiftColumns(b, -leftWidth)); continue; }
      if (sa === 'R' && sb === 'L') { out.left.push(b); out.right.push(shiftColumns(a, -leftWidth)); continue; }
    }
    out.rest.push(c);
  }
  return out;
}

/** The keys of a join: taken from the `equiKeys` annotation (then `condition` is the residual)
 * or extracted from the condition of a plan the rule has not seen. */
export function joinKeys(plan: JoinPlan): EquiKeys {
  if (plan.equiKeys) return { left: plan.equiKeys.left, right: plan.equiKeys.right, rest: plan.condition ? splitConjuncts(plan.condition) : [] };
  return extractEquiKeys(plan.condition, plan.left.columns.length);
}

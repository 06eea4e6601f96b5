// Turns IN / EXISTS / NOT EXISTS subqueries in a streaming WHERE clause into semi and anti
// joins: `x IN (SELECT c …)` joins on x = c; `EXISTS (SELECT … WHERE inner.c = outer.x …)` joins on
// the correlated equalities, which are removed from the subquery.

import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { splitConjuncts, joinConjuncts } from '../../plan/conjuncts.js';
import { mapExpr, walkExpr } from '../../sql/binder/expr-key.js';

export interface SemiJoinSpec {
  readonly anti: boolean;
  /** The subquery with the correlation removed; its columns are the right side. */
  readonly right: LogicalPlan;
  readonly leftKeys: Expr[];
  readonly rightKeys: Expr[];
}

/** Recognise one conjunct as a semi/anti join, or return null. */
export function asSemiJoin(conjunct: Expr): SemiJoinSpec | null {
  let anti = false;
  let e = conjunct;
  if (e.kind === 'not') { anti = true; e = e.arg; }
  if (e.kind === 'insubquery' && !anti && !e.all && !e.correlated) {
    // Only `=` ANY (i.e. IN): NOT IN has NULL semantics a semi join cannot express.
    const col: Expr = { kind: 'column', type: e.plan.columns[0].type, index: 0 };
    return isEquality(e) ? { anti: false, right: e.plan, leftKeys: [e.left], rightKeys: [col] } : null;
  }
  if (e.kind === 'subquery' && e.mode === 'exists') return decorrelateExists(e.plan, anti);
  return null;
}

function isEquality(e: Extract<Expr, { kind: 'insubquery' }>): boolean {
  // The binder resolves `=`; the comparison implementation is shared, so test it on a sample.
  try { return e.cmp([1, 1] as never, null as never) === true && e.cmp([1, 2] as never, null as never) === false; } catch { return false; }
}

function decorrelateExists(plan: LogicalPlan, anti: boolean): SemiJoinSpec | null {
  // Look through the projection of `SELECT 1 FROM …`: only row existence matters.
  let p = plan;
  while (p.kind === 'project' || p.kind === 'limit' || p.kind === 'sort') p = p.input;
  if (p.kind !== 'filter') return null;
  const leftKeys: Expr[] = [], rightKeys: Expr[] = [], rest: Expr[] = [];
  for (const c of splitConjuncts(p.predicate)) {
    if (c.kind === 'call' && c.name === '=' && c.args.length === 2) {
      const [a, b] = c.args;
      const oa = outerColumn(a), ob = outerColumn(b);
      if (oa && !hasOuter(b)) { leftKeys.push(oa); rightKeys.push(b); continue; }
      if (ob && !hasOuter(a)) { leftKeys.push(ob); rightKeys.push(a); continue; }
    }
    if (hasOuter(c)) return null; // other correlation forms are not supported
    rest.push(c);
  }
  if (!leftKeys.length) return null;
  const inner = p.input;
  const pred = joinConjuncts(rest);
  const right: LogicalPlan = pred ? { kind: 'filter', input: inner, predicate: pred, columns: inner.columns } : inner;
  return { anti, right, leftKeys, rightKeys };
}

/** `outer.x` one level up, as a column of the enclosing query's row. */
function outerColumn(e: Expr): Expr | null {
  if (e.kind === 'outer' && e.depth === 1) return { kind: 'column', type: e.type, index: e.index };
  if (e.kind === 'cast' && e.arg.kind === 'outer' && e.arg.depth === 1) return mapExpr(e, (x) => (x.kind === 'outer' ? { kind: 'column', type: x.type, index: x.index } : undefined));
  return null;
}

function hasOuter(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => { if (x.kind === 'outer') found = true; });
  return found;
}

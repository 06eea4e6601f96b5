// decorrelate_predicate_subquery: a WHERE conjunct `x IN (SELECT c …)`, `EXISTS (SELECT … WHERE
// inner = outer.x …)` or `NOT EXISTS (…)` becomes a semi (anti) join of the filter's input with the
// subquery, so the subquery runs once instead of once per row, and both engines hash it.
//
// Only rewrites that keep PostgreSQL's meaning: IN only as a top-level conjunct (where NULL and
// false both drop the row); NOT IN never (a NULL on either side makes it NULL, which an anti
// join cannot express); EXISTS only when the correlation is equalities (plus other conjuncts in
// the subquery's WHERE) and nothing else in the subquery refers to the outer query.

import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { T } from '../../types/datatype.js';
import { joinConjuncts, splitConjuncts } from '../../plan/conjuncts.js';
import { mapExpr, walkExpr } from '../../sql/binder/expr-key.js';
import { isMovable, referencesOuter } from '../plan-util.js';
import type { Rule } from '../optimizer.js';

/** A subquery conjunct as a join of the outer row (width `leftWidth`) with the subquery's rows. */
export interface SubqueryJoin {
  readonly anti: boolean;
  /** The subquery with the correlation removed; its columns follow the outer row's. */
  readonly right: LogicalPlan;
  /** Key pairs: over the outer row, and over the subquery's own row. */
  readonly leftKeys: Expr[];
  readonly rightKeys: Expr[];
  /** The whole join condition over [outer row, subquery row]. */
  readonly condition: Expr;
}

export const decorrelatePredicateSubquery: Rule = {
  name: 'decorrelate_predicate_subquery',
  apply(plan: LogicalPlan): LogicalPlan {
    if (plan.kind !== 'filter') return plan;
    let input = plan.input;
    const rest: Expr[] = [];
    let changed = false;
    for (const c of splitConjuncts(plan.predicate)) {
      const sj = asSubqueryJoin(c, input.columns.length);
      if (!sj) { rest.push(c); continue; }
      input = { kind: 'join', joinType: sj.anti ? 'anti' : 'semi', left: input, right: sj.right, condition: sj.condition, columns: input.columns };
      changed = true;
    }
    if (!changed) return plan;
    const predicate = joinConjuncts(rest);
    return predicate ? { ...plan, input, predicate } : input;
  },
};

/** Recognise one WHERE conjunct over a row of width `leftWidth` as a semi/anti join, or null. */
export function asSubqueryJoin(conjunct: Expr, leftWidth: number): SubqueryJoin | null {
  let anti = false;
  let e = conjunct;
  if (e.kind === 'not') { anti = true; e = e.arg; }
  if (e.kind === 'insubquery') {
    if (anti || e.all || e.correlated || e.op !== '=' || !isMovable(e.left) || referencesOuter(e.plan)) return null;
    const type = e.plan.columns[0].type;
    const condition: Expr = { kind: 'call', type: T.bool, name: '=', args: [e.left, { kind: 'column', type, index: leftWidth }], impl: e.cmp, strict: true };
    return { anti: false, right: e.plan, leftKeys: [e.left], rightKeys: [{ kind: 'column', type, index: 0 }], condition };
  }
  if (e.kind === 'subquery' && e.mode === 'exists') return decorrelateExists(e.plan, anti, leftWidth);
  return null;
}

function decorrelateExists(plan: LogicalPlan, anti: boolean, leftWidth: number): SubqueryJoin | null {
  // Only row existence matters: look through the select list, ordering and DISTINCT, and
  // through a LIMIT that keeps at least the first row.
  let p = plan;
  for (;;) {
    if (p.kind === 'project' || p.kind === 'sort' || (p.kind === 'distinct' && !p.on)) p = p.input;
    else if (p.kind === 'limit' && keepsFirstRow(p)) p = p.input;
    else break;
  }
  if (p.kind !== 'filter') return null;
  const inner = p.input;
  if (referencesOuter(inner)) return null;
  const leftKeys: Expr[] = [], rightKeys: Expr[] = [], correlated: Expr[] = [], local: Expr[] = [];
  for (const c of splitConjuncts(p.predicate)) {
    if (!hasOuter(c)) { local.push(c); continue; }
    if (!isCorrelationSafe(c)) return null;
    correlated.push(c);
    if (c.kind === 'call' && c.name === '=' && c.args.length === 2) {
      const [a, b] = c.args;
      if (onlyOuter(a) && !hasOuter(b)) { leftKeys.push(outerToColumn(a)); rightKeys.push(b); }
      else if (onlyOuter(b) && !hasOuter(a)) { leftKeys.push(outerToColumn(b)); rightKeys.push(a); }
    }
  }
  if (!leftKeys.length) return null;
  const pred = joinConjuncts(local);
  const right: LogicalPlan = pred ? { kind: 'filter', input: inner, predicate: pred, columns: inner.columns } : inner;
  if (referencesOuter(right)) return null; // e.g. a nested subquery in WHERE that reads the outer row
  // Subquery columns move after the outer row; outer references become the outer row's columns.
  const condition = joinConjuncts(correlated.map((c) => outerToColumn(mapExpr(c, (x) => (x.kind === 'column' ? { ...x, index: x.index + leftWidth } : undefined)))))!;
  return { anti, right, leftKeys, rightKeys, condition };
}

function keepsFirstRow(p: Extract<LogicalPlan, { kind: 'limit' }>): boolean {
  const zeroOffset = !p.offset || (p.offset.kind === 'const' && (p.offset.value === 0 || p.offset.value === 0n));
  const limitOk = !p.limit || (p.limit.kind === 'const' && p.limit.value !== null && Number(p.limit.value as number | bigint) >= 1);
  return zeroOffset && limitOk;
}

function hasOuter(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => { if (x.kind === 'outer') found = true; });
  return found;
}

/** Only references to the immediately enclosing query, no subqueries, nothing volatile. */
function isCorrelationSafe(e: Expr): boolean {
  let ok = true;
  walkExpr(e, (x) => {
    if (x.kind === 'outer' && x.depth !== 1) ok = false;
    if (x.kind === 'subquery' || x.kind === 'insubquery' || (x.kind === 'call' && x.volatile)) ok = false;
  });
  return ok;
}

/** Reads the outer row and nothing of the subquery's own row. */
function onlyOuter(e: Expr): boolean {
  let inner = false;
  walkExpr(e, (x) => { if (x.kind === 'column') inner = true; });
  return !inner && hasOuter(e);
}

function outerToColumn(e: Expr): Expr {
  return mapExpr(e, (x) => (x.kind === 'outer' ? { kind: 'column', type: x.type, index: x.index } : undefined));
}

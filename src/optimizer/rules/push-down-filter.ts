// push_down_filter: move WHERE conjuncts as close to the scans as meaning allows — through
// projections (substituting the projected expressions), sorts, grouping keys, HOP windows and into join
// inputs — and move ON conjuncts that read one side into that side. A cross join with an
// equality in WHERE becomes an inner join, so both engines can hash it.
//
// Outer joins: a WHERE conjunct goes only into the preserved side (the NULL-padded side would see
// rows the join creates); an ON conjunct goes only into the non-preserved side (on the preserved
// side it decides matches, not rows). A WHERE conjunct that rejects the NULL-padded row (a strict
// comparison of a padded column, IS NOT NULL) first turns the outer join into a narrower one.

import type { Expr } from '../../plan/expr.js';
import type { JoinType, LogicalPlan } from '../../plan/logical.js';
import { joinConjuncts, splitConjuncts } from '../../plan/conjuncts.js';
import { exprSide, shiftColumns } from '../../plan/join-keys.js';
import { columnRefs, isMovable, substituteColumns } from '../plan-util.js';
import type { Rule } from '../optimizer.js';

type JoinPlan = Extract<LogicalPlan, { kind: 'join' }>;

export const pushDownFilter: Rule = {
  name: 'push_down_filter',
  apply(plan: LogicalPlan): LogicalPlan {
    if (plan.kind === 'filter') return pushThrough(plan.input, splitConjuncts(plan.predicate)) ?? plan;
    if (plan.kind === 'join') return pushJoinCondition(plan) ?? plan;
    return plan;
  },
};

/** `Filter(conjuncts, input)`, pushed down as far as it goes. */
function filterOver(input: LogicalPlan, conjuncts: Expr[]): LogicalPlan {
  if (!conjuncts.length) return input;
  return pushThrough(input, conjuncts) ?? wrap(input, conjuncts);
}

function wrap(input: LogicalPlan, conjuncts: Expr[]): LogicalPlan {
  if (!conjuncts.length) return input;
  return { kind: 'filter', input, predicate: joinConjuncts(conjuncts)!, columns: input.columns };
}

/** A plan equal to `Filter(conjuncts, input)` with some conjuncts moved below `input`, or null if
 * none can move. */
function pushThrough(input: LogicalPlan, conjuncts: Expr[]): LogicalPlan | null {
  switch (input.kind) {
    case 'filter':
      // Two filters in a row are one filter; the combined one keeps pushing.
      return filterOver(input.input, [...splitConjuncts(input.predicate), ...conjuncts]);
    case 'sort': {
      const { move, keep } = partition(conjuncts, isMovable);
      if (!move.length) return null;
      return wrap({ ...input, input: filterOver(input.input, move) }, keep);
    }
    case 'project': {
      const { move, keep } = partition(conjuncts, (c) => isMovable(c) && [...columnRefs(c)].every((i) => isMovable(input.exprs[i])));
      if (!move.length) return null;
      const below = move.map((c) => substituteColumns(c, input.exprs));
      return wrap({ ...input, input: filterOver(input.input, below) }, keep);
    }
    case 'aggregate': {
      // Only conjuncts over grouping keys: they select whole groups.
      if (input.groupingSets || !input.groupBy.length) return null;
      const n = input.groupBy.length;
      const { move, keep } = partition(conjuncts, (c) => isMovable(c) && [...columnRefs(c)].every((i) => i < n && isMovable(input.groupBy[i])));
      if (!move.length) return null;
      const below = move.map((c) => substituteColumns(c, input.groupBy));
      return wrap({ ...input, input: filterOver(input.input, below) }, keep);
    }
    case 'join': return pushIntoJoin(input, conjuncts);
    case 'hopWindow': {
      // Conjuncts over the input's own columns (they come first) select rows before they are copied per window.
      const n = input.input.columns.length;
      const { move, keep } = partition(conjuncts, (c) => isMovable(c) && [...columnRefs(c)].every((i) => i < n));
      if (!move.length) return null;
      return wrap({ ...input, input: filterOver(input.input, move) }, keep);
    }
    default: return null;
  }
}

function pushIntoJoin(join: JoinPlan, conjuncts: Expr[]): LogicalPlan | null {
  const lw = join.left.columns.length;
  let jt = narrowOuterJoin(join.joinType, conjuncts, lw, join.columns.length);
  const left: Expr[] = [], right: Expr[] = [], cond: Expr[] = [], keep: Expr[] = [];
  for (const c of conjuncts) {
    const side = isMovable(c) ? exprSide(c, lw) : 'both';
    if (side === 'L' && (jt === 'inner' || jt === 'cross' || jt === 'left' || jt === 'semi' || jt === 'anti')) left.push(c);
    else if (side === 'R' && (jt === 'inner' || jt === 'cross' || jt === 'right')) right.push(shiftColumns(c, -lw));
    else if (side === 'both' && (jt === 'inner' || jt === 'cross') && isMovable(c)) cond.push(c);
    else keep.push(c);
  }
  if (!left.length && !right.length && !cond.length && jt === join.joinType) return null;
  if (jt === 'cross' && cond.length) jt = 'inner';
  const condition = joinConjuncts([...(join.condition ? splitConjuncts(join.condition) : []), ...cond]);
  const next: JoinPlan = { ...join, joinType: jt, condition, left: filterOver(join.left, left), right: filterOver(join.right, right) };
  return wrap(pushJoinCondition(next) ?? next, keep);
}

/** ON conjuncts that read only the side whose rows they filter move into that side. */
function pushJoinCondition(join: JoinPlan): JoinPlan | null {
  if (!join.condition) return null;
  const jt = join.joinType;
  const lw = join.left.columns.length;
  const intoLeft = jt === 'inner' || jt === 'right' || jt === 'semi';
  const intoRight = jt === 'inner' || jt === 'left' || jt === 'semi' || jt === 'anti';
  const left: Expr[] = [], right: Expr[] = [], keep: Expr[] = [];
  for (const c of splitConjuncts(join.condition)) {
    const side = isMovable(c) ? exprSide(c, lw) : 'both';
    if (side === 'L' && intoLeft) left.push(c);
    else if (side === 'R' && intoRight) right.push(shiftColumns(c, -lw));
    else keep.push(c);
  }
  if (!left.length && !right.length) return null;
  return { ...join, condition: joinConjuncts(keep), left: filterOver(join.left, left), right: filterOver(join.right, right) };
}

/** An outer join under a WHERE that rejects its NULL-padded rows is a narrower join. */
function narrowOuterJoin(jt: JoinType, conjuncts: Expr[], lw: number, width: number): JoinType {
  if (jt !== 'left' && jt !== 'right' && jt !== 'full') return jt;
  const rejectsRightNulls = conjuncts.some((c) => rejectsNulls(c, lw, width));
  const rejectsLeftNulls = conjuncts.some((c) => rejectsNulls(c, 0, lw));
  if (jt === 'left') return rejectsRightNulls ? 'inner' : jt;
  if (jt === 'right') return rejectsLeftNulls ? 'inner' : jt;
  if (rejectsLeftNulls && rejectsRightNulls) return 'inner';
  if (rejectsLeftNulls) return 'left'; // rows padded on the left are gone: only left rows stay preserved
  if (rejectsRightNulls) return 'right';
  return jt;
}

/** True if `c` is never TRUE when every column in [from, to) is NULL. Conservative: a strict
 * call or IS NOT NULL directly over such a column, or an AND containing one. */
function rejectsNulls(c: Expr, from: number, to: number): boolean {
  if (!isMovable(c)) return false;
  const padded = (e: Expr): boolean => {
    while (e.kind === 'cast') e = e.arg;
    return e.kind === 'column' && e.index >= from && e.index < to;
  };
  switch (c.kind) {
    case 'call': return c.strict && c.args.some(padded);
    case 'isnull': return c.negate && padded(c.arg);
    case 'and': return c.args.some((a) => rejectsNulls(a, from, to));
    default: return false;
  }
}

function partition(xs: Expr[], f: (x: Expr) => boolean): { move: Expr[]; keep: Expr[] } {
  const move: Expr[] = [], keep: Expr[] = [];
  for (const x of xs) (f(x) ? move : keep).push(x);
  return { move, keep };
}

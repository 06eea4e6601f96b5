// prune_projection: drop columns no one reads. Walks the plan from the root with the set of
// output columns its parent needs: projections drop unused expressions, aggregates drop unused
// aggregate calls, and each join input is narrowed to the columns read above the join or by its
// condition (with a projection over inputs that cannot narrow themselves, such as scans), so join
// rows — and the stream join's per-key state — carry only what is used.
//
// HOP windows are narrowed like join inputs: each input row is copied once per window.
//
// A node whose expressions contain a subquery keeps its input's layout intact: the subquery
// reads that row through outer references by position.

import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { columnRefs, hasSubquery, nodeExprs, remapColumns } from '../plan-util.js';
import type { Rule } from '../optimizer.js';

export const pruneProjection: Rule = {
  name: 'prune_projection',
  wholePlan: true,
  apply(plan: LogicalPlan): LogicalPlan {
    return prune(plan, allOf(plan)).plan;
  },
};

/** A pruned plan and where each old output column went (-1: dropped); null map = unchanged layout. */
interface Pruned { readonly plan: LogicalPlan; readonly map: Int32Array | null }

const allOf = (p: LogicalPlan): Set<number> => new Set(p.columns.map((_, i) => i));

function unchanged(plan: LogicalPlan): Pruned { return { plan, map: null }; }

function remap(e: Expr, map: Int32Array | null): Expr { return map ? remapColumns(e, (i) => map[i]) : e; }

/** Rebuild `plan` so that it outputs at least the columns in `need`. */
function prune(plan: LogicalPlan, need: Set<number>): Pruned {
  // Subqueries read the input row by position: keep everything below such a node as it is.
  if (nodeExprs(plan).some(hasSubquery)) return unchanged(plan);
  switch (plan.kind) {
    case 'project': {
      const keep = plan.exprs.map((_, i) => i).filter((i) => need.has(i));
      const childNeed = new Set<number>();
      for (const i of keep) columnRefs(plan.exprs[i], childNeed);
      const child = prune(plan.input, childNeed);
      if (keep.length === plan.exprs.length && child.plan === plan.input) return unchanged(plan);
      const map = new Int32Array(plan.exprs.length).fill(-1);
      keep.forEach((old, i) => { map[old] = i; });
      return {
        plan: { ...plan, input: child.plan, exprs: keep.map((i) => remap(plan.exprs[i], child.map)), columns: keep.map((i) => plan.columns[i]) },
        map: keep.length === plan.exprs.length ? null : map,
      };
    }
    case 'filter': case 'sort': case 'limit': {
      const childNeed = new Set(need);
      for (const e of nodeExprs(plan)) columnRefs(e, childNeed);
      const child = prune(plan.input, childNeed);
      if (child.plan === plan.input) return unchanged(plan);
      const m = child.map;
      const columns = child.plan.columns;
      if (plan.kind === 'filter') return { plan: { ...plan, input: child.plan, predicate: remap(plan.predicate, m), columns }, map: m };
      if (plan.kind === 'sort') return { plan: { ...plan, input: child.plan, keys: plan.keys.map((k) => ({ ...k, expr: remap(k.expr, m) })), columns }, map: m };
      return { plan: { ...plan, input: child.plan, columns }, map: m };
    }
    case 'aggregate': {
      if (plan.groupingSets) return pruneInputOnly(plan);
      const nG = plan.groupBy.length;
      const keepAggs = plan.aggs.map((_, j) => j).filter((j) => need.has(nG + j));
      const childNeed = new Set<number>();
      for (const g of plan.groupBy) columnRefs(g, childNeed);
      for (const j of keepAggs) for (const e of aggExprs(plan.aggs[j])) columnRefs(e, childNeed);
      const child = prune(plan.input, childNeed);
      if (keepAggs.length === plan.aggs.length && child.plan === plan.input) return unchanged(plan);
      const m = child.map;
      const aggs = keepAggs.map((j) => {
        const a = plan.aggs[j];
        return { ...a, args: a.args.map((e) => remap(e, m)), filter: a.filter ? remap(a.filter, m) : null, orderBy: a.orderBy.map((o) => ({ ...o, expr: remap(o.expr, m) })) };
      });
      const map = new Int32Array(nG + plan.aggs.length).fill(-1);
      for (let i = 0; i < nG; i++) map[i] = i;
      keepAggs.forEach((j, i) => { map[nG + j] = nG + i; });
      return {
        plan: { ...plan, input: child.plan, groupBy: plan.groupBy.map((g) => remap(g, m)), aggs, columns: [...plan.columns.slice(0, nG), ...keepAggs.map((j) => plan.columns[nG + j])] },
        map: keepAggs.length === plan.aggs.length ? null : map,
      };
    }
    case 'join': return pruneJoin(plan, need);
    case 'hopWindow': {
      // Each row is copied once per window: narrow the input to the columns read above and the time.
      const n = plan.input.columns.length;
      const childNeed = new Set<number>();
      for (const i of need) if (i < n) childNeed.add(i);
      columnRefs(plan.time, childNeed);
      const child = narrow(plan.input, childNeed);
      if (child.plan === plan.input) return unchanged(plan);
      const w = child.plan.columns.length;
      const columns = [...child.plan.columns, plan.columns[n], plan.columns[n + 1]];
      const next: LogicalPlan = { ...plan, input: child.plan, time: remap(plan.time, child.map), columns };
      if (!child.map) return { plan: next, map: null };
      const map = new Int32Array(n + 2);
      for (let i = 0; i < n; i++) map[i] = child.map[i];
      map[n] = w;
      map[n + 1] = w + 1;
      return { plan: next, map };
    }
    default:
      // Everything else needs all of its input's columns (DISTINCT, set operations, windows …).
      return pruneInputOnly(plan);
  }
}

function aggExprs(a: Extract<LogicalPlan, { kind: 'aggregate' }>['aggs'][number]): Expr[] {
  return [...a.args, ...(a.filter ? [a.filter] : []), ...a.orderBy.map((o) => o.expr)];
}

/** Keep this node's layout and ask its inputs for all their columns (they may still prune inside). */
function pruneInputOnly(plan: LogicalPlan): Pruned {
  if (plan.kind === 'join' || plan.kind === 'setop') {
    const l = prune(plan.left, allOf(plan.left)).plan, r = prune(plan.right, allOf(plan.right)).plan;
    return unchanged(l === plan.left && r === plan.right ? plan : { ...plan, left: l, right: r });
  }
  if ('input' in plan) {
    const i = prune(plan.input, allOf(plan.input)).plan;
    return unchanged(i === plan.input ? plan : ({ ...plan, input: i } as LogicalPlan));
  }
  return unchanged(plan);
}

type JoinPlan = Extract<LogicalPlan, { kind: 'join' }>;

function pruneJoin(plan: JoinPlan, need: Set<number>): Pruned {
  const lw = plan.left.columns.length;
  const semi = plan.joinType === 'semi' || plan.joinType === 'anti';
  const leftNeed = new Set<number>(), rightNeed = new Set<number>();
  for (const i of need) if (i < lw) leftNeed.add(i); else if (!semi) rightNeed.add(i - lw);
  const condCols = plan.condition ? columnRefs(plan.condition) : new Set<number>();
  for (const i of condCols) if (i < lw) leftNeed.add(i); else rightNeed.add(i - lw);
  if (plan.equiKeys) {
    for (const e of plan.equiKeys.left) columnRefs(e, leftNeed);
    for (const e of plan.equiKeys.right) columnRefs(e, rightNeed);
  }
  const l = narrow(plan.left, leftNeed), r = narrow(plan.right, rightNeed);
  if (l.plan === plan.left && r.plan === plan.right) return unchanged(plan);
  const newLw = l.plan.columns.length;
  const outWidth = semi ? lw : plan.columns.length;
  const map = new Int32Array(outWidth);
  for (let i = 0; i < outWidth; i++) map[i] = i < lw ? (l.map ? l.map[i] : i) : r.map ? (r.map[i - lw] < 0 ? -1 : newLw + r.map[i - lw]) : newLw + (i - lw);
  // The condition reads both sides; its map covers the concatenated row even for semi joins.
  const condMap = new Int32Array(lw + plan.right.columns.length);
  for (let i = 0; i < condMap.length; i++) condMap[i] = i < lw ? (l.map ? l.map[i] : i) : r.map ? (r.map[i - lw] < 0 ? -1 : newLw + r.map[i - lw]) : newLw + (i - lw);
  const condition = plan.condition ? remapColumns(plan.condition, (i) => condMap[i]) : null;
  const equiKeys = plan.equiKeys ? { left: plan.equiKeys.left.map((e) => remap(e, l.map)), right: plan.equiKeys.right.map((e) => remap(e, r.map)) } : undefined;
  const columns = semi ? l.plan.columns : [...l.plan.columns, ...r.plan.columns];
  const next: JoinPlan = { ...plan, left: l.plan, right: r.plan, condition, columns, ...(equiKeys ? { equiKeys } : {}) };
  return { plan: next, map: l.map || r.map ? map : null };
}

/** Prune a join input; if it still outputs columns no one needs, put a projection on top. */
function narrow(input: LogicalPlan, need: Set<number>): Pruned {
  const p = prune(input, need);
  const width = p.plan.columns.length;
  const live: number[] = [];
  for (let i = 0; i < input.columns.length; i++) {
    if (!need.has(i)) continue;
    live.push(p.map ? p.map[i] : i);
  }
  if (live.length === width || live.length === 0) return p; // nothing to drop (keep one-column-free inputs as they are)
  const exprs: Expr[] = live.map((i) => ({ kind: 'column', type: p.plan.columns[i].type, index: i }));
  const project: LogicalPlan = { kind: 'project', input: p.plan, exprs, columns: live.map((i) => p.plan.columns[i]) };
  const map = new Int32Array(input.columns.length).fill(-1);
  let k = 0;
  for (let i = 0; i < input.columns.length; i++) if (need.has(i)) map[i] = k++;
  return { plan: project, map };
}

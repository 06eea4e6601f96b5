// GROUP BY with GROUPING SETS, ROLLUP and CUBE, planned as PostgreSQL defines their result: the
// union of one aggregation per grouping set, where the grouping keys outside the set read NULL.
// Each branch also yields a grouping id (bit i set when key i is not in the set, the first key
// being the most significant bit), from which GROUPING(…) is computed.

import { SqlError, SqlState } from '../../errors.js';
import { T } from '../../types/datatype.js';
import type { Expr } from '../../plan/expr.js';
import type { AggCall, LogicalPlan, OutputColumn } from '../../plan/logical.js';
import type { Node } from '../ast.js';
import { exprKey } from './expr-key.js';

/** The grouping keys and, when GROUP BY uses grouping sets, each set as key positions. */
export interface GroupingSpec { readonly keys: Expr[]; readonly sets: number[][] | null }

/** Name of the call the binder puts where GROUPING(…) appears, until the aggregate is planned. */
export const GROUPING_CALL = 'grouping()';

/** Expand the GROUP BY clause; `bindKey` binds one grouping expression (ordinals, output names). */
export function expandGroupBy(items: Node[], bindKey: (n: Node) => Expr): GroupingSpec {
  const keys: Expr[] = [];
  const keyIds: string[] = [];
  const keyOf = (n: Node): number => {
    const e = bindKey(n);
    const id = exprKey(e);
    let k = keyIds.indexOf(id);
    if (k < 0) { k = keys.length; keys.push(e); keyIds.push(id); }
    return k;
  };
  // A unit of a set: an expression, or a parenthesised list of them.
  const unit = (n: Node): number[] => (n.RowExpr ? ((n.RowExpr.args ?? []) as Node[]).map(keyOf) : [keyOf(n)]);
  // The list of sets one GROUP BY item stands for.
  const setsOf = (n: Node): number[][] => {
    const g = n.GroupingSet;
    if (!g) return [unit(n)];
    const content = (g.content ?? []) as Node[];
    switch (g.kind as string) {
      case 'GROUPING_SET_EMPTY': return [[]];
      case 'GROUPING_SET_SIMPLE': return [content.flatMap(unit)];
      case 'GROUPING_SET_ROLLUP': {
        const units = content.map(unit);
        return units.map((_, i) => units.slice(0, units.length - i).flat()).concat([[]]);
      }
      case 'GROUPING_SET_CUBE': {
        const units = content.map(unit);
        if (units.length > 12) throw new SqlError(SqlState.ProgramLimitExceeded, 'CUBE is limited to 12 elements');
        const out: number[][] = [];
        // PostgreSQL's order: the full set first, then subsets dropping later elements first.
        for (let mask = (1 << units.length) - 1; mask >= 0; mask--) {
          out.push(units.filter((_, i) => mask & (1 << (units.length - 1 - i))).flat());
        }
        return out;
      }
      case 'GROUPING_SET_SETS': return content.flatMap(setsOf);
    }
    throw new SqlError(SqlState.FeatureNotSupported, `unsupported grouping set ${g.kind}`);
  };
  let sets: number[][] = [[]];
  let anySets = false;
  for (const item of items) {
    if (item.GroupingSet) anySets = true;
    const options = setsOf(item);
    sets = sets.flatMap((s) => options.map((o) => [...s, ...o]));
  }
  if (!anySets) return { keys, sets: null };
  return { keys, sets: sets.map((s) => [...new Set(s)]) };
}

/** The grouping id of a set: bit (nKeys − 1 − k) is set for each key k the set leaves out. */
function groupingId(set: number[], nKeys: number): number {
  let id = 0;
  for (let k = 0; k < nKeys; k++) if (!set.includes(k)) id |= 1 << (nKeys - 1 - k);
  return id;
}

/**
 * The plan of a grouping-sets aggregate: output columns are the keys, the aggregates, then the
 * grouping id, as one UNION ALL branch per set.
 */
export function groupingSetsPlan(input: LogicalPlan, spec: GroupingSpec, aggs: AggCall[], columns: OutputColumn[]): LogicalPlan {
  const { keys, sets } = spec;
  const out: OutputColumn[] = [...columns, { name: '?grouping?', type: T.int4 }];
  const branches = sets!.map((set): LogicalPlan => {
    const agg: LogicalPlan = {
      kind: 'aggregate', input, groupBy: set.map((k) => keys[k]), aggs,
      columns: [...set.map((k) => columns[k]), ...columns.slice(keys.length)],
    };
    const exprs: Expr[] = [
      ...keys.map((key, k): Expr => (set.includes(k) ? { kind: 'column', type: key.type, index: set.indexOf(k) } : { kind: 'const', type: key.type, value: null })),
      ...aggs.map((a, i): Expr => ({ kind: 'column', type: a.type, index: set.length + i })),
      { kind: 'const', type: T.int4, value: groupingId(set, keys.length) },
    ];
    return { kind: 'project', input: agg, exprs, columns: out };
  });
  return branches.reduce((left, right) => ({ kind: 'setop', op: 'union', all: true, left, right, columns: out }));
}

/**
 * GROUPING(a, b, …) over the grouping id column: bit j (from the right, for the last argument)
 * is set when that argument is not grouped in the row's set. Without grouping sets it is 0.
 */
export function bindGroupingCall(call: Extract<Expr, { kind: 'call' }>, keys: Expr[], gidColumn: number | null): Expr {
  const ids = keys.map(exprKey);
  const positions = call.args.map((a) => {
    const k = ids.indexOf(exprKey(a));
    if (k < 0) throw new SqlError(SqlState.GroupingError, 'arguments to GROUPING must be grouping expressions of the associated query level');
    return k;
  });
  if (gidColumn === null) return { kind: 'const', type: T.int4, value: 0 };
  const n = keys.length;
  return {
    kind: 'call', type: T.int4, name: 'grouping', strict: true,
    args: [{ kind: 'column', type: T.int4, index: gidColumn }],
    impl: (a) => {
      const gid = a[0] as number;
      let r = 0;
      for (const k of positions) r = (r << 1) | ((gid >> (n - 1 - k)) & 1);
      return r;
    },
  };
}

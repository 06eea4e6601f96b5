// Small builders for hand-written logical plans in the optimizer rules' tests (rules/*.test.ts),
// and the plan printer they compare against (EXPLAIN's indented text).

import type { Expr } from '../plan/expr.js';
import type { LogicalPlan, OutputColumn, JoinType } from '../plan/logical.js';
import { T, type DataType } from '../types/datatype.js';
import { resolveBinaryOp } from '../functions/operators.js';
import { explainPlan } from '../plan/explain.js';

export const col = (index: number, type: DataType = T.int4): Expr => ({ kind: 'column', type, index });
export const lit = (value: number | string | null, type: DataType = typeof value === 'string' ? T.text : T.int4): Expr => ({ kind: 'const', type, value });

export function op(name: string, a: Expr, b: Expr): Expr {
  const r = resolveBinaryOp(name, a.type, b.type);
  return { kind: 'call', type: r.type, name, args: [a, b], impl: r.impl, strict: true };
}

export const isNotNull = (e: Expr): Expr => ({ kind: 'isnull', type: T.bool, arg: e, negate: true });
export const and = (...args: Expr[]): Expr => ({ kind: 'and', type: T.bool, args });
export const or = (...args: Expr[]): Expr => ({ kind: 'or', type: T.bool, args });

export function scan(oid: number, names: string[]): LogicalPlan {
  return { kind: 'scan', tableOid: oid, columns: names.map((name): OutputColumn => ({ name, type: T.int4 })) };
}

export function filter(input: LogicalPlan, predicate: Expr): LogicalPlan {
  return { kind: 'filter', input, predicate, columns: input.columns };
}

export function project(input: LogicalPlan, exprs: Expr[], names?: string[]): LogicalPlan {
  return { kind: 'project', input, exprs, columns: exprs.map((e, i) => ({ name: names?.[i] ?? (e.kind === 'column' ? input.columns[e.index].name : `e${i}`), type: e.type })) };
}

export function join(joinType: JoinType, left: LogicalPlan, right: LogicalPlan, condition: Expr | null = null): LogicalPlan {
  const columns = joinType === 'semi' || joinType === 'anti' ? left.columns : [...left.columns, ...right.columns];
  return { kind: 'join', joinType, left, right, condition, columns };
}

export function countBy(input: LogicalPlan, key: number, sumOf: number[] = []): LogicalPlan {
  return {
    kind: 'aggregate', input, groupBy: [col(key)],
    aggs: [{ kind: 'count_star', args: [], distinct: false, filter: null, orderBy: [], type: T.int8 }, ...sumOf.map((c) => ({ kind: 'sum' as const, args: [col(c)], distinct: false, filter: null, orderBy: [], type: T.int8 }))],
    columns: [input.columns[key], { name: 'count', type: T.int8 }, ...sumOf.map((c) => ({ name: `sum_${input.columns[c].name}`, type: T.int8 }))],
  };
}

/** HOP over `input` on its column `time` (a timestamp), sizes in seconds. */
export function hopWindow(input: LogicalPlan, time: number, slide: number, size: number): LogicalPlan {
  const w = { name: 'window_start', type: T.timestamp }, e = { name: 'window_end', type: T.timestamp };
  return { kind: 'hopWindow', input, time: col(time, T.timestamp), slide: slide * 1e6, size: size * 1e6, offset: 0, columns: [...input.columns, w, e] };
}

/** The plan as EXPLAIN prints it, one node per line. */
export const show = (p: LogicalPlan): string => explainPlan(p).join('\n');

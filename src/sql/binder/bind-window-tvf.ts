// Window table functions in FROM, in RisingWave's syntax (as Flink's, without TABLE/DESCRIPTOR):
//
//   TUMBLE(relation, time_col, size [, offset])
//   HOP(relation, time_col, slide, size [, offset])
//
// libpg-query parses them as a RangeFunction whose first argument is a ColumnRef (the relation's
// name, possibly schema-qualified) or a scalar subquery, which is bound here as a derived table.
// Both yield every column of the relation, then window_start and window_end, of the time
// column's type (timestamp or timestamptz; a date column gives timestamp). Windows are aligned to
// 1970-01-01 00:00 plus the offset (src/functions/time-window.ts); rows whose time is NULL are
// dropped. Sizes are constant intervals without a month part.
//
// TUMBLE is planned as a projection over a NULL filter: window_start = tumble_start(time, size)
// per row. HOP is a `hopWindow` node: each row once per window (size / slide of them).

import { SqlError, SqlState } from '../../errors.js';
import { T, formatType, type DataType } from '../../types/datatype.js';
import type { Datum } from '../../types/value.js';
import { Interval } from '../../types/datetime.js';
import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan, OutputColumn } from '../../plan/logical.js';
import { ExecContext } from '../../executor/context.js';
import { compileExpr } from '../../executor/compile-expr.js';
import { checkWindowSizes, windowStart } from '../../functions/time-window.js';
import { nameList, nodeTag, type Node } from '../ast.js';
import type { Binder } from './binder.js';
import { bindExpr, coerce } from './bind-expr.js';
import { bindQuery, renameColumns } from './bind-select.js';
import { type FromResult, aliasNames, bindRangeVar, scopeOf } from './bind-from.js';
import { walkExpr } from './expr-key.js';
import { Scope } from './scope.js';

export type WindowTvf = 'TUMBLE' | 'HOP';

/** The window table function a FROM function call names, if it is one. */
export function windowTvfKind(funcname: Node[] | undefined): WindowTvf | undefined {
  const names = nameList(funcname);
  if (names.length !== 1) return undefined;
  const n = names[0].toLowerCase();
  return n === 'tumble' ? 'TUMBLE' : n === 'hop' ? 'HOP' : undefined;
}

/** 1-based position of a parse node, given bare ({location}) or wrapped ({ColumnRef: {location}}). */
function pos(n: Node): number | undefined {
  const loc = typeof n?.location === 'number' ? n.location : n?.[nodeTag(n)]?.location;
  return typeof loc === 'number' && loc >= 0 ? loc + 1 : undefined;
}

/** Bind `TUMBLE(…)` / `HOP(…)` in FROM (`v` is the RangeFunction, `fc` its FuncCall). */
export function bindWindowTvf(b: Binder, fn: WindowTvf, v: Node, fc: Node, scope: Scope): FromResult {
  if (v.ordinality) throw new SqlError(SqlState.FeatureNotSupported, `WITH ORDINALITY is not supported for ${fn}`, { position: pos(fc) });
  const args = (fc.args ?? []) as Node[];
  const usage = fn === 'TUMBLE' ? 'TUMBLE(relation, time_column, size [, offset])' : 'HOP(relation, time_column, slide, size [, offset])';
  const [min, max] = fn === 'TUMBLE' ? [3, 4] : [4, 5];
  if (args.length < min || args.length > max) {
    throw new SqlError(SqlState.UndefinedFunction, `${fn} takes ${min} or ${max} arguments, not ${args.length}`, { position: pos(fc), hint: `Use ${usage}.` });
  }
  for (const a of args) {
    if (a.NamedArgExpr) throw new SqlError(SqlState.FeatureNotSupported, `named arguments are not supported for ${fn}`, { position: pos(a.NamedArgExpr), hint: `Use ${usage}.` });
  }
  const a = aliasNames(v.alias);

  // 1. The relation: a name (table, view, materialized view, source, CTE) or (SELECT …).
  const relArg = args[0];
  let input: FromResult;
  let relName: string | null = null;
  if (relArg.ColumnRef) {
    const parts = nameList(relArg.ColumnRef.fields);
    if (parts.length > 2 || parts.includes('*')) throw new SqlError(SqlState.SyntaxError, `the first argument of ${fn} must be a relation name`, { position: pos(relArg.ColumnRef) });
    relName = parts[parts.length - 1];
    input = bindRangeVar(b, { relname: relName, schemaname: parts.length === 2 ? parts[0] : undefined, location: relArg.ColumnRef.location }, scope);
  } else if (relArg.SubLink?.subLinkType === 'EXPR_SUBLINK') {
    // A derived table sees the same outer scopes as the query it sits in.
    const plan = bindQuery(b, relArg.SubLink.subselect, new Scope([], scope.parent));
    input = { plan, columns: scopeOf(plan, null) };
  } else {
    throw new SqlError(SqlState.FeatureNotSupported, `the first argument of ${fn} must be the name of a table, view, materialized view or source, or a parenthesized query`, { position: pos(fc), hint: `Use ${usage}.` });
  }
  const inCols = input.plan.columns;
  for (const name of ['window_start', 'window_end']) {
    if (inCols.some((c) => c.name === name)) {
      throw new SqlError(SqlState.DuplicateColumn, `the input of ${fn} already has a column named "${name}"`, { position: pos(relArg), hint: 'Rename that column in a subquery.' });
    }
  }

  // 2. The time column: a column of that relation, timestamp or timestamptz (date is widened to timestamp).
  const timeArg = args[1];
  const col = bindExpr(b, timeArg, { scope: new Scope(input.columns.map((c) => ({ ...c, hidden: false })), scope.parent), clause: `${fn} arguments` });
  if (col.kind !== 'column') throw new SqlError(SqlState.FeatureNotSupported, `the second argument of ${fn} must be a column of its relation`, { position: pos(timeArg) });
  const tid = col.type.kind === 'scalar' ? col.type.id : null;
  if (tid !== 'timestamp' && tid !== 'timestamptz' && tid !== 'date') {
    throw new SqlError(SqlState.DatatypeMismatch, `the time column of ${fn} must be of type timestamp or timestamp with time zone, but "${inCols[col.index].name}" is ${formatType(col.type)}`, { position: pos(timeArg) });
  }
  const windowType: DataType = tid === 'timestamptz' ? T.timestamptz : T.timestamp;
  const time: Expr = tid === 'date' ? coerce(b, col, T.timestamp) : col;

  // 3. Constant intervals.
  const intervals = args.slice(2).map((x, i) => constInterval(b, fn, x, fn === 'TUMBLE' ? ['size', 'offset'][i] : ['slide', 'size', 'offset'][i]));
  const [size, slide, offset] = fn === 'TUMBLE' ? [intervals[0], null, intervals[1] ?? null] : [intervals[1], intervals[0], intervals[2] ?? null];
  const w = checkWindowSizes(fn, size, slide, offset);

  const columns: OutputColumn[] = [...inCols, { name: 'window_start', type: windowType }, { name: 'window_end', type: windowType }];
  let plan: LogicalPlan;
  if (fn === 'TUMBLE') {
    const notNull: LogicalPlan = { kind: 'filter', input: input.plan, predicate: { kind: 'isnull', type: T.bool, arg: time, negate: true }, columns: inCols };
    const callArgs: Expr[] = [time, { kind: 'const', type: T.interval, value: size }];
    if (offset) callArgs.push({ kind: 'const', type: T.interval, value: offset });
    const start: Expr = { kind: 'call', type: windowType, name: 'tumble_start', args: callArgs, strict: true, impl: (x) => windowStart(x[0] as number, w.size, w.offset) };
    const end: Expr = { kind: 'call', type: windowType, name: 'tumble_end', args: callArgs, strict: true, impl: (x) => windowStart(x[0] as number, w.size, w.offset) + w.size };
    const exprs: Expr[] = [...inCols.map((c, i): Expr => ({ kind: 'column', type: c.type, index: i })), start, end];
    plan = { kind: 'project', input: notNull, exprs, columns };
  } else {
    plan = { kind: 'hopWindow', input: input.plan, time, slide: w.slide, size: w.size, offset: w.offset, columns };
  }
  if (a.cols.length) plan = renameColumns(plan, a.cols);
  // Without an alias the columns are qualified by the relation's name (`bid.auction`), as in RisingWave.
  return { plan, columns: scopeOf(plan, a.name ?? relName ?? fn.toLowerCase()) };
}

/** A constant interval argument, evaluated now. */
function constInterval(b: Binder, fn: WindowTvf, n: Node, what: string): Interval {
  const bound = bindExpr(b, n, { scope: new Scope([], null), clause: `${fn} arguments` });
  const id = bound.type.kind === 'scalar' ? bound.type.id : null;
  if (id !== 'interval' && id !== 'unknown') {
    throw new SqlError(SqlState.DatatypeMismatch, `the window ${what} of ${fn} must be an interval, not ${formatType(bound.type)}`, { position: pos(n), hint: `Write it as INTERVAL '10' SECOND.` });
  }
  const e = coerce(b, bound, T.interval, 'implicit', pos(n));
  walkExpr(e, (x) => {
    if (x.kind === 'param' || x.kind === 'subquery' || x.kind === 'insubquery' || (x.kind === 'call' && x.volatile)) {
      throw new SqlError(SqlState.FeatureNotSupported, `the window ${what} of ${fn} must be a constant interval`, { position: pos(n) });
    }
  });
  const v = evalConst(b, e);
  if (v === null) throw new SqlError(SqlState.InvalidParameterValue, `the window ${what} of ${fn} must not be NULL`, { position: pos(n) });
  return v as Interval;
}

function evalConst(b: Binder, e: Expr): Datum {
  const none = (): never => { throw new SqlError(SqlState.FeatureNotSupported, 'window sizes cannot read tables'); };
  const ctx = new ExecContext([], b.evalContext(), { table: none }, { rows: none }, () => false);
  return compileExpr(e, ctx)([]);
}

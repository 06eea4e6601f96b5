// Expression binding: parse nodes → typed Expr, with implicit coercions, parameter type
// inference, aggregate and window placeholders, and subqueries.

import { SqlError, SqlState } from '../../errors.js';
import { DataType, T, arrayOf, formatType, isString, recordOf, sameType, ScalarType } from '../../types/datatype.js';
import { Datum } from '../../types/value.js';
import { Numeric } from '../../types/numeric.js';
import { parseIntervalWithFields } from '../../types/datetime.js';
import type { Expr, ScalarImpl } from '../../plan/expr.js';
import type { AggCall, AggKind, LogicalPlan, WindowCall, WindowFnKind } from '../../plan/logical.js';
import { castDatum } from '../../functions/cast.js';
import { canCoerce, commonType } from '../../functions/coerce.js';
import { comparisonImpl, isComparison, resolveBinaryOp, resolveUnaryOp } from '../../functions/operators.js';
import { hasFunction, resolveFunction } from '../../functions/index.js';
import { Node, nameList, nodeTag } from '../ast.js';
import type { Binder } from './binder.js';
import type { Scope } from './scope.js';
import { bindTypeName, intervalRange } from './type-name.js';
import { aggregateReturnType, isAggregateName } from './aggregates.js';
import { bindWindowSpec } from './bind-window.js';
import { bindFieldSelection } from './field-select.js';
import { GROUPING_CALL } from './grouping-sets.js';
import { bindRowComparison, bindRowDistinct, bindRowExpr, bindRowInList, bindRowNullTest, bindRowQuantified, isRowNode } from './bind-row.js';

export interface ExprCtx {
  readonly scope: Scope;
  /** Collector for aggregate calls; undefined where aggregates are not allowed. */
  readonly aggs?: AggCall[];
  readonly windows?: WindowCall[];
  /** Clause name for "aggregate functions are not allowed in WHERE". */
  readonly clause: string;
}

const pos = (n: Node): number | undefined => (typeof n?.location === 'number' && n.location >= 0 ? n.location + 1 : undefined);

export function constExpr(value: Datum, type: DataType): Expr { return { kind: 'const', type, value }; }

/** Coerce an expression to a type (implicitly, by assignment, or explicitly). */
export function coerce(b: Binder, e: Expr, to: DataType, context: 'implicit' | 'assignment' | 'explicit' = 'implicit', position?: number): Expr {
  if (to.kind === 'scalar' && (to.id === 'any' || to.id === 'unknown')) return e;
  if (sameType(e.type, to) && (to.kind === 'array' || to.typmod < 0 || (e.type.kind === 'scalar' && e.type.typmod === to.typmod))) return e;
  if (e.kind === 'param' && e.type.kind === 'scalar' && e.type.id === 'unknown') {
    b.setParamType(e.index, to);
    return { ...e, type: to };
  }
  if (!canCoerce(e.type, to, context)) {
    if (context === 'explicit') throw new SqlError(SqlState.CannotCoerce, `cannot cast type ${formatType(e.type)} to ${formatType(to)}`, { position });
    throw new SqlError(SqlState.DatatypeMismatch, `${context === 'assignment' ? 'column' : 'argument'} is of type ${formatType(e.type)} but expression is of type ${formatType(e.type)}`.replace(/^column is of type (.*) but expression is of type (.*)$/, `expression is of type $2 but type ${formatType(to)} was expected`), {
      position, hint: 'You will need to rewrite or cast the expression.',
    });
  }
  // Fold casts of constants now so type errors in literals surface at bind time with a position.
  if (e.kind === 'const') {
    try {
      return constExpr(castDatum(e.value, e.type, to, context === 'explicit', b.textContext()), to);
    } catch (err) {
      if (err instanceof SqlError && err.position === undefined && position !== undefined) err.position = position;
      throw err;
    }
  }
  return { kind: 'cast', type: to, arg: e, explicit: context === 'explicit' };
}

function isUnknownType(t: DataType): boolean { return t.kind === 'scalar' && t.id === 'unknown'; }

export function bindExpr(b: Binder, n: Node, ctx: ExprCtx): Expr {
  const tag = nodeTag(n);
  const v = n[tag];
  switch (tag) {
    case 'A_Const': return bindConst(v);
    case 'ColumnRef': return bindColumnRef(b, v, ctx);
    case 'ParamRef': {
      const idx = (v.number ?? 0) - 1;
      if (idx < 0) throw new SqlError(SqlState.SyntaxError, 'there is no parameter $0', { position: pos(v) });
      return { kind: 'param', type: b.paramType(idx), index: idx };
    }
    case 'TypeCast': {
      const to = bindTypeName(v.typeName);
      // `INTERVAL '10' MINUTE`: the field restriction decides what a bare number means.
      const fields = intervalRange(v.typeName);
      if (fields && to.kind === 'scalar' && v.arg?.A_Const?.sval) {
        return { kind: 'const', type: to, value: parseIntervalWithFields(v.arg.A_Const.sval.sval ?? '', fields.range, fields.precision) };
      }
      const arg = bindExpr(b, v.arg, ctx);
      return coerce(b, arg, to, 'explicit', pos(v));
    }
    case 'A_Expr': return bindAExpr(b, v, ctx);
    case 'BoolExpr': {
      const args = (v.args as Node[]).map((a) => coerceBool(b, bindExpr(b, a, ctx), v.boolop === 'NOT_EXPR' ? 'NOT' : v.boolop === 'AND_EXPR' ? 'AND' : 'OR'));
      if (v.boolop === 'NOT_EXPR') return { kind: 'not', type: T.bool, arg: args[0] };
      return { kind: v.boolop === 'AND_EXPR' ? 'and' : 'or', type: T.bool, args };
    }
    case 'NullTest': {
      const arg = bindExpr(b, v.arg, ctx);
      return bindRowNullTest(arg, v.nulltesttype === 'IS_NOT_NULL') ?? { kind: 'isnull', type: T.bool, arg, negate: v.nulltesttype === 'IS_NOT_NULL' };
    }
    case 'BooleanTest': {
      const arg = coerceBool(b, bindExpr(b, v.arg, ctx), 'IS');
      const bt: string = v.booltesttype;
      const test = bt.includes('TRUE') ? 'true' : bt.includes('FALSE') ? 'false' : 'unknown';
      return { kind: 'istrue', type: T.bool, arg, test, negate: bt.includes('NOT') };
    }
    case 'CaseExpr': return bindCase(b, v, ctx);
    case 'CoalesceExpr': {
      const args = (v.args as Node[]).map((a) => bindExpr(b, a, ctx));
      const t = commonType(args.map((a) => a.type), 'COALESCE');
      return { kind: 'coalesce', type: t, args: args.map((a) => coerce(b, a, t)) };
    }
    case 'MinMaxExpr': {
      const args = (v.args as Node[]).map((a) => bindExpr(b, a, ctx));
      const t = commonType(args.map((a) => a.type), v.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST');
      return { kind: v.op === 'IS_GREATEST' ? 'greatest' : 'least', type: t, args: args.map((a) => coerce(b, a, t)) };
    }
    case 'FuncCall': return bindFuncCall(b, v, ctx);
    case 'SubLink': return bindSubLink(b, v, ctx);
    case 'SQLValueFunction': return bindSqlValueFunction(b, v);
    case 'A_ArrayExpr': {
      const elems = ((v.elements ?? []) as Node[]).map((a) => bindExpr(b, a, ctx));
      const t = commonType(elems.map((e) => e.type), 'ARRAY');
      const et = (t.kind === 'array' ? t.elem : t) as ScalarType;
      return { kind: 'array', type: arrayOf(et), elems: elems.map((e) => coerce(b, e, t)) };
    }
    case 'A_Indirection': return bindIndirection(b, v, ctx);
    case 'CollateClause': return bindExpr(b, v.arg, ctx);
    case 'RowExpr': return bindRowExpr(b, v, ctx);
    case 'GroupingFunc': {
      // A placeholder over the grouping expressions, resolved when the aggregate is planned.
      if (!ctx.aggs) throw new SqlError(SqlState.GroupingError, `grouping operations are not allowed in ${ctx.clause}`, { position: pos(v) });
      const args = ((v.args ?? []) as Node[]).map((a) => bindExpr(b, a, { scope: ctx.scope, clause: 'GROUPING' }));
      const impl = (): Datum => { throw new SqlError(SqlState.GroupingError, 'arguments to GROUPING must be grouping expressions of the associated query level'); };
      return { kind: 'call', type: T.int4, name: GROUPING_CALL, args, impl, strict: false, volatile: true };
    }
    default:
      throw new SqlError(SqlState.FeatureNotSupported, `unsupported expression: ${tag}`, { position: pos(v) });
  }
}

function bindConst(v: Node): Expr {
  if (v.isnull) return constExpr(null, T.unknown);
  if (v.ival !== undefined) return constExpr(v.ival.ival ?? 0, T.int4);
  if (v.fval !== undefined) {
    const s: string = v.fval.fval;
    // Integer literals too big for int4 arrive as fval: they are int8 if they fit, else numeric.
    // A negated one (-2147483648) may fit int4 again, as in PostgreSQL's make_const.
    if (/^-?\d+$/.test(s)) {
      const big = BigInt(s);
      if (big >= -(2n ** 31n) && big < 2n ** 31n) return constExpr(Number(big), T.int4);
      if (big >= -(2n ** 63n) && big < 2n ** 63n) return constExpr(big, T.int8);
    }
    return constExpr(Numeric.parse(s), T.numeric);
  }
  if (v.sval !== undefined) return constExpr(v.sval.sval ?? '', T.unknown);
  if (v.boolval !== undefined) return constExpr(v.boolval.boolval === true, T.bool);
  if (v.bsval !== undefined) return constExpr(v.bsval.bsval, T.text);
  return constExpr(null, T.unknown);
}

export function coerceBool(b: Binder, e: Expr, what: string): Expr {
  if (e.type.kind === 'scalar' && e.type.id === 'bool') return e;
  if (isUnknownType(e.type)) return coerce(b, e, T.bool);
  throw new SqlError(SqlState.DatatypeMismatch, `argument of ${what} must be type boolean, not type ${formatType(e.type)}`);
}

function bindColumnRef(b: Binder, v: Node, ctx: ExprCtx): Expr {
  const fields = nameList(v.fields);
  if (fields[fields.length - 1] === '*') throw new SqlError(SqlState.FeatureNotSupported, '"*" is not allowed here', { position: pos(v) });
  let qualifier: string | null = null;
  let name: string;
  if (fields.length === 1) name = fields[0];
  else { qualifier = fields[fields.length - 2]; name = fields[fields.length - 1]; }
  let depth = 0;
  for (let s: Scope | null = ctx.scope; s; s = s.parent, depth++) {
    const i = s.resolve(qualifier, name, pos(v));
    if (i !== undefined) {
      const c = s.columns[i];
      if (depth === 0) return { kind: 'column', type: c.type, index: i, name: c.name };
      return { kind: 'outer', type: c.type, depth, index: i };
    }
  }
  // A bare name with no such column may be a whole-row reference or a typo.
  if (qualifier && !anyScopeHas(ctx.scope, qualifier)) {
    throw new SqlError(SqlState.UndefinedTable, `missing FROM-clause entry for table "${qualifier}"`, { position: pos(v) });
  }
  throw new SqlError(SqlState.UndefinedColumn, `column ${qualifier ? qualifier + '.' : ''}${name} does not exist`, { position: pos(v) });
}

function anyScopeHas(scope: Scope, q: string): boolean {
  for (let s: Scope | null = scope; s; s = s.parent) if (s.hasQualifier(q)) return true;
  return false;
}

function opName(v: Node): string {
  const names = nameList(v.name);
  return names[names.length - 1];
}

function bindOp(b: Binder, op: string, l: Expr, r: Expr, position?: number): Expr {
  // Parameters with no known type take the other operand's type.
  if (l.kind === 'param' && isUnknownType(l.type) && !isUnknownType(r.type)) l = coerce(b, l, r.type);
  if (r.kind === 'param' && isUnknownType(r.type) && !isUnknownType(l.type)) r = coerce(b, r, l.type);
  let res;
  try {
    res = resolveBinaryOp(op, l.type, r.type);
  } catch (e) {
    if (e instanceof SqlError && e.position === undefined) e.position = position;
    throw e;
  }
  const le = coerce(b, l, res.left, 'implicit', position), re = coerce(b, r, res.right, 'implicit', position);
  return { kind: 'call', type: res.type, name: op, args: [le, re], impl: res.impl, strict: true };
}

function bindAExpr(b: Binder, v: Node, ctx: ExprCtx): Expr {
  const p = pos(v);
  switch (v.kind as string) {
    case 'AEXPR_OP': {
      const op = opName(v);
      if (!v.lexpr) {
        const arg = bindExpr(b, v.rexpr, ctx);
        const r = resolveUnaryOp(op, arg.type);
        if (arg.kind === 'const' && arg.value !== null) {
          const c = coerce(b, arg, r.arg);
          return constExpr(r.impl([(c as { value: Datum }).value], b.evalContext()), r.type);
        }
        return { kind: 'call', type: r.type, name: 'u' + op, args: [coerce(b, arg, r.arg)], impl: r.impl, strict: true };
      }
      const l = bindExpr(b, v.lexpr, ctx), r = bindExpr(b, v.rexpr, ctx);
      return bindRowComparison(b, op, l, r, p) ?? bindOp(b, op, l, r, p);
    }
    case 'AEXPR_OP_ANY': case 'AEXPR_OP_ALL': {
      const op = opName(v);
      const left = bindExpr(b, v.lexpr, ctx);
      let right = bindExpr(b, v.rexpr, ctx);
      if (right.kind === 'param' && isUnknownType(right.type) && !isUnknownType(left.type)) right = coerce(b, right, arrayOf(left.type as ScalarType));
      if (isUnknownType(right.type) && right.kind === 'const') right = coerce(b, right, arrayOf((isUnknownType(left.type) ? T.text : left.type) as ScalarType));
      if (right.type.kind !== 'array') throw new SqlError(SqlState.DatatypeMismatch, `op ANY/ALL (array) requires array on right side`, { position: p });
      const res = resolveBinaryOp(op, left.type, right.type.elem);
      return {
        kind: 'anyall', type: T.bool, all: v.kind === 'AEXPR_OP_ALL',
        left: coerce(b, left, res.left), right: coerce(b, right, arrayOf(res.right as ScalarType)), cmp: res.impl,
      };
    }
    case 'AEXPR_DISTINCT': case 'AEXPR_NOT_DISTINCT': {
      const l = bindExpr(b, v.lexpr, ctx), r = bindExpr(b, v.rexpr, ctx);
      const row = bindRowDistinct(b, l, r, v.kind === 'AEXPR_NOT_DISTINCT', p);
      if (row) return row;
      const c = bindOp(b, '=', l, r, p) as Extract<Expr, { kind: 'call' }>;
      return { kind: 'distinctfrom', type: T.bool, left: c.args[0], right: c.args[1], negate: v.kind === 'AEXPR_NOT_DISTINCT' };
    }
    case 'AEXPR_NULLIF': {
      const c = bindOp(b, '=', bindExpr(b, v.lexpr, ctx), bindExpr(b, v.rexpr, ctx), p) as Extract<Expr, { kind: 'call' }>;
      return { kind: 'nullif', type: c.args[0].type, left: c.args[0], right: c.args[1], eq: c.impl };
    }
    case 'AEXPR_IN': {
      const left = bindExpr(b, v.lexpr, ctx);
      const items = ((v.rexpr.List ? v.rexpr.List.items : v.rexpr) as Node[]).map((x) => bindExpr(b, x, ctx));
      const negate = opName(v) === '<>';
      const rows = bindRowInList(b, left, items, negate, p);
      if (rows) return rows;
      const t = commonType([left.type, ...items.map((i) => i.type)], 'IN');
      return { kind: 'inlist', type: T.bool, arg: coerce(b, left, t), list: items.map((i) => coerce(b, i, t)), negate, eq: comparisonImpl('=')! };
    }
    case 'AEXPR_LIKE': case 'AEXPR_ILIKE': {
      const op = opName(v);
      let right = bindExpr(b, v.rexpr, ctx);
      // LIKE … ESCAPE arrives as like_escape(pattern, escape).
      return bindOp(b, op, bindExpr(b, v.lexpr, ctx), right, p);
    }
    case 'AEXPR_SIMILAR': {
      const left = bindExpr(b, v.lexpr, ctx);
      const right = bindExpr(b, v.rexpr, ctx);
      return bindOp(b, opName(v) === '!~' ? '!~' : '~', left, right, p);
    }
    case 'AEXPR_BETWEEN': case 'AEXPR_NOT_BETWEEN': case 'AEXPR_BETWEEN_SYM': case 'AEXPR_NOT_BETWEEN_SYM': {
      const x = bindExpr(b, v.lexpr, ctx);
      const [lo, hi] = ((v.rexpr.List ? v.rexpr.List.items : v.rexpr) as Node[]).map((r) => bindExpr(b, r, ctx));
      const notB = v.kind.includes('NOT');
      const ge = bindOp(b, '>=', x, lo, p), le = bindOp(b, '<=', x, hi, p);
      let e: Expr = { kind: 'and', type: T.bool, args: [ge, le] };
      if (v.kind.includes('SYM')) {
        e = { kind: 'or', type: T.bool, args: [e, { kind: 'and', type: T.bool, args: [bindOp(b, '>=', x, hi, p), bindOp(b, '<=', x, lo, p)] }] };
      }
      return notB ? { kind: 'not', type: T.bool, arg: e } : e;
    }
    default:
      throw new SqlError(SqlState.FeatureNotSupported, `unsupported operator form ${v.kind}`, { position: p });
  }
}

function bindCase(b: Binder, v: Node, ctx: ExprCtx): Expr {
  const operand = v.arg ? bindExpr(b, v.arg, ctx) : null;
  const whens: { when: Expr; then: Expr }[] = [];
  const thens: Expr[] = [];
  for (const w of v.args as Node[]) {
    const cw = w.CaseWhen;
    let cond = bindExpr(b, cw.expr, ctx);
    if (operand) cond = bindOp(b, '=', operand, cond, pos(cw));
    whens.push({ when: coerceBool(b, cond, 'CASE/WHEN'), then: bindExpr(b, cw.result, ctx) });
    thens.push(whens[whens.length - 1].then);
  }
  const otherwise = v.defresult ? bindExpr(b, v.defresult, ctx) : null;
  const t = commonType([...thens.map((x) => x.type), ...(otherwise ? [otherwise.type] : [])], 'CASE');
  return {
    kind: 'case', type: t,
    whens: whens.map((w) => ({ when: w.when, then: coerce(b, w.then, t) })),
    otherwise: otherwise ? coerce(b, otherwise, t) : null,
  };
}

function bindSqlValueFunction(b: Binder, v: Node): Expr {
  const ec = () => b.evalContext();
  const call = (type: DataType, name: string, impl: ScalarImpl): Expr => ({ kind: 'call', type, name, args: [], impl, strict: false });
  switch (v.op as string) {
    case 'SVFOP_CURRENT_DATE': return coerce(b, call(T.timestamptz, 'now', (_a, c) => c.statementTime), T.date);
    case 'SVFOP_CURRENT_TIMESTAMP': case 'SVFOP_CURRENT_TIMESTAMP_N': return call(T.timestamptz, 'now', (_a, c) => c.statementTime);
    case 'SVFOP_LOCALTIMESTAMP': case 'SVFOP_LOCALTIMESTAMP_N': return coerce(b, call(T.timestamptz, 'now', (_a, c) => c.statementTime), T.timestamp);
    case 'SVFOP_CURRENT_TIME': case 'SVFOP_CURRENT_TIME_N': case 'SVFOP_LOCALTIME': case 'SVFOP_LOCALTIME_N':
      return coerce(b, call(T.timestamptz, 'now', (_a, c) => c.statementTime), T.time, 'explicit');
    case 'SVFOP_CURRENT_USER': case 'SVFOP_USER': case 'SVFOP_SESSION_USER': case 'SVFOP_CURRENT_ROLE':
      return call(T.name, 'current_user', (_a, c) => c.session.currentUser());
    case 'SVFOP_CURRENT_CATALOG': return constExpr(b.databaseName(), T.name);
    case 'SVFOP_CURRENT_SCHEMA': return call(T.name, 'current_schema', () => b.catalog.searchPath()[0] ?? null);
  }
  void ec;
  throw new SqlError(SqlState.FeatureNotSupported, `unsupported SQL value function ${v.op}`);
}

function bindIndirection(b: Binder, v: Node, ctx: ExprCtx): Expr {
  let e = bindExpr(b, v.arg, ctx);
  for (const ind of v.indirection as Node[]) {
    if (ind.A_Indices) {
      if (e.type.kind !== 'array') throw new SqlError(SqlState.DatatypeMismatch, `cannot subscript type ${formatType(e.type)} because it does not support subscripting`);
      const elemType = e.type.elem;
      if (ind.A_Indices.is_slice) {
        const lo = ind.A_Indices.lidx ? coerce(b, bindExpr(b, ind.A_Indices.lidx, ctx), T.int4) : constExpr(1, T.int4);
        const hi = ind.A_Indices.uidx ? coerce(b, bindExpr(b, ind.A_Indices.uidx, ctx), T.int4) : constExpr(2147483647, T.int4);
        e = { kind: 'call', type: e.type, name: 'array_slice', args: [e, lo, hi], strict: true, impl: (a) => (a[0] as Datum[]).slice(Math.max(0, (a[1] as number) - 1), a[2] as number) };
      } else {
        const idx = coerce(b, bindExpr(b, ind.A_Indices.uidx, ctx), T.int4);
        e = { kind: 'call', type: elemType, name: 'array_subscript', args: [e, idx], strict: true, impl: (a) => (a[0] as Datum[])[(a[1] as number) - 1] ?? null };
      }
    } else if (ind.String) {
      e = bindFieldSelection(e, ind.String.sval);
    } else throw new SqlError(SqlState.FeatureNotSupported, 'unsupported indirection');
  }
  return e;
}

function bindSubLink(b: Binder, v: Node, ctx: ExprCtx): Expr {
  const { plan, correlated } = b.bindSubquery(v.subselect, ctx.scope);
  switch (v.subLinkType as string) {
    case 'EXISTS_SUBLINK': return { kind: 'subquery', type: T.bool, mode: 'exists', plan, correlated };
    case 'EXPR_SUBLINK':
      if (plan.columns.length !== 1) throw new SqlError(SqlState.SyntaxError, 'subquery must return only one column', { position: pos(v) });
      return { kind: 'subquery', type: plan.columns[0].type, mode: 'scalar', plan, correlated };
    case 'ARRAY_SUBLINK':
      if (plan.columns.length !== 1) throw new SqlError(SqlState.SyntaxError, 'subquery must return only one column', { position: pos(v) });
      return { kind: 'subquery', type: arrayOf(plan.columns[0].type as ScalarType), mode: 'array', plan, correlated };
    case 'ANY_SUBLINK': case 'ALL_SUBLINK': {
      const rowOp = v.operName ? nameList(v.operName).pop()! : '=';
      if (isRowNode(v.testexpr)) {
        // (a, b) IN (SELECT x, y …): each subquery row becomes one record to compare with.
        const q = bindRowQuantified(b, rowOp, bindExpr(b, v.testexpr, ctx), plan.columns.map((c) => c.type), pos(v))!;
        const cols: Expr[] = q.columnTypes.map((t, i) => coerce(b, { kind: 'column', type: plan.columns[i].type, index: i }, t));
        const rowType = recordOf(cols.map((c, i) => ({ name: `f${i + 1}`, type: c.type })));
        const rowPlan: LogicalPlan = { kind: 'project', input: plan, exprs: [{ kind: 'array', type: rowType, elems: cols }], columns: [{ name: 'row', type: rowType }] };
        // op names a row comparison: a NULL field makes it NULL, so it is not a plain key equality.
        return { kind: 'insubquery', type: T.bool, left: q.left, plan: rowPlan, all: v.subLinkType === 'ALL_SUBLINK', cmp: q.cmp, correlated, op: `row${rowOp}` };
      }
      if (plan.columns.length !== 1) throw new SqlError(SqlState.SyntaxError, plan.columns.length > 1 ? 'subquery has too many columns' : 'subquery has too few columns', { position: pos(v) });
      const op = v.operName ? nameList(v.operName).pop()! : '=';
      const left = bindExpr(b, v.testexpr, ctx);
      const res = resolveBinaryOp(op, left.type, plan.columns[0].type);
      if (!sameType(res.right, plan.columns[0].type) && !canCoerce(plan.columns[0].type, res.right, 'implicit')) {
        throw new SqlError(SqlState.DatatypeMismatch, `operator does not exist: ${formatType(left.type)} ${op} ${formatType(plan.columns[0].type)}`);
      }
      const rightPlan = sameType(res.right, plan.columns[0].type) ? plan : b.castPlanColumn(plan, res.right);
      return { kind: 'insubquery', type: T.bool, left: coerce(b, left, res.left), plan: rightPlan, all: v.subLinkType === 'ALL_SUBLINK', cmp: res.impl, correlated, op };
    }
  }
  throw new SqlError(SqlState.FeatureNotSupported, `unsupported subquery kind ${v.subLinkType}`);
}

function bindFuncCall(b: Binder, v: Node, ctx: ExprCtx): Expr {
  const names = nameList(v.funcname);
  const name = names[names.length - 1].toLowerCase();
  const p = pos(v);
  if (v.over) return bindWindowCall(b, v, name, ctx);
  if (isAggregateName(name)) return bindAggregate(b, v, name, ctx);
  if (v.agg_star || v.agg_distinct || v.agg_filter) {
    throw new SqlError(SqlState.UndefinedFunction, `function ${name} is not an aggregate`, { position: p });
  }
  const args = ((v.args ?? []) as Node[]).map((a) => bindExpr(b, a, ctx));
  const special = b.bindSpecialFunction(name, args, ctx, p);
  if (special) return special;
  if (!hasFunction(name)) {
    throw new SqlError(SqlState.UndefinedFunction, `function ${name}(${args.map((a) => formatType(a.type).replace(/^unknown$/, 'unknown')).join(', ')}) does not exist`, {
      position: p, hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  // Unknown-typed literals resolve as text for function lookup, as PostgreSQL prefers the string category.
  const argTypes = args.map((a) => a.type);
  let fn;
  try {
    fn = resolveFunction(name, argTypes);
  } catch (e) {
    if (e instanceof SqlError) e.position = p;
    throw e;
  }
  const cargs = args.map((a, i) => coerce(b, a, fn.argTypes[i] ?? a.type, 'implicit', p));
  return { kind: 'call', type: fn.type, name, args: cargs, impl: fn.impl, strict: fn.strict, volatile: fn.volatile };
}

function bindAggregate(b: Binder, v: Node, name: string, ctx: ExprCtx, argCtx?: ExprCtx): Expr {
  const p = pos(v);
  if (!ctx.aggs) throw new SqlError(SqlState.GroupingError, `aggregate functions are not allowed in ${ctx.clause}`, { position: p });
  // Arguments are bound in the input scope with no aggregates allowed inside (an aggregate used
  // as a window function is the exception: its arguments may hold the query's own aggregates).
  const inner: ExprCtx = argCtx ?? { scope: ctx.scope, clause: 'aggregate function calls' };
  // (PostgreSQL: "aggregate function calls cannot be nested")
  const star = !!v.agg_star;
  let args = star ? [] : ((v.args ?? []) as Node[]).map((a) => bindExpr(b, a, inner));
  const kind: AggKind = star && name === 'count' ? 'count_star' : (name as AggKind);
  if (kind === 'count' && args.length !== 1) throw new SqlError(SqlState.UndefinedFunction, `function count() does not exist`, { position: p });
  args = args.map((a) => (isUnknownType(a.type) ? coerce(b, a, T.text) : a));
  const { type, argTypes } = aggregateReturnType(kind, args.map((a) => a.type), p);
  args = args.map((a, i) => coerce(b, a, argTypes[i] ?? a.type));
  const filter = v.agg_filter ? coerceBool(b, bindExpr(b, v.agg_filter, inner), 'FILTER') : null;
  const orderBy = ((v.agg_order ?? []) as Node[]).map((s) => b.bindSortBy(s.SortBy, inner));
  const call: AggCall = { kind, args, distinct: !!v.agg_distinct, filter, orderBy, type };
  ctx.aggs.push(call);
  return { kind: 'aggref', type, index: ctx.aggs.length - 1 };
}

function bindWindowCall(b: Binder, v: Node, name: string, ctx: ExprCtx): Expr {
  const p = pos(v);
  if (!ctx.windows) throw new SqlError(SqlState.GroupingError ?? '42P20', `window functions are not allowed in ${ctx.clause}`, { position: p });
  const spec = bindWindowSpec(b, v.over, ctx);
  let call: WindowCall;
  if (isAggregateName(name)) {
    const aggs: AggCall[] = [];
    bindAggregate(b, { ...v, over: undefined }, name, { ...ctx, aggs }, { scope: ctx.scope, aggs: ctx.aggs, clause: 'window function calls' });
    const agg = aggs[0];
    call = { fn: 'agg', agg, args: agg.args, ...spec, type: agg.type };
  } else {
    const args = ((v.args ?? []) as Node[]).map((a) => bindExpr(b, a, { ...ctx, windows: undefined }));
    const fn = name as WindowFnKind;
    let type: DataType;
    switch (fn) {
      case 'row_number': case 'rank': case 'dense_rank': type = T.int8; break;
      case 'ntile': type = T.int4; break;
      case 'percent_rank': case 'cume_dist': type = T.float8; break;
      case 'lag': case 'lead': case 'first_value': case 'last_value': case 'nth_value': {
        if (args.length === 0) throw new SqlError(SqlState.UndefinedFunction, `function ${name}() does not exist`, { position: p });
        type = isUnknownType(args[0].type) ? T.text : args[0].type;
        args[0] = coerce(b, args[0], type);
        if (args[1]) args[1] = coerce(b, args[1], T.int4);
        if (args[2]) args[2] = coerce(b, args[2], type);
        break;
      }
      default:
        throw new SqlError(SqlState.UndefinedFunction, `function ${name} is not a window function`, { position: p });
    }
    call = { fn, args, ...spec, type };
  }
  ctx.windows.push(call);
  return { kind: 'windowref', type: call.type, index: ctx.windows.length - 1 };
}

export { isString, isComparison };

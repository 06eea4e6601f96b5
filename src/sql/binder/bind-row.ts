// Row constructors `ROW(a, b)` / `(a, b)` and row comparisons, as PostgreSQL evaluates them:
// a row value is an anonymous record (one Datum per field); `=` and `<>` compare field by field
// with three-valued logic, `<` `<=` `>` `>=` compare left to right and stop at the first pair
// that is unequal or NULL (a NULL pair makes the result NULL), and `IS NULL` holds when every
// field is NULL.

import { SqlError, SqlState } from '../../errors.js';
import { T, recordOf, type DataType } from '../../types/datatype.js';
import type { Datum } from '../../types/value.js';
import type { Expr, ScalarImpl } from '../../plan/expr.js';
import type { Node } from '../ast.js';
import { resolveBinaryOp } from '../../functions/operators.js';
import type { Binder } from './binder.js';
import { bindExpr, coerce, type ExprCtx } from './bind-expr.js';

const pos = (v: Node): number | undefined => (typeof v?.location === 'number' && v.location >= 0 ? v.location + 1 : undefined);

export function isRowNode(n: Node | undefined): boolean { return !!n?.RowExpr; }

/** The fields of a row value: its constructor's elements, or the fields of a record-typed expression. */
function rowFields(e: Expr): Expr[] | undefined {
  if (e.kind === 'array' && e.type.kind === 'scalar' && e.type.id === 'record') return e.elems;
  return undefined;
}

function recordExpr(elems: Expr[]): Expr {
  return { kind: 'array', type: recordOf(elems.map((x, i) => ({ name: `f${i + 1}`, type: x.type }))), elems };
}

/** `ROW(a, b)`: untyped literals stay untyped, so a row comparison resolves them field by field. */
export function bindRowExpr(b: Binder, v: Node, ctx: ExprCtx): Expr {
  return recordExpr(((v.args ?? []) as Node[]).map((a) => bindExpr(b, a, ctx)));
}

/** Field-by-field comparison functions for rows of the given field types, with coerced fields. */
function pairwise(b: Binder, op: string, left: Expr[], right: Expr[], position?: number): { l: Expr[]; r: Expr[]; cmps: ScalarImpl[]; eqs: ScalarImpl[] } {
  if (left.length !== right.length) throw new SqlError(SqlState.SyntaxError, 'unequal number of entries in row expressions', { position });
  const l: Expr[] = [], r: Expr[] = [], cmps: ScalarImpl[] = [], eqs: ScalarImpl[] = [];
  for (let i = 0; i < left.length; i++) {
    const res = resolveBinaryOp(op, left[i].type, right[i].type);
    if (!(res.type.kind === 'scalar' && res.type.id === 'bool')) throw new SqlError(SqlState.DatatypeMismatch, `row comparison operator must yield type boolean, not type ${res.type.kind}`, { position });
    l.push(coerce(b, left[i], res.left, 'implicit', position));
    r.push(coerce(b, right[i], res.right, 'implicit', position));
    cmps.push(res.impl);
    eqs.push(resolveBinaryOp('=', res.left, res.right).impl);
  }
  return { l, r, cmps, eqs };
}

/** The 3-valued comparison of two row values (Datum arrays) under `op`. */
function rowComparison(op: string, cmps: ScalarImpl[], eqs: ScalarImpl[]): ScalarImpl {
  return (a, ec) => {
    const x = a[0] as Datum[] | null, y = a[1] as Datum[] | null;
    if (x === null || y === null) return null;
    if (op === '=' || op === '<>' || op === '!=') {
      const eq = op === '=';
      let sawNull = false;
      for (let i = 0; i < x.length; i++) {
        if (x[i] === null || y[i] === null) { sawNull = true; continue; }
        if (eqs[i]([x[i], y[i]], ec) !== true) return !eq;
      }
      return sawNull ? null : eq;
    }
    for (let i = 0; i < x.length; i++) {
      if (x[i] === null || y[i] === null) return null;
      if (eqs[i]([x[i], y[i]], ec) !== true) return cmps[i]([x[i], y[i]], ec);
    }
    return op === '<=' || op === '>=';
  };
}

/** `row op row` for a comparison operator, or undefined when neither side is a row value. */
export function bindRowComparison(b: Binder, op: string, left: Expr, right: Expr, position?: number): Expr | undefined {
  const lf = rowFields(left), rf = rowFields(right);
  if (!lf && !rf) return undefined;
  if (!lf || !rf) throw new SqlError(SqlState.FeatureNotSupported, 'comparing a row value with a non-row value is not supported', { position });
  if (!['=', '<>', '!=', '<', '<=', '>', '>='].includes(op)) throw new SqlError(SqlState.FeatureNotSupported, `row operator ${op} is not supported`, { position });
  const p = pairwise(b, op === '!=' ? '<>' : op, lf, rf, position);
  return { kind: 'call', type: T.bool, name: `row${op}`, args: [recordExpr(p.l), recordExpr(p.r)], impl: rowComparison(op, p.cmps, p.eqs), strict: false };
}

/** `row IS [NOT] NULL`: every field NULL (IS NULL), or every field not NULL (IS NOT NULL). */
export function bindRowNullTest(arg: Expr, negate: boolean): Expr | undefined {
  const fields = rowFields(arg);
  if (!fields) return undefined;
  return { kind: 'and', type: T.bool, args: fields.map((f) => ({ kind: 'isnull' as const, type: T.bool, arg: f, negate })) };
}

/** `row IS [NOT] DISTINCT FROM row`: NULLs compare equal, field by field. */
export function bindRowDistinct(b: Binder, left: Expr, right: Expr, negate: boolean, position?: number): Expr | undefined {
  const lf = rowFields(left), rf = rowFields(right);
  if (!lf && !rf) return undefined;
  if (!lf || !rf) throw new SqlError(SqlState.FeatureNotSupported, 'comparing a row value with a non-row value is not supported', { position });
  const p = pairwise(b, '=', lf, rf, position);
  const tests: Expr[] = p.l.map((l, i) => ({ kind: 'distinctfrom', type: T.bool, left: l, right: p.r[i], negate: true }));
  const same: Expr = { kind: 'and', type: T.bool, args: tests };
  return negate ? same : { kind: 'not', type: T.bool, arg: same };
}

/** `row [NOT] IN (row, …)`: an OR of row equalities (an AND of row inequalities). */
export function bindRowInList(b: Binder, left: Expr, items: Expr[], negate: boolean, position?: number): Expr | undefined {
  if (!rowFields(left)) return undefined;
  const args = items.map((it) => bindRowComparison(b, negate ? '<>' : '=', left, it, position)!);
  return { kind: negate ? 'and' : 'or', type: T.bool, args };
}

/**
 * `row op ANY/ALL (SELECT a, b …)`: the row is compared with each subquery row as a record, so
 * the quantifier sees one comparison per row. Returns the left row, the comparison, and the
 * per-column types the subquery's columns must be cast to.
 */
export function bindRowQuantified(b: Binder, op: string, left: Expr, columnTypes: readonly DataType[], position?: number):
  { left: Expr; cmp: ScalarImpl; columnTypes: DataType[] } | undefined {
  const lf = rowFields(left);
  if (!lf) return undefined;
  if (lf.length !== columnTypes.length) {
    throw new SqlError(SqlState.SyntaxError, lf.length < columnTypes.length ? 'subquery has too many columns' : 'subquery has too few columns', { position });
  }
  const placeholders: Expr[] = columnTypes.map((type, i) => ({ kind: 'column', type, index: i }));
  const p = pairwise(b, op, lf, placeholders, position);
  return { left: recordExpr(p.l), cmp: rowComparison(op, p.cmps, p.eqs), columnTypes: p.r.map((x) => x.type) };
}

export { pos as rowPosition };

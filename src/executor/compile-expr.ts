// Expressions are compiled once per query into closures over a row, so evaluation does no tree
// walking or type dispatch per row.

import { SqlError, SqlState } from '../errors.js';
import type { Expr } from '../plan/expr.js';
import type { Datum, Row } from '../types/value.js';
import { compareDatum } from '../types/value.js';
import { castDatum } from '../functions/cast.js';
import type { ExecContext } from './context.js';
import { runPlan } from './run-plan.js';

export type Compiled = (row: Row) => Datum;

export function compileExpr(e: Expr, ctx: ExecContext): Compiled {
  switch (e.kind) {
    case 'const': { const v = e.value; return () => v; }
    case 'column': { const i = e.index; return (r) => r[i]; }
    case 'outer': {
      const d = e.depth, i = e.index;
      return () => ctx.outer[ctx.outer.length - d][i];
    }
    case 'param': { const i = e.index; return () => ctx.params[i] ?? null; }
    case 'call': {
      const args = e.args.map((a) => compileExpr(a, ctx));
      const impl = e.impl, ec = ctx.evalCtx, n = args.length;
      if (e.strict) {
        if (n === 1) { const a0 = args[0]; return (r) => { const v = a0(r); return v === null ? null : impl([v], ec); }; }
        if (n === 2) {
          const a0 = args[0], a1 = args[1];
          return (r) => { const x = a0(r); if (x === null) return null; const y = a1(r); if (y === null) return null; return impl([x, y], ec); };
        }
        return (r) => {
          const vals = new Array<Datum>(n);
          for (let i = 0; i < n; i++) { const v = args[i](r); if (v === null) return null; vals[i] = v; }
          return impl(vals, ec);
        };
      }
      return (r) => impl(args.map((a) => a(r)), ec);
    }
    case 'cast': {
      const a = compileExpr(e.arg, ctx), from = e.arg.type, to = e.type, ex = e.explicit;
      const tc = { timeZone: ctx.evalCtx.timeZone, names: ctx.evalCtx.session };
      return (r) => castDatum(a(r), from, to, ex, tc);
    }
    case 'and': {
      const args = e.args.map((a) => compileExpr(a, ctx));
      return (r) => {
        let sawNull = false;
        for (const a of args) { const v = a(r); if (v === false) return false; if (v === null) sawNull = true; }
        return sawNull ? null : true;
      };
    }
    case 'or': {
      const args = e.args.map((a) => compileExpr(a, ctx));
      return (r) => {
        let sawNull = false;
        for (const a of args) { const v = a(r); if (v === true) return true; if (v === null) sawNull = true; }
        return sawNull ? null : false;
      };
    }
    case 'not': { const a = compileExpr(e.arg, ctx); return (r) => { const v = a(r); return v === null ? null : !v; }; }
    case 'isnull': {
      const a = compileExpr(e.arg, ctx), neg = e.negate;
      if (e.arg.type.kind === 'scalar' && e.arg.type.id === 'record') return (r) => (a(r) === null) !== neg;
      return (r) => (a(r) === null) !== neg;
    }
    case 'istrue': {
      const a = compileExpr(e.arg, ctx), neg = e.negate;
      const want = e.test === 'true' ? true : e.test === 'false' ? false : null;
      return (r) => (a(r) === want) !== neg;
    }
    case 'distinctfrom': {
      const l = compileExpr(e.left, ctx), rr = compileExpr(e.right, ctx), neg = e.negate;
      return (r) => {
        const x = l(r), y = rr(r);
        const distinct = x === null || y === null ? x !== y : compareDatum(x, y) !== 0;
        return distinct !== neg;
      };
    }
    case 'case': {
      const whens = e.whens.map((w) => [compileExpr(w.when, ctx), compileExpr(w.then, ctx)] as const);
      const other = e.otherwise ? compileExpr(e.otherwise, ctx) : () => null;
      return (r) => {
        for (const [w, t] of whens) if (w(r) === true) return t(r);
        return other(r);
      };
    }
    case 'coalesce': {
      const args = e.args.map((a) => compileExpr(a, ctx));
      return (r) => { for (const a of args) { const v = a(r); if (v !== null) return v; } return null; };
    }
    case 'nullif': {
      const l = compileExpr(e.left, ctx), rr = compileExpr(e.right, ctx), eq = e.eq, ec = ctx.evalCtx;
      return (r) => { const x = l(r), y = rr(r); return x !== null && y !== null && eq([x, y], ec) === true ? null : x; };
    }
    case 'greatest': case 'least': {
      const args = e.args.map((a) => compileExpr(a, ctx)), sign = e.kind === 'greatest' ? 1 : -1;
      return (r) => {
        let best: Datum = null;
        for (const a of args) { const v = a(r); if (v !== null && (best === null || compareDatum(v, best) * sign > 0)) best = v; }
        return best;
      };
    }
    case 'inlist': {
      const a = compileExpr(e.arg, ctx), list = e.list.map((x) => compileExpr(x, ctx)), neg = e.negate;
      return (r) => {
        const v = a(r);
        if (v === null) return null;
        let sawNull = false;
        for (const x of list) {
          const w = x(r);
          if (w === null) { sawNull = true; continue; }
          if (compareDatum(v, w) === 0) return !neg;
        }
        return sawNull ? null : neg;
      };
    }
    case 'array': { const els = e.elems.map((x) => compileExpr(x, ctx)); return (r) => els.map((x) => x(r)); }
    case 'anyall': {
      const l = compileExpr(e.left, ctx), rr = compileExpr(e.right, ctx), cmp = e.cmp, all = e.all, ec = ctx.evalCtx;
      return (r) => quantified(l(r), rr(r) as Datum[] | null, cmp, all, ec);
    }
    case 'subquery': return compileSubquery(e, ctx);
    case 'insubquery': {
      const l = compileExpr(e.left, ctx), cmp = e.cmp, all = e.all, ec = ctx.evalCtx;
      const rows = subqueryRows(e.plan, e.correlated, ctx);
      return (r) => quantified(l(r), rows(r).map((x) => x[0]), cmp, all, ec);
    }
    case 'aggref': case 'windowref':
      throw new SqlError(SqlState.InternalError, 'aggregate placeholder reached the executor');
  }
}

function quantified(v: Datum, arr: Datum[] | null, cmp: (a: Datum[], c: never) => Datum, all: boolean, ec: unknown): Datum {
  if (arr === null) return null;
  if (arr.length === 0) return all;
  if (v === null) return null;
  let sawNull = false;
  for (const x of arr) {
    if (x === null) { sawNull = true; continue; }
    const res = cmp([v, x], ec as never);
    if (all && res === false) return false;
    if (!all && res === true) return true;
    if (res === null) sawNull = true; // a row comparison can be NULL without a NULL row
  }
  return sawNull ? null : all;
}

function subqueryRows(plan: Parameters<typeof runPlan>[0], correlated: boolean, ctx: ExecContext): (row: Row) => Row[] {
  if (!correlated) {
    return () => {
      let rows = ctx.subqueryCache.get(plan);
      if (!rows) { rows = runPlan(plan, ctx); ctx.subqueryCache.set(plan, rows); }
      return rows;
    };
  }
  return (row) => {
    ctx.outer.push(row);
    try { return runPlan(plan, ctx); } finally { ctx.outer.pop(); }
  };
}

function compileSubquery(e: Extract<Expr, { kind: 'subquery' }>, ctx: ExecContext): Compiled {
  const rows = subqueryRows(e.plan, e.correlated, ctx);
  switch (e.mode) {
    case 'exists': return (r) => rows(r).length > 0;
    case 'array': return (r) => rows(r).map((x) => x[0]);
    case 'scalar':
      return (r) => {
        const rs = rows(r);
        if (rs.length > 1) throw new SqlError(SqlState.CardinalityViolation, 'more than one row returned by a subquery used as an expression');
        return rs.length ? rs[0][0] : null;
      };
  }
}

// Structural identity of bound expressions, to match select-list expressions against GROUP BY.

import type { Expr } from '../../plan/expr.js';
import { datumKey } from '../../types/value.js';

export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'const': return `c(${datumKey(e.value)}:${JSON.stringify(e.type)})`;
    case 'column': return `#${e.index}`;
    case 'outer': return `o${e.depth}.${e.index}`;
    case 'param': return `$${e.index}`;
    case 'call': return `${e.name}(${e.args.map(exprKey).join(',')})`;
    case 'cast': return `cast(${exprKey(e.arg)}:${JSON.stringify(e.type)})`;
    case 'and': case 'or': case 'coalesce': case 'greatest': case 'least': case 'array':
      return `${e.kind}(${('args' in e ? e.args : e.elems).map(exprKey).join(',')})`;
    case 'not': return `not(${exprKey(e.arg)})`;
    case 'isnull': return `isnull${e.negate}(${exprKey(e.arg)})`;
    case 'istrue': return `is${e.test}${e.negate}(${exprKey(e.arg)})`;
    case 'distinctfrom': return `dist${e.negate}(${exprKey(e.left)},${exprKey(e.right)})`;
    case 'case': return `case(${e.whens.map((w) => exprKey(w.when) + '=>' + exprKey(w.then)).join(',')};${e.otherwise ? exprKey(e.otherwise) : ''})`;
    case 'nullif': return `nullif(${exprKey(e.left)},${exprKey(e.right)})`;
    case 'inlist': return `in${e.negate}(${exprKey(e.arg)};${e.list.map(exprKey).join(',')})`;
    case 'anyall': return `anyall${e.all}(${exprKey(e.left)},${exprKey(e.right)})`;
    case 'aggref': return `agg${e.index}`;
    case 'windowref': return `win${e.index}`;
    default: return `?${e.kind}${Math.random()}`; // subqueries never match
  }
}

/** Rebuild an expression bottom-up, letting `f` replace any node (return undefined to recurse). */
export function mapExpr(e: Expr, f: (e: Expr) => Expr | undefined): Expr {
  const r = f(e);
  if (r) return r;
  const m = (x: Expr) => mapExpr(x, f);
  switch (e.kind) {
    case 'call': return { ...e, args: e.args.map(m) };
    case 'cast': return { ...e, arg: m(e.arg) };
    case 'and': case 'or': case 'coalesce': case 'greatest': case 'least': return { ...e, args: e.args.map(m) };
    case 'array': return { ...e, elems: e.elems.map(m) };
    case 'not': case 'isnull': case 'istrue': return { ...e, arg: m(e.arg) };
    case 'distinctfrom': case 'nullif': case 'anyall': return { ...e, left: m(e.left), right: m(e.right) };
    case 'case': return { ...e, whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })), otherwise: e.otherwise ? m(e.otherwise) : null };
    case 'inlist': return { ...e, arg: m(e.arg), list: e.list.map(m) };
    case 'insubquery': return { ...e, left: m(e.left) };
    default: return e;
  }
}

/** Visit every node of an expression (not descending into subquery plans). */
export function walkExpr(e: Expr, f: (e: Expr) => void): void {
  mapExpr(e, (x) => { f(x); return undefined; });
}

// Joins: a hash join on the equality conjuncts of the condition (other conjuncts are checked on
// each match), falling back to a nested loop when there are none. Handles inner, left, right,
// full and cross joins with PostgreSQL's NULL-padding.

import type { Expr } from '../plan/expr.js';
import type { LogicalPlan } from '../plan/logical.js';
import type { Row } from '../types/value.js';
import { datumKey } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';
import type { Exec } from './run-plan.js';
import { splitConjuncts } from '../plan/conjuncts.js';

type JoinPlan = Extract<LogicalPlan, { kind: 'join' }>;

interface EquiKeys { left: Expr[]; right: Expr[]; rest: Expr[] }

/** Split `l.a = r.b AND …` into key pairs over each side and the residual predicate. */
export function extractEquiKeys(cond: Expr | null, leftWidth: number): EquiKeys {
  const out: EquiKeys = { left: [], right: [], rest: [] };
  if (!cond) return out;
  for (const c of splitConjuncts(cond)) {
    if (c.kind === 'call' && c.name === '=' && c.args.length === 2) {
      const [a, b] = c.args;
      const sa = side(a, leftWidth), sb = side(b, leftWidth);
      if (sa === 'L' && sb === 'R') { out.left.push(a); out.right.push(shift(b, leftWidth)); continue; }
      if (sa === 'R' && sb === 'L') { out.left.push(b); out.right.push(shift(a, leftWidth)); continue; }
    }
    out.rest.push(c);
  }
  return out;
}

/** Which join input an expression reads: 'L', 'R', 'none' (constants), or 'both'. */
function side(e: Expr, leftWidth: number): 'L' | 'R' | 'both' | 'none' {
  let s: 'L' | 'R' | 'both' | 'none' = 'none';
  const visit = (x: Expr): void => {
    if (x.kind === 'column') {
      const t = x.index < leftWidth ? 'L' : 'R';
      s = s === 'none' ? t : s === t ? s : 'both';
    } else if (x.kind === 'subquery' || x.kind === 'insubquery' || x.kind === 'outer' || (x.kind === 'call' && x.volatile)) {
      s = 'both';
    }
    for (const k of Object.values(x)) {
      if (k && typeof k === 'object' && 'kind' in k && typeof (k as Expr).kind === 'string' && k !== x) visit(k as Expr);
      if (Array.isArray(k)) for (const y of k) if (y && typeof y === 'object' && 'kind' in y) visit(y as Expr);
    }
  };
  visit(e);
  return s;
}

function shift(e: Expr, by: number): Expr {
  const m = (x: Expr): Expr => {
    if (x.kind === 'column') return { ...x, index: x.index - by };
    const copy: Record<string, unknown> = { ...x };
    for (const [k, v] of Object.entries(x)) {
      if (k === 'plan') continue;
      if (v && typeof v === 'object' && 'kind' in v && typeof (v as Expr).kind === 'string') copy[k] = m(v as Expr);
      else if (Array.isArray(v)) copy[k] = v.map((y) => (y && typeof y === 'object' && 'kind' in y ? m(y as Expr) : y && typeof y === 'object' && 'when' in y ? { when: m(y.when), then: m(y.then) } : y));
    }
    return copy as Expr;
  };
  return m(e);
}

export function* runJoin(plan: JoinPlan, left: Row[], right: Row[], ctx: ExecContext): Exec<Row[]> {
  const lw = plan.left.columns.length, rw = plan.right.columns.length;
  const jt = plan.joinType;
  const nullsL: Row = new Array(lw).fill(null), nullsR: Row = new Array(rw).fill(null);
  const out: Row[] = [];
  const keys = extractEquiKeys(plan.condition, lw);
  const residual = keys.rest.length ? compileExpr(keys.rest.length === 1 ? keys.rest[0] : { kind: 'and', type: plan.condition!.type, args: keys.rest }, ctx) : null;
  const rightMatched = jt === 'right' || jt === 'full' ? new Uint8Array(right.length) : null;

  if (keys.left.length) {
    const lk = keys.left.map((e) => compileExpr(e, ctx));
    const rk = keys.right.map((e) => compileExpr(e, ctx));
    const keyOf = (fs: typeof lk, r: Row): string | null => {
      let k = '';
      for (const f of fs) { const v = f(r); if (v === null) return null; k += datumKey(v) + '\u0002'; }
      return k;
    };
    const table = new Map<string, number[]>();
    for (let i = 0; i < right.length; i++) {
      const k = keyOf(rk, right[i]);
      if (k === null) continue;
      const list = table.get(k);
      if (list) list.push(i); else table.set(k, [i]);
    }
    for (const l of left) {
      if (ctx.tick()) yield;
      const k = keyOf(lk, l);
      let matched = false;
      const list = k === null ? undefined : table.get(k);
      if (list) {
        for (const i of list) {
          const row = l.concat(right[i]);
          if (residual && residual(row) !== true) continue;
          matched = true;
          if (rightMatched) rightMatched[i] = 1;
          out.push(row);
        }
      }
      if (!matched && (jt === 'left' || jt === 'full')) out.push(l.concat(nullsR));
    }
  } else {
    const cond = plan.condition ? compileExpr(plan.condition, ctx) : null;
    for (const l of left) {
      let matched = false;
      for (let i = 0; i < right.length; i++) {
        if (ctx.tick()) yield;
        const row = l.concat(right[i]);
        if (cond && cond(row) !== true) continue;
        matched = true;
        if (rightMatched) rightMatched[i] = 1;
        out.push(row);
      }
      if (!matched && (jt === 'left' || jt === 'full')) out.push(l.concat(nullsR));
    }
  }
  if (rightMatched) for (let i = 0; i < right.length; i++) if (!rightMatched[i]) out.push(nullsL.concat(right[i]));
  return out;
}

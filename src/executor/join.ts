// Joins: a hash join on the equality conjuncts of the condition (other conjuncts are checked on
// each match), falling back to a nested loop when there are none. Handles inner, left, right,
// full and cross joins with PostgreSQL's NULL-padding, and semi/anti joins (left rows with / without
// a match).

import type { Expr } from '../plan/expr.js';
import type { LogicalPlan } from '../plan/logical.js';
import type { Row } from '../types/value.js';
import { concatRows, datumKey } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';
import type { Exec } from './run-plan.js';
import { joinConjuncts } from '../plan/conjuncts.js';
import { joinKeys } from '../plan/join-keys.js';

type JoinPlan = Extract<LogicalPlan, { kind: 'join' }>;

// Key extraction is shared with the stream planner (src/plan/join-keys.ts).
export { extractEquiKeys } from '../plan/join-keys.js';

export function* runJoin(plan: JoinPlan, left: Row[], right: Row[], ctx: ExecContext): Exec<Row[]> {
  const lw = plan.left.columns.length, rw = plan.right.columns.length;
  const jt = plan.joinType;
  const nullsL: Row = new Array(lw).fill(null), nullsR: Row = new Array(rw).fill(null);
  const out: Row[] = [];
  const keys = joinKeys(plan);
  const rest = joinConjuncts(keys.rest);
  const residual = rest ? compileExpr(rest, ctx) : null;
  // Semi/anti joins (decorrelated IN / EXISTS / NOT EXISTS) output the left row once.
  const semi = jt === 'semi' || jt === 'anti';
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
          const row = concatRows(l, right[i]);
          if (residual && residual(row) !== true) continue;
          matched = true;
          if (semi) break;
          if (rightMatched) rightMatched[i] = 1;
          out.push(row);
        }
      }
      if (!matched && (jt === 'left' || jt === 'full')) out.push(concatRows(l, nullsR));
      if (semi && matched === (jt === 'semi')) out.push(l);
    }
  } else {
    const cond = residual;
    for (const l of left) {
      let matched = false;
      for (let i = 0; i < right.length; i++) {
        if (ctx.tick()) yield;
        const row = concatRows(l, right[i]);
        if (cond && cond(row) !== true) continue;
        matched = true;
        if (semi) break;
        if (rightMatched) rightMatched[i] = 1;
        out.push(row);
      }
      if (!matched && (jt === 'left' || jt === 'full')) out.push(concatRows(l, nullsR));
      if (semi && matched === (jt === 'semi')) out.push(l);
    }
  }
  if (rightMatched) for (let i = 0; i < right.length; i++) if (!rightMatched[i]) out.push(concatRows(nullsL, right[i]));
  return out;
}

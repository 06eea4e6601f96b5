// Window functions: rows are partitioned, ordered, and each function is evaluated over its frame
// (ROWS, RANGE or GROUPS, with offsets), as PostgreSQL defines them.

import { SqlError, SqlState } from '../errors.js';
import type { LogicalPlan, WindowCall } from '../plan/logical.js';
import type { Datum, Row } from '../types/value.js';
import { rowKey } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';
import { createAccumulator } from './accumulators.js';
import { compileSort } from './sort.js';

type WindowPlan = Extract<LogicalPlan, { kind: 'window' }>;

export function runWindow(plan: WindowPlan, input: Row[], ctx: ExecContext): Row[] {
  const base = plan.input.columns.length;
  const results: Datum[][] = plan.calls.map(() => new Array(input.length));
  plan.calls.forEach((call, ci) => evalCall(call, input, results[ci], ctx));
  return input.map((r, i) => {
    const o = r.slice();
    o.length = base + plan.calls.length;
    for (let c = 0; c < plan.calls.length; c++) o[base + c] = results[c][i];
    return o;
  });
}

function evalCall(call: WindowCall, input: Row[], out: Datum[], ctx: ExecContext): void {
  const partFs = call.partitionBy.map((e) => compileExpr(e, ctx));
  const parts = new Map<string, number[]>();
  const pcols = partFs.map((_, i) => i);
  input.forEach((r, i) => {
    const k = partFs.length ? rowKey(partFs.map((f) => f(r)), pcols) : '';
    const list = parts.get(k);
    if (list) list.push(i); else parts.set(k, [i]);
  });
  const cmp = compileSort(call.orderBy, ctx);
  const argFs = call.args.map((e) => compileExpr(e, ctx));
  for (const idxs of parts.values()) {
    idxs.sort((a, b) => cmp(input[a], input[b]) || a - b);
    const rows = idxs.map((i) => input[i]);
    const n = rows.length;
    // Peer groups: rows equal under ORDER BY.
    const peerStart = new Array<number>(n), peerEnd = new Array<number>(n);
    for (let i = 0; i < n;) {
      let j = i + 1;
      while (j < n && cmp(rows[i], rows[j]) === 0) j++;
      for (let k = i; k < j; k++) { peerStart[k] = i; peerEnd[k] = j - 1; }
      i = j;
    }
    const set = (k: number, v: Datum) => { out[idxs[k]] = v; };
    switch (call.fn) {
      case 'row_number': for (let k = 0; k < n; k++) set(k, BigInt(k + 1)); break;
      case 'rank': for (let k = 0; k < n; k++) set(k, BigInt(peerStart[k] + 1)); break;
      case 'dense_rank': { let d = 0; for (let k = 0; k < n; k++) { if (peerStart[k] === k) d++; set(k, BigInt(d)); } break; }
      case 'percent_rank': for (let k = 0; k < n; k++) set(k, n > 1 ? peerStart[k] / (n - 1) : 0); break;
      case 'cume_dist': for (let k = 0; k < n; k++) set(k, (peerEnd[k] + 1) / n); break;
      case 'ntile': {
        const buckets = argFs[0](rows[0]) as number;
        if (buckets === null || buckets <= 0) throw new SqlError('22014', 'argument of ntile must be greater than zero');
        const size = Math.floor(n / buckets), extra = n % buckets;
        let k = 0;
        for (let b = 0; b < buckets && k < n; b++) { const cnt = size + (b < extra ? 1 : 0); for (let c = 0; c < cnt; c++) set(k++, b + 1); }
        break;
      }
      case 'lag': case 'lead': {
        const dir = call.fn === 'lag' ? -1 : 1;
        for (let k = 0; k < n; k++) {
          const off = argFs[1] ? (argFs[1](rows[k]) as number) : 1;
          const j = k + dir * off;
          set(k, j >= 0 && j < n ? argFs[0](rows[j]) : argFs[2] ? argFs[2](rows[k]) : null);
        }
        break;
      }
      default: {
        for (let k = 0; k < n; k++) {
          const [s, e] = frameBounds(call, k, n, rows, peerStart, peerEnd, ctx);
          if (call.fn === 'first_value') set(k, s <= e ? argFs[0](rows[s]) : null);
          else if (call.fn === 'last_value') set(k, s <= e ? argFs[0](rows[e]) : null);
          else if (call.fn === 'nth_value') {
            const nth = argFs[1](rows[k]) as number;
            set(k, s + nth - 1 <= e ? argFs[0](rows[s + nth - 1]) : null);
          } else {
            const agg = call.agg!;
            const acc = createAccumulator(agg, ctx.evalCtx.timeZone);
            const filter = agg.filter ? compileExpr(agg.filter, ctx) : null;
            for (let j = s; j <= e; j++) {
              if (filter && filter(rows[j]) !== true) continue;
              acc.add(argFs.map((f) => f(rows[j])));
            }
            set(k, acc.result());
          }
        }
      }
    }
  }
}

function frameBounds(call: WindowCall, k: number, n: number, rows: Row[], peerStart: number[], peerEnd: number[], ctx: ExecContext): [number, number] {
  const f = call.frame;
  const offset = (b: typeof f.start) => (b.offset ? Number(compileExpr(b.offset, ctx)(rows[k]) as number | bigint) : 0);
  const pos = (b: typeof f.start, isStart: boolean): number => {
    switch (b.kind) {
      case 'unbounded_preceding': return 0;
      case 'unbounded_following': return n - 1;
      case 'current_row':
        if (f.mode === 'rows') return k;
        return isStart ? peerStart[k] : peerEnd[k];
      case 'preceding': case 'following': {
        const o = offset(b) * (b.kind === 'preceding' ? -1 : 1);
        if (f.mode === 'rows') return k + o;
        if (f.mode === 'groups') {
          // Move o peer groups from the current one.
          let g = isStart ? peerStart[k] : peerEnd[k];
          let steps = Math.abs(o);
          while (steps-- > 0) {
            if (o < 0) { g = peerStart[g] - 1; if (g < 0) return isStart ? 0 : -1; g = isStart ? peerStart[g] : peerEnd[g]; }
            else { g = peerEnd[g] + 1; if (g >= n) return isStart ? n : n - 1; g = isStart ? peerStart[g] : peerEnd[g]; }
          }
          return g;
        }
        // RANGE with offset: compare the single ORDER BY key numerically. NULL keys are peers of
        // each other only: a NULL row's frame is its peer group, and no other row's frame holds them.
        const key = compileExpr(call.orderBy[0].expr, ctx);
        const desc = call.orderBy[0].desc ? -1 : 1;
        const curKey = key(rows[k]);
        if (curKey === null) return isStart ? peerStart[k] : peerEnd[k];
        const target = Number(curKey as number) + o * desc;
        const before = (j: number) => { const v = key(rows[j]); return v === null ? call.orderBy[0].nullsFirst : (Number(v) - target) * desc < 0; };
        const after = (j: number) => { const v = key(rows[j]); return v === null ? !call.orderBy[0].nullsFirst : (Number(v) - target) * desc > 0; };
        if (isStart) { let j = 0; while (j < n && before(j)) j++; return j; }
        let j = n - 1; while (j >= 0 && after(j)) j--; return j;
      }
    }
  };
  const s = Math.max(0, pos(f.start, true));
  const e = Math.min(n - 1, pos(f.end, false));
  return [s, e];
}

// Hash aggregation for batch queries, with DISTINCT, FILTER and ordered-set (ORDER BY) inputs.

import type { LogicalPlan } from '../plan/logical.js';
import type { Datum, Row } from '../types/value.js';
import { rowKey } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';
import { type Accumulator, createAccumulator } from './accumulators.js';
import { compileSort } from './sort.js';
import type { Exec } from './run-plan.js';

type AggPlan = Extract<LogicalPlan, { kind: 'aggregate' }>;

export function* runAggregate(plan: AggPlan, input: Row[], ctx: ExecContext): Exec<Row[]> {
  const groupFs = plan.groupBy.map((e) => compileExpr(e, ctx));
  const argFs = plan.aggs.map((a) => a.args.map((e) => compileExpr(e, ctx)));
  const filterFs = plan.aggs.map((a) => (a.filter ? compileExpr(a.filter, ctx) : null));
  // Aggregates with DISTINCT or ORDER BY collect their input rows first.
  const collecting = plan.aggs.map((a) => a.distinct || a.orderBy.length > 0);
  const tz = ctx.evalCtx.timeZone;
  interface Group { key: Datum[]; accs: Accumulator[]; pending: Row[][] }
  const groups = new Map<string, Group>();
  const nG = groupFs.length;
  const keyCols = Array.from({ length: nG }, (_, i) => i);
  for (const r of input) {
    if (ctx.tick()) yield;
    const key = new Array<Datum>(nG);
    for (let i = 0; i < nG; i++) key[i] = groupFs[i](r);
    const k = nG === 0 ? '' : rowKey(key, keyCols);
    let g = groups.get(k);
    if (!g) {
      g = { key, accs: plan.aggs.map((a) => createAccumulator(a, tz)), pending: plan.aggs.map(() => []) };
      groups.set(k, g);
    }
    for (let j = 0; j < argFs.length; j++) {
      const f = filterFs[j];
      if (f && f(r) !== true) continue;
      const args = argFs[j].map((fn) => fn(r));
      if (collecting[j]) g.pending[j].push(collecting[j] && plan.aggs[j].orderBy.length ? [...args, r as unknown as Datum] : args);
      else g.accs[j].add(args);
    }
  }
  // An aggregate without GROUP BY returns one row even over no input.
  if (groups.size === 0 && nG === 0) {
    groups.set('', { key: [], accs: plan.aggs.map((a) => createAccumulator(a, tz)), pending: plan.aggs.map(() => []) });
  }
  const out: Row[] = [];
  for (const g of groups.values()) {
    plan.aggs.forEach((a, j) => {
      if (!collecting[j]) return;
      let rows = g.pending[j];
      const nArgs = a.args.length;
      if (a.orderBy.length) {
        const cmp = compileSort(a.orderBy, ctx);
        rows = rows.slice().sort((x, y) => cmp(x[nArgs] as unknown as Row, y[nArgs] as unknown as Row));
      }
      if (a.distinct) {
        const seen = new Set<string>();
        const cols = Array.from({ length: nArgs }, (_, i) => i);
        rows = rows.filter((x) => { const k = rowKey(x, cols); if (seen.has(k)) return false; seen.add(k); return true; });
        // DISTINCT ignores NULL inputs for single-argument aggregates other than array_agg.
      }
      for (const x of rows) g.accs[j].add(x.slice(0, nArgs));
    });
    const row: Row = new Array(nG + plan.aggs.length);
    for (let i = 0; i < nG; i++) row[i] = g.key[i];
    for (let j = 0; j < plan.aggs.length; j++) row[nG + j] = g.accs[j].result();
    out.push(row);
  }
  return out;
}

// Batch execution of a logical plan. Each node produces its complete output as an array of rows;
// expressions are compiled once per node. Nodes are generators that yield (with no value) when a
// time slice is used up: runPlanAsync then lets the event loop run, so a long query can be
// cancelled, while runPlan (used for subqueries inside expressions) runs straight through.

import { SqlError, SqlState } from '../errors.js';
import type { LogicalPlan } from '../plan/logical.js';
import type { Datum, Row } from '../types/value.js';
import { rowKey } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';
import { runAggregate } from './aggregate.js';
import { runJoin } from './join.js';
import { runWindow } from './window.js';
import { compileSort } from './sort.js';
import { lookupByPrimaryKey } from './point-lookup.js';
import { hopWindowStarts } from '../functions/time-window.js';

const EMPTY: Row = [];

export type Exec<T> = Generator<void, T, void>;

/** Run a plan to completion without yielding (subqueries, DDL helpers). */
export function runPlan(plan: LogicalPlan, ctx: ExecContext): Row[] {
  const g = execPlan(plan, ctx);
  for (;;) { const r = g.next(); if (r.done) return r.value; }
}

/** Run a plan, giving the event loop a turn whenever a time slice is used up. */
export async function runPlanAsync(plan: LogicalPlan, ctx: ExecContext): Promise<Row[]> {
  const g = execPlan(plan, ctx);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    await new Promise<void>((res) => setImmediate(res));
    ctx.resumed();
    ctx.checkCancel();
  }
}

export function* execPlan(plan: LogicalPlan, ctx: ExecContext): Exec<Row[]> {
  switch (plan.kind) {
    case 'scan': {
      const hit = lookupByPrimaryKey(plan, ctx);
      if (hit) return hit;
      const out: Row[] = [];
      for (const r of ctx.tables.table(plan.tableOid).rowsIter()) { if (ctx.tick()) yield; out.push(r); }
      return out;
    }
    case 'systemScan': return ctx.system.rows(plan.table);
    case 'values': {
      const rows = plan.rows.map((exprs) => exprs.map((e) => compileExpr(e, ctx)));
      return rows.map((fs) => fs.map((f) => f(EMPTY)));
    }
    case 'filter': {
      const input = yield* execPlan(plan.input, ctx);
      const pred = compileExpr(plan.predicate, ctx);
      const out: Row[] = [];
      for (const r of input) { if (ctx.tick()) yield; if (pred(r) === true) out.push(r); }
      return out;
    }
    case 'project': {
      const input = yield* execPlan(plan.input, ctx);
      const fs = plan.exprs.map((e) => compileExpr(e, ctx));
      const n = fs.length;
      const out: Row[] = new Array(input.length);
      for (let i = 0; i < input.length; i++) {
        if (ctx.tick()) yield;
        const r = input[i];
        const o: Row = new Array(n);
        for (let j = 0; j < n; j++) o[j] = fs[j](r);
        out[i] = o;
      }
      return out;
    }
    case 'projectSet': return yield* runProjectSet(plan, ctx);
    case 'aggregate': return yield* runAggregate(plan, yield* execPlan(plan.input, ctx), ctx);
    case 'window': return runWindow(plan, yield* execPlan(plan.input, ctx), ctx);
    case 'join': return yield* runJoin(plan, yield* execPlan(plan.left, ctx), yield* execPlan(plan.right, ctx), ctx);
    case 'sort': {
      const rows = (yield* execPlan(plan.input, ctx)).slice();
      rows.sort(compileSort(plan.keys, ctx));
      return rows;
    }
    case 'limit': {
      const rows = yield* execPlan(plan.input, ctx);
      const lim = plan.limit ? evalCount(plan.limit, ctx, 'LIMIT') : null;
      const off = plan.offset ? evalCount(plan.offset, ctx, 'OFFSET') ?? 0 : 0;
      return rows.slice(off, lim === null ? undefined : off + lim);
    }
    case 'distinct': {
      const rows = yield* execPlan(plan.input, ctx);
      const seen = new Set<string>();
      const out: Row[] = [];
      const keyFs = plan.on ? plan.on.map((e) => compileExpr(e, ctx)) : null;
      const all = plan.columns.map((_, i) => i);
      for (const r of rows) {
        const k = keyFs ? rowKey(keyFs.map((f) => f(r)), keyFs.map((_, i) => i)) : rowKey(r, all);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(r);
      }
      return out;
    }
    case 'setop': return runSetOp(plan, yield* execPlan(plan.left, ctx), yield* execPlan(plan.right, ctx));
    case 'tableFunction': {
      const args = plan.args.map((e) => compileExpr(e, ctx)(EMPTY));
      const out: Row[] = [];
      for (const r of plan.fn(args)) {
        if (ctx.tick()) yield;
        out.push(r);
        if (out.length > 50_000_000) throw new SqlError(SqlState.ProgramLimitExceeded, 'set-returning function produced too many rows');
      }
      return out;
    }
    case 'cteRef': return yield* runCte(plan.cte, ctx);
    case 'hopWindow': return yield* runHopWindow(plan, ctx);
  }
}

/** HOP: each row once per window that contains its time; rows with a NULL time are dropped. */
function* runHopWindow(plan: Extract<LogicalPlan, { kind: 'hopWindow' }>, ctx: ExecContext): Exec<Row[]> {
  const input = yield* execPlan(plan.input, ctx);
  const time = compileExpr(plan.time, ctx);
  const { slide, size, offset } = plan;
  const out: Row[] = [];
  for (const r of input) {
    if (ctx.tick()) yield;
    const t = time(r);
    if (t === null) continue;
    for (const start of hopWindowStarts(t as number, slide, size, offset)) out.push([...r, start, start + size]);
  }
  return out;
}

function evalCount(e: Parameters<typeof compileExpr>[0], ctx: ExecContext, what: string): number | null {
  const v = compileExpr(e, ctx)(EMPTY);
  if (v === null) return null;
  const n = Number(v as bigint);
  // PostgreSQL: invalid_row_count_in_limit_clause (2201W), invalid_row_count_in_result_offset_clause (2201X).
  if (n < 0) throw new SqlError(what === 'OFFSET' ? '2201X' : '2201W', `${what} must not be negative`);
  return n;
}

function* runCte(cte: Extract<LogicalPlan, { kind: 'cteRef' }>['cte'], ctx: ExecContext): Exec<Row[]> {
  const cached = ctx.cteResults.get(cte.id);
  if (cached) return cached;
  if (!cte.recursive) {
    const rows = yield* execPlan(cte.plan, ctx);
    ctx.cteResults.set(cte.id, rows);
    return rows;
  }
  // WITH RECURSIVE: iterate the recursive term over the rows the previous round produced.
  const { anchor, step, all } = cte.recursive;
  const width = anchor.columns.length;
  const cols = Array.from({ length: width }, (_, i) => i);
  const seen = new Set<string>();
  const result: Row[] = [];
  const add = (rows: Row[]) => {
    const fresh: Row[] = [];
    for (const r of rows) {
      if (!all) { const k = rowKey(r, cols); if (seen.has(k)) continue; seen.add(k); }
      fresh.push(r);
      result.push(r);
    }
    return fresh;
  };
  let working = add(yield* execPlan(anchor, ctx));
  let rounds = 0;
  while (working.length) {
    ctx.checkCancel();
    if (++rounds > 1_000_000 || result.length > 10_000_000) throw new SqlError(SqlState.ProgramLimitExceeded, 'recursive query produced too many rows');
    ctx.cteResults.set(cte.id, working);
    const next = yield* execPlan(step, ctx);
    ctx.cteResults.delete(cte.id);
    working = add(next);
  }
  ctx.cteResults.set(cte.id, result);
  return result;
}

function* runProjectSet(plan: Extract<LogicalPlan, { kind: 'projectSet' }>, ctx: ExecContext): Exec<Row[]> {
  const input = yield* execPlan(plan.input, ctx);
  const fs = plan.exprs.map((e, i) => (plan.srfs.some((s) => s.index === i) ? null : compileExpr(e, ctx)));
  const srfArgs = plan.srfs.map((s) => s.args.map((a) => compileExpr(a, ctx)));
  const out: Row[] = [];
  for (const r of input) {
    const base = fs.map((f) => (f ? f(r) : null));
    const series = plan.srfs.map((s, k) => [...s.fn(srfArgs[k].map((f) => f(r)))]);
    const n = Math.max(0, ...series.map((s) => s.length));
    for (let i = 0; i < n; i++) {
      if (ctx.tick()) yield;
      const o = base.slice();
      plan.srfs.forEach((s, k) => { o[s.index] = i < series[k].length ? series[k][i] : null; });
      out.push(o);
    }
  }
  return out;
}

function runSetOp(plan: Extract<LogicalPlan, { kind: 'setop' }>, left: Row[], right: Row[]): Row[] {
  const cols = plan.columns.map((_, i) => i);
  if (plan.op === 'union') {
    if (plan.all) return left.concat(right);
    const seen = new Set<string>();
    const out: Row[] = [];
    for (const r of left.concat(right)) { const k = rowKey(r, cols); if (!seen.has(k)) { seen.add(k); out.push(r); } }
    return out;
  }
  const counts = new Map<string, number>();
  for (const r of right) { const k = rowKey(r, cols); counts.set(k, (counts.get(k) ?? 0) + 1); }
  const out: Row[] = [];
  const emitted = new Set<string>();
  for (const r of left) {
    const k = rowKey(r, cols);
    const c = counts.get(k) ?? 0;
    if (plan.op === 'intersect') {
      if (plan.all) { if (c > 0) { out.push(r); counts.set(k, c - 1); } }
      else if (c > 0 && !emitted.has(k)) { emitted.add(k); out.push(r); }
    } else {
      if (plan.all) { if (c > 0) counts.set(k, c - 1); else out.push(r); }
      else if (c === 0 && !emitted.has(k)) { emitted.add(k); out.push(r); }
    }
  }
  return out;
}

export type { Datum };

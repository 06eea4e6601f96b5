// Streams a query's result in batches, so a huge result is never held whole: the consumer (the
// wire layer) pulls one batch, writes it, and waits for the socket to drain before pulling the
// next. Project / filter / limit over a table scan, VALUES or a set-returning function are
// evaluated row by row as batches are pulled; any other plan runs to completion first (as
// runPlanAsync does) and is then handed out in batches.

import { SqlError } from '../errors.js';
import type { LogicalPlan } from '../plan/logical.js';
import type { Datum, Row } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';
import { runPlanAsync } from './run-plan.js';
import { lookupByPrimaryKey } from './point-lookup.js';

const EMPTY: Row = [];
/** Passed up by a filter that has read a whole time slice without finding a row. */
const PAUSE = null;
type Pull = Iterator<Row | typeof PAUSE>;
/** Rows per batch: large enough to amortise the per-batch overhead, small enough to bound memory. */
export const STREAM_BATCH_ROWS = 1024;

/**
 * Yield the plan's rows in batches of at most `STREAM_BATCH_ROWS`. Between batches the generator
 * gives the event loop a turn when the executor's time slice is used up, so other sessions and
 * CancelRequests are served while a long result streams.
 */
export async function* streamPlanAsync(plan: LogicalPlan, ctx: ExecContext): AsyncGenerator<Row[], void, void> {
  const rows = rowIterator(plan, ctx);
  if (!rows) {
    const all = await runPlanAsync(plan, ctx);
    for (let i = 0; i < all.length; i += STREAM_BATCH_ROWS) yield all.slice(i, i + STREAM_BATCH_ROWS);
    return;
  }
  for (;;) {
    const batch: Row[] = [];
    let sliceUsed = false;
    try {
      while (batch.length < STREAM_BATCH_ROWS) {
        const r = rows.next();
        if (r.done) break;
        if (r.value === PAUSE) { sliceUsed = true; break; }
        batch.push(r.value);
        if (ctx.tick()) { sliceUsed = true; break; }
      }
    } catch (e) {
      // Rows computed before an error are sent before it, as PostgreSQL does.
      if (batch.length) yield batch;
      throw e;
    }
    if (batch.length) yield batch;
    if (!sliceUsed && batch.length < STREAM_BATCH_ROWS) return;
    if (sliceUsed) {
      await new Promise<void>((res) => setImmediate(res));
      ctx.resumed();
      ctx.checkCancel();
    }
  }
}

/** A lazy row iterator for plans made only of streamable nodes, or null. */
function rowIterator(plan: LogicalPlan, ctx: ExecContext): Pull | null {
  switch (plan.kind) {
    case 'scan':
      // Snapshot the row references now: the result must not see commits made while it streams.
      return (lookupByPrimaryKey(plan, ctx) ?? Array.from(ctx.tables.table(plan.tableOid).rowsIter())).values();
    case 'values': {
      const rows = plan.rows.map((exprs) => exprs.map((e) => compileExpr(e, ctx)));
      return rows.map((fs) => fs.map((f) => f(EMPTY))).values();
    }
    case 'tableFunction': {
      const args = plan.args.map((e) => compileExpr(e, ctx)(EMPTY));
      return plan.fn(args)[Symbol.iterator]();
    }
    case 'filter': {
      const input = rowIterator(plan.input, ctx);
      if (!input) return null;
      const pred = compileExpr(plan.predicate, ctx);
      return filterRows(input, (r) => pred(r) === true, ctx);
    }
    case 'project': {
      const input = rowIterator(plan.input, ctx);
      if (!input) return null;
      const fs = plan.exprs.map((e) => compileExpr(e, ctx));
      return projectRows(input, fs);
    }
    case 'limit': {
      const input = rowIterator(plan.input, ctx);
      if (!input) return null;
      const lim = plan.limit ? count(compileExpr(plan.limit, ctx)(EMPTY), 'LIMIT') : null;
      const off = plan.offset ? count(compileExpr(plan.offset, ctx)(EMPTY), 'OFFSET') ?? 0 : 0;
      return limitRows(input, off, lim);
    }
    default:
      return null;
  }
}

function* filterRows(input: Pull, keep: (r: Row) => boolean, ctx: ExecContext): Generator<Row | typeof PAUSE> {
  for (let r = input.next(); !r.done; r = input.next()) {
    if (r.value === PAUSE) { yield PAUSE; continue; }
    if (keep(r.value)) yield r.value;
    // A selective filter may read many rows per row it returns: keep the time slices short.
    else if (ctx.tick()) yield PAUSE;
  }
}

function* projectRows(input: Pull, fs: ((r: Row) => Datum)[]): Generator<Row | typeof PAUSE> {
  const n = fs.length;
  for (let r = input.next(); !r.done; r = input.next()) {
    if (r.value === PAUSE) { yield PAUSE; continue; }
    const o: Row = new Array(n);
    for (let j = 0; j < n; j++) o[j] = fs[j](r.value);
    yield o;
  }
}

function* limitRows(input: Pull, offset: number, limit: number | null): Generator<Row | typeof PAUSE> {
  let skipped = 0, taken = 0;
  while (limit === null || taken < limit) {
    const r = input.next();
    if (r.done) return;
    if (r.value === PAUSE) { yield PAUSE; continue; }
    if (skipped < offset) { skipped++; continue; }
    taken++;
    yield r.value;
  }
}

function count(v: unknown, what: string): number | null {
  if (v === null) return null;
  const n = Number(v as bigint);
  if (n < 0) throw new SqlError('2201W', `${what} must not be negative`);
  return n;
}

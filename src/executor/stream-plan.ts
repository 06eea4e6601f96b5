// Streams a query's result in batches, so a huge result is never held whole: the consumer (the
// wire layer) pulls one batch, writes it, and waits for the socket to drain before pulling the
// next. Project / filter / limit over a table scan, VALUES or a set-returning function are
// evaluated row by row as batches are pulled; any other plan runs to completion first (as
// runPlanAsync does, in time slices) and is then handed out in batches.
//
// Pulling is synchronous, so a short query (a point lookup) runs start to finish without a
// promise; only a query that uses up its time slice makes the consumer wait a turn.

import { SqlError } from '../errors.js';
import type { LogicalPlan } from '../plan/logical.js';
import type { Datum, Row } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';
import { execPlan, type Exec } from './run-plan.js';
import { lookupByPrimaryKey, runPointQuery } from './point-lookup.js';

const EMPTY: Row = [];
/** Passed up by a filter that has read a whole time slice without finding a row. */
const PAUSE = null;
type Pull = Iterator<Row | typeof PAUSE>;
/** Rows per batch: large enough to amortise the per-batch overhead, small enough to bound memory. */
export const STREAM_BATCH_ROWS = 1024;

/** What PlanStream.next() returns when the time slice is used up: call resume(), then next() again. */
export const PAUSED: unique symbol = Symbol('paused');
export type Batch = Row[] | typeof PAUSED | null;

/**
 * A plan's rows in batches of at most `STREAM_BATCH_ROWS`, pulled with next(): a batch, PAUSED,
 * or null once the rows are exhausted. Between batches the consumer gives the event loop a turn
 * (resume()) when the executor's time slice is used up, so other sessions and CancelRequests are
 * served while a long result streams. Rows computed before an error come out before the error.
 */
export class PlanStream {
  private rows: Pull | null = null;
  /** A plan that is not streamable row by row: executed whole, in time slices. */
  private exec: Exec<Row[]> | null = null;
  private all: Row[] | null = null;
  private pos = 0;
  private started = false;
  private ended = false;
  /** The time slice ran out while a batch was being filled: the next pull pauses first. */
  private pausePending = false;
  private failure: { error: unknown } | null = null;

  constructor(private readonly plan: LogicalPlan, private readonly ctx: ExecContext) {}

  next(): Batch {
    if (this.failure) { const e = this.failure.error; this.failure = null; this.ended = true; throw e; }
    if (this.ended) return null;
    if (this.pausePending) { this.pausePending = false; return PAUSED; }
    try {
      if (!this.started) {
        this.started = true;
        // A point lookup's row is at hand at once; other plans stream or run in time slices.
        this.all = runPointQuery(this.plan, this.ctx);
        if (!this.all) {
          this.rows = rowIterator(this.plan, this.ctx);
          if (!this.rows) this.exec = execPlan(this.plan, this.ctx);
        }
      }
      return this.rows ? this.nextStreamed(this.rows) : this.nextMaterialized();
    } catch (e) {
      this.ended = true;
      throw e;
    }
  }

  /** After PAUSED: let the event loop run, then start a new time slice (checking for cancellation). */
  async resume(): Promise<void> {
    await new Promise<void>((res) => setImmediate(res));
    this.ctx.resumed();
    this.ctx.checkCancel();
  }

  private nextMaterialized(): Batch {
    if (!this.all) {
      const r = this.exec!.next();
      if (!r.done) return PAUSED;
      this.all = r.value;
    }
    const all = this.all;
    if (this.pos >= all.length) { this.ended = true; return null; }
    const batch = this.pos === 0 && all.length <= STREAM_BATCH_ROWS ? all : all.slice(this.pos, this.pos + STREAM_BATCH_ROWS);
    this.pos += batch.length;
    return batch;
  }

  private nextStreamed(rows: Pull): Batch {
    const batch: Row[] = [];
    try {
      while (batch.length < STREAM_BATCH_ROWS) {
        const r = rows.next();
        if (r.done) { this.ended = true; break; }
        if (r.value === PAUSE) { this.pausePending = true; break; }
        batch.push(r.value);
        if (this.ctx.tick()) { this.pausePending = true; break; }
      }
    } catch (e) {
      // Rows computed before an error are sent before it, as PostgreSQL does.
      if (!batch.length) throw e;
      this.failure = { error: e };
      return batch;
    }
    if (batch.length) return batch;
    if (this.ended) return null;
    this.pausePending = false;
    return PAUSED;
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

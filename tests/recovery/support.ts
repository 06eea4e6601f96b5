// Shared by the recovery tests: a rate-limited Nexmark bid stream, the queries run over it, and
// how to read back a file sink and compare a recovered job with a reference that never failed.

import { existsSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { expect } from 'vitest';

export const EVENTS = 24_000;
export const EXPECTED_BIDS = (EVENTS / 50) * 46;
const RATE = 4_000;
const BID_COLUMNS = 'auction bigint, bidder bigint, price bigint, channel varchar, url varchar, date_time timestamp, extra varchar';

export const createBidSource = (c: pg.Client, name: string) =>
  c.query(`CREATE SOURCE ${name} (${BID_COLUMNS}) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = '${EVENTS}', nexmark.rate = '${RATE}', seed = '11')`);

/** Checkpoint often, so a crash finds several completed checkpoints behind it. */
export const FAST_CHECKPOINTS = "checkpoint.interval = '250ms', checkpoint.min_pause = '0ms'";

export const aggQuery = (src: string) => `SELECT auction % 7 AS k, count(*) AS n, sum(price) AS total, max(price) AS hi, min(price) AS lo, count(DISTINCT bidder) AS bidders, count(*) FILTER (WHERE price % 5 = 0) AS fives FROM ${src} GROUP BY auction % 7`;
export const rowsQuery = (src: string) => `SELECT auction, bidder, price FROM ${src} WHERE price % 5 = 0`;

import { until } from '../support/until.js';

export { sleep, until } from '../support/until.js';

interface CheckpointRow { id: string; job: string; status: string }
/** Ids of a job's completed checkpoints (SHOW CHECKPOINTS). */
export async function completedCheckpoints(c: pg.Client, job: string): Promise<number[]> {
  return ((await c.query('SHOW CHECKPOINTS')).rows as CheckpointRow[]).filter((r) => r.job === job && r.status === 'COMPLETED').map((r) => Number(r.id));
}

/** A file sink's lines: one file per subtask (path.0, path.1) at parallelism 2. */
export function sinkLines(path: string): string[] {
  return ['', '.0', '.1'].flatMap((suffix) => (existsSync(path + suffix) ? readFileSync(path + suffix, 'utf8').split('\n').filter(Boolean) : []));
}

const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

/**
 * Run the same source and queries from scratch (a job that never failed), wait until both have
 * read the whole stream, and check the recovered view equals the reference and the file sink
 * holds every expected row exactly once.
 */
export async function expectSameAsUninterrupted(c: pg.Client, view: string, sinkPath: string): Promise<void> {
  await createBidSource(c, 'bid_ref');
  await c.query(`CREATE MATERIALIZED VIEW agg_ref AS ${aggQuery('bid_ref')}`);
  await c.query(`CREATE MATERIALIZED VIEW rows_ref AS ${rowsQuery('bid_ref')}`);
  const total = async (v: string) => Number((await c.query(`SELECT coalesce(sum(n), 0)::int AS n FROM ${v}`)).rows[0].n);
  await until(async () => (await total('agg_ref')) === EXPECTED_BIDS, 'the reference to finish', 90_000);
  // rows_ref runs its own generator: it finishes when it holds as many rows as agg_ref counted.
  const fives = Number((await c.query('SELECT sum(fives)::int AS n FROM agg_ref')).rows[0].n);
  await until(async () => Number((await c.query('SELECT count(*)::int AS n FROM rows_ref')).rows[0].n) === fives, 'the reference rows to finish', 90_000);
  await until(async () => (await total(view)) >= EXPECTED_BIDS, 'the recovered view to finish', 90_000);
  await c.query('FLUSH');
  expect((await c.query(`SELECT * FROM ${view} ORDER BY k`)).rows).toEqual((await c.query('SELECT * FROM agg_ref ORDER BY k')).rows);

  const expected = (await c.query('SELECT auction::text, bidder::text, price::text FROM rows_ref')).rows;
  await until(async () => sinkLines(sinkPath).length >= expected.length, 'the file sink to catch up', 30_000);
  const got = sinkLines(sinkPath).map((l) => JSON.parse(l) as Record<string, unknown>).map((r) => ({ auction: String(r.auction), bidder: String(r.bidder), price: String(r.price) }));
  expect(got.length).toBe(expected.length);
  expect(sorted(got)).toEqual(sorted(expected));
}

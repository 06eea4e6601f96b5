// Lazy restore as a user meets it: after kill -9, a job whose latest checkpoint was confirmed
// resumes without loading its state first — each key is read from the checkpoint store when the
// job first needs it, the rest in the background — and still ends exactly where a job that never
// crashed ends: an aggregation (with min/max), a deduplication over thousands of keys, and an
// exactly-once file sink. The server's restore log says which way each task restored.

import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { freshDataDir, startChild, type ChildServer } from '../robustness/support/child-server.js';
import { FAST_CHECKPOINTS, EXPECTED_BIDS, aggQuery, completedCheckpoints, createBidSource, expectSameAsUninterrupted, rowsQuery, sleep, until } from './support.js';

const dataDir = freshDataDir();
const sinkPath = join(dataDir, 'rows.jsonl');
let srv: ChildServer | null = null;
afterAll(async () => { await srv?.stop(); });

const latestQuery = (src: string) => `SELECT auction, bidder, price FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY auction, bidder ORDER BY date_time DESC) AS rn FROM ${src}) t WHERE rn = 1`;
const totalQuery = (src: string) => `SELECT count(*) AS n, sum(price) AS s, max(price) AS hi FROM ${src}`;
const JOBS = ['agg', 'latest', 'total', 'rows_out'];

/** The restore lines of the server's log since it started. */
const restoreLines = (s: ChildServer) => s.output().stderr.split('\n').filter((l) => / restored \d+ state entries /.test(l));

describe('lazy restore after kill -9', () => {
  it('resumes without loading state first, twice in a row, and ends equal to a job that never crashed', async () => {
    srv = await startChild({ dataDir });
    let c = await srv.client();
    await createBidSource(c, 'bid');
    await c.query(`CREATE MATERIALIZED VIEW agg WITH (${FAST_CHECKPOINTS}) AS ${aggQuery('bid')}`);
    await c.query(`CREATE MATERIALIZED VIEW latest WITH (${FAST_CHECKPOINTS}) AS ${latestQuery('bid')}`);
    // A global aggregation: its one group exists before the restore (the operator creates it empty).
    await c.query(`CREATE MATERIALIZED VIEW total WITH (${FAST_CHECKPOINTS}) AS ${totalQuery('bid')}`);
    await c.query(`CREATE SINK rows_out AS ${rowsQuery('bid')} WITH (connector = 'file', path = '${sinkPath}', ${FAST_CHECKPOINTS})`);
    await until(async () => Number((await c.query('SELECT count(*)::int AS n FROM latest')).rows[0].n) > 2000, 'some thousands of keys');
    for (const job of JOBS) await until(async () => (await completedCheckpoints(c, job)).length > 0, `a checkpoint of ${job}`);
    await sleep(1000); // the confirmed checkpoint reaches the latest-state keyspace

    for (let crash = 0; crash < 2; crash++) {
      srv.kill('SIGKILL');
      await srv.exit;
      srv = await startChild({ dataDir });
      c = await srv.client();
      await until(async () => restoreLines(srv!).length >= 8, 'every task to report its restore');
      const lines = restoreLines(srv);
      // The stateful tasks resumed at once: nothing loaded but scoped keys (min/max multisets). A
      // kill that lands between a checkpoint's metadata and its tasks' keyspace writes (a few ms,
      // with a checkpoint every 250 ms) leaves that one job's tasks to load eagerly, as documented;
      // every other job's must resume lazily.
      const stateful = lines.filter((l) => l.includes('TopN') || l.includes('HashAgg'));
      for (const task of ['TopN', 'HashAgg']) expect(stateful.filter((l) => l.includes(task)).length, lines.join('\n')).toBeGreaterThan(0);
      const jobOf = (l: string) => /(?:Materialize|Sink): (\w+)/.exec(l)?.[1] ?? l;
      const eagerJobs = new Set(stateful.filter((l) => !/the rest read lazily/.test(l)).map(jobOf));
      expect(eagerJobs.size, lines.join('\n')).toBeLessThanOrEqual(1);
      expect(new Set(stateful.map(jobOf)).size - eagerJobs.size, lines.join('\n')).toBeGreaterThanOrEqual(2);
      // The second crash comes soon after the restart: the restored checkpoint, or the one the
      // restored jobs took since, restores lazily again.
    }

    await expectSameAsUninterrupted(c, 'agg', sinkPath);
    await c.query(`CREATE MATERIALIZED VIEW latest_ref AS ${latestQuery('bid_ref')}`);
    const rows = async (v: string) => (await c.query(`SELECT auction, bidder, price FROM ${v} ORDER BY 1, 2`)).rows;
    await until(async () => (await rows('latest_ref')).length === (await rows('latest')).length, 'the reference dedup to finish');
    await c.query('FLUSH');
    expect(await rows('latest')).toEqual(await rows('latest_ref'));
    expect(Number((await c.query('SELECT sum(n)::int AS n FROM agg')).rows[0].n)).toBe(EXPECTED_BIDS);
    await c.query(`CREATE MATERIALIZED VIEW total_ref AS ${totalQuery('bid_ref')}`);
    await until(async () => Number((await c.query('SELECT n FROM total_ref')).rows[0]?.n ?? 0) === EXPECTED_BIDS, 'the reference total');
    await c.query('FLUSH');
    expect((await c.query('SELECT n::int, s::text, hi::int FROM total')).rows).toEqual((await c.query('SELECT n::int, s::text, hi::int FROM total_ref')).rows);
  }, 300_000);
});

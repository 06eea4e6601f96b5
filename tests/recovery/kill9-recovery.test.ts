// Recovery as a user meets it: a server running checkpointed jobs over a rate-limited Nexmark
// source is killed with SIGKILL at random moments, several times, and started again on the same
// data directory. Each time every job continues from its latest completed checkpoint — state
// reloaded, the source rewound to the recorded position, the file sink's pending transaction
// committed or dropped as the checkpoint says — so at the end the views equal those of an
// identical job that never crashed, the file holds every expected row exactly once, and the
// checkpoint ids carry on from where they stopped instead of restarting at 1.

import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { freshDataDir, startChild, type ChildServer } from '../robustness/support/child-server.js';
import { rng as seeded } from '../support/rng.js';

const EVENTS = 24_000;
const RATE = 4_000;
const BID_COLUMNS = 'auction bigint, bidder bigint, price bigint, channel varchar, url varchar, date_time timestamp, extra varchar';
const nexmark = (seed: number) => `WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = '${EVENTS}', nexmark.rate = '${RATE}', seed = '${seed}')`;
const CP = "checkpoint.interval = '250ms', checkpoint.min_pause = '0ms'";
const AGG = (src: string) => `SELECT auction % 7 AS k, count(*) AS n, sum(price) AS total, max(price) AS hi, min(price) AS lo, count(DISTINCT bidder) AS bidders FROM ${src} GROUP BY auction % 7`;
const ROWS = (src: string) => `SELECT auction, bidder, price FROM ${src} WHERE price % 5 = 0`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dataDir = freshDataDir();
const sinkPath = join(dataDir, 'rows.jsonl');
let srv: ChildServer | null = null;
afterAll(async () => { await srv?.stop(); });

async function until<T>(f: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Cp { id: string; job: string; status: string }
const completed = async (c: pg.Client, job: string) => ((await c.query('SHOW CHECKPOINTS')).rows as Cp[]).filter((r) => r.job === job && r.status === 'COMPLETED').map((r) => Number(r.id));
/** The sink's lines: one file per subtask (rows.jsonl.0, rows.jsonl.1) at parallelism 2. */
const sinkLines = () => ['', '.0', '.1'].flatMap((suffix) => (existsSync(sinkPath + suffix) ? readFileSync(sinkPath + suffix, 'utf8').split('\n').filter(Boolean) : []));
const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('kill -9 while checkpointed jobs run', () => {
  it('restores every job from its latest checkpoint, several crashes in a row, with exactly-once file output', async () => {
    srv = await startChild({ dataDir });
    let c = await srv.client();
    await c.query(`CREATE SOURCE bid (${BID_COLUMNS}) ${nexmark(11)}`);
    await c.query(`CREATE MATERIALIZED VIEW agg WITH (${CP}) AS ${AGG('bid')}`);
    await c.query(`CREATE SINK rows_out AS ${ROWS('bid')} WITH (connector = 'file', path = '${sinkPath}', ${CP})`);

    const rng = seeded(5);
    let lastAgg = 0, lastSink = 0;
    for (let crash = 0; crash < 3; crash++) {
      // Let at least one new checkpoint of each job complete, then crash at a random moment.
      const fromAgg = lastAgg, fromSink = lastSink;
      await until(async () => Math.max(0, ...(await completed(c, 'agg'))) > fromAgg && Math.max(0, ...(await completed(c, 'rows_out'))) > fromSink, 'new checkpoints');
      await sleep(Math.floor(rng() * 400));
      lastAgg = Math.max(...(await completed(c, 'agg')));
      lastSink = Math.max(...(await completed(c, 'rows_out')));
      srv.kill('SIGKILL');
      await srv.exit;
      srv = await startChild({ dataDir });
      c = await srv.client();
      // Numbering carries on: the restored job's checkpoints come after the last one before the crash.
      const after = await until(async () => { const ids = await completed(c, 'agg'); return ids.length ? ids : undefined; }, 'a checkpoint after restart');
      expect(Math.min(...after)).toBeGreaterThan(lastAgg - 1);
      lastAgg = Math.max(...after);
    }

    // A reference that never crashed: the same source and queries, from the start.
    await c.query(`CREATE SOURCE bid_ref (${BID_COLUMNS}) ${nexmark(11)}`);
    await c.query(`CREATE MATERIALIZED VIEW agg_ref AS ${AGG('bid_ref')}`);
    await c.query(`CREATE MATERIALIZED VIEW rows_ref AS ${ROWS('bid_ref')}`);
    const expectedBids = (EVENTS / 50) * 46;
    const total = async (v: string) => Number((await c.query(`SELECT coalesce(sum(n), 0)::int AS n FROM ${v}`)).rows[0].n);
    await until(async () => (await total('agg_ref')) === expectedBids, 'the reference to finish', 90_000);
    await until(async () => (await total('agg')) >= expectedBids, 'the recovered view to finish', 90_000);
    await c.query('FLUSH');

    const view = (await c.query('SELECT * FROM agg ORDER BY k')).rows;
    expect(view).toEqual((await c.query('SELECT * FROM agg_ref ORDER BY k')).rows);

    // The file: exactly the filtered rows, none twice (a checkpoint's rows land when it completes).
    const expectedRows = (await c.query(`SELECT auction::text, bidder::text, price::text FROM rows_ref`)).rows;
    await until(async () => sinkLines().length >= expectedRows.length, 'the file sink to catch up', 30_000);
    const lines = sinkLines().map((l) => JSON.parse(l) as Record<string, unknown>);
    const got = lines.map((r) => ({ auction: String(r.auction), bidder: String(r.bidder), price: String(r.price) }));
    expect(got.length).toBe(expectedRows.length);
    expect(sorted(got)).toEqual(sorted(expectedRows));
  }, 300_000);
});

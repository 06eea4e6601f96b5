// Event time over the wire: a source declared WITH a WATERMARK, windowed views with and without
// EMIT ON WINDOW CLOSE, what each shows while the input is still running and after it ended, the
// append-only output EMIT ON WINDOW CLOSE gives, and the errors for what cannot be done.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { sleep, until } from './support/until.js';

let srv: TestServer;
let c: pg.Client;

beforeAll(async () => {
  srv = await startServer();
  c = await srv.client();
  await c.query('SET TimeZone = UTC');
});
afterAll(async () => { await srv?.stop(); });

const BID_COLUMNS = 'auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time TIMESTAMP, extra VARCHAR';

async function sqlState(sql: string): Promise<{ code?: string; message: string }> {
  try {
    await c.query(sql);
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { code: err.code, message: err.message };
  }
  throw new Error(`expected an error from: ${sql}`);
}

const rowsOf = async (sql: string): Promise<string[]> => (await c.query(sql)).rows.map((r) => JSON.stringify(r)).sort();

/** Wait until a view (whose job reads its own generator) has caught up with the batch query: same
 * rows, not just as many (a row's values still move while its job runs). */
async function caughtUp(view: string, batch: string, what: string): Promise<void> {
  await until(async () => {
    await c.query('FLUSH');
    return JSON.stringify(await rowsOf(`SELECT * FROM ${view}`)) === JSON.stringify(await rowsOf(batch));
  }, what, 30_000, 200).catch(() => undefined); // the assertion after it shows the difference
}

describe('a bounded source', () => {
  beforeAll(async () => {
    await c.query(`CREATE SOURCE bids_b (${BID_COLUMNS}, WATERMARK FOR date_time AS date_time - INTERVAL '2' SECOND)
      WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = '60000', seed = '3')`);
    // The raw rows, to compute every window with the batch engine.
    await c.query('CREATE MATERIALIZED VIEW raw_b AS SELECT auction, price, date_time FROM bids_b');
  });

  it('closes every window at its end: EMIT ON WINDOW CLOSE views equal the batch aggregation', async () => {
    await c.query(`CREATE MATERIALIZED VIEW tumble_eowc WITH (parallelism = 2) AS
      SELECT window_start, window_end, count(*) AS n, sum(price) AS s, max(price) AS hi
      FROM TUMBLE(bids_b, date_time, INTERVAL '1' SECOND) GROUP BY window_start, window_end EMIT ON WINDOW CLOSE`);
    await c.query(`CREATE MATERIALIZED VIEW hop_eowc AS
      SELECT window_start, auction % 10 AS a, count(*) AS n
      FROM HOP(bids_b, date_time, INTERVAL '1' SECOND, INTERVAL '3' SECOND) GROUP BY window_start, auction % 10 EMIT ON WINDOW CLOSE`);
    await c.query(`CREATE MATERIALIZED VIEW tumble_plain AS
      SELECT window_start, window_end, count(*) AS n, sum(price) AS s, max(price) AS hi
      FROM TUMBLE(bids_b, date_time, INTERVAL '1' SECOND) GROUP BY window_start, window_end`);
    const batchTumble = `SELECT date_bin('1 second', date_time, TIMESTAMP '1970-01-01') AS window_start,
      date_bin('1 second', date_time, TIMESTAMP '1970-01-01') + INTERVAL '1 second' AS window_end, count(*) AS n, sum(price) AS s, max(price) AS hi
      FROM raw_b GROUP BY 1, 2`;
    // A row is in the 3-second windows starting at its second and at the two before it.
    const bin = "date_bin('1 second', date_time, TIMESTAMP '1970-01-01')";
    const batchHop = `SELECT ws AS window_start, a, count(*) AS n FROM (
      SELECT ${bin} AS ws, auction % 10 AS a FROM raw_b
      UNION ALL SELECT ${bin} - INTERVAL '1 second', auction % 10 FROM raw_b
      UNION ALL SELECT ${bin} - INTERVAL '2 second', auction % 10 FROM raw_b) x GROUP BY 1, 2`;
    // The raw rows first (60,000 events hold 55,200 bids), then every view over them; the
    // generators end, and the last watermark (+Infinity) closes every window.
    await until(async () => Number((await c.query('SELECT count(*) AS n FROM raw_b')).rows[0].n) === 55_200 || undefined, 'the raw rows', 30_000);
    await caughtUp('tumble_eowc', batchTumble, 'every window closed');
    await caughtUp('tumble_plain', batchTumble, 'the plain view');
    expect(await rowsOf('SELECT * FROM tumble_eowc')).toEqual(await rowsOf(batchTumble));
    expect(await rowsOf('SELECT * FROM tumble_plain')).toEqual(await rowsOf(batchTumble));
    // The definitions pg_matviews and pg_get_viewdef (psql's \d+) show keep the clause.
    expect((await c.query("SELECT definition FROM pg_matviews WHERE matviewname = 'tumble_eowc'")).rows[0].definition).toMatch(/EMIT ON WINDOW CLOSE$/);
    expect((await c.query("SELECT pg_get_viewdef('tumble_eowc'::regclass) AS d")).rows[0].d).toMatch(/EMIT ON WINDOW CLOSE;$/);
    expect((await c.query("SELECT definition FROM pg_matviews WHERE matviewname = 'tumble_plain'")).rows[0].definition).not.toMatch(/EMIT/);
    expect(Number((await c.query('SELECT count(*) AS n FROM tumble_eowc')).rows[0].n)).toBeGreaterThanOrEqual(6); // 60k events, 10k a second of event time
    await caughtUp('hop_eowc', batchHop, 'every hop window closed');
    expect(await rowsOf('SELECT * FROM hop_eowc')).toEqual(await rowsOf(batchHop));
  });

  it('a join of windowed aggregations on the window cleans by it and equals the batch join', async () => {
    const per = (src: string, bin: string) => `SELECT a.ws, a.auction, a.n, m.top FROM
      (SELECT ${bin} AS ws, auction, count(*) AS n FROM ${src} GROUP BY 1, 2) a
      JOIN (SELECT ${bin} AS ws, max(price) AS top FROM ${src} GROUP BY 1) m ON a.ws = m.ws`;
    const stream = per("TUMBLE(bids_b, date_time, INTERVAL '1' SECOND)", 'window_start');
    const plan = (await c.query(`EXPLAIN (TYPE stream) ${stream}`)).rows.map((r) => r['QUERY PLAN'] as string);
    expect(plan.find((l) => l.includes('StreamHashJoin'))).toMatch(/cleans by ws = ws/);
    await c.query(`CREATE MATERIALIZED VIEW hot_per_second WITH (parallelism = 2) AS ${stream}`);
    const batch = per('raw_b', "date_bin('1 second', date_time, TIMESTAMP '1970-01-01')");
    await caughtUp('hot_per_second', batch, 'the windowed join');
    expect(await rowsOf('SELECT * FROM hot_per_second')).toEqual(await rowsOf(batch));
  });

  it('EMIT ON WINDOW CLOSE over that join holds each row until its window closes: append-only, equal to the batch join', async () => {
    const per = (src: string, bin: string) => `SELECT a.ws, a.auction, a.n, m.top FROM
      (SELECT ${bin} AS ws, auction, count(*) AS n FROM ${src} GROUP BY 1, 2) a
      JOIN (SELECT ${bin} AS ws, max(price) AS top FROM ${src} GROUP BY 1) m ON a.ws = m.ws`;
    const stream = per("TUMBLE(bids_b, date_time, INTERVAL '1' SECOND)", 'window_start');
    const plan = (await c.query(`EXPLAIN CREATE MATERIALIZED VIEW x AS ${stream} EMIT ON WINDOW CLOSE`)).rows.map((r) => r['QUERY PLAN'] as string);
    expect(plan.find((l) => l.includes('StreamEowcBuffer'))).toMatch(/emit on window close by ws\s+\{append-only/);
    await c.query(`CREATE MATERIALIZED VIEW hot_closed WITH (parallelism = 2) AS ${stream} EMIT ON WINDOW CLOSE`);
    // Append-only: a stream takes it.
    await c.query(`CREATE STREAM hot_closed_stream AS ${stream} EMIT ON WINDOW CLOSE`);
    const batch = per('raw_b', "date_bin('1 second', date_time, TIMESTAMP '1970-01-01')");
    await caughtUp('hot_closed', batch, 'the closed windowed join');
    expect(await rowsOf('SELECT * FROM hot_closed')).toEqual(await rowsOf(batch));
  });

  it('an aggregation over a windowed one: only the window key carries a watermark on', async () => {
    // The inner aggregation closes groups by d (10 s) only; s (each second) is not closed by it,
    // so the outer aggregation must not treat s as event time (it did once, and lost rows).
    const inner = (src: string, bin: (w: string) => string) => `SELECT s, sum(n) AS n FROM (
      SELECT ${bin("'10 seconds'")} AS d, ${bin("'1 second'")} AS s, count(*) AS n FROM ${src} GROUP BY 1, 2) x GROUP BY s`;
    const bin = (w: string) => `date_bin(${w}, date_time, TIMESTAMP '1970-01-01')`;
    expect((await sqlState(`CREATE MATERIALIZED VIEW nested_eowc AS ${inner('bids_b', bin)} EMIT ON WINDOW CLOSE`)).code).toBe('0A000');
    await c.query(`CREATE MATERIALIZED VIEW nested WITH (parallelism = 2) AS ${inner('bids_b', bin)}`);
    await caughtUp('nested', inner('raw_b', bin), 'the nested view');
    expect(await rowsOf('SELECT * FROM nested')).toEqual(await rowsOf(inner('raw_b', bin)));
  });

  it('EXPLAIN shows where event time starts and which aggregation waits for it', async () => {
    const plan = (await c.query(`EXPLAIN (TYPE stream) CREATE MATERIALIZED VIEW x AS SELECT window_start, count(*) FROM TUMBLE(bids_b, date_time, INTERVAL '5' SECOND) GROUP BY window_start EMIT ON WINDOW CLOSE`)).rows.map((r) => r['QUERY PLAN'] as string);
    expect(plan.some((l) => l.includes('StreamWatermarkFilter watermark=date_time'))).toBe(true);
    expect(plan.find((l) => l.includes('StreamHashAgg'))).toMatch(/emit on window close by window_start\s+\{append-only/);
    // Plain EXPLAIN of a CREATE statement shows the same stream plan (as RisingWave's does).
    const plain = (await c.query(`EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT window_start, count(*) FROM TUMBLE(bids_b, date_time, INTERVAL '5' SECOND) GROUP BY window_start EMIT ON WINDOW CLOSE`)).rows.map((r) => r['QUERY PLAN'] as string);
    expect(plain).toEqual(plan);
    const cleaning = (await c.query(`EXPLAIN (TYPE stream) SELECT window_start, count(*) FROM TUMBLE(bids_b, date_time, INTERVAL '5' SECOND) GROUP BY window_start`)).rows.map((r) => r['QUERY PLAN'] as string);
    expect(cleaning.find((l) => l.includes('StreamHashAgg'))).toMatch(/cleans by window_start\s+\{upsert/);
    // Only the window's time column is read from the source (projection pushdown).
    expect(cleaning.find((l) => l.includes('StreamSource'))).toMatch(/StreamSource bids_b \(connector=\w+\) reads \[date_time\]/);
  });

  it('EMIT ON WINDOW CLOSE output is append-only: streams and append-only sinks take it', async () => {
    const q = `SELECT window_start, count(*) AS n FROM TUMBLE(bids_b, date_time, INTERVAL '1' SECOND) GROUP BY window_start`;
    const refused = await sqlState(`CREATE STREAM per_second AS ${q}`);
    expect(refused.code).toBe('0A000');
    await c.query(`CREATE STREAM per_second AS ${q} EMIT ON WINDOW CLOSE`);
    expect((await sqlState(`CREATE SINK s_upd AS ${q} WITH (connector = 'blackhole', type = 'append-only')`)).code).toBe('0A000');
    await c.query(`CREATE SINK s_final AS ${q} EMIT ON WINDOW CLOSE WITH (connector = 'blackhole', type = 'append-only')`);
    const jobs = (await c.query('SHOW JOBS')).rows.filter((r) => r.name === 'per_second' || r.name === 's_final');
    expect(jobs.map((j) => j.status)).toEqual(['RUNNING', 'RUNNING']);
  });
});

describe('an unbounded source', () => {
  it('shows only closed windows, each once and final, while the plain view also shows the open one', async () => {
    await c.query(`CREATE SOURCE bids_u (${BID_COLUMNS}, WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND)
      WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.rate = '4000', seed = '5')`);
    const q = `SELECT window_start, count(*) AS n, max(price) AS hi FROM TUMBLE(bids_u, date_time, INTERVAL '1' SECOND) GROUP BY window_start`;
    await c.query(`CREATE MATERIALIZED VIEW u_eowc WITH (parallelism = 2) AS ${q} EMIT ON WINDOW CLOSE`);
    await c.query(`CREATE MATERIALIZED VIEW u_plain WITH (parallelism = 2) AS ${q}`);
    const snapshots: Map<string, string>[] = [];
    for (let i = 0; i < 4; i++) {
      await sleep(1200);
      await c.query('FLUSH');
      const eowc = new Map((await c.query('SELECT * FROM u_eowc')).rows.map((r) => [String(r.window_start.toISOString()), JSON.stringify(r)]));
      const plain = (await c.query('SELECT * FROM u_plain')).rows;
      const newest = Math.max(...plain.map((r) => r.window_start.getTime()));
      // The newest window is still open: the plain view shows it, EMIT ON WINDOW CLOSE does not.
      expect(plain.length).toBeGreaterThan(0);
      expect([...eowc.keys()].every((k) => new Date(k).getTime() < newest)).toBe(true);
      snapshots.push(eowc);
    }
    // Windows appear once and never change afterwards; more close as time goes on.
    for (let i = 1; i < snapshots.length; i++) for (const [k, v] of snapshots[i - 1]) expect(snapshots[i].get(k)).toBe(v);
    expect(snapshots.at(-1)!.size).toBeGreaterThan(snapshots[0].size);
    // A closed window's final row equals what the plain view shows for it.
    const plainNow = new Map((await c.query('SELECT * FROM u_plain')).rows.map((r) => [String(r.window_start.toISOString()), JSON.stringify(r)]));
    for (const [k, v] of snapshots[0]) expect(plainNow.get(k)).toBe(v);
  }, 30_000);
});

describe('errors', () => {
  it('refuses what cannot be done, with SQLSTATEs, and the session goes on', async () => {
    await c.query(`CREATE SOURCE plain_bids (${BID_COLUMNS}) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = '10')`);
    const noWatermark = await sqlState(`CREATE MATERIALIZED VIEW e1 AS SELECT window_start, count(*) FROM TUMBLE(plain_bids, date_time, INTERVAL '1' SECOND) GROUP BY window_start EMIT ON WINDOW CLOSE`);
    expect(noWatermark.code).toBe('0A000');
    expect(noWatermark.message).toMatch(/watermark/);
    const noAgg = await sqlState(`CREATE MATERIALIZED VIEW e2 AS SELECT * FROM bids_b EMIT ON WINDOW CLOSE`);
    expect(noAgg.code).toBe('0A000');
    const join = await sqlState(`CREATE MATERIALIZED VIEW e3 AS SELECT a.auction FROM bids_b a JOIN bids_b b ON a.auction = b.auction EMIT ON WINDOW CLOSE`);
    expect(join.message).toMatch(/a join/);
    expect((await sqlState(`CREATE SOURCE w1 (id int, t timestamp, WATERMARK FOR id AS id - 1) WITH (connector = 'datagen')`)).code).toBe('42804');
    expect((await sqlState(`CREATE SOURCE w2 (id int, t timestamp, WATERMARK FOR t AS id) WITH (connector = 'datagen')`)).code).toBe('42804');
    expect((await sqlState(`CREATE SOURCE w3 (id int, t timestamp, WATERMARK FOR nope AS t) WITH (connector = 'datagen')`)).code).toBe('42703');
    expect((await sqlState(`CREATE SOURCE w4 (id int, t timestamp, WATERMARK FOR t AS t - INTERVAL '1' SECOND + random() * INTERVAL '1' SECOND) WITH (connector = 'datagen')`)).code).toBe('0A000');
    // The idle timeout needs a watermark, and a duration.
    expect((await sqlState(`CREATE SOURCE w5 (id int, t timestamp) WITH (connector = 'datagen', scan.watermark.idle-timeout = '1s')`)).code).toBe('22023');
    expect((await sqlState(`CREATE SOURCE w6 (id int, t timestamp, WATERMARK FOR t AS t) WITH (connector = 'datagen', scan.watermark.idle-timeout = 'soon')`)).code).toBe('22023');
    for (const name of ['e1', 'e2', 'e3', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6']) {
      expect((await c.query('SELECT count(*) AS n FROM pg_class WHERE relname = $1', [name])).rows[0].n).toBe('0');
    }
    expect((await c.query('SELECT 1 AS ok')).rows[0].ok).toBe(1);
  });
});

// Interval joins over the wire (Flink SQL's): a join of two sources whose
// condition bounds one side's event time by the other's, with a watermark on both, plans as a join
// that forgets rows the watermarks have put out of reach — and still equals the batch join, inner
// or outer, and over a windowed aggregation's upserts (Nexmark q7). Joins whose sides carry no
// watermark, or whose bounds have months, plan as the plain join.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { until } from './support/until.js';

let srv: TestServer;
let c: pg.Client;

const AUCTION = 'id bigint, item_name varchar, description varchar, initial_bid bigint, reserve bigint, date_time timestamp, expires timestamp, seller bigint, category bigint, extra varchar';
const BID = 'auction bigint, bidder bigint, price bigint, channel varchar, url varchar, date_time timestamp, extra varchar';
const nexmark = (type: string) => `WITH (connector = 'nexmark', nexmark.table.type = '${type}', nexmark.event.num = '40000', seed = '5')`;

beforeAll(async () => {
  srv = await startServer();
  c = await srv.client();
  await c.query(`CREATE SOURCE auction (${AUCTION}, WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND) ${nexmark('auction')}`);
  await c.query(`CREATE SOURCE bid (${BID}, WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND) ${nexmark('bid')}`);
  // The same rows kept whole, for the batch engine's answer.
  await c.query('CREATE MATERIALIZED VIEW raw_auction AS SELECT id, seller, date_time FROM auction');
  await c.query('CREATE MATERIALIZED VIEW raw_bid AS SELECT auction, bidder, price, date_time FROM bid');
});
afterAll(async () => { await srv?.stop(); });

const rowsOf = async (sql: string): Promise<string[]> => (await c.query(sql)).rows.map((r) => JSON.stringify(r)).sort();
const planOf = async (sql: string): Promise<string[]> => (await c.query(`EXPLAIN (TYPE stream) ${sql}`)).rows.map((r) => r['QUERY PLAN'] as string);

async function equalsBatch(view: string, batch: string): Promise<void> {
  await until(async () => {
    await c.query('FLUSH');
    return JSON.stringify(await rowsOf(`SELECT * FROM ${view}`)) === JSON.stringify(await rowsOf(batch));
  }, view, 30_000, 200).catch(() => undefined); // the assertion below shows the difference
  const rows = await rowsOf(batch);
  expect(rows.length).toBeGreaterThan(100);
  expect(await rowsOf(`SELECT * FROM ${view}`)).toEqual(rows);
}

// Bids in the first ten seconds of their auction.
const early = (a: string, b: string) => `SELECT a.id, a.seller, b.bidder, b.price, b.date_time
  FROM ${a} a JOIN ${b} b ON a.id = b.auction AND b.date_time BETWEEN a.date_time AND a.date_time + INTERVAL '10' SECOND`;

describe('interval join', () => {
  it('EXPLAIN shows the interval the join cleans by', async () => {
    const join = (await planOf(early('auction', 'bid'))).find((l) => l.includes('StreamHashJoin'));
    expect(join).toMatch(/StreamHashJoin inner cleans by interval date_time - date_time in \[00:00:00, 00:00:10\]\s+\{append-only/);
  });

  it('equals the batch join, on two subtasks', async () => {
    await c.query(`CREATE MATERIALIZED VIEW early_bids WITH (parallelism = 2) AS ${early('auction', 'bid')}`);
    await equalsBatch('early_bids', early('raw_auction', 'raw_bid'));
  });

  it('an inner one carries event time on: windows over its output close, EMIT ON WINDOW CLOSE equals the batch result', async () => {
    const per = (a: string, b: string) => `SELECT date_bin('20 milliseconds', b.date_time, TIMESTAMP '2000-01-01') AS ws, count(*) AS n, max(b.price) AS top
      FROM ${a} a JOIN ${b} b ON a.id = b.auction AND b.date_time BETWEEN a.date_time AND a.date_time + INTERVAL '10' SECOND GROUP BY 1`;
    const plan = await planOf(`CREATE MATERIALIZED VIEW x AS ${per('auction', 'bid')} EMIT ON WINDOW CLOSE`);
    expect(plan.find((l) => l.includes('StreamHashAgg'))).toMatch(/emit on window close by ws\s+\{append-only/);
    await c.query(`CREATE MATERIALIZED VIEW early_per_10s WITH (parallelism = 2) AS ${per('auction', 'bid')} EMIT ON WINDOW CLOSE`);
    await equalsBatch('early_per_10s', per('raw_auction', 'raw_bid'));
  });

  it('EMIT ON WINDOW CLOSE over it alone: each joined row once its time has passed the watermark', async () => {
    await c.query(`CREATE MATERIALIZED VIEW early_closed WITH (parallelism = 2) AS ${early('auction', 'bid')} EMIT ON WINDOW CLOSE`);
    await equalsBatch('early_closed', early('raw_auction', 'raw_bid'));
    // A plain join's output has no watermark: refused, and the session goes on.
    await expect(c.query(`CREATE MATERIALIZED VIEW e_plain AS SELECT a.id FROM auction a JOIN bid b ON a.id = b.auction EMIT ON WINDOW CLOSE`)).rejects.toMatchObject({ code: '0A000' });
    expect((await c.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
  });

  it('takes the bounds either way round, one-sided, and from expressions of the time', async () => {
    const q = (a: string, b: string) => `SELECT a.id, b.bidder, b.price FROM ${a} a, ${b} b
      WHERE a.id = b.auction AND a.date_time > b.date_time - INTERVAL '2' SECOND`;
    const join = (await planOf(q('auction', 'bid'))).find((l) => l.includes('StreamHashJoin'));
    // Only an upper bound on b − a: the auction's rows leave, the bids stay.
    expect(join).toMatch(/cleans by interval date_time - date_time in \[-∞, 00:00:02\]/);
    // The difference form, as PostgreSQL users write it.
    const diff = await planOf(`SELECT a.id FROM auction a JOIN bid b ON a.id = b.auction AND b.date_time - a.date_time BETWEEN INTERVAL '0' SECOND AND INTERVAL '3' SECOND`);
    expect(diff.find((l) => l.includes('StreamHashJoin'))).toMatch(/cleans by interval date_time - date_time in \[00:00:00, 00:00:03\]/);
    await c.query(`CREATE MATERIALIZED VIEW quick_bids AS ${q('auction', 'bid')}`);
    await equalsBatch('quick_bids', q('raw_auction', 'raw_bid'));
  });

  it('an outer interval join pads the rows that found no partner, and equals the batch join', async () => {
    const q = (a: string, b: string) => `SELECT a.id, a.seller, b.bidder, b.price FROM ${a} a LEFT JOIN ${b} b
      ON a.id = b.auction AND b.date_time BETWEEN a.date_time AND a.date_time + INTERVAL '2' SECOND`;
    expect((await planOf(q('auction', 'bid'))).find((l) => l.includes('StreamHashJoin'))).toMatch(/StreamHashJoin left cleans by interval/);
    await c.query(`CREATE MATERIALIZED VIEW first_bids WITH (parallelism = 2) AS ${q('auction', 'bid')}`);
    await equalsBatch('first_bids', q('raw_auction', 'raw_bid'));
    // Some auctions had no bid within two seconds.
    expect(Number((await c.query('SELECT count(*) AS n FROM first_bids WHERE bidder IS NULL')).rows[0].n)).toBeGreaterThan(0);
  });

  it("Nexmark q7's shape: a retracting side (a windowed aggregation's upserts) joins by interval too", async () => {
    const q7 = (b: string) => `SELECT B.auction, B.price, B.bidder, B.date_time FROM ${b} B
      JOIN (SELECT max(price) AS maxprice, window_end AS date_time FROM TUMBLE(${b}, date_time, INTERVAL '20 milliseconds') GROUP BY window_end) B1
      ON B.price = B1.maxprice WHERE B.date_time BETWEEN B1.date_time - INTERVAL '20 milliseconds' AND B1.date_time`;
    const join = (await planOf(q7('bid'))).find((l) => l.includes('StreamHashJoin'));
    expect(join).toMatch(/StreamHashJoin inner cleans by interval date_time - date_time in \[00:00:00, 00:00:00.02\]/);
    await c.query(`CREATE MATERIALIZED VIEW highest WITH (parallelism = 2) AS ${q7('bid')}`);
    await equalsBatch('highest', q7('raw_bid'));
  });

  it('a month-wide bound, or a side without a watermark, is the plain join', async () => {
    const month = `SELECT a.id, b.price FROM auction a JOIN bid b ON a.id = b.auction AND b.date_time <= a.date_time + INTERVAL '1' MONTH`;
    expect((await planOf(month)).find((l) => l.includes('StreamHashJoin'))).toMatch(/StreamHashJoin inner\s+\{/);
    // A view's rows carry no watermark: nothing is known to be out of reach.
    const noWm = early('raw_auction', 'bid');
    expect((await planOf(noWm)).find((l) => l.includes('StreamHashJoin'))).not.toMatch(/cleans/);
  });
});

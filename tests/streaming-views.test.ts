// Incremental materialized views over tables: every INSERT/UPDATE/DELETE flows into the views as
// a changelog, and after FLUSH each view holds what its SELECT returns over the current tables.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
let c: pg.Client;

beforeAll(async () => {
  srv = await startServer();
  c = await srv.client();
  await c.query('CREATE TABLE bids (id int PRIMARY KEY, auction int, bidder text, price numeric(10,2))');
  await c.query('CREATE TABLE auctions (id int PRIMARY KEY, title text, category int)');
  await c.query("INSERT INTO auctions VALUES (1, 'lamp', 7), (2, 'desk', 7), (3, 'vase', 9)");
  await c.query("INSERT INTO bids VALUES (1, 1, 'ann', 10), (2, 1, 'bob', 12.5), (3, 2, 'ann', 99)");
});
afterAll(async () => { await srv.stop(); });

const rows = async (sql: string) => (await c.query({ text: sql, rowMode: 'array' })).rows;

/** The view must equal its defining query evaluated by the batch engine right now. */
async function expectViewMatches(view: string, query: string, order: string) {
  await c.query('FLUSH');
  expect(await rows(`SELECT * FROM ${view} ORDER BY ${order}`)).toEqual(await rows(`SELECT * FROM (${query}) q ORDER BY ${order}`));
}

describe('materialized views over tables', () => {
  const views: Record<string, [string, string]> = {
    per_auction: ['SELECT auction, count(*) AS n, sum(price) AS total, min(price) AS lo, max(price) AS hi, avg(price) AS mean, count(DISTINCT bidder) AS bidders FROM bids GROUP BY auction', '1'],
    everything: ['SELECT count(*) AS n, sum(price) AS s, string_agg(bidder, \',\' ORDER BY bidder) AS who FROM bids', '1'],
    joined: ['SELECT a.title, b.bidder, b.price FROM auctions a LEFT JOIN bids b ON a.id = b.auction', '1, 2, 3'],
    full_j: ['SELECT a.title, b.id FROM auctions a FULL JOIN bids b ON a.id = b.auction AND b.price > 11', '1, 2'],
    per_cat: ['SELECT a.category, count(b.id) AS bids, max(b.price) AS top FROM auctions a JOIN bids b ON a.id = b.auction WHERE b.price > 5 GROUP BY a.category HAVING count(*) >= 1', '1'],
    top2: ['SELECT id, price FROM bids ORDER BY price DESC, id LIMIT 2', '2 DESC, 1'],
    uniq: ['SELECT DISTINCT bidder FROM bids', '1'],
    mixed: ['SELECT bidder FROM bids WHERE price < 50 UNION ALL SELECT title FROM auctions', '1'],
  };

  it('creates views that start with the current contents', async () => {
    for (const [name, [q]] of Object.entries(views)) await c.query(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
    for (const [name, [q, order]] of Object.entries(views)) await expectViewMatches(name, q, order);
  });

  it('follows inserts, updates (including key and group changes) and deletes', async () => {
    await c.query("INSERT INTO bids VALUES (4, 3, 'cid', 5), (5, 3, 'cid', 7.25), (6, 2, 'bob', 99)");
    await c.query("UPDATE bids SET price = price + 100 WHERE bidder = 'ann'");
    await c.query('UPDATE bids SET auction = 3 WHERE id = 2');
    await c.query('DELETE FROM bids WHERE id = 6');
    await c.query("UPDATE auctions SET category = 9 WHERE id = 1");
    for (const [name, [q, order]] of Object.entries(views)) await expectViewMatches(name, q, order);
  });

  it('retracts the current maximum and the last row of a group', async () => {
    await c.query('DELETE FROM bids WHERE price = (SELECT max(price) FROM bids)');
    await c.query('DELETE FROM bids WHERE auction = 3');
    for (const [name, [q, order]] of Object.entries(views)) await expectViewMatches(name, q, order);
  });

  it('keeps a transaction\'s changes out of views until COMMIT', async () => {
    await c.query('BEGIN');
    await c.query("INSERT INTO bids VALUES (7, 1, 'dan', 1)");
    const other = await srv.client();
    await other.query('FLUSH');
    expect((await other.query("SELECT count(*)::int AS n FROM uniq WHERE bidder = 'dan'")).rows[0].n).toBe(0);
    await c.query('COMMIT');
    await other.query('FLUSH');
    expect((await other.query("SELECT count(*)::int AS n FROM uniq WHERE bidder = 'dan'")).rows[0].n).toBe(1);
  });

  it('builds views on views and drops them with CASCADE', async () => {
    await c.query('CREATE MATERIALIZED VIEW busy AS SELECT auction FROM per_auction WHERE n >= 2');
    await c.query("INSERT INTO bids VALUES (8, 1, 'eve', 3), (9, 2, 'eve', 4)");
    await expectViewMatches('busy', 'SELECT auction FROM bids GROUP BY auction HAVING count(*) >= 2', '1');
    await expect(c.query('DROP MATERIALIZED VIEW per_auction')).rejects.toMatchObject({ code: '2BP01' });
    await c.query('DROP MATERIALIZED VIEW per_auction CASCADE');
    await expect(c.query('SELECT * FROM busy')).rejects.toMatchObject({ code: '42P01' });
  });

  it('lists views and jobs, and rejects what cannot run incrementally', async () => {
    const listed = (await c.query('SHOW MATERIALIZED VIEWS')).rows.map((r) => r.name);
    expect(listed).toContain('joined');
    const jobs = (await c.query('SHOW JOBS')).rows;
    expect(jobs.find((j) => j.name === 'joined')?.status).toBe('RUNNING');
    await expect(c.query('CREATE MATERIALIZED VIEW bad AS SELECT id, rank() OVER (ORDER BY price) FROM bids')).rejects.toMatchObject({ code: '0A000' });
    await expect(c.query('CREATE MATERIALIZED VIEW bad AS SELECT * FROM bids, auctions')).rejects.toMatchObject({ code: '0A000' });
    await expect(c.query('CREATE STREAM s AS SELECT auction, count(*) FROM bids GROUP BY auction')).rejects.toMatchObject({ code: '0A000' });
    expect((await c.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'bad'")).rows[0].n).toBe(0);
  });

  it('explains the stream plan with changelog kinds', async () => {
    const plan = (await rows('EXPLAIN (TYPE stream) SELECT auction, count(*) FROM bids GROUP BY auction')).map((r) => r[0]).join('\n');
    expect(plan).toMatch(/StreamHashAgg[^\n]*\{upsert key=\[auction\]\}/);
    expect(plan).toMatch(/StreamExchange hash\[0\]/);
    expect(plan).toMatch(/StreamTableScan bids/);
  });
});

describe('sinks', () => {
  it('writes a view\'s changelog into a table by primary key', async () => {
    await c.query('CREATE TABLE totals (auction int PRIMARY KEY, n bigint)');
    await c.query("CREATE SINK totals_out AS SELECT auction, count(*) AS n FROM bids GROUP BY auction WITH (connector = 'table', table = 'totals')");
    await c.query("INSERT INTO bids VALUES (20, 5, 'zed', 1), (21, 5, 'zed', 2)");
    await c.query('FLUSH');
    expect(await rows('SELECT * FROM totals ORDER BY 1')).toEqual(await rows('SELECT auction, count(*) FROM bids GROUP BY auction ORDER BY 1'));
  });

  it('refuses an append-only sink over an updating query, naming the operator', async () => {
    await expect(c.query("CREATE SINK s2 AS SELECT auction, count(*) FROM bids GROUP BY auction WITH (connector = 'blackhole', type = 'append-only')"))
      .rejects.toThrow(/append-only sink "s2" cannot consume the (upsert|retract) changes/);
  });
});

describe('Top-N by ROW_NUMBER and subqueries as joins', () => {
  const more: Record<string, [string, string]> = {
    top_per_auction: ['SELECT auction, bidder, price, rn FROM (SELECT auction, bidder, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC, bidder) AS rn FROM bids) t WHERE rn <= 2', '1, 4'],
    latest: ['SELECT id, auction FROM (SELECT id, auction, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY id DESC) AS rn FROM bids) t WHERE rn = 1', '1'],
    with_bids: ['SELECT id, title FROM auctions a WHERE EXISTS (SELECT 1 FROM bids b WHERE b.auction = a.id)', '1'],
    without_bids: ['SELECT id, title FROM auctions a WHERE NOT EXISTS (SELECT 1 FROM bids b WHERE b.auction = a.id AND b.price > 1)', '1'],
    in_list: ['SELECT id, title FROM auctions WHERE id IN (SELECT auction FROM bids WHERE bidder = \'eve\')', '1'],
  };

  it('maintain Top-N, dedup, semi and anti joins under changes', async () => {
    for (const [name, [q]] of Object.entries(more)) await c.query(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
    for (const [name, [q, order]] of Object.entries(more)) await expectViewMatches(name, q, order);
    await c.query("INSERT INTO auctions VALUES (4, 'rug', 9), (5, 'clock', 7)");
    await c.query("INSERT INTO bids VALUES (30, 4, 'eve', 50), (31, 4, 'fay', 60), (32, 4, 'gus', 55), (33, 1, 'eve', 0.5)");
    for (const [name, [q, order]] of Object.entries(more)) await expectViewMatches(name, q, order);
    await c.query("DELETE FROM bids WHERE bidder = 'fay'");
    await c.query("UPDATE bids SET price = 1 WHERE id = 30");
    await c.query('DELETE FROM auctions WHERE id = 5');
    for (const [name, [q, order]] of Object.entries(more)) await expectViewMatches(name, q, order);
  });
});

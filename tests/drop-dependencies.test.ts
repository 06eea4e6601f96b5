// DROP and what depends on what: a view, materialized view, stream or sink depends on the
// relations its query reads as bound — not on every relation whose name appears in its text (a
// `bid.auction` column is no dependency on a source named `auction`, as Nexmark's schema has it).
// CASCADE drops every dependent, however deep; without it, 2BP01 names one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
let c: pg.Client;

beforeAll(async () => {
  srv = await startServer();
  c = await srv.client();
});
afterAll(async () => { await srv?.stop(); });

const code = async (sql: string): Promise<string | undefined> => {
  try { await c.query(sql); return undefined; } catch (e) { return (e as { code?: string }).code; }
};
const exists = async (name: string) => Number((await c.query('SELECT count(*) AS n FROM pg_class WHERE relname = $1', [name])).rows[0].n) > 0;

describe('DROP and dependencies', () => {
  it('a column named like a table is no dependency on it; a view through a view is', async () => {
    await c.query('CREATE TABLE owners (id int)');
    await c.query('CREATE TABLE pets (name text, owners int)');
    await c.query('CREATE VIEW pet_owners AS SELECT name, owners FROM pets');
    await c.query('DROP TABLE owners');
    await c.query('CREATE VIEW named AS SELECT name FROM pet_owners');
    expect(await code('DROP TABLE pets')).toBe('2BP01');
    expect(await code('DROP VIEW pet_owners')).toBe('2BP01');
    await c.query('DROP TABLE pets CASCADE');
    expect(await exists('pet_owners')).toBe(false);
    expect(await exists('named')).toBe(false);
  });

  it('sources: Nexmark names, views over views, sinks, and CASCADE through all of them', async () => {
    await c.query(`CREATE SOURCE auction (id bigint, seller bigint) WITH (connector = 'datagen', number-of-rows = 10)`);
    await c.query(`CREATE SOURCE bid (auction bigint, price bigint) WITH (connector = 'datagen', number-of-rows = 10)`);
    await c.query('CREATE MATERIALIZED VIEW per_auction AS SELECT auction, count(*) AS n FROM bid GROUP BY auction');
    await c.query('CREATE MATERIALIZED VIEW busy AS SELECT auction FROM per_auction WHERE n > 1');
    await c.query(`CREATE SINK busy_out FROM busy WITH (connector = 'blackhole')`);
    for (const name of ['per_auction', 'busy', 'busy_out']) expect(await exists(name), name).toBe(true);
    expect((await c.query('SHOW JOBS')).rows.filter((j) => j.status === 'RUNNING').length).toBe(3);
    // per_auction reads bid, not auction.
    await c.query('DROP SOURCE auction');
    expect(await code('DROP SOURCE bid')).toBe('2BP01');
    expect(await code('DROP MATERIALIZED VIEW busy')).toBe('2BP01');
    await c.query('DROP SOURCE bid CASCADE');
    for (const name of ['per_auction', 'busy', 'busy_out']) expect(await exists(name), name).toBe(false);
    expect((await c.query('SHOW JOBS')).rows.filter((j) => j.status === 'RUNNING')).toEqual([]);
    // Several names at once: one that depends on another goes without CASCADE, with notices for the rest.
    await c.query(`CREATE SOURCE bid2 (auction bigint, price bigint) WITH (connector = 'datagen', number-of-rows = 10)`);
    await c.query('CREATE STREAM s1 AS SELECT auction, price FROM bid2');
    await c.query('CREATE STREAM s2 AS SELECT auction FROM s1 WHERE price > 0');
    await c.query(`CREATE SINK s2_out FROM s2 WITH (connector = 'blackhole')`);
    expect(await code('DROP STREAM s1, s2')).toBe('2BP01'); // s2_out still reads s2
    await c.query('DROP STREAM s1, s2 CASCADE');
    for (const name of ['s1', 's2', 's2_out']) expect(await exists(name), name).toBe(false);
    await c.query('DROP SOURCE bid2');
    // The names are free again.
    await c.query(`CREATE SOURCE bid (auction bigint, price bigint) WITH (connector = 'datagen', number-of-rows = 10)`);
    await c.query('CREATE MATERIALIZED VIEW per_auction AS SELECT auction, count(*) AS n FROM bid GROUP BY auction');
  });
});

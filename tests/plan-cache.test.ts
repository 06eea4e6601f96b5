// The plan cache (src/session/plan-cache.ts) and the parse cache (src/sql/parse-cache.ts) must
// never change an answer: each scenario runs step by step on Weir and on a real PostgreSQL 15
// over the wire — named prepared statements (Parse once, Bind/Execute many times), unnamed
// ones, and repeated simple queries — with parameter values, DDL, search_path, TimeZone and
// SET LOCAL changing between executions, and every step's answer must agree.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { startPostgres, type RealPostgres } from './support/postgres.js';

let weir: TestServer;
let ref: RealPostgres;

beforeAll(async () => {
  [weir, ref] = await Promise.all([startServer(), startPostgres()]);
});
afterAll(async () => {
  await weir?.stop();
  ref?.stop();
});

/** A statement; `name` makes it a named prepared statement that the client parses only once. */
type Step = string | { readonly text: string; readonly values?: unknown[]; readonly name?: string; readonly queryMode?: 'extended' };

const asText = { rowMode: 'array' as const, types: { getTypeParser: () => (v: string) => v } };

async function answer(c: pg.Client, step: Step): Promise<unknown> {
  const q = typeof step === 'string' ? { text: step } : step;
  try {
    const r = await c.query({ ...q, ...asText } as pg.QueryConfig);
    return { rows: r.rows, command: r.command };
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}

/** Run the steps on fresh sessions of both servers; every answer must be PostgreSQL's. */
async function scenario(steps: Step[]): Promise<void> {
  const w = await weir.client();
  const p = new pg.Client({ host: '127.0.0.1', port: ref.port, user: ref.user, database: 'postgres' });
  await p.connect();
  try {
    for (const [i, step] of steps.entries()) {
      const got = await answer(w, step);
      const want = await answer(p, step);
      expect({ step: i, sql: step, answer: got }).toEqual({ step: i, sql: step, answer: want });
    }
  } finally {
    await w.end();
    await p.end();
  }
}

describe('cached plans give the answers fresh plans give', () => {
  it('a named prepared statement with different parameter values each time', async () => {
    const q = (v: unknown) => ({ name: 'by_id', text: 'SELECT id, v FROM pc_vals WHERE id = $1', values: [v] });
    const range = (lo: unknown, hi: unknown) => ({ name: 'by_range', text: 'SELECT count(*), sum(v) FROM pc_vals WHERE id BETWEEN $1 AND $2', values: [lo, hi] });
    await scenario([
      'DROP TABLE IF EXISTS pc_vals',
      'CREATE TABLE pc_vals (id int PRIMARY KEY, v int)',
      'INSERT INTO pc_vals SELECT g, g * 3 FROM generate_series(1, 50) g',
      q(1), q(50), q(0), q(null), q('17'), q(1),
      range(1, 10), range(5, 5), range(40, 1000), range(null, 3),
      'DROP TABLE pc_vals',
    ]);
  });

  it('DDL between executions: drop and re-create, add a column, drop for good', async () => {
    const get = (v: unknown) => ({ name: 'ddl_get', text: 'SELECT v FROM pc_ddl WHERE id = $1', values: [v] });
    await scenario([
      'DROP TABLE IF EXISTS pc_ddl',
      'CREATE TABLE pc_ddl (id int PRIMARY KEY, v int)',
      'INSERT INTO pc_ddl VALUES (1, 10), (2, 20)',
      get(1), 'SELECT * FROM pc_ddl ORDER BY id', { text: 'SELECT v FROM pc_ddl WHERE id = $1', values: [2] },
      'DROP TABLE pc_ddl',
      // Same name, different rows, and the key on the other column now.
      'CREATE TABLE pc_ddl (v int, id int PRIMARY KEY)',
      'INSERT INTO pc_ddl VALUES (111, 1), (222, 2), (333, 3)',
      get(1), get(3), 'SELECT * FROM pc_ddl ORDER BY id', { text: 'SELECT v FROM pc_ddl WHERE id = $1', values: [2] },
      'ALTER TABLE pc_ddl ADD COLUMN note text',
      "UPDATE pc_ddl SET note = 'n' || id",
      'SELECT * FROM pc_ddl ORDER BY id', get(2),
      'DROP TABLE pc_ddl',
      'SELECT * FROM pc_ddl ORDER BY id',
      { text: 'SELECT v FROM pc_ddl WHERE id = $1', values: [2] },
      'SELECT 1 AS still_usable',
    ]);
  });

  it('search_path changes between executions', async () => {
    const get = (v: unknown) => ({ name: 'path_get', text: 'SELECT v FROM pc_t WHERE id = $1', values: [v] });
    await scenario([
      'DROP SCHEMA IF EXISTS pc_a CASCADE', 'DROP SCHEMA IF EXISTS pc_b CASCADE',
      'CREATE SCHEMA pc_a', 'CREATE SCHEMA pc_b',
      'CREATE TABLE pc_a.pc_t (id int PRIMARY KEY, v text)', "INSERT INTO pc_a.pc_t VALUES (1, 'from a')",
      'CREATE TABLE pc_b.pc_t (id int PRIMARY KEY, v text)', "INSERT INTO pc_b.pc_t VALUES (1, 'from b')",
      'SET search_path = pc_a',
      get(1), 'SELECT v FROM pc_t WHERE id = 1', { text: 'SELECT v FROM pc_t WHERE id = $1', values: [1] },
      'SET search_path = pc_b',
      get(1), 'SELECT v FROM pc_t WHERE id = 1', { text: 'SELECT v FROM pc_t WHERE id = $1', values: [1] },
      'BEGIN', 'SET LOCAL search_path = pc_a', get(1), 'SELECT v FROM pc_t WHERE id = 1', 'COMMIT',
      get(1), 'SELECT v FROM pc_t WHERE id = 1',
      "SELECT set_config('search_path', 'pc_a', false)",
      get(1), 'SELECT v FROM pc_t WHERE id = 1',
      'RESET search_path',
      get(1), 'SELECT v FROM pc_t WHERE id = 1',
      'DROP SCHEMA pc_a CASCADE', 'DROP SCHEMA pc_b CASCADE',
    ]);
  });

  it('TimeZone changes between executions of statements with timestamptz literals', async () => {
    // Unnamed (Parse each time) and simple: PostgreSQL analyses these afresh each time. (A named
    // statement keeps the literal PostgreSQL converted at Parse; Weir converts it again.)
    const lit = { text: "SELECT '2024-03-01 12:00'::timestamptz::text AS t", queryMode: 'extended' as const };
    await scenario([
      'SET TimeZone = UTC',
      lit, "SELECT '2024-03-01 12:00'::timestamptz::text AS t",
      "SET TimeZone = 'America/New_York'",
      lit, "SELECT '2024-03-01 12:00'::timestamptz::text AS t",
      'RESET TimeZone',
      lit, "SELECT '2024-03-01 12:00'::timestamptz::text AS t",
    ]);
  });

  it('repeated simple queries, with a failing one between', async () => {
    await scenario([
      'DROP TABLE IF EXISTS pc_rep',
      'CREATE TABLE pc_rep (id int PRIMARY KEY, v int)',
      'SELECT count(*) FROM pc_rep',
      'INSERT INTO pc_rep VALUES (1, 1)',
      'SELECT count(*) FROM pc_rep',
      'INSERT INTO pc_rep VALUES (1, 1)',
      'SELECT count(*) FROM pc_rep',
      'INSERT INTO pc_rep VALUES (2, 2)',
      'SELECT count(*) FROM pc_rep',
      'SELECT * FROM pc_rep WHERE id = 2',
      'SELECT * FROM pc_rep WHERE id = 2',
      'DROP TABLE pc_rep',
      'SELECT * FROM pc_rep WHERE id = 2',
    ]);
  });
});

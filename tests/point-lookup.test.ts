// Primary-key point lookups (optimizer rule primary_key_lookup + src/executor/point-lookup.ts):
// every query is run on Weir and on a real PostgreSQL 15 with the same tables, over the wire,
// and the answers must agree — including keys that are absent, NULL, of another numeric type,
// differ only in case or trailing blanks, and rows changed inside an open transaction.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { startPostgres, type RealPostgres } from './support/postgres.js';

let weir: TestServer;
let ref: RealPostgres;
let w: pg.Client, p: pg.Client;

const SETUP = [
  'CREATE TABLE acc (aid int PRIMARY KEY, bid int, abalance int)',
  "INSERT INTO acc SELECT g, g % 7, g * 10 FROM generate_series(1, 300) g",
  'CREATE TABLE codes (code text PRIMARY KEY, n int)',
  "INSERT INTO codes VALUES ('a', 1), ('A', 2), ('a ', 3), ('', 4), ('ü', 5)",
  'CREATE TABLE vcodes (code varchar(10) PRIMARY KEY, n int)',
  "INSERT INTO vcodes VALUES ('x', 1), ('xy', 2)",
  'CREATE TABLE chars (code char(4) PRIMARY KEY, n int)',
  "INSERT INTO chars VALUES ('ab', 1), ('abc', 2)",
  'CREATE TABLE pairs (a int, b text, v int, PRIMARY KEY (a, b))',
  "INSERT INTO pairs VALUES (1, 'x', 10), (1, 'y', 11), (2, 'x', 20)",
  'CREATE TABLE big (id bigint PRIMARY KEY, v int)',
  'INSERT INTO big VALUES (1, 1), (1099511627776, 2), (-5, 3)',
  'CREATE TABLE nums (id numeric(6,2) PRIMARY KEY, v int)',
  'INSERT INTO nums VALUES (1, 1), (2.5, 2), (-0.25, 3)',
  'CREATE TABLE small (id smallint PRIMARY KEY, v int)',
  'INSERT INTO small VALUES (1, 1), (300, 2)',
];

beforeAll(async () => {
  [weir, ref] = await Promise.all([startServer(), startPostgres()]);
  w = await weir.client();
  p = await connectPostgres(ref);
  for (const s of SETUP) { await w.query(s); await p.query(s); }
});
afterAll(async () => {
  await p?.end();
  await weir?.stop();
  ref?.stop();
});

async function connectPostgres(server: RealPostgres): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: server.user, database: 'postgres' });
  await c.connect();
  return c;
}

const asText = { rowMode: 'array' as const, types: { getTypeParser: () => (v: string) => v } };

type Answer = { rows: unknown[][] } | { error: string };

async function answer(c: pg.Client, text: string, values: unknown[] = []): Promise<Answer> {
  try {
    const r = await c.query({ text, values, ...asText } as pg.QueryConfig);
    return { rows: (r.rows as unknown[][]).map((row) => row.map(String)).sort() };
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}

async function same(text: string, values: unknown[] = []): Promise<void> {
  const [got, want] = await Promise.all([answer(w, text, values), answer(p, text, values)]);
  expect({ text, values, answer: got }).toEqual({ text, values, answer: want });
}

describe('primary-key lookups agree with PostgreSQL', () => {
  it('uses a key lookup for pk = constant and pk = parameter', async () => {
    const plan = (await w.query('EXPLAIN SELECT abalance FROM acc WHERE aid = 42')).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('Key Lookup');
    const scan = (await w.query('EXPLAIN SELECT abalance FROM acc WHERE bid = 42')).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(scan).not.toContain('Key Lookup');
  });

  it('integer keys: present, absent, other integer and numeric types, NULL, extra conjuncts', async () => {
    for (const q of [
      'SELECT * FROM acc WHERE aid = 42',
      'SELECT abalance FROM acc WHERE 299 = aid',
      'SELECT * FROM acc WHERE aid = 0',
      'SELECT * FROM acc WHERE aid = 301',
      'SELECT * FROM acc WHERE aid = 42::bigint',
      'SELECT * FROM acc WHERE aid = 42.0',
      'SELECT * FROM acc WHERE aid = 42.5',
      'SELECT * FROM acc WHERE aid = NULL',
      "SELECT * FROM acc WHERE aid = '17'",
      'SELECT * FROM acc WHERE aid = 42 AND bid = 0',
      'SELECT * FROM acc WHERE aid = 42 AND bid = 1',
      'SELECT * FROM acc WHERE aid = 42 AND aid = 43',
      'SELECT * FROM acc WHERE aid = 1 + 41',
      'SELECT * FROM acc WHERE aid = 42 OR aid = 43',
      'SELECT count(*) FROM acc WHERE aid = 7',
      'SELECT a.aid, b.aid FROM acc a JOIN acc b ON b.aid = a.aid + 1 WHERE a.aid = 10',
      'SELECT * FROM big WHERE id = 1099511627776',
      'SELECT * FROM big WHERE id = -5',
      'SELECT * FROM big WHERE id = 1',
      'SELECT * FROM small WHERE id = 300',
      'SELECT * FROM small WHERE id = 70000',
    ]) await same(q);
  });

  it('text, varchar, character(n) and numeric keys', async () => {
    for (const q of [
      "SELECT n FROM codes WHERE code = 'a'",
      "SELECT n FROM codes WHERE code = 'A'",
      "SELECT n FROM codes WHERE code = 'a '",
      "SELECT n FROM codes WHERE code = ''",
      "SELECT n FROM codes WHERE code = 'ü'",
      "SELECT n FROM codes WHERE code = 'b'",
      "SELECT n FROM vcodes WHERE code = 'xy'",
      "SELECT n FROM vcodes WHERE code = 'xy'::text",
      "SELECT n FROM chars WHERE code = 'ab'",
      "SELECT n FROM chars WHERE code = 'ab  '",
      "SELECT n FROM chars WHERE code = 'abc '",
      'SELECT v FROM nums WHERE id = 1',
      'SELECT v FROM nums WHERE id = 2.50',
      'SELECT v FROM nums WHERE id = 2.5000',
      'SELECT v FROM nums WHERE id = -0.25',
      'SELECT v FROM nums WHERE id = 3',
    ]) await same(q);
  });

  it('composite keys need every column', async () => {
    for (const q of [
      "SELECT v FROM pairs WHERE a = 1 AND b = 'y'",
      "SELECT v FROM pairs WHERE b = 'x' AND a = 2",
      "SELECT v FROM pairs WHERE a = 2 AND b = 'y'",
      'SELECT v FROM pairs WHERE a = 1',
      "SELECT v FROM pairs WHERE b = 'x'",
    ]) await same(q);
  });

  it('parameters of every kind of value', async () => {
    for (const [q, values] of [
      ['SELECT * FROM acc WHERE aid = $1', [5]],
      ['SELECT * FROM acc WHERE aid = $1', ['6']],
      ['SELECT * FROM acc WHERE aid = $1', [null]],
      ['SELECT * FROM acc WHERE aid = $1', [1000]],
      ['SELECT * FROM acc WHERE aid = $1::bigint', ['7']],
      ['SELECT * FROM acc WHERE aid = $1 AND bid = $2', [8, 1]],
      ["SELECT v FROM pairs WHERE a = $1 AND b = $2", [1, 'x']],
      ['SELECT n FROM codes WHERE code = $1', ['a ']],
      ['SELECT v FROM big WHERE id = $1', ['1099511627776']],
      ['SELECT v FROM nums WHERE id = $1', ['2.5']],
      ['SELECT * FROM acc WHERE aid = $1', ['x']],
    ] as [string, unknown[]][]) await same(q, values);
  });

  it('sees the transaction own uncommitted changes, and other sessions do not', async () => {
    const w2 = await weir.client();
    const p2 = await connectPostgres(ref);
    try {
      for (const s of ['BEGIN', 'INSERT INTO acc VALUES (1000, 1, 1)', 'UPDATE acc SET aid = 1005 WHERE aid = 5', 'DELETE FROM acc WHERE aid = 6', 'UPDATE acc SET abalance = -1 WHERE aid = 7']) {
        await w.query(s); await p.query(s);
      }
      for (const key of [1000, 5, 1005, 6, 7]) {
        await same('SELECT * FROM acc WHERE aid = $1', [key]);
        await same(`SELECT * FROM acc WHERE aid = ${key}`);
        const [other, otherRef] = await Promise.all([answer(w2, 'SELECT * FROM acc WHERE aid = $1', [key]), answer(p2, 'SELECT * FROM acc WHERE aid = $1', [key])]);
        expect({ key, other }).toEqual({ key, other: otherRef });
      }
    } finally {
      await w.query('ROLLBACK'); await p.query('ROLLBACK');
      await w2.end(); await p2.end();
    }
    await same('SELECT * FROM acc WHERE aid = 5');
    await same('SELECT * FROM acc WHERE aid = 1005');
  });
});

// The wire protocol as node-postgres uses it: simple and extended queries, parameters, errors
// with SQLSTATEs, transactions, and a session that stays usable after errors.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
let c: pg.Client;

beforeAll(async () => {
  srv = await startServer();
  c = await srv.client();
});
afterAll(async () => { await srv.stop(); });

async function sqlState(p: Promise<unknown>): Promise<string | undefined> {
  try { await p; return undefined; } catch (e) { return (e as { code?: string }).code; }
}

describe('simple and extended query', () => {
  it('runs several statements in one simple query message', async () => {
    const r = await c.query('SELECT 1 AS a; SELECT 2 AS b') as unknown as pg.QueryResult[];
    expect(r.map((x) => x.rows[0])).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('binds parameters with types inferred from context', async () => {
    await c.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2))');
    await c.query('INSERT INTO items VALUES ($1, $2, $3)', [1, 'apple', '1.50']);
    await c.query('INSERT INTO items VALUES ($1, $2, $3)', [2, 'pear', '2.25']);
    const r = await c.query('SELECT name, price FROM items WHERE id = $1', [2]);
    expect(r.rows).toEqual([{ name: 'pear', price: '2.25' }]);
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([25, 1700]);
  });

  it('reports result types in RowDescription', async () => {
    const r = await c.query("SELECT 1::int2 AS a, 1::int4 AS b, 1::int8 AS c, 1.5::float8 AS d, true AS e, 'x'::varchar AS f, DATE '2024-01-02' AS g");
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([21, 23, 20, 701, 16, 1043, 1082]);
  });

  it('keeps int64 and numeric exact', async () => {
    const r = await c.query("SELECT 9223372036854775807::int8 AS big, 12345678901234567890.123456789::numeric * 10 AS n, sum(x) AS s FROM (VALUES (9007199254740993::int8), (1::int8)) v(x)");
    expect(r.rows[0]).toEqual({ big: '9223372036854775807', n: '123456789012345678901.234567890', s: '9007199254740994' });
  });
});

describe('errors', () => {
  it('returns SQLSTATE codes and keeps the session usable', async () => {
    expect(await sqlState(c.query('SELEC 1'))).toBe('42601');
    expect(await sqlState(c.query('SELECT * FROM missing_table'))).toBe('42P01');
    expect(await sqlState(c.query('SELECT missing_col FROM items'))).toBe('42703');
    expect(await sqlState(c.query('SELECT 1/0'))).toBe('22012');
    expect(await sqlState(c.query('SELECT 2147483647::int4 + 1'))).toBe('22003');
    expect(await sqlState(c.query('INSERT INTO items VALUES (1, $1, 0)', ['dup']))).toBe('23505');
    expect(await sqlState(c.query('INSERT INTO items (id) VALUES (99)'))).toBe('23502');
    const r = await c.query('SELECT count(*)::int AS n FROM items');
    expect(r.rows[0].n).toBe(2);
  });

  it('points at the error position', async () => {
    try {
      await c.query('SELECT id, nope FROM items');
      expect.unreachable();
    } catch (e) {
      expect((e as { position?: string }).position).toBe('12');
    }
  });
});

describe('transactions', () => {
  it('commits and rolls back DML', async () => {
    await c.query('BEGIN');
    await c.query("INSERT INTO items VALUES (10, 'kiwi', 3)");
    await c.query('ROLLBACK');
    expect((await c.query('SELECT count(*)::int AS n FROM items WHERE id = 10')).rows[0].n).toBe(0);
    await c.query('BEGIN');
    await c.query("INSERT INTO items VALUES (10, 'kiwi', 3)");
    await c.query('COMMIT');
    expect((await c.query('SELECT name FROM items WHERE id = 10')).rows).toEqual([{ name: 'kiwi' }]);
  });

  it('hides uncommitted rows from other sessions', async () => {
    const other = await srv.client();
    await c.query('BEGIN');
    await c.query("UPDATE items SET name = 'KIWI' WHERE id = 10");
    expect((await other.query('SELECT name FROM items WHERE id = 10')).rows).toEqual([{ name: 'kiwi' }]);
    expect((await c.query('SELECT name FROM items WHERE id = 10')).rows).toEqual([{ name: 'KIWI' }]);
    await c.query('COMMIT');
    expect((await other.query('SELECT name FROM items WHERE id = 10')).rows).toEqual([{ name: 'KIWI' }]);
  });

  it('puts a transaction with an error into the failed state', async () => {
    await c.query('BEGIN');
    expect(await sqlState(c.query('SELECT 1/0'))).toBe('22012');
    expect(await sqlState(c.query('SELECT 1'))).toBe('25P02');
    await c.query('ROLLBACK');
    expect((await c.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
  });
});

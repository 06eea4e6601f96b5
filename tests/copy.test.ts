// COPY … FROM STDIN and COPY … TO STDOUT, text and CSV, driven by the psql binary.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { psql } from './support/psql.js';

let srv: TestServer;
let c: pg.Client;
beforeAll(async () => {
  srv = await startServer();
  c = await srv.client();
  await c.query('CREATE TABLE people (id int PRIMARY KEY, name text, born date, score numeric(5,1), note text DEFAULT \'-\')');
});
afterAll(async () => { await srv.stop(); });

it('loads text format with escapes and \\N nulls', async () => {
  const data = '1\tann\t1990-01-02\t7.5\n2\tbob\\twith tab\t\\N\t\\N\n\\.\n';
  const r = await psql(srv.port, ['-c', 'COPY people (id, name, born, score) FROM STDIN'], data);
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe('COPY 2');
  const rows = (await c.query('SELECT id, name, born::text, score::text, note FROM people ORDER BY id')).rows;
  expect(rows).toEqual([
    { id: 1, name: 'ann', born: '1990-01-02', score: '7.5', note: '-' },
    { id: 2, name: 'bob\twith tab', born: null, score: null, note: '-' },
  ]);
});

it('loads CSV with a header, quotes and embedded newlines via \\copy', async () => {
  const csv = 'id,name,born,score\n3,"Smith, Jo",2000-05-06,1.0\n4,"multi\nline ""quoted""",,\n';
  const r = await psql(srv.port, ['-c', "\\copy people (id, name, born, score) FROM STDIN WITH (FORMAT csv, HEADER true)"], csv);
  expect(r.stderr).toBe('');
  const rows = (await c.query('SELECT id, name, born::text FROM people WHERE id >= 3 ORDER BY id')).rows;
  expect(rows).toEqual([{ id: 3, name: 'Smith, Jo', born: '2000-05-06' }, { id: 4, name: 'multi\nline "quoted"', born: null }]);
});

it('rejects bad rows with the line number and keeps the table unchanged', async () => {
  const before = (await c.query('SELECT count(*)::int AS n FROM people')).rows[0].n;
  const r = await psql(srv.port, ['-c', 'COPY people (id, name) FROM STDIN'], '10\tok\nx\tbad\n');
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/invalid input syntax for type integer: "x"/);
  expect(r.stderr).toMatch(/line 2/);
  expect((await c.query('SELECT count(*)::int AS n FROM people')).rows[0].n).toBe(before);
  expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
});

it('exports a table and a query as text and CSV', async () => {
  const t = await psql(srv.port, ['-c', 'COPY (SELECT id, name FROM people WHERE id <= 2 ORDER BY id) TO STDOUT']);
  expect(t.stdout).toBe('1\tann\n2\tbob\\twith tab\n');
  const csv = await psql(srv.port, ['-c', 'COPY (SELECT id, name, born FROM people WHERE id IN (3, 4) ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)']);
  expect(csv.stdout).toBe('id,name,born\n3,"Smith, Jo",2000-05-06\n4,"multi\nline ""quoted""",\n');
});

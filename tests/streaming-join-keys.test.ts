// Streaming joins whose equality keys are expressions (a cast between int and bigint, arithmetic,
// lower()), for inner, outer and semi joins with residual conditions: views stay equal to the same
// query on PostgreSQL through inserts, updates and deletes, at parallelism 1 and 2.

import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startWeirAndPostgres, type WeirAndPostgres } from './support/weir-and-postgres.js';

let env: WeirAndPostgres;
let w: pg.Client;
let p: pg.Client;

beforeAll(async () => { env = await startWeirAndPostgres(); ({ w, p } = env); }, 120_000);
afterAll(async () => { await env?.stop(); });

const both = (sql: string) => env.both(sql);

const VIEWS: Record<string, string> = {
  cast_inner: 'SELECT a.id, a.ref, b.id AS bid, b.label FROM a JOIN b ON a.ref = b.id',
  arith_left: 'SELECT a.id, b.label FROM a LEFT JOIN b ON a.ref + 1 = b.id AND b.label <> a.name',
  lower_full: 'SELECT a.name, b.label FROM a FULL JOIN b ON lower(a.name) = b.label',
  semi_expr: 'SELECT a.id FROM a WHERE a.ref * 2 IN (SELECT b.id FROM b)',
  anti_expr: 'SELECT a.id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.id = a.ref - 1)',
};

it('keeps joins on expression keys equal to PostgreSQL', async () => {
  await both('CREATE TABLE a (id int PRIMARY KEY, ref int, name text)');
  await both('CREATE TABLE b (id bigint PRIMARY KEY, label text)');
  for (const par of [1, 2]) {
    await w.query(`SET streaming_parallelism = ${par}`);
    for (const [name, sql] of Object.entries(VIEWS)) await w.query(`CREATE MATERIALIZED VIEW ${name}_${par} AS ${sql}`);
  }
  const rounds = [
    ["INSERT INTO a VALUES (1, 1, 'X'), (2, 2, 'y'), (3, 4, 'Z'), (4, NULL, 'w')", "INSERT INTO b VALUES (1, 'x'), (2, 'b'), (4, 'z'), (5, 'q')"],
    ["UPDATE a SET ref = 3 WHERE id = 1", "DELETE FROM b WHERE id = 2", "INSERT INTO b VALUES (8, 'y'), (3, 'w')"],
    ["UPDATE b SET label = 'x' WHERE id = 4", "DELETE FROM a WHERE id = 3", "INSERT INTO a VALUES (5, 4, 'x')"],
  ];
  for (const round of rounds) {
    for (const sql of round) await both(sql);
    await w.query('FLUSH');
    for (const [name, sql] of Object.entries(VIEWS)) {
      const expected = (await p.query({ text: sql, rowMode: 'array' })).rows.map((r) => JSON.stringify(r)).sort();
      for (const par of [1, 2]) {
        const got = (await w.query({ text: `SELECT * FROM ${name}_${par}`, rowMode: 'array' })).rows.map((r) => JSON.stringify(r)).sort();
        expect(got, `${name} at parallelism ${par} after: ${round.join('; ')}`).toEqual(expected);
      }
    }
  }
});

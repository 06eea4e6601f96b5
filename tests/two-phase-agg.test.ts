// Two-phase aggregation over the wire: with streaming_parallelism > 1 the planner splits
// decomposable aggregates into LocalAgg → hash exchange → global HashAgg; the views must stay
// equal to PostgreSQL through random inserts, updates and deletes (NULLs, emptied groups,
// group changes), and aggregates that do not decompose keep the single-phase plan.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startWeirAndPostgres, type WeirAndPostgres } from './support/weir-and-postgres.js';
import { rng } from './support/rng.js';

let env: WeirAndPostgres;
let w: pg.Client;
let p: pg.Client;

const rand = rng(4242);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const maybe = (v: string) => (rand() < 0.15 ? 'NULL' : v);

const SETUP = ['CREATE TABLE t (id int PRIMARY KEY, k int, g text, v int, n numeric(8,2), b bool)'];

/** name → [query, split into two phases?] */
const VIEWS: Record<string, [string, boolean]> = {
  p_grouped: ['SELECT k, count(*) AS c, count(v) AS cv, sum(v) AS sv, avg(v) AS av, sum(n) AS sn, avg(n) AS an, bool_and(b) AS ba, bool_or(b) AS bo FROM t GROUP BY k', true],
  p_global: ['SELECT count(*) AS c, sum(v) AS sv, avg(n) AS an, every(b) AS e FROM t', true],
  p_two_keys: ['SELECT k, g, count(*) AS c, sum(n) AS sn FROM t WHERE v > 10 GROUP BY k, g HAVING count(*) > 1', true],
  p_filter: ['SELECT g, count(*) FILTER (WHERE b) AS cb, sum(v) FILTER (WHERE k > 2) AS sk FROM t GROUP BY g', true],
  p_distinct: ['SELECT DISTINCT k, b FROM t', true],
  s_minmax: ['SELECT k, min(v) AS lo, max(n) AS hi, count(*) AS c FROM t GROUP BY k', false],
  s_count_distinct: ['SELECT g, count(DISTINCT k) AS dk, sum(v) AS sv FROM t GROUP BY g', false],
};

beforeAll(async () => {
  env = await startWeirAndPostgres(SETUP);
  ({ w, p } = env);
  await w.query('SET streaming_parallelism = 3');
}, 120_000);

afterAll(async () => { await env?.stop(); });

const rows = async (c: pg.Client, sql: string) => (await c.query({ text: sql, rowMode: 'array' })).rows;
let nextId = 1;
const row = () => `(${nextId++}, ${maybe(String(int(0, 5)))}, ${maybe(`'g${int(0, 3)}'`)}, ${maybe(String(int(-20, 60)))}, ${maybe((rand() * 100 - 20).toFixed(2))}, ${maybe(rand() < 0.5 ? 'true' : 'false')})`;

async function both(sql: string) { await w.query(sql); await p.query(sql); }

async function check(when: string) {
  await w.query('FLUSH');
  for (const [name, [sql]] of Object.entries(VIEWS)) {
    const n = (await w.query(`SELECT * FROM ${name} LIMIT 0`)).fields.length;
    const order = `ORDER BY ${Array.from({ length: n }, (_, i) => i + 1).join(', ')}`;
    expect(await rows(w, `SELECT * FROM ${name} ${order}`), `${name} ${when}`).toEqual(await rows(p, `SELECT * FROM (${sql}) q ${order}`));
  }
}

describe('two-phase aggregation at streaming_parallelism = 3', () => {
  it('splits exactly the decomposable aggregations', async () => {
    for (const [name, [sql, split]] of Object.entries(VIEWS)) {
      const job = (await rows(w, `EXPLAIN (TYPE job) CREATE MATERIALIZED VIEW ${name} AS ${sql}`)).map((r) => String(r[0])).join('\n');
      if (split) expect(job, name).toMatch(/LocalAgg[^\n]*\n[\s\S]*HashAgg/);
      else expect(job, name).not.toContain('LocalAgg');
    }
  });

  it('keeps every view equal to PostgreSQL through random changes', async () => {
    await both(`INSERT INTO t VALUES ${Array.from({ length: 40 }, row).join(', ')}`);
    for (const [name, [sql]] of Object.entries(VIEWS)) await w.query(`CREATE MATERIALIZED VIEW ${name} AS ${sql}`);
    await check('after the initial load');
    for (let round = 0; round < 12; round++) {
      const stmts: string[] = [];
      for (let i = int(1, 4); i > 0; i--) {
        switch (int(0, 4)) {
          case 0: stmts.push(`INSERT INTO t VALUES ${Array.from({ length: int(1, 5) }, row).join(', ')}`); break;
          case 1: stmts.push(`UPDATE t SET v = ${maybe(String(int(-20, 60)))}, n = n + 1 WHERE id % 7 = ${int(0, 6)}`); break;
          case 2: stmts.push(`UPDATE t SET k = ${maybe(String(int(0, 5)))} WHERE id % 5 = ${int(0, 4)}`); break;
          case 3: stmts.push(`DELETE FROM t WHERE id % 9 = ${int(0, 8)}`); break;
          default: stmts.push(`DELETE FROM t WHERE k = ${int(0, 5)}`); // empties a whole group
        }
      }
      for (const s of stmts) await both(s);
      await check(`after round ${round}: ${stmts.join('; ')}`);
    }
    await both('DELETE FROM t');
    await check('after deleting everything');
  }, 120_000);
});

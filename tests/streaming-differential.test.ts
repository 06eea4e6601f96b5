// The streaming contract, checked against PostgreSQL: for randomly generated views and random
// batches of INSERT/UPDATE/DELETE on their input tables, after FLUSH every view in Weir holds
// exactly the rows its SELECT returns in a real PostgreSQL given the same statements.

import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { startPostgres, type RealPostgres } from './support/postgres.js';
import { rng } from './support/rng.js';

let weir: TestServer;
let ref: RealPostgres;
let w: pg.Client;
let p: pg.Client;

const SEED = Number(process.env.WEIR_DIFF_SEED ?? 20261124);
const PARALLELISMS = [1, 2];
const rand = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const maybeNull = (v: string) => (rand() < 0.1 ? 'NULL' : v);

const VIEW_TEMPLATES: (() => string)[] = [
  () => `SELECT k, count(*) AS n, sum(v) AS s, min(v) AS lo, max(v) AS hi, avg(v) AS a FROM t1 GROUP BY k`,
  () => `SELECT g, count(DISTINCT k) AS dk, bool_and(b) AS ba, bool_or(b) AS bo, string_agg(g, '|' ORDER BY id) AS sg FROM t1 GROUP BY g`,
  () => `SELECT g, sum(DISTINCT k) AS sk, avg(DISTINCT v) AS av, count(DISTINCT v) AS cv, bool_or(DISTINCT b) AS bo, max(DISTINCT k) AS hk FROM t1 GROUP BY g`,
  () => `SELECT count(*) AS n, sum(v) AS s, max(g) AS mg, min(id) AS mi FROM t1 WHERE v > ${int(0, 50)}`,
  () => `SELECT k, g, count(*) AS n FROM t1 WHERE b IS NOT TRUE GROUP BY k, g HAVING count(*) > ${int(0, 2)}`,
  () => `SELECT t1.id, t1.v, t2.w FROM t1 JOIN t2 ON t1.k = t2.k`,
  () => `SELECT t1.id, t2.id AS id2, t2.w FROM t1 LEFT JOIN t2 ON t1.k = t2.k AND t2.w <> 'x${int(0, 3)}'`,
  () => `SELECT t1.id, t2.id AS id2 FROM t1 RIGHT JOIN t2 ON t1.k = t2.k`,
  () => `SELECT t1.id, t2.id AS id2 FROM t1 FULL JOIN t2 ON t1.k = t2.k AND t1.v < t2.id * ${int(1, 9)}`,
  () => `SELECT t2.w, count(t1.id) AS n, sum(t1.v) AS s FROM t2 LEFT JOIN t1 ON t1.k = t2.k GROUP BY t2.w`,
  () => `SELECT id, v FROM t1 ORDER BY v DESC NULLS LAST, id LIMIT ${int(1, 5)}`,
  () => `SELECT k, id, v FROM (SELECT k, id, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST, id) AS rn FROM t1) x WHERE rn <= ${int(1, 3)}`,
  () => `SELECT g, id FROM (SELECT g, id, ROW_NUMBER() OVER (PARTITION BY g ORDER BY id) AS rn FROM t1) x WHERE rn = 1`,
  () => `SELECT id, k FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.k = t1.k AND t2.w = 'x${int(0, 3)}')`,
  () => `SELECT id, k FROM t1 WHERE NOT EXISTS (SELECT 1 FROM t2 WHERE t2.k = t1.k)`,
  () => `SELECT id FROM t2 WHERE k IN (SELECT k FROM t1 WHERE b)`,
  () => `SELECT DISTINCT k, b FROM t1`,
  () => `SELECT k AS x FROM t1 WHERE v < ${int(10, 90)} UNION ALL SELECT k FROM t2`,
  () => `SELECT k, g FROM t1 UNION SELECT k, w FROM t2`,
  () => `SELECT k * 2 + 1 AS k2, upper(g) AS ug, coalesce(v, 0) + ${int(1, 9)} AS cv, CASE WHEN b THEN 'yes' ELSE 'no' END AS yn FROM t1 WHERE g LIKE 'g%' OR k BETWEEN 2 AND 5`,
  () => `SELECT t2.w, count(*) AS n FROM t1 JOIN t2 ON t1.k = t2.k WHERE t1.b GROUP BY t2.w HAVING sum(t1.v) > ${int(0, 100)}`,
  // Grouped by the join key (and more): the aggregate takes the join's partitioning, no exchange.
  () => `SELECT t1.k, t2.w, count(*) AS n, sum(t1.v) AS s, min(t1.v) AS lo FROM t1 JOIN t2 ON t1.k = t2.k GROUP BY t1.k, t2.w`,
  () => `SELECT t1.k, count(t2.id) AS n, max(t2.w) AS hw FROM t1 LEFT JOIN t2 ON t1.k = t2.k GROUP BY t1.k`,
  () => `SELECT t2.w, t2.k, count(t1.id) AS n FROM t1 RIGHT JOIN t2 ON t1.k = t2.k GROUP BY t2.w, t2.k`,
  () => `SELECT t1.k, count(*) AS n FROM t1 FULL JOIN t2 ON t1.k = t2.k GROUP BY t1.k`,
];

function insertT1(id: number): string {
  return `(${id}, ${maybeNull(String(int(0, 6)))}, ${maybeNull(`'g${int(0, 4)}'`)}, ${maybeNull((rand() * 100).toFixed(2))}, ${maybeNull(rand() < 0.5 ? 'true' : 'false')})`;
}
function insertT2(id: number): string {
  return `(${id}, ${maybeNull(String(int(0, 6)))}, ${maybeNull(`'x${int(0, 3)}'`)})`;
}

let nextT1 = 1, nextT2 = 1;
function randomBatch(): string[] {
  const out: string[] = [];
  const n = int(1, 6);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.35) out.push(`INSERT INTO t1 VALUES ${Array.from({ length: int(1, 4) }, () => insertT1(nextT1++)).join(', ')}`);
    else if (r < 0.5) out.push(`INSERT INTO t2 VALUES ${Array.from({ length: int(1, 3) }, () => insertT2(nextT2++)).join(', ')}`);
    else if (r < 0.65) out.push(`UPDATE t1 SET v = ${maybeNull((rand() * 100).toFixed(2))}, b = NOT b WHERE id % ${int(2, 5)} = ${int(0, 1)}`);
    else if (r < 0.75) out.push(`UPDATE t1 SET k = ${int(0, 6)} WHERE id = ${int(1, nextT1)}`);
    else if (r < 0.82) out.push(`UPDATE t2 SET k = ${maybeNull(String(int(0, 6)))}, w = 'x${int(0, 3)}' WHERE id = ${int(1, nextT2)}`);
    else if (r < 0.92) out.push(`DELETE FROM t1 WHERE id IN (${int(1, nextT1)}, ${int(1, nextT1)})`);
    else out.push(`DELETE FROM t2 WHERE k = ${int(0, 6)}`);
  }
  return out;
}

beforeAll(async () => {
  process.env.WEIR_SLOTS = '128'; // every view runs at once: more jobs than the default 64 slots per TaskManager
  [weir, ref] = await Promise.all([startServer(), startPostgres()]);
  w = await weir.client();
  p = new pg.Client({ host: '127.0.0.1', port: ref.port, user: ref.user, database: 'postgres' });
  await p.connect();
  for (const c of [w, p]) {
    await c.query('CREATE TABLE t1 (id int PRIMARY KEY, k int, g text, v numeric(8,2), b bool)');
    await c.query('CREATE TABLE t2 (id int PRIMARY KEY, k int, w text)');
  }
}, 120_000);

afterAll(async () => {
  await p?.end();
  await weir?.stop();
  ref?.stop();
});

const asText = { rowMode: 'array' as const, types: { getTypeParser: () => (v: string) => v } };
async function rowsOf(c: pg.Client, sql: string): Promise<string[]> {
  const r = await c.query({ text: sql, ...asText } as pg.QueryConfig);
  return (r.rows as unknown[][]).map((row) => JSON.stringify(row)).sort();
}

it(`keeps ${VIEW_TEMPLATES.length * 2 * PARALLELISMS.length} random views equal to PostgreSQL through random DML (seed ${SEED})`, async () => {
  const views: { name: string; sql: string }[] = [];
  // Some views exist before any data, some are created over existing data.
  // Every view runs at parallelism 1 and again at 2 (hash exchanges across two TaskManagers).
  const create = async () => {
    for (const [i, t] of VIEW_TEMPLATES.entries()) {
      const sql = t();
      for (const parallelism of PARALLELISMS) {
        const name = `v${views.length}_${i}_p${parallelism}`;
        await w.query(`SET streaming_parallelism = ${parallelism}`);
        await w.query(`CREATE MATERIALIZED VIEW ${name} AS ${sql}`);
        views.push({ name, sql });
      }
    }
  };
  await create();
  let statements = 0;
  for (let batch = 0; batch < 24; batch++) {
    if (batch === 8) await create();
    const stmts = randomBatch();
    const txn = rand() < 0.3;
    for (const c of [w, p]) {
      if (txn) await c.query('BEGIN');
      for (const s of stmts) await c.query(s);
      if (txn) await c.query('COMMIT');
    }
    statements += stmts.length;
    await w.query('FLUSH');
    for (const v of views) {
      const [got, want] = await Promise.all([rowsOf(w, `SELECT * FROM ${v.name}`), rowsOf(p, v.sql)]);
      expect(got, `view ${v.name} after batch ${batch} (seed ${SEED}):\n${v.sql}\nbatch:\n${stmts.join(';\n')}`).toEqual(want);
    }
  }
  expect(statements).toBeGreaterThan(24);
}, 180_000);

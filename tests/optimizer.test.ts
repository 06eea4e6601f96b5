// Optimizer rules over the wire: EXPLAIN (TYPE optimized) shows each rule's effect, and every
// query still returns exactly what PostgreSQL returns — with NULL keys, NULL-padded outer join
// rows, NOT IN over NULLs, and subqueries the rules must leave alone. Views built over the same
// queries (the streaming planner also runs the optimizer) must equal PostgreSQL too.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startWeirAndPostgres, type WeirAndPostgres } from './support/weir-and-postgres.js';

let env: WeirAndPostgres;
let w: pg.Client;
let p: pg.Client;

const SETUP = [
  'CREATE TABLE a (id int PRIMARY KEY, k int, x int, note text)',
  'CREATE TABLE b (id int PRIMARY KEY, k int, y int)',
  'CREATE TABLE c (id int PRIMARY KEY, bid int, z int)',
  "INSERT INTO a VALUES (1, 1, 5, 'one'), (2, 2, NULL, 'two'), (3, NULL, 7, NULL), (4, 4, 1, 'four'), (5, 1, 9, 'five'), (6, 7, 3, 'six')",
  'INSERT INTO b VALUES (10, 1, 2), (11, 1, NULL), (12, 2, 8), (13, NULL, 4), (14, 5, 6), (15, 4, 0)',
  'INSERT INTO c VALUES (100, 10, 1), (101, 12, NULL), (102, 99, 3), (103, NULL, 4)',
];

beforeAll(async () => {
  env = await startWeirAndPostgres(SETUP);
  ({ w, p } = env);
}, 120_000);

afterAll(async () => { await env?.stop(); });

const rows = async (c: pg.Client, sql: string) => (await c.query({ text: sql, rowMode: 'array' })).rows;
const plan = async (sql: string) => (await rows(w, `EXPLAIN (TYPE optimized) ${sql}`)).map((r) => String(r[0])).join('\n');

/** Query → patterns its optimized plan must contain (`A >> B`: A on a line above B), or with a
 * leading '!' must not contain. */
const CASES: [string, string[]][] = [
  // cross join + equality → inner hash join; one-sided conjuncts sit on their scans
  ['SELECT a.id, b.id FROM a, b WHERE a.k = b.k AND a.x > 2 AND b.y IS NOT NULL', ['Inner Join: keys [k = k]', 'Filter: (x > 2)', 'Filter: y IS NOT NULL', '!Cross']],
  ['SELECT a.id, b.id, c.id FROM a, b, c WHERE a.k = b.k AND c.bid = b.id AND c.z > 0', ['keys [k = k]', 'keys [id = bid]', '!Cross']],
  // WHERE over the padded side keeps the left join (IS NULL is true on padded rows)
  ['SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k WHERE b.id IS NULL', ['Left Join', 'Filter: id IS NULL']],
  // a strict comparison of a padded column rejects padded rows: the left join becomes inner
  ['SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k WHERE b.y > 1', ['Inner Join', '!Left Join']],
  // ON: the right-only conjunct moves into b; the left-only one must stay in the join
  ['SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k AND b.y > 1 AND a.x > 4', ['Left Join: keys [k = k] filter (x > 4)', 'Filter: (y > 1)']],
  ['SELECT a.id, b.id FROM a RIGHT JOIN b ON a.k = b.k AND a.x > 4 WHERE b.y < 7', ['Right Join', 'Filter: (x > 4)', 'Filter: (y < 7)']],
  ['SELECT a.id, b.id FROM a FULL JOIN b ON a.k = b.k WHERE a.x IS NOT NULL', ['Left Join', '!Full Join']],
  ['SELECT a.id, b.id FROM a FULL JOIN b ON a.k = b.k WHERE coalesce(a.x, b.y) > 3', ['Full Join']],
  ['SELECT a.id, b.id FROM a FULL JOIN b ON a.k = b.k AND a.x > 4 AND b.y > 1', ['Full Join: keys [k = k] filter ((x > 4) AND (y > 1))']],
  // through projections of a derived table, and HAVING on a grouping key into WHERE
  ['SELECT * FROM (SELECT id, x + 1 AS x1, note FROM a) s WHERE x1 > 3 AND note IS NOT NULL', ['Filter: (((x + 1) > 3) AND note IS NOT NULL)']],
  ['SELECT k, count(*), sum(x) FROM a GROUP BY k HAVING k > 1 AND count(*) >= 1', ['Aggregate: group by [k] >> Filter: (k > 1)']],
  // IN / EXISTS / NOT EXISTS become semi and anti joins
  ['SELECT id FROM a WHERE k IN (SELECT k FROM b WHERE y > 1)', ['Semi Join: keys [k = k]']],
  ['SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y < a.x)', ['Semi Join: keys [k = k] filter (y < x)']],
  ['SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k)', ['Anti Join: keys [k = k]']],
  ['SELECT id FROM a WHERE x > 2 AND NOT EXISTS (SELECT * FROM b WHERE b.k = a.k AND b.y > 1 LIMIT 1)', ['Anti Join', 'Filter: (x > 2)']],
  ['SELECT id, x FROM a WHERE k IN (SELECT k FROM b) AND NOT EXISTS (SELECT 1 FROM c WHERE c.bid = a.id + 9)', ['Semi Join', 'Anti Join']],
  ['SELECT a.id, (SELECT count(*) FROM b WHERE b.k = a.k) FROM a WHERE EXISTS (SELECT DISTINCT z FROM c WHERE c.z = a.x)', ['Semi Join']],
  ['SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k WHERE a.id IN (SELECT bid - 9 FROM c)', ['Left Join', 'Semi Join']],
  // … but not where the meaning would change
  ['SELECT id FROM a WHERE k NOT IN (SELECT k FROM b)', ['!Anti Join']],
  ['SELECT id FROM a WHERE k NOT IN (SELECT k FROM b WHERE k IS NOT NULL)', ['!Anti Join']],
  ['SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k LIMIT 0)', ['!Semi Join']],
  ['SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k OFFSET 1)', ['!Semi Join']],
  ['SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k) OR x > 8', ['!Semi Join']],
  ['SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND EXISTS (SELECT 1 FROM c WHERE c.bid = b.id AND c.z < a.x))', ['!Semi Join']],
  ['SELECT id FROM a WHERE k = ANY (SELECT k FROM b) AND x < ALL (SELECT y FROM b WHERE y IS NOT NULL)', ['Semi Join']],
  // a correlated scalar subquery above a join: the join keeps the row layout the subquery reads
  ['SELECT a.id, (SELECT count(*) FROM c WHERE c.bid = b.id AND c.z < a.x) FROM a JOIN b ON a.k = b.k', ['Inner Join']],
  ['SELECT a.id FROM a JOIN b ON a.k = b.k WHERE b.y = (SELECT max(y) FROM b b2 WHERE b2.k = a.k)', ['Inner Join']],
  // unused columns are dropped below joins and aggregates
  ['SELECT count(*) FROM a JOIN b ON a.k = b.k', ['Project: k\n']],
  ['SELECT b.y FROM a JOIN b ON a.k = b.k JOIN c ON c.bid = b.id', ['Project: id, y >> Inner Join: keys [k = k] >> Project: k >> Project: bid']],
  // LIMIT ALL disappears, LIMIT 0 reads nothing
  ['SELECT id FROM a LIMIT ALL', ['!Limit']],
  ['SELECT id FROM a LIMIT 0', ['Values (0 rows)']],
  ['SELECT id FROM a ORDER BY id LIMIT 2 OFFSET 1', ['Limit: 2 OFFSET 1']],
  // filters do not cross UNION, DISTINCT, windows or LIMIT
  ['SELECT * FROM (SELECT k FROM a UNION SELECT k FROM b) u WHERE k > 1', ['UNION']],
  ['SELECT * FROM (SELECT id, k FROM a ORDER BY id LIMIT 3) s WHERE k > 1', ['Filter: (k > 1) >> Limit: 3 >> Sort']],
  ['SELECT * FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM a) s WHERE id > 2', ['Window']],
];

describe('optimizer rules: plan shape and PostgreSQL results', () => {
  for (const [sql, patterns] of CASES) {
    it(sql, async () => {
      const shown = await plan(sql);
      for (const pat of patterns) {
        if (pat.startsWith('!')) { expect(shown, shown).not.toContain(pat.slice(1)); continue; }
        let from = 0;
        for (const part of pat.split(' >> ')) {
          const at = shown.indexOf(part, from);
          expect(at, `${part}\n${shown}`).toBeGreaterThanOrEqual(0);
          from = at + part.length;
        }
      }
      const order = `ORDER BY ${Array.from({ length: (await w.query(`SELECT * FROM (${sql}) q LIMIT 0`)).fields.length }, (_, i) => i + 1).join(', ')}`;
      const text = `SELECT * FROM (${sql}) q ${order}`;
      expect(await rows(w, text)).toEqual(await rows(p, text));
    });
  }
});

/** Views over queries the rules rewrite (cross join → inner, outer → inner, semi/anti joins). */
const VIEWS: Record<string, string> = {
  v_cross: 'SELECT a.id AS aid, b.id AS bid, b.y FROM a, b WHERE a.k = b.k AND a.x > 2',
  v_outer_inner: 'SELECT a.id AS aid, b.id AS bid FROM a LEFT JOIN b ON a.k = b.k WHERE b.y > 1',
  v_left_on: 'SELECT a.id AS aid, b.id AS bid FROM a LEFT JOIN b ON a.k = b.k AND b.y > 1 AND a.x > 4',
  v_exists_residual: 'SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y < a.x)',
  v_not_exists: 'SELECT id, k FROM a WHERE x > 2 AND NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y > 1)',
  v_in: 'SELECT id FROM a WHERE k IN (SELECT k FROM b WHERE y > 1)',
  v_agg_join: 'SELECT b.k, count(*) AS n, sum(c.z) AS s FROM b JOIN c ON c.bid = b.id WHERE b.y IS NOT NULL GROUP BY b.k HAVING b.k > 0',
};

describe('materialized views over rewritten plans equal PostgreSQL', () => {
  const check = async () => {
    await w.query('FLUSH');
    for (const [name, sql] of Object.entries(VIEWS)) {
      const n = (await w.query(`SELECT * FROM ${name} LIMIT 0`)).fields.length;
      const order = `ORDER BY ${Array.from({ length: n }, (_, i) => i + 1).join(', ')}`;
      expect(await rows(w, `SELECT * FROM ${name} ${order}`), name).toEqual(await rows(p, `SELECT * FROM (${sql}) q ${order}`));
    }
  };

  it('start equal and stay equal through inserts, updates and deletes', async () => {
    for (const [name, sql] of Object.entries(VIEWS)) await w.query(`CREATE MATERIALIZED VIEW ${name} AS ${sql}`);
    await check();
    const changes = [
      'INSERT INTO b VALUES (16, 7, 5), (17, NULL, NULL), (18, 4, 3)',
      'UPDATE a SET x = x + 3 WHERE k = 1',
      'UPDATE b SET y = NULL WHERE id = 12',
      'DELETE FROM b WHERE k = 1',
      'INSERT INTO c VALUES (104, 16, 8), (105, 18, NULL)',
      'UPDATE a SET k = 2 WHERE id = 3',
      'DELETE FROM a WHERE id = 4',
      'UPDATE c SET bid = 15 WHERE id = 102',
    ];
    for (const s of changes) {
      await w.query(s); await p.query(s);
      await check();
    }
  });
});

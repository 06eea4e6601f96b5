// Materialized views over TUMBLE and HOP (a projection and the hopWindow operator in the stream
// plan): through random INSERT/UPDATE/DELETE batches on the input table — updates move rows between
// windows and set times to NULL — each view, at parallelism 1 and 2, stays equal to the same query
// run by PostgreSQL (with TUMBLE/HOP rewritten, tests/support/window-tvf-rewrite.ts).

import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startWeirAndPostgres, type WeirAndPostgres } from './support/weir-and-postgres.js';
import { hop, tumble, type WindowTvf } from './support/window-tvf-rewrite.js';
import { rng } from './support/rng.js';

const SEED = Number(process.env.WEIR_DIFF_SEED ?? 20261125);
const rand = rng(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

let env: WeirAndPostgres;
let w: pg.Client;
let p: pg.Client;

beforeAll(async () => { env = await startWeirAndPostgres(['SET TimeZone = UTC']); ({ w, p } = env); }, 120_000);
afterAll(async () => { await env?.stop(); });

/** A view's query for both engines: `$A`, `$B`… stand for the window relations. */
function view(sql: string, ...wins: WindowTvf[]): { weir: string; pg: string } {
  const sub = (side: 'weir' | 'pg') => wins.reduce((s, win, i) => s.replaceAll(`$${String.fromCharCode(65 + i)}`, win[side]), sql);
  return { weir: sub('weir'), pg: sub('pg') };
}

const VIEWS: Record<string, { weir: string; pg: string }> = {
  tumble_agg: view('SELECT window_start, window_end, g, count(*) AS n, sum(v) AS s FROM $A AS w GROUP BY window_start, window_end, g',
    tumble('ev', 'ts', '10 seconds', undefined, { size: "INTERVAL '10' SECOND" })),
  tumble_rows: view('SELECT * FROM $A AS w', tumble('ev', 'ts', '1 minute', '15 seconds')),
  tumble_tz_max: view('SELECT window_end, max(v) AS hi, min(id) AS first FROM $A AS w GROUP BY window_end',
    tumble('ev', { name: 'tz', type: 'timestamptz' }, '20 seconds', '-5 seconds')),
  hop_agg: view('SELECT window_start, g, count(*) AS n, max(v) AS hi, min(v) AS lo FROM $A AS w GROUP BY window_start, g',
    hop('ev', 'ts', '5 seconds', '15 seconds')),
  hop_rows: view('SELECT id, v, window_start, window_end FROM $A AS w WHERE v > 10', hop('ev', 'ts', '10 seconds', '30 seconds')),
  hop_join: view('SELECT w.id, w.window_start, t.label FROM $A AS w JOIN tags t ON t.g = w.g',
    hop('ev', 'ts', '20 seconds', '1 minute', '7 seconds')),
  // Over a materialized view (its changes arrive through the view's own changelog).
  hop_over_mv: view('SELECT window_start, count(*) AS n, sum(v) AS s FROM $A AS w GROUP BY window_start', hop('ev_mv', 'ts', '30 seconds', '1 minute')),
  // Over an aggregate, whose changes are update pairs (-U/+U) that move a group's row between windows.
  hop_over_agg: view('SELECT g, n, window_start, window_end FROM $A AS w',
    hop('(SELECT g, count(*) AS n, max(ts) AS ts FROM ev GROUP BY g)', 'ts', '10 seconds', '30 seconds')),
  tumble_over_agg: view('SELECT window_start, count(*) AS groups, sum(n) AS n FROM $A AS w GROUP BY window_start',
    tumble('(SELECT g, count(*) AS n, min(ts) AS ts FROM ev GROUP BY g)', 'ts', '20 seconds')),
  // Nexmark q5's shape: per window, the groups with the most rows (a join on the window and a residual).
  hot_groups: view(
    'SELECT a.g, a.num, a.starttime FROM (SELECT g, count(*) AS num, window_start AS starttime FROM $A AS w GROUP BY window_start, g) a ' +
    'JOIN (SELECT max(c.num) AS maxn, c.starttime_c FROM (SELECT count(*) AS num, window_start AS starttime_c FROM $B AS w GROUP BY g, window_start) c GROUP BY c.starttime_c) m ' +
    'ON a.starttime = m.starttime_c AND a.num >= m.maxn',
    hop('ev', 'ts', '10 seconds', '20 seconds'), hop('ev', 'ts', '10 seconds', '20 seconds')),
};

const BASE = Date.UTC(2024, 2, 10, 12, 0, 0);
function time(): string {
  if (rand() < 0.1) return 'NULL';
  return `'${new Date(BASE + int(0, 120_000)).toISOString().replace('T', ' ').replace('Z', '')}'`;
}
const row = (id: number) => `(${id}, ${rand() < 0.1 ? 'NULL' : int(0, 3)}, ${time()}, ${time().replace(/'$/, "+00'")}, ${rand() < 0.1 ? 'NULL' : int(0, 50)})`;

let nextId = 1;
function randomBatch(): string[] {
  const out: string[] = [];
  for (let i = int(1, 5); i > 0; i--) {
    const r = rand();
    if (r < 0.4) out.push(`INSERT INTO ev VALUES ${Array.from({ length: int(1, 6) }, () => row(nextId++)).join(', ')}`);
    else if (r < 0.6) out.push(`UPDATE ev SET ts = ${time()} WHERE id % ${int(3, 7)} = ${int(0, 2)}`);
    else if (r < 0.7) out.push(`UPDATE ev SET tz = ts + INTERVAL '${int(0, 30)} seconds' WHERE id = ${int(1, nextId)}`);
    else if (r < 0.85) out.push(`UPDATE ev SET v = ${int(0, 50)}, g = ${int(0, 3)} WHERE id = ${int(1, nextId)}`);
    else out.push(`DELETE FROM ev WHERE id IN (${int(1, nextId)}, ${int(1, nextId)})`);
  }
  return out;
}

const sorted = (r: pg.QueryResult) => (r.rows as unknown[][]).map((x) => JSON.stringify(x)).sort();

it(`keeps views over TUMBLE and HOP equal to PostgreSQL through random DML (seed ${SEED})`, async () => {
  for (const sql of [
    'CREATE TABLE ev (id int PRIMARY KEY, g int, ts timestamp, tz timestamptz, v int)',
    'CREATE TABLE tags (g int PRIMARY KEY, label text)',
    "INSERT INTO tags VALUES (0, 'a'), (1, 'b'), (2, 'c')",
    `INSERT INTO ev VALUES ${Array.from({ length: 12 }, () => row(nextId++)).join(', ')}`,
  ]) await env.both(sql);
  await w.query('CREATE MATERIALIZED VIEW ev_mv AS SELECT id, ts, v FROM ev WHERE v IS NOT NULL');
  await p.query('CREATE VIEW ev_mv AS SELECT id, ts, v FROM ev WHERE v IS NOT NULL');
  for (const par of [1, 2]) {
    await w.query(`SET streaming_parallelism = ${par}`);
    for (const [name, q] of Object.entries(VIEWS)) await w.query(`CREATE MATERIALIZED VIEW ${name}_p${par} AS ${q.weir}`);
  }
  for (let batch = 0; batch < 16; batch++) {
    const stmts = randomBatch();
    for (const s of stmts) await env.both(s);
    await w.query('FLUSH');
    for (const [name, q] of Object.entries(VIEWS)) {
      const want = sorted(await p.query({ text: q.pg, rowMode: 'array' }));
      for (const par of [1, 2]) {
        const got = sorted(await w.query({ text: `SELECT * FROM ${name}_p${par}`, rowMode: 'array' }));
        expect(got, `${name} at parallelism ${par} after batch ${batch} (seed ${SEED}):\n${q.weir}\n${stmts.join(';\n')}`).toEqual(want);
      }
    }
  }
  // The views really hold windows.
  expect((await w.query('SELECT count(*)::int AS n FROM hop_rows_p2')).rows[0].n).toBeGreaterThan(10);
}, 180_000);

it('shows the window operators in EXPLAIN (TYPE stream) and (TYPE job)', async () => {
  await w.query('SET streaming_parallelism = 2');
  const text = async (sql: string) => (await w.query(sql)).rows.map((r) => Object.values(r)[0]).join('\n');
  const stream = await text(`EXPLAIN (TYPE stream) SELECT * FROM HOP(ev, ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND)`);
  expect(stream).toContain('StreamHopWindow time=ts slide=00:00:05 size=00:00:15');
  // A HOP row is identified by the input's key and its window.
  expect(stream).toMatch(/StreamHopWindow[^\n]*\{upsert key=\[id, window_start\]\}/);
  const job = await text(`EXPLAIN (TYPE job) CREATE MATERIALIZED VIEW x AS SELECT window_start, count(*) FROM HOP(ev, ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND) GROUP BY window_start`);
  expect(job).toMatch(/Source: ev -> .*HopWindow/);
  const tumbleStream = await text(`EXPLAIN (TYPE stream) SELECT * FROM TUMBLE(ev, ts, INTERVAL '10' SECOND)`);
  expect(tumbleStream).toMatch(/StreamProject \[id, g, ts, tz, v, window_start, window_end\]\s+\{upsert key=\[id\]\}/);
  expect(tumbleStream).toContain('StreamFilter');
});

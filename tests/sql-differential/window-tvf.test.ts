// The window table functions TUMBLE and HOP (src/sql/binder/bind-window-tvf.ts) against a real
// PostgreSQL 15, which has neither: every Weir query is paired with its PostgreSQL rewrite over the
// same seeded data (tests/support/window-tvf-rewrite.ts: TUMBLE as date_bin, HOP as a lateral
// generate_series of window starts), and both must give the same column names, type OIDs and rows.

import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startWeirAndPostgres, type WeirAndPostgres } from '../support/weir-and-postgres.js';
import { rng } from '../support/rng.js';
import { difference, run } from './compare.js';
import { hop, tumble, type WindowTvf } from '../support/window-tvf-rewrite.js';

const SEED = Number(process.env.WEIR_DIFF_SEED ?? 20261125);

let env: WeirAndPostgres;
let w: pg.Client;
let p: pg.Client;

/** ev: times clustered in a few minutes of 2024-03-10 (many rows per window), spread over days,
 * before 1970, on exact window boundaries and with microseconds; about one in eight NULL. */
function dataStatements(seed: number): string[] {
  const rand = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const base = Date.UTC(2024, 2, 10, 12, 0, 0) * 1000; // µs
  const stamp = (): string | null => {
    if (rand() < 0.125) return null;
    const r = rand();
    let us: number;
    if (r < 0.55) us = base + int(0, 600) * 1_000_000 + (rand() < 0.5 ? 0 : int(0, 999_999)); // ten minutes
    else if (r < 0.75) us = base + int(-3, 3) * 86_400_000_000 + int(0, 86_399) * 1_000_000; // a week
    else if (r < 0.85) us = base + int(0, 60) * 10_000_000; // on 10 s boundaries
    else us = -int(0, 200_000) * 1_000_000 - int(0, 999_999) - (rand() < 0.3 ? 86_400_000_000 * 400 : 0); // before 1970
    const iso = new Date(Math.floor(us / 1000)).toISOString().replace('T', ' ').replace('Z', '');
    return `${iso.slice(0, 19)}.${String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0')}`;
  };
  const q = (s: string | null, suffix = '') => (s === null ? 'NULL' : `'${s}${suffix}'`);
  const rows: string[] = [];
  for (let id = 1; id <= 90; id++) {
    const ts = stamp(), tz = stamp(), d = stamp();
    rows.push(`(${id}, ${rand() < 0.1 ? 'NULL' : int(0, 4)}, ${q(ts)}, ${q(tz, '+00')}, ${d === null ? 'NULL' : `'${d.slice(0, 10)}'`}, ${rand() < 0.1 ? 'NULL' : (rand() * 100).toFixed(2)})`);
  }
  return [
    'CREATE TABLE ev (id int PRIMARY KEY, g int, ts timestamp, tz timestamptz, d date, v numeric(8,2))',
    `INSERT INTO ev VALUES ${rows.join(',\n')}`,
    'CREATE TABLE grp (g int PRIMARY KEY, label text)',
    "INSERT INTO grp VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three')",
    'CREATE VIEW ev_some AS SELECT id, g, ts FROM ev WHERE id % 3 <> 0',
  ];
}

beforeAll(async () => {
  env = await startWeirAndPostgres(['SET TimeZone = UTC', ...dataStatements(SEED)]);
  ({ w, p } = env);
}, 120_000);

afterAll(async () => { await env?.stop(); });

const TZ = { name: 'tz', type: 'timestamptz' } as const;
const D = { name: 'd', type: 'date' } as const;

const WINDOWS: WindowTvf[] = [
  tumble('ev', 'ts', '10 seconds', undefined, { size: "INTERVAL '10' SECOND" }),
  tumble('ev', 'ts', '1 minute', '15 seconds', { size: "INTERVAL '1' MINUTE", offset: "INTERVAL '15' SECOND" }),
  tumble('ev', 'ts', '90 minutes', '-20 minutes'),
  tumble('ev', 'ts', '1 day 2 hours', '30 hours'),
  tumble('ev', 'ts', '0.25 seconds'),
  tumble('ev', TZ, '1 day', '3 hours'),
  tumble('ev', TZ, '7 seconds'),
  tumble('ev', D, '7 days'),
  hop('ev', 'ts', '5 seconds', '15 seconds'),
  hop('ev', 'ts', '1 minute', '1 minute'),
  hop('ev', 'ts', '20 minutes', '1 hour', '5 minutes'),
  hop('ev', TZ, '2 hours', '1 day', '1 hour'),
  hop('ev', D, '1 day', '3 days'),
];

/** Query shapes over a window relation `$W` (always aliased w). */
const SHAPES: string[] = [
  'SELECT * FROM $W AS w',
  'SELECT window_start, window_end, count(*), sum(v), min(id) FROM $W AS w GROUP BY window_start, window_end ORDER BY window_start',
  'SELECT g, window_start, max(v), count(DISTINCT id) FROM $W AS w WHERE g < 3 GROUP BY g, window_start',
  'SELECT id, window_end FROM $W AS w WHERE window_start >= (SELECT min(window_start) FROM $W AS w2) + INTERVAL \'1 hour\' AND g IS NOT NULL',
  'SELECT w.id, w.window_start, grp.label FROM $W AS w JOIN grp ON grp.g = w.g WHERE w.v > 20',
  'SELECT window_start, count(*) AS n FROM $W AS w GROUP BY window_start HAVING count(*) > 1 ORDER BY n DESC, window_start LIMIT 5',
];

async function compare(weirSql: string, pgSql: string): Promise<string | null> {
  const d = difference(pgSql, await run(w, weirSql), await run(p, pgSql));
  return d && `${weirSql}\n  PostgreSQL: ${pgSql}\n  ${d}`;
}

it('answers TUMBLE and HOP queries as their PostgreSQL rewrites do', async () => {
  const diffs: string[] = [];
  let rows = 0;
  for (const win of WINDOWS) {
    for (const shape of SHAPES) {
      const d = await compare(shape.replaceAll('$W', win.weir), shape.replaceAll('$W', win.pg));
      if (d) diffs.push(d);
    }
    const n = await run(w, `SELECT count(*) FROM ${win.weir}`);
    if (n.ok) rows += Number(n.rows[0][0]);
  }
  expect(diffs, `seed ${SEED}: ${diffs.length} differ\n${diffs.join('\n')}`).toEqual([]);
  expect(rows).toBeGreaterThan(500); // the data really lands in windows
}, 120_000);

it('binds the relation argument as a view, a CTE, a subquery, schema-qualified, with aliases', async () => {
  const t = tumble('ev_some', 'ts', '30 seconds');
  const pairs: [string, string][] = [
    // Without an alias, columns are qualified by the relation's name (RisingWave's q5 writes bid.auction).
    [`SELECT ev_some.id, ev_some.window_start FROM ${t.weir}`, `SELECT ev_some.id, ev_some.window_start FROM ${t.pg} AS ev_some`],
    ["SELECT ev.g, count(*) FROM HOP(public.ev, ts, INTERVAL '10' SECOND, INTERVAL '30' SECOND) GROUP BY ev.g",
      `SELECT ev.g, count(*) FROM ${hop('ev', 'ts', '10 seconds', '30 seconds').pg} AS ev GROUP BY ev.g`],
    ["WITH c AS (SELECT id, tz FROM ev WHERE g = 1) SELECT * FROM TUMBLE(c, tz, INTERVAL '1' HOUR)",
      `WITH c AS (SELECT id, tz FROM ev WHERE g = 1) SELECT * FROM ${tumble('c', TZ, '1 hour').pg} AS c`],
    ["SELECT * FROM TUMBLE((SELECT id, ts + INTERVAL '1 day' AS t FROM ev WHERE v > 50), t, INTERVAL '1' DAY) AS s",
      "SELECT * FROM (SELECT x.*, date_bin(INTERVAL '1 day', x.t, TIMESTAMP '1970-01-01') AS window_start, date_bin(INTERVAL '1 day', x.t, TIMESTAMP '1970-01-01') + INTERVAL '1 day' AS window_end FROM (SELECT id, ts + INTERVAL '1 day' AS t FROM ev WHERE v > 50) x WHERE x.t IS NOT NULL) AS s"],
    [`SELECT a, ws FROM ${tumble('ev', 'ts', '1 minute').weir} AS t(a, b, c, e, f, h, ws) WHERE b = 2`,
      `SELECT a, ws FROM ${tumble('ev', 'ts', '1 minute').pg} AS t(a, b, c, e, f, h, ws) WHERE b = 2`],
    // Two windowed relations joined on the window, as in Nexmark q8.
    ["SELECT a.id, b.id, a.window_start FROM TUMBLE(ev, ts, INTERVAL '1' MINUTE) a JOIN TUMBLE(ev_some, ts, INTERVAL '1' MINUTE) b ON a.g = b.g AND a.window_start = b.window_start",
      `SELECT a.id, b.id, a.window_start FROM ${tumble('ev', 'ts', '1 minute').pg} a JOIN ${tumble('ev_some', 'ts', '1 minute').pg} b ON a.g = b.g AND a.window_start = b.window_start`],
  ];
  const diffs: string[] = [];
  for (const [ws, ps] of pairs) { const d = await compare(ws, ps); if (d) diffs.push(d); }
  expect(diffs, diffs.join('\n')).toEqual([]);
});

it('reads the SQL-standard interval field forms as PostgreSQL does', async () => {
  // TUMBLE/HOP scripts write INTERVAL '10' SECOND; the field decides what a bare number means.
  const queries = [
    "SELECT INTERVAL '10' SECOND, INTERVAL '3' MINUTE, INTERVAL '2' HOUR, INTERVAL '2' DAY, INTERVAL '1' MONTH, INTERVAL '1' YEAR",
    "SELECT INTERVAL '1 day 2 hours 3 minutes 4.5 seconds' DAY, INTERVAL '1 day 02:03:04.5' HOUR, INTERVAL '1 day 2:03:04.5' DAY TO MINUTE",
    "SELECT INTERVAL '27 months 3 days' YEAR, INTERVAL '27 months 3 days' MONTH, INTERVAL '1.5' HOUR, INTERVAL '1.5' DAY, INTERVAL '1.5' YEAR",
    "SELECT INTERVAL '-90' MINUTE, INTERVAL '5' YEAR TO MONTH, INTERVAL '5' DAY TO HOUR, INTERVAL '5' MINUTE TO SECOND, INTERVAL '2 hours 5 minutes' MINUTE",
    "SELECT INTERVAL(3) '1.23456', INTERVAL '10.5555' SECOND(2), '7'::interval hour, INTERVAL '-1 day -2:30' HOUR",
  ];
  const diffs: string[] = [];
  for (const q of queries) { const d = await compare(q, q); if (d) diffs.push(d); }
  expect(diffs, diffs.join('\n')).toEqual([]);
});

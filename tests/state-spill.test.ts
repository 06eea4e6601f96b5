// Bounded state memory, as a user meets it: a server started with --state-memory far below what
// its views hold keeps spilling their state to <data-dir>/spill and reading it back, and the
// views stay exactly what the same queries return from the batch engine — through inserts,
// updates and deletes that retract spilled groups, min/max extremes and join rows — with
// checkpoints on (only entries already checkpointed may leave memory) and off.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { freshDataDir, startChild, type ChildServer } from './robustness/support/child-server.js';
import { rng } from './support/rng.js';
import { until } from './support/until.js';

const dataDir = freshDataDir();
let srv: ChildServer;
let c: pg.Client;
beforeAll(async () => {
  // 1 MB: the TaskManagers are always over budget, so every task spills at its barriers.
  srv = await startChild({ dataDir, args: ['--state-memory', '1MB'] });
  c = await srv.client();
}, 60_000);
afterAll(async () => { await c?.end(); await srv?.stop(); });

const AGG = `SELECT k, count(*) AS n, sum(v) AS total, min(v) AS lo, max(v) AS hi, count(DISTINCT tag) AS tags, string_agg(DISTINCT tag, ',' ORDER BY tag) AS tag_list FROM facts GROUP BY k`;
const JOIN = `SELECT f.k, d.label, count(*) AS n, max(f.v) AS hi FROM facts f LEFT JOIN dims d ON f.k = d.k GROUP BY f.k, d.label`;

function spilledBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? spilledBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

async function expectViewsExact(): Promise<void> {
  await c.query('FLUSH');
  for (const [view, query] of [['agg_ckpt', AGG], ['agg_plain', AGG], ['joined', JOIN]] as const) {
    const got = (await c.query(`SELECT * FROM ${view} ORDER BY 1, 2`)).rows;
    const want = (await c.query(`${query} ORDER BY 1, 2`)).rows;
    expect(got, view).toEqual(want);
  }
}

describe('state larger than --state-memory', () => {
  it('spills to disk and keeps every view exact through retractions', async () => {
    await c.query('CREATE TABLE facts (id int PRIMARY KEY, k int, v int, tag text)');
    await c.query('CREATE TABLE dims (k int PRIMARY KEY, label text)');
    await c.query(`CREATE MATERIALIZED VIEW agg_ckpt WITH (checkpoint.interval = '200ms', checkpoint.min_pause = '0ms') AS ${AGG}`);
    await c.query(`CREATE MATERIALIZED VIEW agg_plain WITH (checkpoint.interval = 'off') AS ${AGG}`);
    await c.query(`CREATE MATERIALIZED VIEW joined WITH (checkpoint.interval = '200ms', checkpoint.min_pause = '0ms') AS ${JOIN}`);
    const r = rng(21);
    const KEYS = 4000;
    let id = 0;
    for (let batch = 0; batch < 20; batch++) {
      const rows = Array.from({ length: 1000 }, () => `(${++id}, ${Math.floor(r() * KEYS)}, ${Math.floor(r() * 100_000)}, 't${Math.floor(r() * 30)}')`);
      await c.query(`INSERT INTO facts VALUES ${rows.join(', ')}`);
      if (batch % 4 === 0) await c.query(`INSERT INTO dims SELECT k, 'label ' || k FROM generate_series(${batch * 200}, ${batch * 200 + 199}) AS k`);
      await new Promise((res) => setTimeout(res, 150)); // let barriers pass, and spill
    }
    await expectViewsExact();
    expect(spilledBytes(join(dataDir, 'spill'))).toBeGreaterThan(100_000);

    // Retractions of state that has been on disk: the current extremes, whole groups, join rows.
    await c.query('DELETE FROM facts WHERE v > 90000');
    await c.query('UPDATE facts SET v = v + 7, tag = tag || \'x\' WHERE id % 5 = 0');
    await c.query('DELETE FROM facts WHERE k % 10 = 3');
    await c.query('UPDATE dims SET label = label || \'!\' WHERE k % 3 = 0');
    await c.query('DELETE FROM dims WHERE k % 7 = 0');
    await expectViewsExact();
  }, 180_000);

  it('restores checkpointed views after kill -9 within the same budget, and keeps them exact', async () => {
    await c.query('FLUSH');
    await new Promise((res) => setTimeout(res, 600)); // checkpoints of the last changes
    await c.end();
    srv.kill('SIGKILL');
    await srv.exit;
    srv = await startChild({ dataDir, args: ['--state-memory', '1MB'] });
    c = await srv.client();
    // The checkpointed views continue from their checkpoints (state decoded as it is touched,
    // spilled again under the budget); the unchecked one recomputes from the table.
    await until(async () => /restores from checkpoint/.test(srv.output().stderr), 'the views to restore');
    expect(srv.output().stderr).not.toMatch(/job (agg_ckpt|joined) starts empty/);
    await c.query('DELETE FROM facts WHERE v < 5000');
    await c.query('UPDATE facts SET v = v - 11 WHERE id % 3 = 0');
    await c.query(`INSERT INTO facts SELECT g, g % 4000, (g * 13) % 100000, 't' || (g % 31) FROM generate_series(30001, 33000) AS g`);
    await expectViewsExact();
  }, 180_000);
});

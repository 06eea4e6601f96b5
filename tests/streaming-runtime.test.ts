// The streaming runtime as a user meets it: jobs run in TaskManager worker threads, a parallel job
// spreads over them, a failing operator fails only its job (recorded in SHOW JOBS), CANCEL JOB and
// DROP give the slots back, and a crashed TaskManager fails its jobs while the server stays up.
// The server is started here (not through support/server.ts) to look at its cluster's slots.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Database } from '../src/database.js';
import { PgServer } from '../src/pgwire/server.js';
import type { MiniCluster } from '../src/stream/runtime/cluster.js';

let db: Database;
let server: PgServer;
let dataDir: string;
let c: pg.Client;

beforeAll(async () => {
  process.env.WEIR_TASK_MANAGERS = '2'; // two worker threads whatever the machine
  dataDir = mkdtempSync(join(tmpdir(), 'weir-runtime-'));
  db = await Database.open({ dataDir, bootstrapUser: 'weir' });
  server = new PgServer(db, { host: '127.0.0.1', port: 0 });
  const port = await server.listen();
  c = new pg.Client({ host: '127.0.0.1', port, user: 'weir', database: 'weir' });
  await c.connect();
  await c.query('CREATE TABLE t (id int PRIMARY KEY, k int, v int)');
  await c.query('INSERT INTO t SELECT g, g % 7, g FROM generate_series(1, 2000) g');
}, 120_000);

afterAll(async () => {
  await c?.end();
  await server?.close(1000);
  await db?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const cluster = (): MiniCluster => db.streaming.runtime!;
const rows = async (sql: string) => (await c.query({ text: sql, rowMode: 'array' })).rows;
const jobs = async () => (await c.query('SHOW JOBS')).rows as { id: string; name: string; status: string; error: string | null; restarts: number }[];
const job = async (name: string) => (await jobs()).find((j) => j.name === name);

describe('parallel jobs', () => {
  it('runs a parallelism-2 job in two TaskManagers and keeps it exact', async () => {
    await c.query('SET streaming_parallelism = 2');
    await c.query('CREATE MATERIALIZED VIEW by_k AS SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k');
    const rm = cluster().resourceManager;
    expect(rm.taskManagerCount).toBe(cluster().config.taskManagers);
    expect(await rows('SELECT k, n, s FROM by_k ORDER BY k')).toEqual(Array.from({ length: 7 }, (_, k) => {
      const vs = Array.from({ length: 2000 }, (_, i) => i + 1).filter((g) => g % 7 === k);
      return [k, String(vs.length), String(vs.reduce((a, b) => a + b, 0))];
    }));
    // Slot sharing: one slot per parallel subtask, spread over different TaskManagers.
    const slots = rm.slotsOf(Number((await job('by_k'))!.id));
    expect(slots).toHaveLength(2);
    expect(new Set(slots.map((s) => s.taskManager)).size).toBe(2);
    await c.query('UPDATE t SET k = 0 WHERE id <= 100');
    await c.query('FLUSH');
    expect((await rows('SELECT sum(n) FROM by_k'))[0][0]).toBe('2000');
    expect((await rows('SELECT n FROM by_k WHERE k = 0'))[0][0]).toBe(String(100 + Array.from({ length: 1900 }, (_, i) => i + 101).filter((g) => g % 7 === 0).length));
  });

  it('lets a view over a view see its input\'s epoch after FLUSH', async () => {
    await c.query('CREATE MATERIALIZED VIEW big_k AS SELECT k FROM by_k WHERE n > 300');
    await c.query('UPDATE t SET k = 1 WHERE id <= 1000');
    await c.query('FLUSH');
    expect(await rows('SELECT k FROM big_k ORDER BY k')).toEqual(await rows('SELECT k FROM by_k WHERE n > 300 ORDER BY k'));
    await c.query('DROP MATERIALIZED VIEW big_k');
  });
});

describe('sinks', () => {
  it('writes an external (file) sink from its task, committed before FLUSH returns', async () => {
    const path = join(dataDir, 'big.jsonl');
    await c.query(`CREATE SINK big_out AS SELECT id, v FROM t WHERE v > 1995 WITH (connector = 'file', path = '${path}')`);
    await c.query('FLUSH');
    const lines = () => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number; v: number });
    expect(lines().map((r) => r.id).sort((a, b) => a - b)).toEqual([1996, 1997, 1998, 1999, 2000]);
    await c.query('INSERT INTO t VALUES (5001, 1, 5001)');
    await c.query('FLUSH');
    expect(lines().map((r) => r.id)).toContain(5001);
    await c.query('DROP SINK big_out');
    await c.query('DELETE FROM t WHERE id = 5001');
  });
});

describe('failures', () => {
  it('refuses CREATE when the first epoch fails, with the operator\'s SQLSTATE', async () => {
    await c.query('INSERT INTO t VALUES (9001, 1, 0)');
    await expect(c.query('CREATE MATERIALIZED VIEW inv AS SELECT id, 100 / v AS x FROM t')).rejects.toMatchObject({ code: '22012' });
    expect(await job('inv')).toBeUndefined();
    await c.query('DELETE FROM t WHERE id = 9001');
  });

  it('fails only the job whose operator throws, records the error, and releases its slots', async () => {
    const free = cluster().resourceManager.freeSlots();
    // The failure is in the data, so every restart fails again: after two the strategy gives up.
    await c.query("CREATE MATERIALIZED VIEW inv WITH (restart.strategy = 'fixed-delay', restart.attempts = 2, restart.delay = '50ms') AS SELECT id, 100 / v AS x FROM t");
    // No exchange: the whole pipeline runs at the table source's parallelism, in one slot.
    expect(cluster().resourceManager.freeSlots()).toBe(free - 1);
    await c.query('INSERT INTO t VALUES (9002, 1, 0)');
    await c.query('FLUSH');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await job('inv'))?.status !== 'FAILED') await new Promise((r) => setTimeout(r, 50));
    const j = await job('inv');
    expect(j?.status).toBe('FAILED');
    expect(j?.restarts).toBe(2);
    expect(j?.error).toMatch(/^22012: division by zero/);
    expect(cluster().resourceManager.freeSlots()).toBe(free);
    // Other jobs and the server carry on.
    expect((await job('by_k'))?.status).toBe('RUNNING');
    await c.query('FLUSH');
    expect((await rows('SELECT sum(n) FROM by_k'))[0][0]).toBe('2001');
    await c.query('DROP MATERIALIZED VIEW inv');
    await c.query('DELETE FROM t WHERE id = 9002');
  });

  it('CANCEL JOB and DROP stop the tasks and give the slots back', async () => {
    const free = cluster().resourceManager.freeSlots();
    await c.query('CREATE MATERIALIZED VIEW evens WITH (parallelism = 2) AS SELECT v % 3 AS m, count(*) AS n FROM t WHERE v % 2 = 0 GROUP BY 1');
    expect(cluster().resourceManager.freeSlots()).toBe(free - 2);
    const id = (await job('evens'))!.id;
    await c.query(`CANCEL JOB ${id}`);
    expect((await job('evens'))?.status).toBe('CANCELED');
    expect(cluster().resourceManager.freeSlots()).toBe(free);
    await c.query('DROP MATERIALIZED VIEW evens');
    await c.query('CREATE MATERIALIZED VIEW odds AS SELECT id FROM t WHERE v % 2 = 1');
    await c.query('DROP MATERIALIZED VIEW odds');
    expect(cluster().resourceManager.freeSlots()).toBe(free);
    expect(await job('odds')).toBeUndefined();
  });

  it('restarts the jobs of a crashed TaskManager under their restart strategy, keeps serving, and replaces the worker', async () => {
    await c.query("CREATE MATERIALIZED VIEW p_none WITH (parallelism = 2, restart.strategy = 'none') AS SELECT k, sum(v) AS s FROM t GROUP BY k");
    await c.query("CREATE MATERIALIZED VIEW p_fixed WITH (parallelism = 2, restart-strategy.type = 'fixed-delay', restart.delay = '100ms') AS SELECT k, count(*) AS n FROM t GROUP BY k");
    const before = await rows('SELECT * FROM p_fixed ORDER BY k');
    const victim = cluster().taskManagerIds()[0];
    cluster().taskManager(victim)!.killForTest();
    const deadline = Date.now() + 15_000;
    const settled = async () => (await job('p_none'))?.status === 'FAILED' && (await job('p_fixed'))?.restarts === 1;
    while (Date.now() < deadline && !(await settled())) await new Promise((r) => setTimeout(r, 50));
    // Both jobs had a subtask on every TaskManager (parallelism 2 over two workers).
    const failed = await job('p_none');
    expect(failed?.status).toBe('FAILED');
    expect(failed?.error).toMatch(/TaskManager .* (exited|crashed)/);
    const restarted = await job('p_fixed');
    expect(restarted).toMatchObject({ status: 'RUNNING', restarts: 1 });
    expect(restarted?.error).toMatch(/TaskManager .* (exited|crashed)/); // the last failure stays visible
    await c.query('FLUSH');
    expect(await rows('SELECT * FROM p_fixed ORDER BY k')).toEqual(before);
    await c.query('INSERT INTO t VALUES (5001, 3, 1)');
    await c.query('FLUSH');
    expect((await rows('SELECT n FROM p_fixed WHERE k = 3'))[0][0]).toBe(String(Number(before.find((r) => r[0] === 3)![1]) + 1));
    await c.query('DELETE FROM t WHERE id = 5001');
    expect(await rows('SELECT 1')).toEqual([[1]]);
    await c.query('CREATE MATERIALIZED VIEW after_crash AS SELECT count(*) AS n FROM t');
    expect((await rows('SELECT n FROM after_crash'))[0][0]).toBe('2000');
    expect(cluster().taskManagerIds().length).toBe(cluster().config.taskManagers);
  });
});

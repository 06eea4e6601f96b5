// The Flink-compatible REST API over HTTP, next to a real server: jobs created in SQL appear with
// their vertices, TaskManagers with their slots, and a job can be cancelled through PATCH.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './support/until.js';
import { Database } from '../src/database.js';
import { PgServer } from '../src/pgwire/server.js';
import { RestServer } from '../src/rest/rest-server.js';
import { StreamingRestBackend } from '../src/rest/streaming-backend.js';
import { startChild } from './robustness/support/child-server.js';

let dataDir: string;
let db: Database;
let pgServer: PgServer;
let rest: RestServer;
let base: string;
let c: pg.Client;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'weir-rest-'));
  db = await Database.open({ dataDir, bootstrapUser: 'weir' });
  pgServer = new PgServer(db, { host: '127.0.0.1', port: 0 });
  const port = await pgServer.listen();
  rest = new RestServer(new StreamingRestBackend(db.streaming));
  base = `http://127.0.0.1:${await rest.listen(0, '127.0.0.1')}`;
  c = new pg.Client({ host: '127.0.0.1', port, user: 'weir', database: 'weir' });
  await c.connect();
});
afterAll(async () => {
  await c?.end();
  await rest?.close();
  await pgServer?.close(1000);
  await db?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(base + path);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('REST API', () => {
  it('reports each vertex\'s back-pressure and records read from the running tasks', async () => {
    await c.query(`CREATE SOURCE bp_src (a int) WITH (connector = 'datagen', fields.a.kind = 'sequence', fields.a.start = 1, fields.a.end = 20000, rows-per-second = 0)`);
    await c.query('CREATE MATERIALIZED VIEW bp AS SELECT a % 10 AS k, count(*) AS n FROM bp_src GROUP BY a % 10');
    const job = ((await get('/jobs')).body.jobs as { id: string }[])[0].id;
    const vertices = (await get(`/jobs/${job}`)).body.vertices as { id: string; parallelism: number; metrics: Record<string, unknown> }[];
    // Tasks report every second; until then a vertex has no sample ("deprecated", as in Flink).
    let bp: Record<string, unknown> = {};
    for (let i = 0; i < 60 && bp.status !== 'ok'; i++) {
      bp = (await get(`/jobs/${job}/vertices/${vertices[0].id}/backpressure`)).body;
      if (bp.status !== 'ok') await new Promise((r) => setTimeout(r, 100));
    }
    expect(bp).toMatchObject({ status: 'ok', 'backpressure-level': expect.stringMatching(/^(ok|low|high)$/) });
    const subtasks = bp.subtasks as { subtask: number; ratio: number }[];
    expect(subtasks).toHaveLength(vertices[0].parallelism);
    for (const st of subtasks) {
      expect(st.ratio).toBeGreaterThanOrEqual(0);
      expect(st.ratio).toBeLessThanOrEqual(1);
    }
    // The source vertex's subtasks report the rows they read, until all 20000 are counted.
    type Vertex = { metrics: { 'read-records': number; 'read-records-complete': boolean } };
    let detail: Vertex[] = [];
    for (let i = 0; i < 100; i++) {
      detail = (await get(`/jobs/${job}`)).body.vertices as Vertex[];
      if (detail.some((v) => v.metrics['read-records'] >= 20000)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(detail[0].metrics['read-records-complete']).toBe(true);
    expect(Math.max(...detail.map((v) => v.metrics['read-records']))).toBe(20000);
    await c.query('DROP MATERIALIZED VIEW bp');
    await c.query('DROP SOURCE bp_src');
  });

  it('lists jobs made in SQL with Flink shapes, and TaskManagers with slots', async () => {
    await c.query('SET streaming_parallelism = 2');
    await c.query('CREATE TABLE t (k int, v int)');
    await c.query('CREATE MATERIALIZED VIEW agg AS SELECT k, count(*) FROM t GROUP BY k');
    const jobs = (await get('/jobs')).body.jobs as { id: string; status: string }[];
    expect(jobs).toHaveLength(1);
    expect(jobs[0].id).toMatch(/^[0-9a-f]{32}$/);
    expect(jobs[0].status).toBe('RUNNING');
    const detail = (await get(`/jobs/${jobs[0].id}`)).body;
    expect(detail).toMatchObject({ jid: jobs[0].id, name: 'agg', state: 'RUNNING' });
    const vertices = detail.vertices as { name: string; parallelism: number }[];
    expect(vertices.some((v) => /HashAgg/.test(v.name) && v.parallelism === 2)).toBe(true);
    const overview = (await get('/overview')).body;
    expect(overview['jobs-running']).toBe(1);
    const tms = (await get('/taskmanagers')).body.taskmanagers as { slotsNumber: number; freeSlots: number }[];
    expect(tms.length).toBe(overview.taskmanagers);
    expect(tms.reduce((a, t) => a + (t.slotsNumber - t.freeSlots), 0)).toBeGreaterThan(0);
    expect((await get('/v1/jobs')).body.jobs).toEqual(jobs);
    // Each TaskManager reports its heap every second; its managed memory is the state budget (512MB by default).
    const [{ id }] = (await get('/taskmanagers')).body.taskmanagers as { id: string }[];
    interface Detail { hardware: { managedMemory: number }; metrics: { heapUsed: number; heapCommitted: number; heapMax: number } }
    const tm = await until(async () => { const b = (await get(`/taskmanagers/${id}`)).body as unknown as Detail; return b.metrics.heapUsed > 0 ? b : undefined; }, 'a heap report');
    expect(tm.hardware.managedMemory).toBe(512 * 1024 ** 2);
    expect(tm.metrics.heapUsed).toBeLessThanOrEqual(tm.metrics.heapCommitted);
    expect(tm.metrics.heapCommitted).toBeLessThanOrEqual(tm.metrics.heapMax);
    expect((await get('/taskmanagers/tm-none')).status).toBe(404);
    // The JobManager (main thread) under Flink's metric names: listed, then read.
    const listed = (await get('/jobmanager/metrics')).body as unknown as { id: string }[];
    expect(listed.map((x) => x.id)).toContain('Status.JVM.Memory.Heap.Used');
    const jm = (await get('/jobmanager/metrics?get=Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Committed,nope')).body as unknown as { id: string; value: string }[];
    expect(jm.map((x) => x.id)).toEqual(['Status.JVM.Memory.Heap.Used', 'Status.JVM.Memory.Heap.Committed']);
    expect(Number(jm[0].value)).toBeGreaterThan(1_000_000);
    expect(Number(jm[1].value)).toBeGreaterThanOrEqual(Number(jm[0].value));
  });

  it('cancels a job through PATCH and answers unknown ids with 404', async () => {
    const [job] = (await get('/jobs')).body.jobs as { id: string }[];
    const r = await fetch(`${base}/jobs/${job.id}?mode=cancel`, { method: 'PATCH' });
    expect(r.status).toBe(202);
    const show = (await c.query('SHOW JOBS')).rows as { name: string; status: string }[];
    expect(show.find((j) => j.name === 'agg')?.status).toBe('CANCELED');
    expect((await get(`/jobs/${'f'.repeat(32)}`)).status).toBe(404);
    expect((await get('/no/such/route')).status).toBe(404);
  });

  it('is started by the server process, which prints its address', async () => {
    const child = await startChild();
    try {
      const line = /REST API \(Flink-compatible\) on (http:\/\/[\d.]+:\d+)\//;
      for (let i = 0; i < 100 && !line.test(child.output().stdout); i++) await new Promise((r) => setTimeout(r, 50));
      const m = line.exec(child.output().stdout);
      expect(m).not.toBeNull();
      const r = await fetch(`${m![1]}/overview`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ 'jobs-running': 0, 'flink-version': expect.any(String) });
    } finally {
      await child.stop();
    }
  });
});

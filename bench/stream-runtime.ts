// Streaming runtime throughput: the same pipelines on the in-thread LocalJob and on the cluster
// runtime (TaskManagers in worker threads) at parallelism 1 and 2.
//   npx tsx bench/stream-runtime.ts [rows]      (BENCH_ONLY=A or B runs one part)
// A: a table of `rows` rows → CREATE MATERIALIZED VIEW … GROUP BY (snapshot through the whole job).
// B: a bounded datagen source → a CPU-heavy projection → GROUP BY; the source runs at the job's
//    parallelism, so at 2 both TaskManager threads work (their event-loop utilization is printed).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Database } from '../src/database.js';
import { PgServer } from '../src/pgwire/server.js';

const ROWS = Number(process.argv[2] ?? 300_000);
const HEAVY = 'sqrt(x::float8) * ln(x::float8 + 1) + sin(x::float8) * cos(x::float8 / 7) + length(md5(x::text))';

async function withServer<T>(runtime: 'local' | 'cluster', f: (c: pg.Client, db: Database) => Promise<T>): Promise<T> {
  process.env.WEIR_STREAM_RUNTIME = runtime;
  process.env.WEIR_TASK_MANAGERS = '2';
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-'));
  const db = await Database.open({ dataDir: dir, bootstrapUser: 'weir' });
  const server = new PgServer(db, { host: '127.0.0.1', port: 0 });
  const port = await server.listen();
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'weir', database: 'weir' });
  await c.connect();
  try { return await f(c, db); } finally {
    await c.end();
    await server.close(1000);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function warmUp(c: pg.Client): Promise<void> {
  // Start the TaskManagers before timing anything.
  await c.query('CREATE MATERIALIZED VIEW warm AS SELECT 1 AS one');
  await c.query('DROP MATERIALIZED VIEW warm');
}

async function tablePipeline(runtime: 'local' | 'cluster', parallelism: number): Promise<number> {
  return withServer(runtime, async (c) => {
    await warmUp(c);
    await c.query('CREATE TABLE t (id int PRIMARY KEY, k int, v int)');
    await c.query(`INSERT INTO t SELECT g, g % 1000, g FROM generate_series(1, ${ROWS}) g`);
    await c.query(`SET streaming_parallelism = ${parallelism}`);
    const t0 = performance.now();
    await c.query('CREATE MATERIALIZED VIEW agg AS SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k');
    const ms = performance.now() - t0;
    const n = (await c.query('SELECT sum(n)::int8 AS n FROM agg')).rows[0].n;
    if (Number(n) !== ROWS) throw new Error(`expected ${ROWS} rows, the view counted ${n}`);
    return ROWS / (ms / 1000);
  });
}

async function cpuPipeline(runtime: 'local' | 'cluster', parallelism: number): Promise<{ rate: number; busy: string }> {
  return withServer(runtime, async (c, db) => {
    await warmUp(c);
    await c.query(`CREATE SOURCE gen (x int) WITH (connector = 'datagen', 'rows-per-second' = '0', 'number-of-rows' = '${ROWS}', 'fields.x.kind' = 'sequence', 'fields.x.start' = '1', 'fields.x.end' = '${ROWS}')`);
    await c.query(`SET streaming_parallelism = ${parallelism}`);
    const cluster = db.streaming.runtime;
    const tms = cluster ? cluster.taskManagerIds().map((id) => cluster.taskManager(id)!) : [];
    const before = tms.map((t) => t.utilization());
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await c.query(`CREATE MATERIALIZED VIEW heavy AS SELECT x % 100 AS b, count(*) AS n, sum(${HEAVY}) AS h FROM gen GROUP BY 1`);
    for (;;) {
      await c.query('FLUSH');
      const n = Number((await c.query('SELECT coalesce(sum(n), 0)::int8 AS n FROM heavy')).rows[0].n);
      if (n >= ROWS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // CPU time of all the process's threads over wall time: how many cores the job kept busy.
    const cores = (cpu.user + cpu.system) / 1000 / ms;
    const busy = tms.map((t, i) => `${cluster!.taskManagerIds()[i]} ${(t.utilization(before[i]).utilization * 100).toFixed(0)}%`).join(', ');
    return { rate: ROWS / (ms / 1000), busy: `${cores.toFixed(2)} cores; event loops ${busy || 'main thread'}` };
  });
}

const fmt = (r: number) => `${Math.round(r).toLocaleString('en-US')} rows/s`;
console.log(`rows: ${ROWS}`);
const only = process.env.BENCH_ONLY;
if (only !== 'B') {
console.log(`A table → GROUP BY   local:        ${fmt(await tablePipeline('local', 1))}`);
console.log(`A table → GROUP BY   cluster p=1:  ${fmt(await tablePipeline('cluster', 1))}`);
console.log(`A table → GROUP BY   cluster p=2:  ${fmt(await tablePipeline('cluster', 2))}`);
}
if (only !== 'A') {
for (const [rt, p] of [['local', 1], ['cluster', 1], ['cluster', 2]] as const) {
  const r = await cpuPipeline(rt, p);
  console.log(`B datagen → heavy    ${rt === 'local' ? 'local:       ' : `cluster p=${p}: `} ${fmt(r.rate)}  (${r.busy})`);
}
}
process.exit(0);

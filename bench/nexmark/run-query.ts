// Runs one Nexmark query in a fresh in-process Weir server and prints one JSON line: the time
// from CREATE SINK until every bounded source it reads is drained and a FLUSH has gone through,
// as events/s (Nexmark events, all kinds) and rows/s (source rows the query read), and the
// process's peak RSS. Run in its own process by run.ts, so the peak belongs to this query. A
// warm-up job runs first, so starting the runtime (worker threads) is reported apart (startup_s).
//   tsx bench/nexmark/run-query.ts <query> <events> <seed> <runtime local|cluster> <parallelism>

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTaskManagerProfiles } from '../tm-profile.js';
import pg from 'pg';
import { countBelow } from '../../src/stream/connectors/nexmark/ids.js';
import { onSplitFinished } from '../../src/stream/connectors/source-progress.js';
import { loadQueries } from './queries.js';
import { createSourceSql, type Stream } from './nexmark-sources.js';

const [name, eventsArg, seedArg, runtime = 'local', parallelismArg = '1'] = process.argv.slice(2);
const events = Number(eventsArg), seed = Number(seedArg), parallelism = Number(parallelismArg);
const TIMEOUT_MS = Number(process.env.NEXMARK_QUERY_TIMEOUT_MS ?? 600_000);

// The manager reads this when the database opens.
if (runtime === 'local') process.env.WEIR_STREAM_RUNTIME = 'local';
else delete process.env.WEIR_STREAM_RUNTIME;

const { Database } = await import('../../src/database.js');
const { PgServer } = await import('../../src/pgwire/server.js');

const result: Record<string, unknown> = { query: name, events, seed, runtime, parallelism };
const query = loadQueries().find((q) => q.name === name);
const dataDir = mkdtempSync(join(tmpdir(), 'weir-nexmark-'));
const db = await Database.open({ dataDir, bootstrapUser: 'bench' });
const server = new PgServer(db, { host: '127.0.0.1', port: 0 });
const port = await server.listen();
const client = new pg.Client({ host: '127.0.0.1', port, user: 'bench', database: 'weir' });

try {
  if (!query) throw new Error(`no query named ${name} in queries.sql`);
  await client.connect();
  try {
    await client.query(`SET streaming_parallelism = ${parallelism}`);
  } catch (e) {
    if (parallelism !== 1) throw new Error(`SET streaming_parallelism = ${parallelism} failed: ${(e as Error).message}`);
  }
  // Sources declare a watermark for EMIT ON WINDOW CLOSE queries, or for all with NEXMARK_WATERMARK=1.
  const watermark = process.env.NEXMARK_WATERMARK === '1' || /EMIT\s+ON\s+WINDOW\s+CLOSE\s*$/i.test(query.sql);
  result.watermark = watermark;
  for (const s of ['person', 'auction', 'bid'] as const) await client.query(createSourceSql(s, events, seed, watermark));
  for (const s of query.setup) await client.query(s);

  // Warm-up: the first job starts the runtime (worker threads load the code); keep that out of the timing.
  const warmStart = performance.now();
  await client.query(`CREATE SOURCE bench_warmup_src (a int) WITH (connector = 'datagen', number-of-rows = 1, rows-per-second = 0)`);
  await client.query('CREATE MATERIALIZED VIEW bench_warmup AS SELECT count(*) FROM bench_warmup_src');
  await client.query('FLUSH');
  result.startup_s = +((performance.now() - warmStart) / 1000).toFixed(3);

  const expected = new Map<Stream, number>(query.streams.map((s) => [s, countBelow(s, events)]));
  const seen = new Map<string, number>();
  let drained!: () => void;
  const allDrained = new Promise<void>((resolve) => { drained = resolve; });
  const isDrained = () => [...expected].every(([s, n]) => (seen.get(s) ?? 0) >= n);
  const stopListening = onSplitFinished((e) => {
    if (e.connector !== 'nexmark') return;
    seen.set(e.stream, (seen.get(e.stream) ?? 0) + e.rows);
    if (isDrained()) drained();
  });

  const profile = startTaskManagerProfiles();
  const start = performance.now();
  try {
    await client.query(`CREATE SINK ${name}_sink AS ${query.sql} WITH (connector = 'blackhole')`);
  } catch (e) {
    const err = e as { code?: string; message: string };
    throw Object.assign(new Error(`${err.code ?? ''} ${err.message}`.trim()), { planning: true });
  }
  result.create_s = +((performance.now() - start) / 1000).toFixed(3);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([allDrained, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`sources not drained after ${TIMEOUT_MS} ms`)), TIMEOUT_MS); })]);
  clearTimeout(timer);
  const drainedAt = performance.now();
  await client.query('FLUSH');
  result.flush_s = +((performance.now() - drainedAt) / 1000).toFixed(3);
  const seconds = (performance.now() - start) / 1000;
  await profile?.stop();
  stopListening();
  const rows = [...expected.values()].reduce((a, b) => a + b, 0);
  const jobs = (await client.query('SHOW JOBS')).rows as { status: string; error: string | null }[];
  const failed = jobs.find((j) => j.status === 'FAILED');
  if (failed) throw new Error(`job failed: ${failed.error}`);
  Object.assign(result, {
    seconds: +seconds.toFixed(3), rows_in: rows,
    events_per_s: Math.round(events / seconds), rows_per_s: Math.round(rows / seconds),
  });
} catch (e) {
  result.error = (e as Error).message;
  if ((e as { planning?: boolean }).planning) result.stage = 'plan';
} finally {
  result.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
  await client.end().catch(() => undefined);
  await server.close(1000).catch(() => undefined);
  await db.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(0);

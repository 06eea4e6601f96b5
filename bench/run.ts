// `npm run bench`: Weir against PostgreSQL 15 on the same machine, same data, same clients.
// Prints one JSON line per result on stdout (progress goes to stderr):
//   pgbench_select1, pgbench_pk_lookup  — 16 clients, simple and prepared protocol, real pgbench
//   copy_from_stdin, insert_multirow    — bulk loading, rows/s
//   scan_group_by                       — full scan + hash aggregate, rows/s
//   checkpoint_overhead, kafka_q1, recovery — fault tolerance (bench/fault-tolerance.ts)
//
// Environment: WEIR_BENCH_SECONDS (per pgbench run, default 8), WEIR_BENCH_SCALE (row counts,
// default 1 = 100k accounts, 50k loaded rows, 1M scanned rows), WEIR_BENCH_ONLY (comma-separated
// bench names), WEIR_BENCH_PROFILE (a directory: Weir runs with --cpu-prof and writes it there).
// The machine is shared with the load generator: compare ratios, and CPU per query, not absolutes.

import { copyRowsPerSecond, insertRowsPerSecond } from './load.js';
import { runPgbench, type PgbenchResult } from './pgbench.js';
import { loadFacts, scanRowsPerSecond } from './scan.js';
import { type BenchServer, startPg, startWeir } from './servers.js';
import { round } from './stats.js';
import { faultToleranceSuite } from './fault-tolerance.js';
import { ensureServerNodeFlags } from './node-flags.js';

const SECONDS = Number(process.env.WEIR_BENCH_SECONDS ?? 8);
const SCALE = Number(process.env.WEIR_BENCH_SCALE ?? 1);
const ONLY = process.env.WEIR_BENCH_ONLY ? new Set(process.env.WEIR_BENCH_ONLY.split(',')) : null;
const CLIENTS = 16;
const THREADS = 2;

const ACCOUNTS = Math.max(1000, Math.round(100_000 * SCALE));
const LOAD_ROWS = Math.max(1000, Math.round(50_000 * SCALE));
const SCAN_ROWS = Math.max(1000, Math.round(1_000_000 * SCALE));

const SCRIPTS = {
  pgbench_select1: 'SELECT 1;\n',
  pgbench_pk_lookup: `\\set aid random(1, ${ACCOUNTS})\nSELECT abalance FROM accounts WHERE aid = :aid;\n`,
} as const;

function log(msg: string): void { process.stderr.write(`[bench] ${msg}\n`); }
function emit(result: Record<string, unknown>): void { process.stdout.write(JSON.stringify(result) + '\n'); }
const wanted = (name: string) => !ONLY || ONLY.has(name);

async function loadAccounts(server: BenchServer): Promise<void> {
  const c = await server.client();
  try {
    await c.query('CREATE TABLE accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84))');
    await c.query(`INSERT INTO accounts SELECT g, (g - 1) / 100000 + 1, g % 1000, '' FROM generate_series(1, ${ACCOUNTS}) g`);
    if (server.name === 'pg') await c.query('VACUUM ANALYZE accounts');
  } finally {
    await c.end();
  }
}

function pgbenchLine(bench: string, mode: string, weir: PgbenchResult, pg: PgbenchResult): Record<string, unknown> {
  return {
    bench, mode, clients: CLIENTS, seconds: SECONDS,
    weir_qps: round(weir.tps), pg_qps: round(pg.tps), ratio: round(weir.tps / pg.tps, 3),
    weir_p50_ms: round(weir.p50Ms, 3), weir_p99_ms: round(weir.p99Ms, 3), pg_p50_ms: round(pg.p50Ms, 3), pg_p99_ms: round(pg.p99Ms, 3),
    weir_cpu_us_per_q: round(weir.cpuUsPerTx, 3), pg_cpu_us_per_q: round(pg.cpuUsPerTx, 3),
  };
}

async function pgbenchSuite(weir: BenchServer, pg: BenchServer): Promise<void> {
  for (const [bench, script] of Object.entries(SCRIPTS)) {
    if (!wanted(bench)) continue;
    for (const mode of ['simple', 'prepared'] as const) {
      const run = { script, mode, clients: CLIENTS, threads: THREADS, seconds: SECONDS };
      log(`${bench} ${mode}: weir`);
      const w = await runPgbench(weir, run);
      log(`${bench} ${mode}: postgres`);
      const p = await runPgbench(pg, run);
      emit(pgbenchLine(bench, mode, w, p));
    }
  }
}

async function loadSuite(weir: BenchServer, pg: BenchServer): Promise<void> {
  if (wanted('copy_from_stdin')) {
    log(`copy_from_stdin: ${LOAD_ROWS} rows`);
    const w = await copyRowsPerSecond(weir, LOAD_ROWS);
    const p = await copyRowsPerSecond(pg, LOAD_ROWS);
    emit({ bench: 'copy_from_stdin', rows: LOAD_ROWS, weir_rows_per_s: round(w), pg_rows_per_s: round(p), ratio: round(w / p, 3) });
  }
  if (wanted('insert_multirow')) {
    log(`insert_multirow: ${LOAD_ROWS} rows in statements of 1000`);
    const w = await insertRowsPerSecond(weir, LOAD_ROWS, 1000);
    const p = await insertRowsPerSecond(pg, LOAD_ROWS, 1000);
    emit({ bench: 'insert_multirow', rows: LOAD_ROWS, batch: 1000, weir_rows_per_s: round(w), pg_rows_per_s: round(p), ratio: round(w / p, 3) });
  }
}

async function scanSuite(weir: BenchServer, pg: BenchServer): Promise<void> {
  if (!wanted('scan_group_by')) return;
  log(`scan_group_by: loading ${SCAN_ROWS} rows`);
  await loadFacts(weir, SCAN_ROWS);
  await loadFacts(pg, SCAN_ROWS);
  log('scan_group_by: running');
  const w = await scanRowsPerSecond(weir, SCAN_ROWS, 3);
  const p = await scanRowsPerSecond(pg, SCAN_ROWS, 3);
  emit({ bench: 'scan_group_by', rows: SCAN_ROWS, weir_rows_per_s: round(w), pg_rows_per_s: round(p), ratio: round(w / p, 3) });
}

async function main(): Promise<void> {
  const started = performance.now();
  log('starting Weir and PostgreSQL');
  const [weir, pg] = await Promise.all([startWeir({ profileDir: process.env.WEIR_BENCH_PROFILE }), startPg()]);
  try {
    if (wanted('pgbench_select1') || wanted('pgbench_pk_lookup')) {
      log(`loading ${ACCOUNTS} accounts`);
      await Promise.all([loadAccounts(weir), loadAccounts(pg)]);
    }
    await pgbenchSuite(weir, pg);
    await loadSuite(weir, pg);
    await scanSuite(weir, pg);
  } finally {
    await Promise.all([weir.stop(), pg.stop()]);
  }
  // Checkpoints, exactly-once sinks and recovery (their own servers; Kafka on 127.0.0.1:9092).
  await faultToleranceSuite(emit, wanted);
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

ensureServerNodeFlags(); // the fault-tolerance benches host the server in this process
main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});

// `npm run bench:ft` (also part of `npm run bench`): what fault tolerance costs and how fast it
// recovers, one JSON line per result.
//   checkpoint_overhead  Nexmark q1 and q4 over the generator, parallelism 2, blackhole sink:
//                        events/s with checkpoints off, every 10 s and every 1 s, with the
//                        checkpoints' count, mean duration, size and longest alignment.
//   kafka_q1, kafka_q4   q1 and q4 from Kafka topics to a Kafka topic: at-least-once with
//                        checkpoints off, at 10 s and at 1 s, exactly-once (a transaction per
//                        checkpoint) at 10 s and 1 s (bench/kafka-nexmark.ts).
//   recovery             kill -9 of a server holding an aggregation's state (a child process),
//                        then the time until it serves the restored view again.
//   recovery_large       (only when named in WEIR_BENCH_ONLY) the same for a large state:
//                        bench/recovery-large.ts.
// Environment: WEIR_FT_EVENTS (Nexmark events for checkpoint_overhead, default 2,000,000),
// WEIR_FT_KAFKA_BIDS (kafka_q1, default 200,000), WEIR_FT_KAFKA_Q4_EVENTS (default 6,000,000: three or more 10 s checkpoints on a fast day),
// WEIR_FT_RECOVERY_EVENTS (default 1,000,000); for kafka_q1/kafka_q4, WEIR_FT_KAFKA_CONFIGS (some of
// alo:off,alo:10s,alo:1s,eo:10s,eo:1s) and WEIR_FT_KAFKA_ROUNDS (repeats, interleaved).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { countBelow } from '../src/stream/connectors/nexmark/ids.js';
import { onSplitFinished } from '../src/stream/connectors/source-progress.js';
import { loadQueries } from './nexmark/queries.js';
import { SOURCE_COLUMNS, createSourceSql } from './nexmark/nexmark-sources.js';
import { round } from './stats.js';
import { checkpointStoreBytes, child, killAndRestart } from './child-server.js';
import { recoveryLarge } from './recovery-large.js';
import { type CheckpointRow, checkpointStats, withServer } from './in-process-server.js';
import { KAFKA, kafkaServing } from './kafka-topics.js';
import { ensureServerNodeFlags } from './node-flags.js';
import { kafkaQ1, kafkaQ4 } from './kafka-nexmark.js';

type Emit = (r: Record<string, unknown>) => void;
const EVENTS = Number(process.env.WEIR_FT_EVENTS ?? 2_000_000);
/** Events whose bids kafka_q1 reads (200k bids), and kafka_q4's events (auctions and bids). */
const KAFKA_Q1_EVENTS = Math.ceil(Number(process.env.WEIR_FT_KAFKA_BIDS ?? 200_000) * 50 / 46);
const KAFKA_Q4_EVENTS = Number(process.env.WEIR_FT_KAFKA_Q4_EVENTS ?? 6_000_000);
const RECOVERY_EVENTS = Number(process.env.WEIR_FT_RECOVERY_EVENTS ?? 1_000_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => process.stderr.write(`[ft] ${m}\n`);

async function checkpointOverhead(emit: Emit): Promise<void> {
  const queries = loadQueries().filter((q) => q.name === 'q1' || q.name === 'q4');
  for (const q of queries) {
    let offRate = 0;
    for (const interval of ['off', '10s', '1s']) {
      log(`checkpoint_overhead ${q.name} interval ${interval}`);
      const r = await withServer(async (c) => {
        await c.query('SET streaming_parallelism = 2');
        for (const s of q.streams) await c.query(createSourceSql(s, EVENTS, 42));
        // Warm up the runtime (worker threads) outside the timing.
        await c.query(`CREATE SOURCE warm (a int) WITH (connector = 'datagen', number-of-rows = 1, rows-per-second = 0)`);
        await c.query('CREATE MATERIALIZED VIEW warm_v AS SELECT count(*) FROM warm');
        const expected = new Map(q.streams.map((s) => [s, countBelow(s, EVENTS)]));
        const seen = new Map<string, number>();
        let drained!: () => void;
        const done = new Promise<void>((res) => { drained = res; });
        const stop = onSplitFinished((e) => {
          seen.set(e.stream, (seen.get(e.stream) ?? 0) + e.rows);
          if ([...expected].every(([s, n]) => (seen.get(s) ?? 0) >= n)) drained();
        });
        const start = performance.now();
        await c.query(`CREATE SINK ${q.name}_out AS ${q.sql} WITH (connector = 'blackhole', checkpoint.interval = '${interval}')`);
        await done;
        await c.query('FLUSH');
        const seconds = (performance.now() - start) / 1000;
        stop();
        return { seconds, ...(await checkpointStats(c, `${q.name}_out`)) };
      });
      const rate = EVENTS / r.seconds;
      if (interval === 'off') offRate = rate;
      emit({ bench: 'checkpoint_overhead', query: q.name, events: EVENTS, parallelism: 2, checkpoint_interval: interval, events_per_s: round(rate), vs_off: round(rate / offRate, 3), ...r, seconds: round(r.seconds, 2) });
    }
  }
}

async function recovery(emit: Emit): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'weir-ft-recovery-'));
  const bids = countBelow('bid', RECOVERY_EVENTS);
  const connect = async (port: number) => { const c = new pg.Client({ host: '127.0.0.1', port, user: 'bench', database: 'weir' }); await c.connect(); c.on('error', () => undefined); return c; };
  const total = async (c: pg.Client) => Number((await c.query('SELECT coalesce(sum(n), 0) AS n FROM per_bidder')).rows[0].n);
  try {
    let srv = await child(dataDir);
    let c = await connect(srv.port);
    log(`recovery: aggregating ${bids} bids`);
    await c.query(`CREATE SOURCE bid (${SOURCE_COLUMNS.bid}) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = ${RECOVERY_EVENTS}, seed = 42)`);
    const start = performance.now();
    await c.query(`CREATE MATERIALIZED VIEW per_bidder WITH (checkpoint.interval = '1s', parallelism = 2) AS SELECT bidder, count(*) AS n, max(price) AS hi, sum(price) AS total, count(DISTINCT auction) AS auctions FROM bid GROUP BY bidder`);
    while ((await total(c)) < bids) await sleep(100);
    const computeSeconds = (performance.now() - start) / 1000;
    const doneAt = Date.now();
    for (;;) {
      const rows = ((await c.query('SHOW CHECKPOINTS')).rows as CheckpointRow[]).filter((r) => r.status === 'COMPLETED' && Date.parse(r.trigger_time) >= doneAt);
      if (rows.length) break;
      await sleep(100);
    }
    const groups = Number((await c.query('SELECT count(*) AS n FROM per_bidder')).rows[0].n);
    const stateBytes = checkpointStoreBytes(dataDir);
    const restart = await killAndRestart(srv, dataDir);
    srv = restart.srv;
    const killed = restart.killedAt, listening = restart.listeningS;
    c = await connect(srv.port);
    while ((await total(c).catch(() => 0)) < bids) await sleep(20);
    const restored = (performance.now() - killed) / 1000;
    emit({ bench: 'recovery', bids, groups, checkpoint_store_bytes: stateBytes, compute_s: round(computeSeconds, 2), restart_to_listening_s: round(listening, 2), restart_to_restored_view_s: round(restored, 2) });
    await c.end();
    srv.proc.kill('SIGINT');
    await srv.exited;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function faultToleranceSuite(emit: Emit, wanted: (name: string) => boolean): Promise<void> {
  if (wanted('checkpoint_overhead')) await checkpointOverhead(emit);
  for (const [name, run, events] of [['kafka_q1', kafkaQ1, KAFKA_Q1_EVENTS], ['kafka_q4', kafkaQ4, KAFKA_Q4_EVENTS]] as const) {
    if (!wanted(name)) continue;
    if (await kafkaServing()) await run(emit, events);
    else emit({ bench: name, skipped: `no Kafka broker on ${KAFKA} (bash scripts/kafka.sh start)` });
  }
  if (wanted('recovery')) await recovery(emit);
  if (process.env.WEIR_BENCH_ONLY?.split(',').includes('recovery_large')) await recoveryLarge(emit);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  ensureServerNodeFlags(); // the server runs in this process (in-process-server.ts)
  const only = process.env.WEIR_BENCH_ONLY ? new Set(process.env.WEIR_BENCH_ONLY.split(',')) : null;
  await faultToleranceSuite((r) => console.log(JSON.stringify(r)), (n) => !only || only.has(n));
  process.exit(0);
}

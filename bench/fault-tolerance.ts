// `npm run bench:ft` (also part of `npm run bench`): what fault tolerance costs and how fast it
// recovers, one JSON line per result.
//   checkpoint_overhead  Nexmark q1 and q4 over the generator, parallelism 2, blackhole sink:
//                        events/s with checkpoints off, every 10 s and every 1 s, with the
//                        checkpoints' count, mean duration, size and longest alignment.
//   kafka_q1             q1 from a Kafka topic to a Kafka topic: exactly-once (a transaction per checkpoint) at 1 s and
//                        10 s, at-least-once at 1 s and with checkpoints off. process_s: the
//                        output written; committed_s: visible to read_committed consumers.
//   recovery             kill -9 of a server holding an aggregation's state (a child process),
//                        then the time until it serves the restored view again.
//   recovery_large       (only when named in WEIR_BENCH_ONLY) the same for a large state:
//                        bench/recovery-large.ts.
// Environment: WEIR_FT_EVENTS (Nexmark events for checkpoint_overhead, default 2,000,000),
// WEIR_FT_KAFKA_BIDS (default 200,000), WEIR_FT_RECOVERY_EVENTS (default 1,000,000).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { countBelow } from '../src/stream/connectors/nexmark/ids.js';
import { onSplitFinished } from '../src/stream/connectors/source-progress.js';
import { kafkaClient } from '../src/stream/connectors/kafka/client.js';
import { loadQueries } from './nexmark/queries.js';
import { SOURCE_COLUMNS, createSourceSql } from './nexmark/nexmark-sources.js';
import { round } from './stats.js';
import { child, dirBytes, killAndRestart } from './child-server.js';
import { recoveryLarge } from './recovery-large.js';

type Emit = (r: Record<string, unknown>) => void;
const KAFKA = '127.0.0.1:9092';
const EVENTS = Number(process.env.WEIR_FT_EVENTS ?? 2_000_000);
const KAFKA_BIDS = Number(process.env.WEIR_FT_KAFKA_BIDS ?? 200_000);
const RECOVERY_EVENTS = Number(process.env.WEIR_FT_RECOVERY_EVENTS ?? 1_000_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => process.stderr.write(`[ft] ${m}\n`);

/** An in-process server (the drain of generator splits is announced in-process). */
async function withServer<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const { Database } = await import('../src/database.js');
  const { PgServer } = await import('../src/pgwire/server.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'weir-ft-'));
  const db = await Database.open({ dataDir, bootstrapUser: 'bench' });
  const server = new PgServer(db, { host: '127.0.0.1', port: 0 });
  const c = new pg.Client({ host: '127.0.0.1', port: await server.listen(), user: 'bench', database: 'weir' });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
    await server.close(1000);
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface CheckpointRow { id: string; job: string; status: string; duration_ms: string | null; size_bytes: string; alignment_ms: string; trigger_time: string }
async function checkpointStats(c: pg.Client, job: string): Promise<Record<string, number>> {
  const rows = ((await c.query('SHOW CHECKPOINTS')).rows as CheckpointRow[]).filter((r) => r.job === job && r.status === 'COMPLETED');
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    checkpoints: rows.length,
    checkpoint_mean_ms: round(mean(rows.map((r) => Number(r.duration_ms)))),
    checkpoint_max_bytes: Math.max(0, ...rows.map((r) => Number(r.size_bytes))),
    alignment_max_ms: Math.max(0, ...rows.map((r) => Number(r.alignment_ms))),
  };
}

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

async function createTopic(topic: string): Promise<void> {
  const admin = kafkaClient([KAFKA], 'weir-bench').admin();
  await admin.connect();
  try { await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true }); } finally { await admin.disconnect(); }
}

/** A topic's size by its offsets as kafkajs reads them (the last stable offset: committed records and markers). */
async function topicSize(topic: string): Promise<number> {
  const admin = kafkaClient([KAFKA], 'weir-bench').admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally { await admin.disconnect(); }
}

async function kafkaQ1(emit: Emit): Promise<void> {
  const suffix = Date.now().toString(36);
  const input = `ft-bids-${suffix}`;
  const bids = countBelow('bid', Math.ceil(KAFKA_BIDS * 50 / 46));
  await withServer(async (c) => {
    await c.query('SET streaming_parallelism = 2');
    log(`kafka_q1: writing ${bids} bids to ${input}`);
    await c.query(`CREATE SOURCE gen (${SOURCE_COLUMNS.bid}) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = ${Math.ceil(KAFKA_BIDS * 50 / 46)}, seed = 42)`);
    await c.query(`CREATE SINK load_input AS SELECT * FROM gen WITH (connector = 'kafka', topic = '${input}', properties.bootstrap.server = '${KAFKA}', format = 'json', sink.delivery = 'at-least-once', checkpoint.interval = 'off')`);
    for (let waited = 0; (await topicSize(input).catch(() => 0)) < bids; waited += 200) {
      if (waited > 20_000) throw new Error(`the input topic has ${await topicSize(input)} of ${bids} records: ${JSON.stringify((await c.query('SHOW JOBS')).rows)}`);
      await sleep(200);
    }
    await c.query('DROP SINK load_input');
    const configs = [
      { delivery: 'at-least-once', interval: 'off' },
      { delivery: 'at-least-once', interval: '1s' },
      { delivery: 'exactly-once', interval: '10s' },
      { delivery: 'exactly-once', interval: '1s' },
    ];
    let baseline = 0;
    for (const [i, cfg] of configs.entries()) {
      log(`kafka_q1: ${cfg.delivery}, checkpoints ${cfg.interval}`);
      const out = `ft-q1-${suffix}-${i}`;
      await c.query(`CREATE SOURCE bid_in_${i} (${SOURCE_COLUMNS.bid}) WITH (connector = 'kafka', topic = '${input}', properties.bootstrap.server = '${KAFKA}', scan.startup.mode = 'earliest', format = 'json')`);
      await createTopic(out);
      // Written: a read_uncommitted consumer has every output record (open transactions included).
      const written = countRecords(out, bids);
      const start = performance.now();
      await c.query(`CREATE SINK q1_${i} AS SELECT auction, bidder, 0.908 * price AS price, date_time, extra FROM bid_in_${i} WITH (connector = 'kafka', topic = '${out}', properties.bootstrap.server = '${KAFKA}', format = 'json', sink.delivery = '${cfg.delivery}', checkpoint.interval = '${cfg.interval}')`);
      await written.done;
      const processed = (performance.now() - start) / 1000;
      // Committed: the topic's last stable offset covers every record (what read_committed readers see).
      while ((await topicSize(out).catch(() => 0)) < bids) await sleep(50);
      const committed = (performance.now() - start) / 1000;
      await written.stop();
      const rate = bids / processed;
      if (i === 0) baseline = rate;
      emit({ bench: 'kafka_q1', bids, parallelism: 2, sink_delivery: cfg.delivery, checkpoint_interval: cfg.interval, rows_per_s: round(rate), vs_off: round(rate / baseline, 3), process_s: round(processed, 2), committed_s: round(committed, 2), ...(await checkpointStats(c, `q1_${i}`)) });
      await c.query(`DROP SINK q1_${i}`);
    }
  });
}

/** Counts a topic's records as a read_uncommitted consumer sees them; `done` once `n` arrived. */
function countRecords(topic: string, n: number): { done: Promise<void>; stop(): Promise<void> } {
  const consumer = kafkaClient([KAFKA], 'weir-bench-counter').consumer({ groupId: `weir-bench-${topic}`, readUncommitted: true, maxWaitTimeInMs: 50 });
  let seen = 0;
  let reached!: () => void;
  const done = new Promise<void>((res) => { reached = res; });
  const ready = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => { seen += batch.messages.length; if (seen >= n) reached(); } });
  })();
  return { done: ready.then(() => done), stop: async () => { await consumer.disconnect(); } };
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
    const stateBytes = dirBytes(join(dataDir, 'checkpoints'));
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

async function kafkaServing(): Promise<boolean> {
  const admin = kafkaClient([KAFKA], 'weir-bench-probe').admin();
  try { await admin.connect(); await admin.listTopics(); return true; } catch { return false; } finally { await admin.disconnect().catch(() => undefined); }
}

export async function faultToleranceSuite(emit: Emit, wanted: (name: string) => boolean): Promise<void> {
  if (wanted('checkpoint_overhead')) await checkpointOverhead(emit);
  if (wanted('kafka_q1')) {
    if (await kafkaServing()) await kafkaQ1(emit);
    else emit({ bench: 'kafka_q1', skipped: `no Kafka broker on ${KAFKA} (bash scripts/kafka.sh start)` });
  }
  if (wanted('recovery')) await recovery(emit);
  if (process.env.WEIR_BENCH_ONLY?.split(',').includes('recovery_large')) await recoveryLarge(emit);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const only = process.env.WEIR_BENCH_ONLY ? new Set(process.env.WEIR_BENCH_ONLY.split(',')) : null;
  await faultToleranceSuite((r) => console.log(JSON.stringify(r)), (n) => !only || only.has(n));
  process.exit(0);
}

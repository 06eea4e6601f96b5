// Nexmark through Kafka in and out (bench/fault-tolerance.ts runs these): the generator's rows
// are first written to input topics, then each configuration reads them with Kafka sources and
// writes its result with a Kafka sink, timed until a consumer has seen all of it.
//   kafka_q1  the bids converted (append-only): records counted.
//   kafka_q4  average closing price per category (a join and two aggregations; an upsert sink):
//             done when the latest record of every category holds the value the same query
//             computes over the generator.
// process_s: the output as a read_uncommitted consumer sees it; committed_s: as read_committed
// consumers see it (an exactly-once sink's rows are committed when their checkpoint completes).

import type pg from 'pg';
import { countBelow } from '../src/stream/connectors/nexmark/ids.js';
import { onSplitFinished } from '../src/stream/connectors/source-progress.js';
import { loadQueries } from './nexmark/queries.js';
import { SOURCE_COLUMNS, type Stream } from './nexmark/nexmark-sources.js';
import { round } from './stats.js';
import { checkpointStats, withServer } from './in-process-server.js';
import { startTaskManagerProfiles } from './tm-profile.js';
import { KAFKA, countRecords, createTopic, topicSize, watchTopic } from './kafka-topics.js';

type Emit = (r: Record<string, unknown>) => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => process.stderr.write(`[ft] ${m}\n`);

// At-least-once writes as it goes, so its runs show what checkpointing costs; exactly-once
// publishes a checkpoint's rows when it completes, so its runs also show the commit latency.
const CONFIGS = [
  { delivery: 'at-least-once', interval: 'off' },
  { delivery: 'at-least-once', interval: '10s' },
  { delivery: 'at-least-once', interval: '1s' },
  { delivery: 'exactly-once', interval: '10s' },
  { delivery: 'exactly-once', interval: '1s' },
] as const;

type Config = (typeof CONFIGS)[number];

/**
 * The configurations in the order they run: the first is run once more before them, untimed — a
 * cold first run (JIT, the broker's page cache) made checkpoint-off, the baseline, look slowest.
 * WEIR_FT_KAFKA_CONFIGS picks some (`alo:off,alo:10s`, `eo:1s`, …; checkpoint-off first for a
 * baseline), WEIR_FT_KAFKA_ROUNDS repeats them, interleaved: each round's figures are compared
 * with that round's first configuration, since later runs on one server tend to be slower.
 */
function runs(): { cfg: Config; warmUp: boolean; round: number }[] {
  const picked = process.env.WEIR_FT_KAFKA_CONFIGS?.split(',').map((name) => {
    const cfg = CONFIGS.find((c) => `${c.delivery === 'exactly-once' ? 'eo' : 'alo'}:${c.interval}` === name.trim());
    if (!cfg) throw new Error(`WEIR_FT_KAFKA_CONFIGS: unknown configuration ${name} (alo:off, alo:10s, alo:1s, eo:10s, eo:1s)`);
    return cfg;
  }) ?? [...CONFIGS];
  const rounds = Number(process.env.WEIR_FT_KAFKA_ROUNDS ?? 1);
  const out = [{ cfg: picked[0], warmUp: true, round: 0 }];
  for (let round = 1; round <= rounds; round++) for (const cfg of picked) out.push({ cfg, warmUp: false, round });
  return out;
}

/** Writes the rows of `stream` among the first `events` Nexmark events (seed 42) to `topic`; their count. */
async function loadTopic(c: pg.Client, stream: Stream, events: number, topic: string): Promise<number> {
  const rows = countBelow(stream, events);
  log(`writing ${rows} ${stream} rows to ${topic}`);
  // Two partitions, so each of the two source subtasks reads one (a topic the sink created
  // itself would have the broker's default of one, and one subtask would decode everything).
  await createTopic(topic);
  await c.query(`CREATE SOURCE gen_${stream} (${SOURCE_COLUMNS[stream]}) WITH (connector = 'nexmark', nexmark.table.type = '${stream}', nexmark.event.num = ${events}, seed = 42)`);
  await c.query(`CREATE SINK load_${stream} AS SELECT * FROM gen_${stream} WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA}', format = 'json', sink.delivery = 'at-least-once', checkpoint.interval = 'off')`);
  const patience = Math.max(20_000, rows / 5);
  for (let waited = 0; (await topicSize(topic).catch(() => 0)) < rows; waited += 200) {
    if (waited > patience) throw new Error(`${topic} has ${await topicSize(topic)} of ${rows} records: ${JSON.stringify((await c.query('SHOW JOBS')).rows)}`);
    await sleep(200);
  }
  await c.query(`DROP SINK load_${stream}`);
  return rows;
}

const kafkaSource = (name: string, stream: Stream, topic: string) =>
  `CREATE SOURCE ${name} (${SOURCE_COLUMNS[stream]}) WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA}', scan.startup.mode = 'earliest', format = 'json')`;
const kafkaSink = (topic: string, format: string, cfg: Config) =>
  `WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA}', format = '${format}', sink.delivery = '${cfg.delivery}', checkpoint.interval = '${cfg.interval}')`;

export async function kafkaQ1(emit: Emit, events: number): Promise<void> {
  const plan = runs(), first = plan[0].cfg;
  const suffix = Date.now().toString(36);
  const input = `ft-bids-${suffix}`;
  await withServer(async (c) => {
    await c.query('SET streaming_parallelism = 2');
    const bids = await loadTopic(c, 'bid', events, input);
    let baseline = 0;
    for (const [i, { cfg, warmUp, round: pass }] of plan.entries()) {
      log(`kafka_q1: ${cfg.delivery}, checkpoints ${cfg.interval}${warmUp ? ' (warm-up)' : ''}`);
      const out = `ft-q1-${suffix}-${i}`;
      await c.query(kafkaSource(`bid_in_${i}`, 'bid', input));
      await createTopic(out);
      // Written: a read_uncommitted consumer has every output record (open transactions included).
      const written = countRecords(out, bids);
      const start = performance.now();
      await c.query(`CREATE SINK q1_${i} AS SELECT auction, bidder, 0.908 * price AS price, date_time, extra FROM bid_in_${i} ${kafkaSink(out, 'json', cfg)}`);
      await written.done;
      const processed = (performance.now() - start) / 1000;
      // Committed: the topic's last stable offset covers every record (what read_committed readers see).
      while ((await topicSize(out).catch(() => 0)) < bids) await sleep(50);
      const committed = (performance.now() - start) / 1000;
      await written.stop();
      const rate = bids / processed;
      if (warmUp) { await c.query(`DROP SINK q1_${i}`); continue; }
      if (cfg === first) baseline = rate;
      emit({ bench: 'kafka_q1', round: pass, bids, parallelism: 2, sink_delivery: cfg.delivery, checkpoint_interval: cfg.interval, rows_per_s: round(rate), vs_off: round(rate / baseline, 3), process_s: round(processed, 3), committed_s: round(committed, 3), ...(await checkpointStats(c, `q1_${i}`)) });
      await c.query(`DROP SINK q1_${i}`);
    }
  });
}

/** Follows an upsert topic's latest value per key until it equals `expected` (category → avg_final). */
function followUpserts(topic: string, uncommitted: boolean, expected: ReadonlyMap<string, number>) {
  const latest = new Map<string, number>();
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  return watchTopic(topic, uncommitted, (batch) => {
    for (const { key, value } of batch) {
      if (key === null) continue;
      const k = String(JSON.parse(key).category);
      if (value === null) latest.delete(k);
      else latest.set(k, Number(JSON.parse(value).avg_final));
    }
    return latest.size === expected.size && [...expected].every(([k, v]) => latest.has(k) && close(latest.get(k)!, v));
  });
}

export async function kafkaQ4(emit: Emit, events: number): Promise<void> {
  const plan = runs(), first = plan[0].cfg;
  const q4 = loadQueries().find((q) => q.name === 'q4')!;
  const suffix = Date.now().toString(36);
  const topics = { auction: `ft-auction-${suffix}`, bid: `ft-bid-${suffix}` };
  await withServer(async (c, server) => {
    await c.query('SET streaming_parallelism = 2');
    // The answer, computed over the generator itself: both streams are read twice (by the sink
    // that loads the topic and by the view), then flushed.
    const drained = new Map<string, number>();
    let allDrained!: () => void;
    const done = new Promise<void>((res) => { allDrained = res; });
    const stop = onSplitFinished((e) => {
      drained.set(e.stream, (drained.get(e.stream) ?? 0) + e.rows);
      if (['auction', 'bid'].every((s) => (drained.get(s) ?? 0) >= 2 * countBelow(s as Stream, events))) allDrained();
    });
    const rows = (await loadTopic(c, 'auction', events, topics.auction)) + (await loadTopic(c, 'bid', events, topics.bid));
    await c.query('CREATE VIEW q4_query AS ' + q4.sql.replace(/\bFROM auction a JOIN bid b\b/, 'FROM gen_auction a JOIN gen_bid b'));
    await c.query('CREATE MATERIALIZED VIEW q4_expected AS SELECT * FROM q4_query');
    await done;
    stop();
    await c.query('FLUSH');
    const expected = new Map(((await c.query('SELECT category, avg_final FROM q4_expected')).rows as { category: string; avg_final: string }[]).map((r) => [String(r.category), Number(r.avg_final)]));
    log(`kafka_q4: ${rows} input rows, ${expected.size} categories`);
    // Its join state would otherwise sit in the TaskManagers' heaps through every measured run.
    await c.query('DROP MATERIALIZED VIEW q4_expected');
    let baseline = 0;
    for (const [i, { cfg, warmUp, round: pass }] of plan.entries()) {
      log(`kafka_q4: ${cfg.delivery}, checkpoints ${cfg.interval}${warmUp ? ' (warm-up)' : ''}`);
      const out = `ft-q4-${suffix}-${i}`;
      await c.query(kafkaSource('auction', 'auction', topics.auction));
      await c.query(kafkaSource('bid', 'bid', topics.bid));
      await createTopic(out);
      const written = followUpserts(out, true, expected), visible = followUpserts(out, false, expected);
      const profile = warmUp ? null : startTaskManagerProfiles();
      const cpu = process.cpuUsage();
      const spilledBefore = server.spilledEntries();
      const start = performance.now();
      await c.query(`CREATE SINK q4_${i} AS ${q4.sql} ${kafkaSink(out, 'upsert-json', cfg)}`);
      await written.done;
      const processed = (performance.now() - start) / 1000;
      // Every thread of the process: the TaskManagers, the main thread and LevelDB's own.
      const { user, system } = process.cpuUsage(cpu);
      await profile?.stop(`kafka_q4-${pass}-${cfg.delivery}-${cfg.interval}`);
      await visible.done;
      const committed = (performance.now() - start) / 1000;
      await Promise.all([written.stop(), visible.stop()]);
      const rate = rows / processed;
      if (!warmUp) {
        if (cfg === first) baseline = rate;
        emit({ bench: 'kafka_q4', round: pass, events, input_rows: rows, parallelism: 2, sink_delivery: cfg.delivery, checkpoint_interval: cfg.interval, rows_per_s: round(rate), vs_off: round(rate / baseline, 3), process_s: round(processed, 3), cpu_s: round((user + system) / 1e6, 3), committed_s: round(committed, 3), spilled_entries: server.spilledEntries() - spilledBefore, ...(await checkpointStats(c, `q4_${i}`)) });
      }
      await c.query(`DROP SINK q4_${i}`);
      await c.query('DROP SOURCE auction');
      await c.query('DROP SOURCE bid');
    }
  });
}

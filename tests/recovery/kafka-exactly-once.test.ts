// The fault-tolerance promise end to end, over real processes: Weir reads two Kafka topics while
// a producer keeps writing bids, joins bids with auctions and aggregates per category (results
// change, so the changelog carries retractions), and writes the aggregate to a Kafka topic as
// Debezium envelopes (two-phase commit), to a PostgreSQL table (idempotent upserts), and a
// filtered bid stream to a file (write-ahead). The server is killed with SIGKILL at random
// moments — mid-checkpoint, between pre-commit and commit, right after a restart while it is
// still recovering — and started again each time. At the end a read_committed consumer replays
// the Kafka changelog strictly (every update's "before" must be the current row: a duplicated or
// lost transaction breaks the chain) to exactly the expected totals, PostgreSQL holds them, and
// the file holds each expected bid once. The topic is read with Kafka's Java client: kafkajs's
// read_committed consumer delivers records of aborted transactions (a killed server's half-sent
// publish), which looked like a duplicate in this test for several sessions.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import pg from 'pg';
import { freshDataDir, startChild, type ChildServer } from '../robustness/support/child-server.js';
import { type RealPostgres, startPostgres } from '../support/postgres.js';
import { KAFKA_BOOTSTRAP, createTopic, produce, readCommitted, uniqueTopic } from '../support/kafka.js';
import { rng } from '../support/rng.js';
import { type KafkaMessage, replayDebezium } from '../support/debezium.js';
import { sinkLines, sleep, until } from './support.js';

const AUCTIONS = 60;
const BATCHES = 30;
const PER_BATCH = 400;
const BIDS = BATCHES * PER_BATCH;

const dataDir = freshDataDir();
const filePath = join(dataDir, 'cheap-bids.jsonl');
const bidsTopic = uniqueTopic('eo-bids'), auctionsTopic = uniqueTopic('eo-auctions'), outTopic = uniqueTopic('eo-out');
let srv: ChildServer | null = null;
let pgs: RealPostgres;
let target: pg.Client;
beforeAll(async () => {
  pgs = await startPostgres();
  target = new pg.Client({ host: '127.0.0.1', port: pgs.port, user: pgs.user, database: 'postgres' });
  await target.connect();
  await target.query('CREATE TABLE per_category (category int PRIMARY KEY, n bigint, total bigint, hi bigint)');
  for (const t of [bidsTopic, auctionsTopic, outTopic]) await createTopic(t, 2);
}, 60_000);
afterAll(async () => { await srv?.stop(); await target?.end(); pgs?.stop(); });

const random = rng(77);
const bids = Array.from({ length: BIDS }, (_, i) => ({ id: i + 1, auction: 1 + Math.floor(random() * AUCTIONS), price: 1 + Math.floor(random() * 1000) }));
const category = (auction: number) => auction % 6;

/** What every sink must hold in the end, computed here from what was produced. */
function expectedTotals(): Map<number, { n: number; total: number; hi: number }> {
  const m = new Map<number, { n: number; total: number; hi: number }>();
  for (const b of bids) {
    const k = category(b.auction);
    const e = m.get(k) ?? { n: 0, total: 0, hi: 0 };
    e.n++; e.total += b.price; e.hi = Math.max(e.hi, b.price);
    m.set(k, e);
  }
  return m;
}

/** What a server said about the Kafka sink job: the checkpoint it restored and what its writers republished. */
const sinkLog = (stderr: string) => stderr.split('\n').filter((l) => /to_kafka restores|starts empty|kafka sink "eo-out/.test(l)).join('\n');
/** Every server traces the Kafka sink's publishes (WEIR_TRACE_KAFKA_SINK), for the log above. */
const CHILD_ENV = { WEIR_TRACE_KAFKA_SINK: '1' };

/** Where the changelog first breaks, and whether the breaking message repeats an earlier one. */
function describeBreak(msgs: readonly KafkaMessage[]): string {
  const state = new Map<string, string | undefined>();
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    const env = JSON.parse(m.value!) as { before: unknown; after: unknown };
    const before = env.before === null ? undefined : JSON.stringify(env.before);
    if (state.get(m.key!) !== before) {
      const same = msgs.findIndex((x, j) => j < i && x.key === m.key && x.value === m.value);
      const ofKey = msgs.map((x, j) => [x, j] as const).filter(([x, j]) => x.key === m.key && j <= i).map(([x, j]) => `${j}: ${x.value}`);
      return `message ${i} breaks the chain; ${same >= 0 ? `it repeats message ${same} (a committable published twice)` : 'no earlier message is identical (state went back)'}\nkey ${m.key}:\n${ofKey.join('\n')}`;
    }
    state.set(m.key!, env.after === null ? undefined : JSON.stringify(env.after));
  }
  return 'no break';
}

const kafka = (topic: string, extra = '') => `connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}'${extra}`;
const PER_CATEGORY = `SELECT a.category, count(*) AS n, sum(b.price) AS total, max(b.price) AS hi FROM bids b JOIN auctions a ON b.auction = a.id GROUP BY a.category`;
const JOB_OPTIONS = "checkpoint.interval = '300ms', checkpoint.min_pause = '0ms', restart.strategy = 'fixed-delay', restart.delay = '100ms'";

describe('kill -9 with Kafka in and Kafka, PostgreSQL and file sinks out', () => {
  it('ends with every result exactly once in every sink', async () => {
    await produce(auctionsTopic, Array.from({ length: AUCTIONS }, (_, i) => ({ key: String(i + 1), value: JSON.stringify({ id: i + 1, category: category(i + 1) }) })));
    srv = await startChild({ dataDir, env: CHILD_ENV });
    let c = await srv.client();
    await c.query(`CREATE SOURCE bids (id bigint, auction bigint, price bigint) WITH (${kafka(bidsTopic, ", scan.startup.mode = 'earliest', format = 'json'")})`);
    await c.query(`CREATE SOURCE auctions (id bigint, category int) WITH (${kafka(auctionsTopic, ", scan.startup.mode = 'earliest', format = 'json'")})`);
    await c.query(`CREATE MATERIALIZED VIEW per_category WITH (${JOB_OPTIONS}) AS ${PER_CATEGORY}`);
    await c.query(`CREATE SINK to_kafka AS ${PER_CATEGORY} WITH (${kafka(outTopic, ", format = 'debezium-json'")}, ${JOB_OPTIONS})`);
    await c.query(`CREATE SINK to_pg AS ${PER_CATEGORY} WITH (connector = 'postgres', url = 'postgres://${pgs.user}@127.0.0.1:${pgs.port}/postgres', table = 'per_category', ${JOB_OPTIONS})`);
    await c.query(`CREATE SINK to_file AS SELECT id, auction, price FROM bids WHERE price % 7 = 0 WITH (connector = 'file', path = '${filePath}', ${JOB_OPTIONS})`);

    // The producer keeps writing while the server dies and comes back.
    const producing = (async () => {
      for (let i = 0; i < BATCHES; i++) {
        await produce(bidsTopic, bids.slice(i * PER_BATCH, (i + 1) * PER_BATCH).map((b) => ({ key: String(b.id), value: JSON.stringify(b) })));
        await sleep(150);
      }
    })();

    const kills = rng(3);
    const history: string[] = [];
    for (let k = 0; k < 5; k++) {
      // Odd kills hit a server that is still recovering; even ones a server that has been running a while.
      await sleep(k % 2 ? 150 + Math.floor(kills() * 400) : 700 + Math.floor(kills() * 1200));
      srv.kill('SIGKILL');
      await srv.exit;
      history.push(`--- server ${k}: ${sinkLog(srv.output().stderr)}`);
      srv = await startChild({ dataDir, env: CHILD_ENV });
      c = await srv.client();
    }
    await producing;

    const expected = expectedTotals();
    const expectedRows = [...expected].map(([k, e]) => ({ category: k, n: e.n, total: e.total, hi: e.hi })).sort((a, b) => a.category - b.category);
    const asNumbers = (rows: Record<string, unknown>[]) => rows.map((r) => ({ category: Number(r.category), n: Number(r.n), total: Number(r.total), hi: Number(r.hi) }));

    // SQL: the view and the PostgreSQL table reach exactly the totals.
    await until(async () => Number((await c.query('SELECT coalesce(sum(n), 0) AS n FROM per_category')).rows[0].n) === BIDS, 'the view to see every bid', 120_000);
    expect(asNumbers((await c.query('SELECT * FROM per_category ORDER BY category')).rows)).toEqual(expectedRows);
    await until(async () => Number((await target.query('SELECT coalesce(sum(n), 0) AS n FROM per_category')).rows[0].n) === BIDS, 'the PostgreSQL sink to catch up', 60_000)
      .catch(async (e: Error) => { throw new Error(`${e.message}: ${JSON.stringify((await target.query('SELECT * FROM per_category')).rows)} ${JSON.stringify((await c.query('SHOW JOBS')).rows)} ${srv!.output().stderr.slice(-3000)}`); });
    expect(asNumbers((await target.query('SELECT * FROM per_category ORDER BY category')).rows)).toEqual(expectedRows);

    // The file: each cheap bid exactly once.
    const cheap = bids.filter((b) => b.price % 7 === 0).map((b) => b.id).sort((x, y) => x - y);
    await until(async () => sinkLines(filePath).length >= cheap.length, 'the file sink to catch up', 60_000);
    expect(sinkLines(filePath).map((l) => Number((JSON.parse(l) as { id: number }).id)).sort((x, y) => x - y)).toEqual(cheap);

    // Kafka: replay the committed Debezium changelog strictly, per key in partition order, until
    // the sink's last checkpoint is published (a broken chain fails at once: it never heals).
    const replay = (msgs: KafkaMessage[]) => asNumbers(replayDebezium(msgs)).sort((a, b) => a.category - b.category);
    let replayed: ReturnType<typeof replay> = [];
    await until(async () => {
      replayed = replay(await readCommitted(outTopic));
      return replayed.reduce((n, r) => n + r.n, 0) === BIDS;
    }, 'the Kafka sink to publish every bid', 90_000).catch(async (e: Error) => {
      if (e.message.startsWith('timed out')) return;
      // What the servers went through, to tell a duplicate from a rewind.
      const msgs = await readCommitted(outTopic);
      throw new Error(`${e.message}\n${describeBreak(msgs)}\nSHOW JOBS: ${JSON.stringify((await c.query('SHOW JOBS')).rows)}\nlast server: ${sinkLog(srv!.output().stderr)}\nearlier: ${history.join('\n')}`);
    });
    expect(replayed).toEqual(expectedRows);
  }, 400_000);
});

// Checkpoints as a user meets them: periodic, incremental checkpoints of a view's state written to
// LevelDB and listed by SHOW CHECKPOINTS; options per job (WITH) over session defaults (SET, with
// Flink's keys as aliases), bad values refused with 22023; a checkpoint that cannot finish in time
// fails, and the job fails after more failures than tolerated; 'off' disables them; a Kafka sink's
// transaction becomes visible only when a checkpoint completes (or FLUSH makes one).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { KAFKA_BOOTSTRAP, createTopic, readCommittedUntil, uniqueTopic } from './support/kafka.js';
import { checkpointStore } from '../src/stream/runtime/task-checkpoint.js';
import { sleep, until as untilDone } from './support/until.js';

/** Checkpoint tests wait 15 s by default. */
const until = <T>(f: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000) => untilDone(f, what, timeoutMs);

let srv: TestServer;
let c: pg.Client;
beforeAll(async () => {
  process.env.WEIR_TASK_MANAGERS = '2';
  srv = await startServer();
  c = await srv.client();
  await c.query('CREATE TABLE bids (id int PRIMARY KEY, auction int, price numeric(10,2))');
  await c.query('CREATE TABLE auctions (id int PRIMARY KEY, title text)');
  await c.query("INSERT INTO auctions SELECT g, 'item ' || g FROM generate_series(1, 50) g");
  await c.query('INSERT INTO bids SELECT g, g % 50 + 1, g * 1.25 FROM generate_series(1, 3000) g');
}, 60_000);
afterAll(async () => { await srv?.stop(); });

interface CheckpointRow { id: string; job_id: string; job: string; status: string; size_bytes: string; duration_ms: string | null; alignment_ms: string; external_path: string | null; failure: string | null }
const jobId = async (name: string) => ((await c.query('SHOW JOBS')).rows as { id: string; name: string }[]).find((j) => j.name === name)!.id;
const checkpoints = async (job: string) => (await c.query(`SHOW CHECKPOINTS FOR JOB ${job}`)).rows as CheckpointRow[];


describe('checkpoint options', () => {
  it('takes session defaults through SET, with Flink keys as aliases, and shows them', async () => {
    expect((await c.query('SHOW checkpoint.interval')).rows[0]).toEqual({ 'checkpoint.interval': '10000ms' });
    await c.query("SET execution.checkpointing.interval = '2s'");
    expect((await c.query('SHOW checkpoint.interval')).rows[0]).toEqual({ 'checkpoint.interval': '2000ms' });
    await c.query("SET checkpoint.mode = 'at_least_once'");
    expect((await c.query('SHOW execution.checkpointing.mode')).rows[0]).toMatchObject({ 'checkpoint.mode': 'at_least_once' });
    await c.query('RESET checkpoint.mode');
    await c.query('RESET checkpoint.interval');
    expect((await c.query('SHOW checkpoint.interval')).rows[0]).toEqual({ 'checkpoint.interval': '10000ms' });
  });

  it('refuses bad values with 22023 at SET and at CREATE', async () => {
    await expect(c.query("SET checkpoint.interval = 'often'")).rejects.toMatchObject({ code: '22023' });
    await expect(c.query(`SET execution.checkpointing."tolerable-failed-checkpoints" = '-1'`)).rejects.toMatchObject({ code: '22023' });
    await expect(c.query("CREATE MATERIALIZED VIEW bad WITH (checkpoint.mode = 'twice') AS SELECT count(*) FROM bids")).rejects.toMatchObject({ code: '22023' });
    await expect(c.query("CREATE MATERIALIZED VIEW bad WITH (checkpoint.timeout = '1ms') AS SELECT count(*) FROM bids")).rejects.toMatchObject({ code: '22023' });
    expect((await c.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'bad'")).rows[0].n).toBe(0);
    await expect(c.query('SHOW CHECKPOINTS FOR JOB 999')).rejects.toMatchObject({ code: '42704' });
  });
});

describe('periodic checkpoints', () => {
  it('completes incremental checkpoints of a view with an aggregation and a join, metadata in LevelDB', async () => {
    await c.query(`CREATE MATERIALIZED VIEW per_title WITH (checkpoint.interval = '100ms', parallelism = 2) AS
      SELECT a.title, count(*) AS n, sum(b.price) AS total, max(b.price) AS top FROM bids b JOIN auctions a ON a.id = b.auction GROUP BY a.title`);
    const job = await jobId('per_title');
    const first = await until(async () => (await checkpoints(job)).find((x) => x.status === 'COMPLETED'), 'a completed checkpoint');
    expect(Number(first.size_bytes)).toBeGreaterThan(0);
    expect(first.external_path).toMatch(/checkpoints.*chk-\d+$/);
    // One more bid changes one join key and one group: the next checkpoints write only that.
    await c.query('INSERT INTO bids VALUES (5001, 7, 1.00)');
    await c.query('FLUSH');
    const later = await until(async () => (await checkpoints(job)).find((x) => x.status === 'COMPLETED' && Number(x.id) > Number(first.id) + 1), 'later checkpoints');
    expect(Number(later.size_bytes)).toBeLessThan(Number(first.size_bytes) / 10);
    expect((await c.query("SELECT n::int FROM per_title WHERE title = 'item 7'")).rows[0].n).toBe(61);
    const oid = (await c.query("SELECT oid::int FROM pg_class WHERE relname = 'per_title'")).rows[0].oid as number;
    const store = await checkpointStore(srv.dataDir);
    const meta = await store.latest(String(oid));
    expect(meta).not.toBeNull();
    expect(Object.keys(meta!.tasks).length).toBeGreaterThan(2);
    // The state as of the latest checkpoint holds the join's and the aggregation's keys.
    const state = await store.readState(String(oid), meta!.checkpointId, '');
    expect(state.size).toBeGreaterThan(3050);
    expect((await c.query('SHOW JOBS')).rows.find((j: { name: string }) => j.name === 'per_title').status).toBe('RUNNING');
  });

  it('encodes the state of every kind of operator: Top-N, anti join, DISTINCT and ordered aggregates', async () => {
    const views = {
      cp_top2: `SELECT * FROM (SELECT auction, id, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bids) t WHERE rn <= 2`,
      cp_unsold: 'SELECT id, title FROM auctions a WHERE NOT EXISTS (SELECT 1 FROM bids b WHERE b.auction = a.id AND b.price > 3000)',
      cp_aggs: `SELECT auction, count(DISTINCT price) AS d, string_agg(id::text, ',' ORDER BY id) AS ids, avg(price) AS mean, min(price) AS lo, bool_and(price > 1) AS b FROM bids GROUP BY auction`,
    };
    for (const [name, q] of Object.entries(views)) await c.query(`CREATE MATERIALIZED VIEW ${name} WITH (checkpoint.interval = '100ms', parallelism = 2) AS ${q}`);
    for (const name of Object.keys(views)) {
      const job = await jobId(name);
      const done = await until(async () => (await checkpoints(job)).find((x) => x.status === 'COMPLETED' || x.status === 'FAILED'), `a checkpoint of ${name}`);
      expect(done, name).toMatchObject({ status: 'COMPLETED', failure: null });
      expect(Number(done.size_bytes)).toBeGreaterThan(0);
    }
  });

  it("records each source split's reader position in the checkpoint", async () => {
    await c.query(`CREATE SOURCE seq (id int) WITH (connector = 'datagen', fields.id.kind = 'sequence', fields.id.start = 1, fields.id.end = 500, rows-per-second = 0)`);
    await c.query(`CREATE MATERIALIZED VIEW seq_count WITH (checkpoint.interval = '100ms', parallelism = 2) AS SELECT count(*) AS n FROM seq`);
    const job = await jobId('seq_count');
    await until(async () => (await checkpoints(job)).find((x) => x.status === 'COMPLETED'), 'a completed checkpoint');
    const oid = (await c.query("SELECT oid::int FROM pg_class WHERE relname = 'seq_count'")).rows[0].oid as number;
    const meta = (await (await checkpointStore(srv.dataDir)).latest(String(oid)))!;
    const positions = Object.values(meta.tasks).map((h) => (h as { position?: unknown }).position).filter((p) => p !== null && p !== undefined);
    expect(positions).toHaveLength(2); // one per split of the source
  });

  it('checkpoints a join without alignment in at_least_once mode, and the view stays exact', async () => {
    await c.query(`CREATE MATERIALIZED VIEW loose WITH (checkpoint.interval = '100ms', checkpoint.mode = 'at_least_once', parallelism = 2) AS
      SELECT a.id, count(*) AS n FROM auctions a JOIN bids b ON a.id = b.auction GROUP BY a.id`);
    const job = await jobId('loose');
    await c.query('INSERT INTO bids SELECT g, g % 50 + 1, 2 FROM generate_series(6001, 6100) g');
    await c.query('FLUSH');
    await until(async () => (await checkpoints(job)).filter((x) => x.status === 'COMPLETED').length >= 2, 'two completed checkpoints');
    const expected = (await c.query('SELECT b.auction AS id, count(*)::int AS n FROM bids b GROUP BY b.auction ORDER BY 1')).rows;
    expect((await c.query('SELECT id, n::int AS n FROM loose ORDER BY id')).rows).toEqual(expected);
  });

  it("takes none with checkpoint.interval = 'off'", async () => {
    await c.query("CREATE MATERIALIZED VIEW uncheckpointed WITH (checkpoint.interval = 'off') AS SELECT auction, count(*) FROM bids GROUP BY auction");
    const job = await jobId('uncheckpointed');
    await sleep(600);
    await c.query('FLUSH');
    expect(await checkpoints(job)).toEqual([]);
  });

  it('fails a checkpoint that outlives its timeout, and fails the job over after more failures than tolerated', async () => {
    // One restart allowed: the job fails over once, and stays FAILED after the second round of failures.
    await c.query(`CREATE MATERIALIZED VIEW hasty WITH (checkpoint.interval = '500ms', checkpoint.timeout = '10ms', checkpoint.min_pause = '0ms', checkpoint.tolerable_failures = '2', restart.strategy = 'fixed-delay', restart.attempts = 1, restart.delay = '10ms') AS
      SELECT auction, max(price) FROM bids GROUP BY auction`);
    const job = await jobId('hasty');
    const failed = await until(async () => (await checkpoints(job)).find((x) => x.status === 'FAILED'), 'a failed checkpoint');
    expect(failed.failure).toMatch(/expired after 10 ms/);
    const j = await until(async () => ((await c.query('SHOW JOBS')).rows as { id: string; status: string; error: string; restarts: number }[]).find((x) => x.id === job && x.status === 'FAILED'), 'the job to fail', 30_000);
    expect(j.error).toMatch(/more than 2 consecutive checkpoint failure/);
    expect(j.restarts).toBe(1);
  });
});

describe('exactly-once Kafka sink', () => {
  it('commits its transaction only when a checkpoint completes', async () => {
    const topic = uniqueTopic('cp');
    await createTopic(topic, 1);
    await c.query('CREATE TABLE clicks (id int PRIMARY KEY, page text)');
    await c.query(`CREATE SINK clicks_out AS SELECT page, count(*) AS n FROM clicks GROUP BY page WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', format = 'upsert-json', checkpoint.interval = '6s')`);
    const job = await jobId('clicks_out');
    const before = (await checkpoints(job)).filter((x) => x.status === 'COMPLETED').length;
    await c.query("INSERT INTO clicks VALUES (1, 'a'), (2, 'b')");
    await sleep(500); // plain barriers pass: the rows are in the open transaction
    const uncommitted = await readCommittedUntil(topic, 1, 1500);
    const done = (await checkpoints(job)).filter((x) => x.status === 'COMPLETED').length;
    if (done === before) expect(uncommitted).toEqual([]); // no checkpoint completed meanwhile
    await until(async () => (await checkpoints(job)).filter((x) => x.status === 'COMPLETED').length > before, 'a completed checkpoint', 20_000);
    const page = (m: { value: string | null }) => (JSON.parse(m.value!) as { page: string }).page;
    expect((await readCommittedUntil(topic, 2, 10_000)).map(page).sort()).toEqual(['a', 'b']);
    // FLUSH makes its barrier a checkpoint of the sink's job and waits for the commit.
    await c.query("INSERT INTO clicks VALUES (3, 'c')");
    await c.query('FLUSH');
    expect((await readCommittedUntil(topic, 3, 5000)).map(page).sort()).toEqual(['a', 'b', 'c']);
  }, 60_000);
});

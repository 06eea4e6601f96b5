// Rescaling from a savepoint: a keyed aggregation over a Kafka topic, run at parallelism 2, is
// restored at parallelism 3, 4 and 1. Its groups are redistributed by key group (each new subtask
// keeps the keys a hash exchange routes to it) and the Kafka partitions' offsets are merged and
// re-split, so the rescaled views end exactly equal to the original. A file sink stopped at 3
// subtasks and restored at 2 writes every row exactly once across the old and new subtasks' files
// (which subtask settles which old one's commits: src/stream/runtime/task-restore.test.ts). A job
// over the Nexmark generator, restored at 3 and 5, counts every bid exactly once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from '../support/server.js';
import { KAFKA_BOOTSTRAP, createTopic, produce, uniqueTopic } from '../support/kafka.js';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPECTED_BIDS, FAST_CHECKPOINTS, aggQuery, createBidSource, until } from './support.js';

let srv: TestServer;
let c: pg.Client;
const topic = uniqueTopic('rescale');
beforeAll(async () => {
  process.env.WEIR_TASK_MANAGERS = '2';
  srv = await startServer();
  c = await srv.client();
  await createTopic(topic, 4);
}, 60_000);
afterAll(async () => { await srv?.stop(); });

const events = (from: number, n: number) => Array.from({ length: n }, (_, i) => {
  const id = from + i;
  return { key: String(id), value: JSON.stringify({ id, k: (id * 7919) % 1000, v: (id * 31) % 997 }) };
});
const QUERY = 'SELECT k % 50 AS g, count(*) AS n, sum(v) AS total, max(v) AS hi, min(v) AS lo FROM ev GROUP BY k % 50';
const total = async (v: string) => Number((await c.query(`SELECT coalesce(sum(n), 0)::int AS n FROM ${v}`)).rows[0].n);
const contents = async (v: string) => (await c.query(`SELECT * FROM ${v} ORDER BY g`)).rows;
const jobId = async (name: string) => ((await c.query('SHOW JOBS')).rows as { id: string; name: string }[]).find((j) => j.name === name)!.id;

describe('rescaling a job from a savepoint', () => {
  it('restores keyed state and Kafka offsets at parallelism 3, 4 and 1', async () => {
    await produce(topic, events(1, 20_000));
    await c.query(`CREATE SOURCE ev (id bigint, k int, v int) WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', scan.startup.mode = 'earliest', format = 'json')`);
    await c.query(`CREATE MATERIALIZED VIEW agg WITH (parallelism = 2, ${FAST_CHECKPOINTS}) AS ${QUERY}`);
    await until(async () => (await total('agg')) === 20_000, 'the first 20000 events');
    const path = (await c.query(`SAVEPOINT JOB ${await jobId('agg')}`)).rows[0].savepoint_path as string;
    await produce(topic, events(20_001, 10_000));

    for (const p of [3, 4]) {
      await c.query(`CREATE MATERIALIZED VIEW agg_p${p} WITH (parallelism = ${p}, restore.from = '${path}', ${FAST_CHECKPOINTS}) AS ${QUERY}`);
      // Restored, not recomputed: every group of the savepoint is there at once.
      expect(await total(`agg_p${p}`)).toBeGreaterThanOrEqual(20_000);
    }
    for (const v of ['agg', 'agg_p3', 'agg_p4']) await until(async () => (await total(v)) === 30_000, `${v} to see every event`);
    await c.query('FLUSH');
    const expected = await contents('agg');
    expect(expected).toHaveLength(50);
    expect(await contents('agg_p3')).toEqual(expected);
    expect(await contents('agg_p4')).toEqual(expected);
    // Down to parallelism 1 as well: the plan does not depend on the parallelism.
    await c.query(`CREATE MATERIALIZED VIEW agg_p1 WITH (parallelism = 1, restore.from = '${path}', ${FAST_CHECKPOINTS}) AS ${QUERY}`);
    await until(async () => (await total('agg_p1')) === 30_000, 'agg_p1 to see every event');
    await c.query('FLUSH');
    expect(await contents('agg_p1')).toEqual(expected);
  }, 120_000);

  it('redistributes groups by the join key their rows were routed by (an aggregate without its own exchange)', async () => {
    const facts = uniqueTopic('rescale-facts'), dims = uniqueTopic('rescale-dims');
    await createTopic(facts, 4);
    await createTopic(dims, 2);
    await produce(dims, Array.from({ length: 1000 }, (_, k) => ({ key: String(k), value: JSON.stringify({ k, label: `l${k % 13}` }) })));
    await produce(facts, events(1, 20_000));
    const kafka = (t: string) => `connector = 'kafka', topic = '${t}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', scan.startup.mode = 'earliest', format = 'json'`;
    await c.query(`CREATE SOURCE facts (id bigint, k int, v int) WITH (${kafka(facts)})`);
    await c.query(`CREATE SOURCE dims (k int, label text) WITH (${kafka(dims)})`);
    // Joined on k, grouped by (k, label): rows arrive hashed on k already, so the aggregate shares
    // the join's subtasks and its groups belong to whichever subtask owns their k.
    const q = 'SELECT f.k AS g, d.label, count(*) AS n, sum(f.v) AS total, max(f.v) AS hi FROM facts f JOIN dims d ON f.k = d.k GROUP BY f.k, d.label';
    expect((await c.query(`EXPLAIN (TYPE stream) ${q}`)).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n')).toMatch(/StreamHashAgg group=\[0, 1\] aggs=\[count_star, sum, max\] input hashed on \[0\]/);
    await c.query(`CREATE MATERIALIZED VIEW joined WITH (parallelism = 2, ${FAST_CHECKPOINTS}) AS ${q}`);
    await until(async () => (await total('joined')) === 20_000, 'the first 20000 facts');
    const path = (await c.query(`SAVEPOINT JOB ${await jobId('joined')}`)).rows[0].savepoint_path as string;
    await produce(facts, events(20_001, 10_000));
    await c.query(`CREATE MATERIALIZED VIEW joined_p3 WITH (parallelism = 3, restore.from = '${path}', ${FAST_CHECKPOINTS}) AS ${q}`);
    for (const v of ['joined', 'joined_p3']) await until(async () => (await total(v)) === 30_000, `${v} to see every fact`);
    await c.query('FLUSH');
    const rows = async (v: string) => (await c.query(`SELECT * FROM ${v} ORDER BY g, label`)).rows;
    const expected = await rows('joined');
    expect(expected).toHaveLength(1000);
    expect(await rows('joined_p3')).toEqual(expected);
  }, 120_000);

  it('rescales a file sink from 3 to 2 subtasks: every row once across the old and new subtasks\' files', async () => {
    const src = uniqueTopic('rescale-sink');
    await createTopic(src, 4);
    await produce(src, events(1, 6000));
    await c.query(`CREATE SOURCE sev (id bigint, k int, v int) WITH (connector = 'kafka', topic = '${src}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', scan.startup.mode = 'earliest', format = 'json')`);
    const path = join(mkdtempSync(join(tmpdir(), 'weir-rescale-sink-')), 'rows.jsonl');
    const rows = 'SELECT id, v FROM sev WHERE v % 3 <> 0';
    const expectedIds = (upTo: number) => events(1, upTo).map((e) => JSON.parse(e.value) as { id: number; v: number }).filter((e) => e.v % 3 !== 0).map((e) => e.id);
    const written = () => [0, 1, 2].flatMap((i) => (existsSync(`${path}.${i}`) ? readFileSync(`${path}.${i}`, 'utf8').split('\n').filter(Boolean) : [])).map((l) => (JSON.parse(l) as { id: number }).id);
    await c.query(`CREATE SINK rows_out AS ${rows} WITH (connector = 'file', path = '${path}', parallelism = 3, ${FAST_CHECKPOINTS})`);
    await until(async () => written().length === expectedIds(6000).length, 'the first 6000 events in the files');
    // More rows arrive just before the stop.
    await produce(src, events(6001, 3000));
    const savepoint = (await c.query(`STOP JOB ${await jobId('rows_out')} WITH SAVEPOINT`)).rows[0].savepoint_path as string;
    await c.query('DROP SINK rows_out');
    await c.query(`CREATE SINK rows_out AS ${rows} WITH (connector = 'file', path = '${path}', parallelism = 2, restore.from = '${savepoint}', ${FAST_CHECKPOINTS})`);
    await produce(src, events(9001, 3000));
    const expected = expectedIds(12_000);
    await until(async () => written().length >= expected.length, 'every event in the files');
    await c.query('FLUSH');
    expect(written().sort((a, b) => a - b)).toEqual(expected);
  }, 120_000);

  it('rescales a job over a generator: the new splits skip what the old ones produced, every bid counted once', async () => {
    await createBidSource(c, 'bid');
    await c.query(`CREATE MATERIALIZED VIEW bids2 WITH (parallelism = 2, ${FAST_CHECKPOINTS}) AS ${aggQuery('bid')}`);
    await until(async () => (await total('bids2')) >= EXPECTED_BIDS / 4, 'a quarter of the bids');
    const path = (await c.query(`SAVEPOINT JOB ${await jobId('bids2')}`)).rows[0].savepoint_path as string;
    for (const p of [3, 5]) await c.query(`CREATE MATERIALIZED VIEW bids${p} WITH (parallelism = ${p}, restore.from = '${path}', ${FAST_CHECKPOINTS}) AS ${aggQuery('bid')}`);
    for (const v of ['bids2', 'bids3', 'bids5']) await until(async () => (await total(v)) >= EXPECTED_BIDS, `${v} to see every bid`, 60_000);
    await c.query('FLUSH');
    const expected = (await c.query('SELECT * FROM bids2 ORDER BY k')).rows;
    expect(await total('bids2')).toBe(EXPECTED_BIDS);
    expect((await c.query('SELECT * FROM bids3 ORDER BY k')).rows).toEqual(expected);
    expect((await c.query('SELECT * FROM bids5 ORDER BY k')).rows).toEqual(expected);
  }, 120_000);
});

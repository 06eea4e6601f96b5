// Rescaling from a savepoint: a keyed aggregation over a Kafka topic, run at parallelism 2, is
// restored at parallelism 3 and 4. Its groups are redistributed by key group (each new subtask
// keeps the keys a hash exchange routes to it) and the Kafka partitions' offsets are merged and
// re-split, so the rescaled views end exactly equal to the original. A job whose source positions
// belong to splits (a generator) refuses to change parallelism, with 55000 and a hint.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from '../support/server.js';
import { KAFKA_BOOTSTRAP, createTopic, produce, uniqueTopic } from '../support/kafka.js';
import { FAST_CHECKPOINTS, aggQuery, createBidSource, until } from './support.js';

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
  it('restores keyed state and Kafka offsets at parallelism 3 and 4', async () => {
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
    // Parallelism 1 plans without exchanges: another graph, refused with a hint.
    await expect(c.query(`CREATE MATERIALIZED VIEW agg_p1 WITH (parallelism = 1, restore.from = '${path}') AS ${QUERY}`)).rejects.toMatchObject({ code: '55000' });
  }, 120_000);

  it('refuses to change the parallelism of a job whose source positions belong to splits', async () => {
    await createBidSource(c, 'bid');
    await c.query(`CREATE MATERIALIZED VIEW bids2 WITH (parallelism = 2, ${FAST_CHECKPOINTS}) AS ${aggQuery('bid')}`);
    const path = (await c.query(`SAVEPOINT JOB ${await jobId('bids2')}`)).rows[0].savepoint_path as string;
    const err = await c.query(`CREATE MATERIALIZED VIEW bids3 WITH (parallelism = 3, restore.from = '${path}') AS ${aggQuery('bid')}`).catch((e: unknown) => e as { code: string; message: string; hint?: string });
    expect(err).toMatchObject({ code: '55000', hint: 'restore with WITH (parallelism = 2)' });
    expect((err as { message: string }).message).toMatch(/per split/);
  }, 60_000);
});

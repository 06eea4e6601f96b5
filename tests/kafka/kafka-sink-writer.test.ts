// The exactly-once Kafka sink writer against the real broker: nothing is visible to
// read_committed consumers before the checkpoint commits; an empty checkpoint commits fine;
// rows arriving between barrier and commit belong to the next checkpoint; after a crash — before
// the commit, after it, or in the middle of it — a restored checkpoint's rows are in Kafka
// exactly once, and rows no checkpoint covers never appear; a transaction timeout shorter than
// the checkpoint interval loses nothing; a recreated topic gets the restored rows again; a
// savepoint restored into a sink of another name does not publish again what the old one had.

import { describe, expect, it } from 'vitest';
import { T } from '../../src/types/datatype.js';
import { type Chunk, Op } from '../../src/stream/chunk.js';
import { kafkaSinkConnector } from '../../src/stream/connectors/kafka/sink.js';
import type { SinkContext, SinkWriter } from '../../src/stream/connectors/sink-writer.js';
import { KAFKA_BOOTSTRAP, createTopic, readCommittedUntil, uniqueTopic, withAdmin } from '../support/kafka.js';
import { sleep, until } from '../support/until.js';

const COLUMNS = [{ name: 'k', type: T.int4 }, { name: 'v', type: T.text }];

function open(topic: string, sinkId: string, extra: Record<string, string> = {}, keyColumns: number[] | null = null): SinkWriter {
  const ctx: SinkContext = { sinkId, subtask: 0, parallelism: 1, columns: COLUMNS, keyColumns };
  return kafkaSinkConnector.open({ connector: 'kafka', topic, 'properties.bootstrap.server': KAFKA_BOOTSTRAP, ...extra }, ctx);
}

/** A writer as a task has it once deployed: connected, its predecessors fenced. */
async function started(topic: string, sinkId: string): Promise<SinkWriter> {
  const w = open(topic, sinkId);
  await w.recover([]);
  return w;
}

const inserts = (from: number, to: number): Chunk => {
  const rows = [];
  for (let i = from; i < to; i++) rows.push([i, `v${i}`]);
  return { ops: rows.map(() => Op.Insert), rows };
};

const keys = (msgs: { value: string | null }[]) => msgs.map((m) => (JSON.parse(m.value!) as { k: number }).k).sort((a, b) => a - b);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('exactly-once kafka sink writer', () => {
  it('makes rows visible only when their checkpoint commits; empty checkpoints and rows after a barrier work', async () => {
    const topic = uniqueTopic('sink-2pc');
    await createTopic(topic, 2);
    const w = open(topic, uniqueTopic('s'));
    w.write(inserts(0, 50));
    const c1 = await w.preCommit(1);
    w.write(inserts(50, 60)); // after barrier 1, before checkpoint 1 completes
    expect(await readCommittedUntil(topic, 1, 1500)).toEqual([]);
    await w.commit(c1);
    expect(keys(await readCommittedUntil(topic, 50))).toEqual(range(0, 50));
    const c2 = await w.preCommit(2);
    await w.commit(c2);
    const c3 = await w.preCommit(3);
    await w.commit(c3);
    expect(keys(await readCommittedUntil(topic, 60))).toEqual(range(0, 60));
    const empty = await w.preCommit(4);
    await w.commit(empty);
    await w.close();
  });

  it('after a crash, publishes a restored checkpoint exactly once, whether or not it had committed', async () => {
    const topic = uniqueTopic('sink-recover');
    await createTopic(topic, 2);
    const sinkId = uniqueTopic('s');
    // Crash 1: checkpoint 1 completed, but the process died before the Kafka commit.
    const a = await started(topic, sinkId);
    a.write(inserts(0, 30));
    const c1 = JSON.parse(JSON.stringify(await a.preCommit(1)));
    a.write(inserts(1000, 1010)); // rows no checkpoint covers: must never appear
    const b = open(topic, sinkId);
    await b.recover([c1]);
    // Crash 2: checkpoint 2 committed in Kafka, then the process died: recovery must not double it.
    b.write(inserts(30, 40));
    const c2 = JSON.parse(JSON.stringify(await b.preCommit(2)));
    await b.commit(c2);
    const c = open(topic, sinkId);
    await c.recover([c2]);
    // Crash 3: a restored checkpoint carries an earlier one still uncommitted (it failed, or its
    // commit was running); the earlier one had been published, the later one not.
    c.write(inserts(40, 50));
    const c3 = JSON.parse(JSON.stringify(await c.preCommit(3)));
    c.write(inserts(50, 60));
    const c4 = JSON.parse(JSON.stringify(await c.preCommit(4)));
    await c.commit(c3);
    const d = open(topic, sinkId);
    await d.recover([c3, c4]);
    await Promise.all([a, b, c, d].map((w) => w.close().catch(() => undefined)));
    expect(keys(await readCommittedUntil(topic, 60, 4000))).toEqual(range(0, 60));
  });

  it('restored into a sink of another name, reads the marker its committables were counted in', async () => {
    const topic = uniqueTopic('sink-renamed');
    await createTopic(topic, 2);
    const a = await started(topic, uniqueTopic('old'));
    a.write(inserts(0, 20));
    const c1 = JSON.parse(JSON.stringify(await a.preCommit(1)));
    await a.commit(c1); // published by the old sink …
    a.write(inserts(20, 30));
    const c2 = JSON.parse(JSON.stringify(await a.preCommit(2))); // … this one not
    await a.close();
    // A savepoint holding both, restored into a sink named differently.
    const b = open(topic, uniqueTopic('new'));
    await b.recover([c1, c2]);
    b.write(inserts(30, 35));
    await b.commit(await b.preCommit(3));
    await b.close();
    expect(keys(await readCommittedUntil(topic, 35, 4000))).toEqual(range(0, 35));
  });

  it('a crash in the middle of a commit: the next writer fences it and the rows appear once', async () => {
    const topic = uniqueTopic('sink-midcommit');
    await createTopic(topic, 2);
    const sinkId = uniqueTopic('s');
    const a = await started(topic, sinkId);
    a.write(inserts(0, 5000));
    const c1 = JSON.parse(JSON.stringify(await a.preCommit(1)));
    const dying = a.commit(c1).catch(() => 'fenced'); // still sending when the successor starts
    const b = open(topic, sinkId);
    await b.recover([c1]);
    await dying;
    await Promise.all([a.close(), b.close()]);
    expect(keys(await readCommittedUntil(topic, 5000, 4000))).toEqual(range(0, 5000));
  });

  it('a transaction timeout shorter than the checkpoint interval loses nothing', async () => {
    const topic = uniqueTopic('sink-short-timeout');
    await createTopic(topic, 1);
    const w = open(topic, uniqueTopic('s'), { 'properties.transaction.timeout.ms': '1000' });
    w.write(inserts(0, 20));
    await sleep(2500); // a checkpoint interval longer than the transaction timeout
    w.write(inserts(20, 40));
    const c1 = await w.preCommit(1);
    await sleep(1500);
    await w.commit(c1);
    await w.close();
    expect(keys(await readCommittedUntil(topic, 40, 3000))).toEqual(range(0, 40));
  });

  it('a recreated topic gets the restored checkpoint again', async () => {
    const topic = uniqueTopic('sink-recreated');
    await createTopic(topic, 1);
    const sinkId = uniqueTopic('s');
    const a = open(topic, sinkId);
    a.write(inserts(0, 10));
    const c1 = JSON.parse(JSON.stringify(await a.preCommit(1)));
    await a.commit(c1);
    await a.close();
    await withAdmin((admin) => admin.deleteTopics({ topics: [topic] }));
    await until(async () => !(await withAdmin((admin) => admin.listTopics())).includes(topic), 'the topic to be deleted');
    await createTopic(topic, 1);
    const b = open(topic, sinkId);
    await b.recover([c1]);
    await b.close();
    expect(keys(await readCommittedUntil(topic, 10, 3000))).toEqual(range(0, 10));
  });

  it('encodes retractions as tombstones (upsert-json) and Debezium envelopes', async () => {
    const topic = uniqueTopic('sink-upsert');
    await createTopic(topic, 1);
    const w = open(topic, uniqueTopic('s'), { format: 'upsert-json' }, [0]);
    w.write({ ops: [Op.Insert, Op.Insert, Op.UpdateDelete, Op.UpdateInsert, Op.Delete], rows: [[1, 'a'], [2, 'b'], [1, 'a'], [1, 'a2'], [2, 'b']] });
    await w.commit(await w.preCommit(1));
    await w.close();
    const got = await readCommittedUntil(topic, 4);
    expect(got.map((m) => [m.key, m.value])).toEqual([
      ['{"k":1}', '{"k":1,"v":"a"}'], ['{"k":2}', '{"k":2,"v":"b"}'], ['{"k":1}', '{"k":1,"v":"a2"}'], ['{"k":2}', null],
    ]);

    const dz = uniqueTopic('sink-debezium');
    await createTopic(dz, 1);
    const d = open(dz, uniqueTopic('s'), { format: 'debezium-json' }, [0]);
    d.write({ ops: [Op.Insert, Op.UpdateDelete, Op.UpdateInsert, Op.Delete], rows: [[1, 'a'], [1, 'a'], [1, 'b'], [1, 'b']] });
    await d.commit(await d.preCommit(1));
    await d.close();
    const env = (await readCommittedUntil(dz, 3)).map((m) => JSON.parse(m.value!) as { op: string; before: unknown; after: unknown });
    expect(env).toEqual([
      { before: null, after: { k: 1, v: 'a' }, op: 'c' },
      { before: { k: 1, v: 'a' }, after: { k: 1, v: 'b' }, op: 'u' },
      { before: { k: 1, v: 'b' }, after: null, op: 'd' },
    ]);
  });

  it('refuses configurations that would lose data', () => {
    const base = { connector: 'kafka', topic: 't', 'properties.bootstrap.server': KAFKA_BOOTSTRAP };
    expect(() => kafkaSinkConnector.validate({ ...base, 'properties.transaction.timeout.ms': '0' }, COLUMNS, null)).toThrow(/transaction.timeout.ms/);
    expect(() => kafkaSinkConnector.validate({ ...base, format: 'upsert-json' }, COLUMNS, null)).toThrow(/needs a key/);
    expect(() => kafkaSinkConnector.validate({ ...base, 'sink.delivery': 'maybe' }, COLUMNS, null)).toThrow(/sink.delivery/);
  });
});

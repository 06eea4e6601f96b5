// The Kafka source reader against the real broker: splits partition the topic between them,
// values decode exactly (int8 past 2^53, numeric digits), a position taken mid-stream and sought
// by a fresh reader continues without loss or duplicates, aborted transactions stay invisible,
// and bad messages or a missing topic fail the reader with a SQLSTATE.

import { describe, expect, it } from 'vitest';
import { T, scalar } from '../../src/types/datatype.js';
import type { Row } from '../../src/types/value.js';
import { Numeric } from '../../src/types/numeric.js';
import { kafkaSourceConnector } from '../../src/stream/connectors/kafka/source.js';
import type { SourceColumn, SourceSplitReader } from '../../src/stream/connectors/source-reader.js';
import { KAFKA_BOOTSTRAP, createTopic, produce, testKafka, uniqueTopic } from '../support/kafka.js';

const COLUMNS: SourceColumn[] = [
  { name: 'id', type: T.int8 },
  { name: 'amount', type: scalar('numeric') },
  { name: 'name', type: T.text },
];

function options(topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return { connector: 'kafka', topic, 'properties.bootstrap.server': KAFKA_BOOTSTRAP, format: 'json', ...extra };
}

/** Poll until `n` rows arrived (or fail after a generous timeout: a hang, not a speed check). */
async function drain(r: SourceSplitReader, n: number, timeoutMs = 20_000): Promise<Row[]> {
  const out: Row[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    if (Date.now() > deadline) throw new Error(`only ${out.length} of ${n} rows arrived`);
    const rows = r.poll(256, Date.now());
    if (rows === null) break;
    out.push(...rows);
    if (!rows.length) await new Promise((res) => setTimeout(res, 20));
  }
  return out;
}

function messages(from: number, to: number) {
  const out = [];
  // ids past Number.MAX_SAFE_INTEGER: JSON.parse would round them.
  for (let i = from; i < to; i++) out.push({ key: String(i), value: `{"id": ${9007199254740993n + BigInt(i)}, "amount": 1${'0'.repeat(20)}.${String(i).padStart(4, '0')}, "name": "n\\"${i}"}` });
  return out;
}

describe('kafka source reader', () => {
  it('splits partitions between subtasks and decodes values exactly', async () => {
    const topic = uniqueTopic('src-split');
    await createTopic(topic, 3);
    await produce(topic, messages(0, 600));
    const readers = [0, 1].map((index) => kafkaSourceConnector.open(options(topic), COLUMNS, { index, count: 2 }));
    const parts = await Promise.all([drain(readers[0], 1, 20_000).then(async (first) => first.concat(await drainRest(readers[0]))), drain(readers[1], 1).then(async (first) => first.concat(await drainRest(readers[1])))]);
    readers.forEach((r) => r.close?.());
    const all = [...parts[0], ...parts[1]];
    expect(all.length).toBe(600);
    expect(parts[0].length).toBeGreaterThan(0);
    expect(parts[1].length).toBeGreaterThan(0);
    const ids = new Set(all.map((r) => r[0]));
    expect(ids.size).toBe(600);
    const r17 = all.find((r) => r[0] === 9007199254740993n + 17n)!;
    expect(r17).toBeDefined();
    expect((r17[1] as Numeric).toString()).toBe(`1${'0'.repeat(20)}.0017`);
    expect(r17[2]).toBe('n"17');
  });

  it('continues exactly from a position taken mid-stream', async () => {
    const topic = uniqueTopic('src-seek');
    await createTopic(topic, 2);
    await produce(topic, messages(0, 400));
    const first = kafkaSourceConnector.open(options(topic), COLUMNS, { index: 0, count: 1 });
    const head = await drain(first, 150);
    const pos = first.position();
    first.close?.();
    const rest = kafkaSourceConnector.open(options(topic), COLUMNS, { index: 0, count: 1 });
    rest.seek(JSON.parse(JSON.stringify(pos)));
    const tail = await drain(rest, 400 - head.length);
    rest.close?.();
    const ids = [...head, ...tail].map((r) => String(r[0]));
    expect(new Set(ids).size).toBe(400);
    expect(ids.length).toBe(400);
  });

  it('reads one partition per poll, names it, and moves past runs of tombstones', async () => {
    const topic = uniqueTopic('src-parts');
    await createTopic(topic, 2);
    const row = (id: number) => `{"id": ${id}, "amount": 1, "name": "x"}`;
    await produce(topic, [
      ...[1, 2, 3].map(() => ({ value: null, partition: 0 })),
      { value: row(100), partition: 0 }, { value: row(101), partition: 0 },
      ...[200, 201, 202].map((id) => ({ value: row(id), partition: 1 })),
    ]);
    const r = kafkaSourceConnector.open(options(topic), COLUMNS, { index: 0, count: 1 });
    const polls: { partition: number | undefined; ids: number[] }[] = [];
    const deadline = Date.now() + 20_000;
    while (polls.reduce((n, p) => n + p.ids.length, 0) < 5 && Date.now() < deadline) {
      const rows = r.poll(256, Date.now())!;
      if (rows.length) polls.push({ partition: r.polled?.partition, ids: rows.map((x) => Number(x[0])) });
      else await new Promise((res) => setTimeout(res, 20));
    }
    expect(r.position()).toEqual({ 0: '5', 1: '3' });
    r.close?.();
    for (const p of polls) expect(p.ids.every((id) => Math.floor(id / 100) === p.partition! + 1), JSON.stringify(p)).toBe(true);
    expect(polls.flatMap((p) => p.ids).sort()).toEqual([100, 101, 200, 201, 202]);
    expect(r.polled?.owned).toEqual([0, 1]);
  });

  it('reads committed transactions only', async () => {
    const topic = uniqueTopic('src-txn');
    await createTopic(topic, 1);
    const p = testKafka().producer({ transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    const aborted = await p.transaction();
    await aborted.send({ topic, messages: messages(0, 10) });
    await aborted.abort();
    const committed = await p.transaction();
    await committed.send({ topic, messages: messages(10, 20) });
    await committed.commit();
    await p.disconnect();
    const r = kafkaSourceConnector.open(options(topic), COLUMNS, { index: 0, count: 1 });
    const rows = await drain(r, 10);
    await new Promise((res) => setTimeout(res, 500));
    rows.push(...(r.poll(1000, Date.now()) ?? []));
    r.close?.();
    expect(rows.map((x) => Number(BigInt(x[0] as bigint) - 9007199254740993n)).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('fails with a SQLSTATE on a malformed message and on a missing topic', async () => {
    const topic = uniqueTopic('src-bad');
    await createTopic(topic, 1);
    await produce(topic, [{ value: '{"id": 1, "amount": 2, "name": "ok"}' }, { value: '{"id": 2, "amount": ' }]);
    const r = kafkaSourceConnector.open(options(topic), COLUMNS, { index: 0, count: 1 });
    const err = await drain(r, 2).then(() => null, (e: unknown) => e);
    r.close?.();
    expect(err).toMatchObject({ code: '22P02' });

    const missing = kafkaSourceConnector.open(options(uniqueTopic('no-such-topic')), COLUMNS, { index: 0, count: 1 });
    const err2 = await drain(missing, 1).then(() => null, (e: unknown) => e);
    missing.close?.();
    expect(err2).toMatchObject({ code: '42704' });
  });

  it('rejects bad options at CREATE time', () => {
    expect(() => kafkaSourceConnector.validate({ connector: 'kafka' }, COLUMNS)).toThrow(/topic/);
    expect(() => kafkaSourceConnector.validate(options('t', { 'scan.startup.mode': 'sometimes' }), COLUMNS)).toThrow(/scan.startup.mode/);
    expect(() => kafkaSourceConnector.validate(options('t', { 'properties.bootstrap.server': 'nohost' }), COLUMNS)).toThrow(/host:port/);
  });
});

async function drainRest(r: SourceSplitReader): Promise<Row[]> {
  // Keep polling until the reader has been quiet for a while.
  const out: Row[] = [];
  let quietSince = Date.now();
  while (Date.now() - quietSince < 1500) {
    const rows = r.poll(256, Date.now()) ?? [];
    if (rows.length) { out.push(...rows); quietSince = Date.now(); } else await new Promise((res) => setTimeout(res, 20));
  }
  return out;
}

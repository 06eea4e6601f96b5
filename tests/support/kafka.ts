// The real Kafka broker for tests: scripts/kafka.sh runs one KRaft broker on 127.0.0.1 for the
// whole test run (started by .ci/run or by vitest's global setup). Each test uses topics of its
// own, so test files can share the broker and run in parallel.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Admin, type Kafka, type Producer } from 'kafkajs';
import { kafkaClient } from '../../src/stream/connectors/kafka/client.js';

export const KAFKA_PORT = Number(process.env.WEIR_KAFKA_PORT ?? 9092);
export const KAFKA_BROKERS = [`127.0.0.1:${KAFKA_PORT}`];
export const KAFKA_BOOTSTRAP = KAFKA_BROKERS.join(',');

export function uniqueTopic(prefix: string): string { return `${prefix}-${randomBytes(4).toString('hex')}`; }

export function testKafka(): Kafka { return kafkaClient(KAFKA_BROKERS, 'weir-test'); }

export async function withAdmin<T>(f: (a: Admin) => Promise<T>): Promise<T> {
  const a = testKafka().admin();
  await a.connect();
  try { return await f(a); } finally { await a.disconnect(); }
}

export async function createTopic(topic: string, partitions = 1): Promise<void> {
  await withAdmin((a) => a.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true }));
}

export async function produce(topic: string, messages: { key?: string; value: string | null; partition?: number }[]): Promise<void> {
  const p: Producer = testKafka().producer({ allowAutoTopicCreation: false });
  await p.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) await p.send({ topic, messages: messages.slice(i, i + 500) });
  } finally { await p.disconnect(); }
}

/** Every committed message of a topic, read with isolation read_committed from the beginning. */
export async function readAll(topic: string, expect: number, timeoutMs = 20_000): Promise<{ partition: number; key: string | null; value: string | null }[]> {
  const c = testKafka().consumer({ groupId: uniqueTopic('weir-test-reader'), readUncommitted: false, maxWaitTimeInMs: 100 });
  const out: { partition: number; key: string | null; value: string | null }[] = [];
  await c.connect();
  try {
    await c.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void c.run({
        eachMessage: async ({ partition, message }) => {
          out.push({ partition, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
          if (out.length >= expect) { clearTimeout(timer); setTimeout(resolve, 300); }
        },
      });
    });
  } finally { await c.disconnect(); }
  return out;
}

const READ_COMMITTED_SOURCE = join(import.meta.dirname, 'java', 'ReadCommitted.java');

/**
 * Every committed message of a topic, read by Kafka's own Java client with read_committed (the
 * jars scripts/kafka.sh cached). kafkajs's read_committed consumer was seen delivering records of
 * aborted transactions, so exactly-once checks read through this instead.
 */
export async function readCommitted(topic: string): Promise<{ partition: number; key: string | null; value: string | null }[]> {
  const libs = join(process.env.WEIR_CACHE_DIR ?? join(homedir(), '.cache', 'weir'), 'kafka', 'libs');
  const { stdout } = await promisify(execFile)('java', ['-cp', `${libs}/*`, READ_COMMITTED_SOURCE, KAFKA_BOOTSTRAP, topic], { timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  const text = (b: string) => (b === '-' ? null : Buffer.from(b, 'base64').toString('utf8'));
  return stdout.split('\n').filter((l) => /^\d+\t/.test(l)).map((l) => {
    const [partition, key, value] = l.split('\t');
    return { partition: Number(partition), key: text(key), value: text(value) };
  });
}

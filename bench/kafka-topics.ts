// The Kafka side of the fault-tolerance benchmarks: topics on the local broker
// (scripts/kafka.sh), their sizes, and consumers that watch what a sink wrote.

import { kafkaClient } from '../src/stream/connectors/kafka/client.js';

export const KAFKA = '127.0.0.1:9092';

export async function kafkaServing(): Promise<boolean> {
  const admin = kafkaClient([KAFKA], 'weir-bench-probe').admin();
  try { await admin.connect(); await admin.listTopics(); return true; } catch { return false; } finally { await admin.disconnect().catch(() => undefined); }
}

export async function createTopic(topic: string, partitions = 2): Promise<void> {
  const admin = kafkaClient([KAFKA], 'weir-bench').admin();
  await admin.connect();
  try { await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true }); } finally { await admin.disconnect(); }
}

/** A topic's size by its offsets as kafkajs reads them (the last stable offset: committed records and markers). */
export async function topicSize(topic: string): Promise<number> {
  const admin = kafkaClient([KAFKA], 'weir-bench').admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally { await admin.disconnect(); }
}

/** Counts a topic's records as a read_uncommitted consumer sees them; `done` once `n` arrived. */
export function countRecords(topic: string, n: number): { done: Promise<void>; stop(): Promise<void> } {
  let seen = 0;
  return watchTopic(topic, true, (batch) => { seen += batch.length; return seen >= n; });
}

/**
 * Reads a topic from the start (read_committed unless `uncommitted`), handing each batch's
 * (key, value) pairs to `visit`; `done` once `visit` returns true.
 */
export function watchTopic(topic: string, uncommitted: boolean, visit: (batch: { key: string | null; value: string | null }[]) => boolean): { done: Promise<void>; stop(): Promise<void> } {
  const consumer = kafkaClient([KAFKA], 'weir-bench-counter').consumer({ groupId: `weir-bench-${topic}-${uncommitted ? 'u' : 'c'}`, readUncommitted: uncommitted, maxWaitTimeInMs: 50 });
  let reached!: () => void;
  const done = new Promise<void>((res) => { reached = res; });
  const ready = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        if (visit(batch.messages.map((m) => ({ key: m.key?.toString() ?? null, value: m.value?.toString() ?? null })))) reached();
      },
    });
  })();
  return { done: ready.then(() => done), stop: async () => { await consumer.disconnect(); } };
}

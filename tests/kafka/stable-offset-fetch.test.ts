// The Kafka sink's publish marker is read with OffsetFetch v7 and require_stable, against the
// real broker: no offset reads as -1; a transactional offset commit is seen as soon as its
// transaction committed; while one is pending the broker refuses to answer (UNSTABLE_OFFSET_COMMIT)
// rather than return the previous offset, which is what an OffsetFetch v4 reader would see.

import { describe, expect, it } from 'vitest';
import { KafkaProtocolError, fetchStableOffset } from '../../src/stream/connectors/kafka/stable-offset-fetch.js';
import { KAFKA_BROKERS, createTopic, testKafka, uniqueTopic, withAdmin } from '../support/kafka.js';

const UNSTABLE_OFFSET_COMMIT = 88;

async function transactionalProducer(id: string) {
  const p = testKafka().producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  return p;
}

async function commitOffset(id: string, group: string, topic: string, offset: number, metadata: string): Promise<void> {
  const p = await transactionalProducer(id);
  try {
    const t = await p.transaction();
    await t.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition: 0, offset: String(offset), metadata } as { partition: number; offset: string }] }] });
    await t.commit();
  } finally { await p.disconnect(); }
}

describe('stable offset fetch', () => {
  it('reads -1 for a group without offsets, then each committed transactional offset at once', async () => {
    const topic = uniqueTopic('stable');
    const group = uniqueTopic('g');
    await createTopic(topic, 1);
    expect(await fetchStableOffset(KAFKA_BROKERS, group, topic, 0)).toEqual({ offset: -1, metadata: null });
    for (let i = 1; i <= 5; i++) {
      await commitOffset(uniqueTopic('tx'), group, topic, i, `tag-${i}`);
      expect(await fetchStableOffset(KAFKA_BROKERS, group, topic, 0)).toEqual({ offset: i, metadata: `tag-${i}` });
    }
    // The same answer kafkajs's own (v4) fetch gives once the offset has settled.
    const v4 = await withAdmin((a) => a.fetchOffsets({ groupId: group, topics: [topic] }));
    expect(v4[0].partitions[0]).toMatchObject({ offset: '5', metadata: 'tag-5' });
  });

  it('refuses to answer while a transactional offset commit is pending, and answers after its abort', async () => {
    const topic = uniqueTopic('stable');
    const group = uniqueTopic('g');
    await createTopic(topic, 1);
    await commitOffset(uniqueTopic('tx'), group, topic, 1, 'committed');
    const p = await transactionalProducer(uniqueTopic('tx'));
    try {
      const t = await p.transaction();
      await t.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition: 0, offset: '2' }] }] });
      const pending = await fetchStableOffset(KAFKA_BROKERS, group, topic, 0, 1500).then(() => null, (e: unknown) => e);
      expect(pending).toBeInstanceOf(KafkaProtocolError);
      expect((pending as KafkaProtocolError).code).toBe(UNSTABLE_OFFSET_COMMIT);
      await t.abort();
      expect(await fetchStableOffset(KAFKA_BROKERS, group, topic, 0)).toEqual({ offset: 1, metadata: 'committed' });
    } finally { await p.disconnect(); }
  });

  it('fails with a network error, not a hang, when no broker answers', async () => {
    const err = await fetchStableOffset(['127.0.0.1:1'], 'g', 't', 0, 500).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
  });
});

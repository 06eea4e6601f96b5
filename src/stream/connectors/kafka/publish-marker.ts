// Which of a sink subtask's committables reached Kafka? Every exactly-once publish commits, in
// the same Kafka transaction as its rows, an offset of a consumer group of its own
// (weir-sink-<sink>-<subtask>) whose metadata is the committable's tag. Transactional offset
// commits become visible exactly when the transaction commits, so the group's offset names the
// last publish that happened — readable with one OffsetFetch, whatever else is in the topic.
// Kafka drops a group's offsets when their topic is deleted: a recreated topic reads "none".

import type { Kafka, Transaction } from 'kafkajs';

/** The marker is kept on partition 0 of the sink's topic (any partition would do; it holds no data). */
const MARKER_PARTITION = 0;

export function markerGroup(sinkId: string, subtask: number): string { return `weir-sink-${sinkId}-${subtask}`; }

/** Add the marker for `tag` to an open transaction (it commits or aborts with the rows). */
export async function addMarker(txn: Transaction, group: string, topic: string, checkpointId: number, tag: string): Promise<void> {
  // kafkajs passes `metadata` through to TxnOffsetCommit, but its typings omit the field.
  const partition = { partition: MARKER_PARTITION, offset: String(checkpointId), metadata: tag };
  await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [partition] }] });
}

/** How long two reads of the marker must agree before recovery trusts it. */
const SETTLE_MS = 300;
const MAX_READS = 10;

/**
 * The tag of the last committed publish, or null if there is none. A committed transaction's
 * offsets reach the group coordinator asynchronously (after its markers are written), and
 * kafkajs's OffsetFetch (v4, without KIP-447's require_stable) returns the previous offset until
 * then — a marker read too early would make recovery publish a committable again. Offsets only
 * move forward, so the marker is read until two reads SETTLE_MS apart agree.
 */
export async function lastPublishedTag(kafka: Kafka, group: string, topic: string): Promise<string | null> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const read = async () => {
      const topics = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const p = topics.find((t) => t.topic === topic)?.partitions.find((x) => x.partition === MARKER_PARTITION);
      return p && Number(p.offset) >= 0 && p.metadata ? p.metadata : null;
    };
    let tag = await read();
    for (let i = 1; i < MAX_READS; i++) {
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const again = await read();
      if (again === tag) break;
      tag = again;
    }
    return tag;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

// Which of a sink subtask's committables reached Kafka? Every exactly-once publish commits, in
// the same Kafka transaction as its rows, an offset of a consumer group of its own
// (weir-sink-<sink>-<subtask>) whose metadata is the committable's tag. Transactional offset
// commits become visible exactly when the transaction commits, so the group's offset names the
// last publish that happened — readable with one OffsetFetch, whatever else is in the topic.
// Kafka drops a group's offsets when their topic is deleted: a recreated topic reads "none".

import type { Transaction } from 'kafkajs';
import { fetchStableOffset } from './stable-offset-fetch.js';

/** The marker is kept on partition 0 of the sink's topic (any partition would do; it holds no data). */
const MARKER_PARTITION = 0;

export function markerGroup(sinkId: string, subtask: number): string { return `weir-sink-${sinkId}-${subtask}`; }

/** Add the marker for `tag` to an open transaction (it commits or aborts with the rows). */
export async function addMarker(txn: Transaction, group: string, topic: string, checkpointId: number, tag: string): Promise<void> {
  // kafkajs passes `metadata` through to TxnOffsetCommit, but its typings omit the field.
  const partition = { partition: MARKER_PARTITION, offset: String(checkpointId), metadata: tag };
  await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [partition] }] });
}

/**
 * The tag of the last committed publish, or null if there is none. A committed transaction's
 * offsets reach the group coordinator asynchronously (after its markers are written), so the
 * marker is read with require_stable: the coordinator answers only once no transactional commit
 * of it is pending. A stale read would make recovery publish a committable again.
 */
export async function lastPublishedTag(brokers: readonly string[], group: string, topic: string): Promise<string | null> {
  const { offset, metadata } = await fetchStableOffset(brokers, group, topic, MARKER_PARTITION);
  return offset >= 0 && metadata ? metadata : null;
}

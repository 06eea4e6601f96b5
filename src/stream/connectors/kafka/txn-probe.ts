// Did a transaction commit? Read, with isolation read_committed, the record at the first offset
// the transaction wrote in each partition: a committed transaction's records are visible there
// with its weir-txn tag; an aborted one's are skipped by the reader. Called after this subtask's
// producer fenced its predecessor; but another subtask of the sink (writing the same partitions)
// may still have a transaction open, which holds the last stable offset (LSO) back. Until the LSO
// has passed a transaction's offsets, read_committed cannot tell committed from not yet decided,
// so the probe waits for it (a wrong "not committed" would write the transaction twice), at most
// for `settleMs`: the transaction timeout, past which the broker has aborted any open one.

import { randomUUID } from 'node:crypto';
import { kafkaClient } from './client.js';
import type { KafkaCommonOptions } from './options.js';

const HEADER = 'weir-txn';

export async function committedTags(opts: KafkaCommonOptions, txns: readonly { tag: string; offsets: Record<string, string> }[], timeoutMs = 10_000, settleMs = 60_000): Promise<Set<string>> {
  const kafka = kafkaClient(opts.brokers, 'weir-sink-recovery');
  const admin = kafka.admin();
  await admin.connect();
  // kafkajs reads partition ends as a read_committed client: the LSO.
  let ends: Map<number, bigint>;
  try {
    const deadline = Date.now() + settleMs;
    for (;;) {
      ends = new Map((await admin.fetchTopicOffsets(opts.topic)).map((w) => [w.partition, BigInt(w.high)]));
      const undecided = txns.some((t) => Object.entries(t.offsets).some(([p, o]) => (ends.get(Number(p)) ?? 0n) <= BigInt(o)));
      if (!undecided) break;
      // No transaction stays open past its timeout (the broker aborts it): still short of the
      // offsets after that, the records are not there at all (a recreated topic) — not committed.
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
  // Per partition: the offsets to look at, and which tag each should carry.
  const wanted = new Map<number, Map<string, string>>();
  for (const t of txns) for (const [p, o] of Object.entries(t.offsets)) {
    const part = Number(p);
    if ((ends!.get(part) ?? 0n) <= BigInt(o)) continue; // nothing at or past that offset: not committed
    if (!wanted.has(part)) wanted.set(part, new Map());
    wanted.get(part)!.set(o, t.tag);
  }
  const found = new Set<string>();
  if (!wanted.size) return found;
  const consumer = kafka.consumer({ groupId: `weir-probe-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
    const pending = new Set(wanted.keys());
    await new Promise<void>((resolve, reject) => {
      // A partition whose probed records were all aborted may deliver nothing more at all: after
      // the timeout, what was not found did not commit. The clock starts once the consumer has
      // joined (its group join can take seconds on a busy machine), so a slow start is no "no".
      let timer: NodeJS.Timeout | undefined;
      consumer.on(consumer.events.GROUP_JOIN, () => { timer ??= setTimeout(resolve, timeoutMs); });
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const w = wanted.get(batch.partition);
          if (!w || !pending.has(batch.partition)) return;
          for (const m of batch.messages) {
            const tag = m.headers?.[HEADER]?.toString();
            if (tag && w.get(m.offset) === tag) found.add(tag);
          }
          // Once past the highest offset asked about, this partition is decided.
          // Aborted records and control markers count as read too (lastOffset includes them).
          const last = BigInt(batch.lastOffset());
          const maxWanted = [...w.keys()].reduce((a, b) => (BigInt(b) > a ? BigInt(b) : a), 0n);
          if (last >= maxWanted || BigInt(batch.highWatermark) - 1n <= last) pending.delete(batch.partition);
          if (!pending.size) { clearTimeout(timer); resolve(); }
        },
      }).then(() => {
        const min = (m: Map<string, string>) => [...m.keys()].reduce((a, b) => (BigInt(b) < BigInt(a) ? b : a));
        for (const [p, m] of wanted) consumer.seek({ topic: opts.topic, partition: p, offset: min(m) });
      }, reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

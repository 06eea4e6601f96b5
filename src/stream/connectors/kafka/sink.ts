// connector = 'kafka' as an exactly-once sink by two-phase commit. Each sink subtask owns one
// transactional producer with a stable id (weir-<sink>-<subtask>). Rows go into the open Kafka
// transaction as they arrive; on checkpoint barrier N the writer flushes (pre-commit) and returns
// a committable; when checkpoint N completes, the transaction commits. Rows that arrive between
// the barrier and the commit wait in memory, because a producer has one transaction at a time.
//
// kafkajs cannot resume another producer's transaction (Flink does it by reflection), so the
// committable carries the transaction's records (a write-ahead copy). On recovery the new
// producer's InitProducerId fences the old one and aborts whatever it left open; then, for each
// committable of the restored checkpoint, a read_committed look at the transaction's first
// offsets shows whether it had committed (its records carry a weir-txn header with a unique tag);
// if not, its records are written again in a fresh transaction. Nothing is lost or doubled.

import { randomUUID } from 'node:crypto';
import type { Producer, Transaction } from 'kafkajs';
import { SqlError, SqlState } from '../../../errors.js';
import type { Chunk } from '../../chunk.js';
import type { SinkCommittable, SinkConnector, SinkContext, SinkWriter } from '../sink-writer.js';
import { kafkaClient } from './client.js';
import { encodeChangelog, type KafkaRecord } from './changelog-encoding.js';
import { type KafkaSinkOptions, kafkaSinkOptions } from './sink-options.js';
import { committedTags } from './txn-probe.js';

export const TXN_HEADER = 'weir-txn';

interface KafkaCommittable {
  readonly checkpointId: number;
  readonly tag: string | null;
  /** First offset the transaction wrote in each partition. */
  readonly offsets: Record<string, string>;
  readonly records: [string | null, string | null][];
}

export class KafkaSinkWriter implements SinkWriter {
  private readonly producer: Producer;
  private readonly connected: Promise<void>;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private txn: Transaction | null = null;
  private tag: string | null = null;
  private txnRecords: KafkaRecord[] = [];
  private offsets: Record<string, string> = {};
  /** Pre-committed, waiting for its checkpoint to complete. */
  private awaiting: { checkpointId: number; txn: Transaction | null } | null = null;
  private held: KafkaRecord[] = [];
  readonly transactionalId: string;

  constructor(private readonly opts: KafkaSinkOptions, private readonly ctx: SinkContext) {
    this.transactionalId = `weir-${ctx.sinkId}-${ctx.subtask}`;
    const kafka = kafkaClient(opts.brokers, 'weir-sink');
    this.producer = opts.delivery === 'exactly-once'
      ? kafka.producer({ transactionalId: this.transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: opts.transactionTimeoutMs, allowAutoTopicCreation: true })
      : kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
    // The first transaction (recover() begins an empty one) runs InitProducerId, fencing an older instance.
    this.connected = this.producer.connect();
    this.connected.catch((e: unknown) => { this.failure = e; });
  }

  private check(): void {
    if (this.failure) {
      const e = this.failure;
      throw e instanceof SqlError ? e : new SqlError(SqlState.ConnectionFailure, `kafka sink on topic "${this.opts.topic}": ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  write(chunk: Chunk): void {
    this.check();
    const records: KafkaRecord[] = [];
    encodeChangelog(chunk, this.opts.encoding, this.ctx.columns, this.ctx.keyColumns, records);
    if (!records.length) return;
    if (this.awaiting) { for (const r of records) this.held.push(r); return; }
    this.enqueue(records);
  }

  /** Send in order, one step after another; the first failure sticks and fails the next call. */
  private enqueue(records: KafkaRecord[]): void {
    const exactlyOnce = this.opts.delivery === 'exactly-once';
    if (exactlyOnce) for (const r of records) this.txnRecords.push(r);
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      await this.connected;
      if (exactlyOnce && !this.txn) { this.txn = await this.producer.transaction(); this.tag = randomUUID(); }
      const headers = this.tag ? { [TXN_HEADER]: this.tag } : undefined;
      const sender = this.txn ?? this.producer;
      for (const part of bySize(records)) {
        const meta = await sender.send({ topic: this.opts.topic, messages: part.map((r) => ({ key: r.key, value: r.value, headers })) });
        for (const m of meta) {
          const first = m.baseOffset ?? m.offset;
          if (first !== undefined && this.offsets[m.partition] === undefined) this.offsets[m.partition] = first;
        }
      }
    }).catch((e: unknown) => { this.failure ??= e; });
  }

  preCommit(checkpointId: number): Promise<SinkCommittable> {
    // The line is drawn now: sends already queued belong to this transaction; later rows are held
    // until it commits (a producer has one transaction at a time).
    const records = this.txnRecords;
    this.txnRecords = [];
    const awaiting: { checkpointId: number; txn: Transaction | null } = { checkpointId, txn: null };
    this.awaiting = awaiting;
    return this.chain.then(() => {
      this.check();
      const c: KafkaCommittable = { checkpointId, tag: this.txn ? this.tag : null, offsets: this.offsets, records: records.map((r) => [r.key, r.value]) };
      // An empty checkpoint opens no Kafka transaction at all: nothing to commit, nothing to fail.
      awaiting.txn = this.txn;
      this.txn = null; this.tag = null; this.offsets = {};
      return c as unknown as SinkCommittable;
    });
  }

  async commit(committable: SinkCommittable): Promise<void> {
    const c = committable as unknown as KafkaCommittable;
    const a = this.awaiting;
    if (a && a.checkpointId === c.checkpointId) {
      if (a.txn) await a.txn.commit();
      this.awaiting = null;
      const held = this.held;
      this.held = [];
      if (held.length) this.enqueue(held);
    }
  }

  async recover(committed: readonly SinkCommittable[]): Promise<void> {
    await this.connected;
    if (this.opts.delivery === 'exactly-once') {
      // kafkajs sends InitProducerId with the transactional id on the first transaction, not on
      // connect: begin (and end) an empty one now, which fences the previous instance and makes
      // the broker abort (or finish committing) whatever it left open.
      await this.chain;
      const fence = await this.producer.transaction();
      await fence.abort();
    }
    const cs = (committed as unknown as KafkaCommittable[]).filter((c) => c.tag && c.records.length);
    if (!cs.length) return;
    const visible = await committedTags(this.opts, cs.map((c) => ({ tag: c.tag!, offsets: c.offsets })), undefined, this.opts.transactionTimeoutMs + 5_000);
    for (const c of cs) {
      if (visible.has(c.tag!)) continue;
      const t = await this.producer.transaction();
      for (const part of bySize(c.records.map(([key, value]) => ({ key, value })))) {
        await t.send({ topic: this.opts.topic, messages: part.map((r) => ({ key: r.key, value: r.value, headers: { [TXN_HEADER]: c.tag! } })) });
      }
      await t.commit();
    }
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    if (this.txn) await this.txn.abort().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }
}

/**
 * A produce request's record batch must stay under the broker's message.max.bytes (1 MiB by
 * default): a chunk of wide rows is sent as several requests of at most this many characters
 * (≤ 768 KiB even if every character took three bytes in UTF-8).
 */
const MAX_SEND_CHARS = 256 * 1024;

function* bySize(records: readonly KafkaRecord[]): Generator<readonly KafkaRecord[]> {
  let start = 0, bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const n = (records[i].key?.length ?? 0) + (records[i].value?.length ?? 0) + 64;
    if (bytes + n > MAX_SEND_CHARS && i > start) { yield records.slice(start, i); start = i; bytes = 0; }
    bytes += n;
  }
  if (start < records.length) yield start === 0 ? records : records.slice(start);
}

export const kafkaSinkConnector: SinkConnector = {
  name: 'kafka',
  validate(options, _columns, keyColumns) { kafkaSinkOptions(options, keyColumns !== null, checkpointInterval(options)); },
  open(options, ctx) { return new KafkaSinkWriter(kafkaSinkOptions(options, ctx.keyColumns !== null, checkpointInterval(options)), ctx); },
};

function checkpointInterval(o: Readonly<Record<string, string>>): number | null {
  const v = o['checkpoint.interval.ms'];
  return v === undefined ? null : Number(v);
}

// connector = 'kafka' as a sink. Exactly-once (the default) publishes each completed checkpoint's
// rows in one Kafka transaction. Flink's KafkaSink instead writes into a transaction kept open
// from one checkpoint to the next and, after a crash, resumes it by its producer id and epoch —
// which kafkajs cannot do. So here the rows of checkpoint N are kept in N's committable (the
// checkpoint holds them: a write-ahead log) and sent only once N completes, in a transaction that
// also commits a marker naming the committable (publish-marker.ts). After a crash the new writer's
// InitProducerId fences the old one (the broker aborts a transaction it left half-sent, or
// finishes one it was committing); then the marker says which restored committables were
// published, and the rest are published now. Nothing is lost or doubled, read_committed readers
// never wait on a transaction left open, and a transaction lives only while one checkpoint's
// rows are sent, so Kafka's transaction timeout does not limit the checkpoint interval.
//
// sink.delivery = 'at-least-once' sends rows as they arrive (idempotent producer, no
// transaction) and flushes them on every barrier.

import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import type { Kafka, Producer } from 'kafkajs';
import { SqlError, SqlState } from '../../../errors.js';
import type { Chunk } from '../../chunk.js';
import type { SinkCommittable, SinkConnector, SinkContext, SinkWriter } from '../sink-writer.js';
import { kafkaClient } from './client.js';
import { encodeChangelog, type KafkaRecord } from './changelog-encoding.js';
import { addMarker, lastPublishedTag, markerGroup } from './publish-marker.js';
import { type KafkaSinkOptions, kafkaSinkOptions } from './sink-options.js';

interface KafkaCommittable {
  readonly checkpointId: number;
  /** Unique per committable; the marker of its publish carries it. */
  readonly tag: string;
  /**
   * The marker group of the writer that pre-committed it. A job restored into a sink of another
   * name (or a rescaled one) must read and advance the marker its committables were counted in,
   * or it would publish again what the old sink already had. Absent in older checkpoints.
   */
  readonly marker?: string;
  readonly records: [key: string | null, value: string | null][];
}

/** A publish that failed (broker unreachable, a leader moving) is retried this many times. */
const PUBLISH_ATTEMPTS = 4;

/** WEIR_TRACE_KAFKA_SINK=1: log every publish and failed attempt (fault-injection tests read it). */
const TRACE = process.env.WEIR_TRACE_KAFKA_SINK === '1';

export class KafkaSinkWriter implements SinkWriter {
  private readonly kafka: Kafka;
  private producer: Producer;
  private connected: Promise<void>;
  private readonly exactlyOnce: boolean;
  readonly transactionalId: string;
  private readonly marker: string;
  /** Exactly-once: the rows since the last barrier. */
  private records: KafkaRecord[] = [];
  /** At-least-once: sends in flight, in order; the first failure sticks and fails the next call. */
  private sends: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  /**
   * Set by close(). A publish still retrying after its task was cancelled (an in-process
   * restart) must stop: its reconnect would fence the restarted writer, which has already read
   * the marker, and the same committable could then go out twice.
   */
  private closed = false;

  constructor(private readonly opts: KafkaSinkOptions, private readonly ctx: SinkContext) {
    this.exactlyOnce = opts.delivery === 'exactly-once';
    this.transactionalId = `weir-${ctx.sinkId}-${ctx.subtask}`;
    this.marker = markerGroup(ctx.sinkId, ctx.subtask);
    this.kafka = kafkaClient(opts.brokers, 'weir-sink');
    this.producer = this.newProducer();
    this.connected = this.connect();
    this.connected.catch((e: unknown) => { this.failure ??= e; });
  }

  private newProducer(): Producer {
    return this.exactlyOnce
      ? this.kafka.producer({ transactionalId: this.transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: this.opts.transactionTimeoutMs, allowAutoTopicCreation: true })
      : this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
  }

  private async connect(): Promise<void> {
    await this.producer.connect();
    if (this.exactlyOnce) await this.fence();
  }

  /**
   * kafkajs sends InitProducerId (with the transactional id) on the first transaction, not on
   * connect: begin and end an empty one, so a predecessor is fenced at once and any transaction
   * it left open stops holding read_committed readers back.
   */
  private async fence(): Promise<void> {
    const t = await this.producer.transaction();
    await t.abort();
  }

  private check(): void {
    if (this.failure) throw this.sinkError(this.failure);
  }

  private sinkError(e: unknown): SqlError {
    return e instanceof SqlError ? e : new SqlError(SqlState.ConnectionFailure, `kafka sink on topic "${this.opts.topic}": ${e instanceof Error ? e.message : String(e)}`);
  }

  write(chunk: Chunk): void {
    this.check();
    if (this.exactlyOnce) {
      encodeChangelog(chunk, this.opts.encoding, this.ctx.columns, this.ctx.keyColumns, this.records);
      return;
    }
    const records: KafkaRecord[] = [];
    encodeChangelog(chunk, this.opts.encoding, this.ctx.columns, this.ctx.keyColumns, records);
    if (!records.length) return;
    this.sends = this.sends.then(async () => {
      if (this.failure) return;
      await this.connected;
      for (const part of bySize(records)) await this.producer.send({ topic: this.opts.topic, messages: part.map((r) => ({ key: r.key, value: r.value })) });
    }).catch((e: unknown) => { this.failure ??= e; });
  }

  preCommit(checkpointId: number): Promise<SinkCommittable> {
    // The line is drawn now: rows written after this call belong to the next checkpoint.
    const records = this.records;
    this.records = [];
    const c: KafkaCommittable = { checkpointId, tag: randomUUID(), marker: this.marker, records: records.map((r) => [r.key, r.value]) };
    if (this.exactlyOnce) return Promise.resolve(c as unknown as SinkCommittable);
    return this.sends.then(() => { this.check(); return c as unknown as SinkCommittable; });
  }

  async commit(committable: SinkCommittable): Promise<void> {
    const c = committable as unknown as KafkaCommittable;
    if (!this.exactlyOnce || !c.records.length) return;
    await this.connected;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.publish(c);
        if (TRACE) this.log(`published checkpoint ${c.checkpointId} (${c.tag.slice(0, 8)}, ${c.records.length} records, attempt ${attempt})`);
        return;
      } catch (e) {
        if (TRACE) this.log(`publish of checkpoint ${c.checkpointId} (${c.tag.slice(0, 8)}) failed, attempt ${attempt}: ${e instanceof Error ? e.message : String(e)}`);
        if (attempt >= PUBLISH_ATTEMPTS || this.closed) throw this.sinkError(e);
        // Whether the failed commit took effect is unknown (the reply may be what was lost). A new
        // producer's InitProducerId returns only once the broker has finished or aborted that
        // transaction; then the marker tells. If it cannot be read, the job fails over and its
        // recovery asks again — publishing blind could write the rows twice.
        await new Promise((r) => setTimeout(r, 200 * attempt));
        if (this.closed) throw this.sinkError(e);
        await this.reconnect();
        if (await lastPublishedTag(this.opts.brokers, c.marker ?? this.marker, this.opts.topic) === c.tag) return;
      }
    }
  }

  /** Written synchronously: a worker thread's process.stderr is forwarded asynchronously and a
   * kill -9 would lose the lines that explain what happened just before it. */
  private log(what: string): void {
    writeSync(2, `weir: kafka sink "${this.opts.topic}" subtask ${this.ctx.subtask} ${what}\n`);
  }

  private async reconnect(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.producer = this.newProducer();
    this.connected = this.connect();
    await this.connected;
  }

  private async publish(c: KafkaCommittable): Promise<void> {
    const t = await this.producer.transaction();
    try {
      for (const part of bySize(c.records)) {
        await t.send({ topic: this.opts.topic, messages: part.map(([key, value]) => ({ key, value })) });
      }
      await addMarker(t, c.marker ?? this.marker, this.opts.topic, c.checkpointId, c.tag);
      await t.commit();
    } catch (e) {
      if (t.isActive()) await t.abort().catch(() => undefined);
      throw e;
    }
  }

  async recover(committed: readonly SinkCommittable[]): Promise<void> {
    await this.connected; // fenced: no earlier instance can still publish
    if (!this.exactlyOnce) return;
    const cs = committed as unknown as KafkaCommittable[];
    if (!cs.some((c) => c.records.length)) return;
    // Committables are published in order, so those up to the marked one are in Kafka already —
    // per marker group, since a restored job may carry another sink's committables.
    const groups = new Map<string, KafkaCommittable[]>();
    for (const c of cs) {
      const g = c.marker ?? this.marker;
      const list = groups.get(g);
      if (list) list.push(c); else groups.set(g, [c]);
    }
    for (const [group, list] of groups) {
      const last = await lastPublishedTag(this.opts.brokers, group, this.opts.topic);
      const todo = list.slice(list.findIndex((x) => x.tag === last) + 1);
      // As Flink logs recovered transactions: what the checkpoint held and what goes out again.
      this.log(`recovers checkpoints [${list.map((c) => `${c.checkpointId} (${c.tag.slice(0, 8)}, ${c.records.length} records)`).join(', ')}] of ${group}; `
        + `last published: ${list.find((x) => x.tag === last)?.checkpointId ?? (last ? 'an earlier one' : 'none')}; publishing [${todo.map((c) => c.checkpointId).join(', ')}]`);
      for (const c of todo) await this.commit(c as unknown as SinkCommittable);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.records = [];
    await this.sends.catch(() => undefined);
    await this.connected.catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }
}

/**
 * A produce request's record batch must stay under the broker's message.max.bytes (1 MiB by
 * default): a chunk of wide rows is sent as several requests of at most this many characters
 * (≤ 768 KiB even if every character took three bytes in UTF-8).
 */
const MAX_SEND_CHARS = 256 * 1024;

type Sized = KafkaRecord | readonly [string | null, string | null];
const sizeOf = (r: Sized) => (Array.isArray(r) ? (r[0]?.length ?? 0) + (r[1]?.length ?? 0) : ((r as KafkaRecord).key?.length ?? 0) + ((r as KafkaRecord).value?.length ?? 0));

function* bySize<R extends Sized>(records: readonly R[]): Generator<readonly R[]> {
  let start = 0, bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const n = sizeOf(records[i]) + 64;
    if (bytes + n > MAX_SEND_CHARS && i > start) { yield records.slice(start, i); start = i; bytes = 0; }
    bytes += n;
  }
  if (start < records.length) yield start === 0 ? records : records.slice(start);
}

export const kafkaSinkConnector: SinkConnector = {
  name: 'kafka',
  validate(options, _columns, keyColumns) { kafkaSinkOptions(options, keyColumns !== null); },
  open(options, ctx) { return new KafkaSinkWriter(kafkaSinkOptions(options, ctx.keyColumns !== null), ctx); },
};

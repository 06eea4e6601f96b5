// connector = 'kafka' as a source. Split i of n reads the topic's partitions p with p % n = i.
// Offsets, not consumer groups, are the truth: the reader's position is the next offset of every
// partition it owns, a checkpoint stores it, and a restored reader seeks back to it. kafkajs has
// no manual partition assignment, so each reader joins a group of its own (never committed) and
// seeks every partition explicitly. Messages are buffered up to a bound; past it the fetch loop
// waits, which back-pressures the broker fetches rather than memory.

import type { Consumer, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { SqlError, SqlState } from '../../../errors.js';
import type { Row } from '../../../types/value.js';
import type { SourceColumn, SourceConnector, SourcePosition, SourceSplit, SourceSplitReader } from '../source-reader.js';
import type { PartitionOrigin } from '../../chunk.js';
import { decodeCsvRow } from '../formats/csv-row.js';
import { decodeJsonRow } from '../formats/json-row.js';
import { kafkaClient } from './client.js';
import { type KafkaSourceOptions, kafkaSourceOptions } from './options.js';

/** Messages held before the fetch loop pauses. */
const BUFFER_LIMIT = 20_000;

interface Buffered { readonly partition: number; readonly offset: string; readonly value: Buffer | null }

export class KafkaSplitReader implements SourceSplitReader {
  private readonly buffer: Buffered[] = [];
  private head = 0;
  /** Next offset to deliver per owned partition (as decimal text: offsets are int64). */
  private readonly next = new Map<number, string>();
  private consumer: Consumer | null = null;
  private failure: SqlError | null = null;
  private closed = false;
  private seekTo: Map<number, string> | null = null;
  private readonly decode: (text: string) => Row;

  constructor(private readonly opts: KafkaSourceOptions, columns: readonly SourceColumn[], private readonly split: SourceSplit) {
    this.decode = opts.format === 'csv' ? (t) => decodeCsvRow(t, columns) : (t) => decodeJsonRow(t, columns);
    void this.run().catch((e: unknown) => this.fail(e));
  }

  private markReady: () => void = () => undefined;
  /** Resolves once the reader is positioned on every partition it owns (tests wait on it). */
  readonly ready: Promise<void> = new Promise((res) => { this.markReady = res; });

  private fail(e: unknown): void {
    if (this.closed || this.failure) return;
    const msg = e instanceof Error ? e.message : String(e);
    this.failure = e instanceof SqlError ? e : new SqlError(SqlState.ConnectionFailure, `kafka source on topic "${this.opts.topic}": ${msg}`);
  }

  private async run(): Promise<void> {
    const kafka = kafkaClient(this.opts.brokers, 'weir-source');
    const admin = kafka.admin();
    await admin.connect();
    let watermarks: { partition: number; offset: string; low: string; high: string }[];
    try {
      if (!(await admin.listTopics()).includes(this.opts.topic)) {
        throw new SqlError(SqlState.UndefinedObject, `Kafka topic "${this.opts.topic}" does not exist`);
      }
      watermarks = await admin.fetchTopicOffsets(this.opts.topic);
    } finally {
      await admin.disconnect();
    }
    const mine = watermarks.filter((w) => w.partition % this.split.count === this.split.index);
    // Partitions are assigned once, at start: a subtask without one stays empty until a restart.
    this.ownsNone = mine.length === 0;
    const restored = this.seekTo;
    for (const w of mine) {
      const start = restored?.get(w.partition) ?? (this.opts.startupMode === 'earliest' ? w.low : w.high);
      this.next.set(w.partition, start);
    }
    if (this.closed) return;
    const consumer = kafka.consumer({ groupId: `weir-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (ev) => this.fail(ev.payload.error));
    await consumer.connect();
    await consumer.subscribe({ topic: this.opts.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat, isRunning }) => {
        if (!this.next.has(batch.partition)) return;
        for (const m of batch.messages) this.accept(batch.partition, m);
        while (this.buffer.length - this.head > BUFFER_LIMIT && isRunning() && !this.closed) {
          await new Promise((r) => setTimeout(r, 20));
          await heartbeat();
        }
      },
    });
    const others = watermarks.filter((w) => !this.next.has(w.partition)).map((w) => w.partition);
    if (others.length) consumer.pause([{ topic: this.opts.topic, partitions: others }]);
    for (const [partition, offset] of this.next) consumer.seek({ topic: this.opts.topic, partition, offset });
    this.markReady();
  }

  private accept(partition: number, m: KafkaMessage): void {
    // After a seek, a fetch already in flight may still deliver older offsets: drop them.
    const want = this.next.get(partition);
    if (want === undefined) return;
    const last = this.lastBuffered.get(partition);
    if (last !== undefined ? !offsetBefore(last, m.offset) : offsetBefore(m.offset, want)) return;
    this.buffer.push({ partition, offset: m.offset, value: m.value });
    this.lastBuffered.set(partition, m.offset);
  }

  private ownsNone = false;
  get idle(): boolean { return this.ownsNone; }

  /** The newest buffered offset of each partition. */
  private readonly lastBuffered = new Map<number, string>();

  /** The partition the last poll's rows came from, and the partitions this reader owns. */
  polled: PartitionOrigin | null = null;
  private owned: readonly number[] = [];

  poll(maxRows: number): Row[] | null {
    if (this.failure) throw this.failure;
    const rows: Row[] = [];
    // A run of tombstones yields no row: go on to the next run rather than look idle.
    while (rows.length === 0 && this.head < this.buffer.length) this.takeRun(rows, maxRows);
    if (this.head > 4096 && this.head * 2 > this.buffer.length) { this.buffer.splice(0, this.head); this.head = 0; }
    return rows;
  }

  /**
   * The next buffered messages of one partition, up to `maxRows` (its messages come in runs, a
   * fetched batch each), so event time can be tracked per partition; the position moves once per
   * run, not per message.
   */
  private takeRun(rows: Row[], maxRows: number): void {
    const end = Math.min(this.buffer.length, this.head + maxRows);
    const partition = this.buffer[this.head].partition;
    let offset = '';
    for (; this.head < end; this.head++) {
      const m = this.buffer[this.head];
      if (m.partition !== partition) break;
      offset = m.offset;
      if (m.value === null) continue; // a tombstone carries no row
      rows.push(this.decode(m.value.toString('utf8')));
    }
    this.next.set(partition, nextOffset(offset));
    if (this.owned.length !== this.next.size) this.owned = [...this.next.keys()].sort((a, b) => a - b);
    this.polled = { partition, owned: this.owned };
  }

  position(): SourcePosition {
    const pos: { [partition: string]: SourcePosition } = {};
    for (const [p, o] of this.next) pos[String(p)] = o;
    return pos;
  }

  seek(position: SourcePosition): void {
    if (position === null || typeof position !== 'object' || Array.isArray(position)) throw new SqlError(SqlState.InvalidParameterValue, 'invalid Kafka source position');
    const to = new Map<number, string>();
    for (const [p, o] of Object.entries(position)) to.set(Number(p), String(o));
    if (!this.consumer) { this.seekTo = to; return; }
    this.buffer.length = 0; this.head = 0; this.lastBuffered.clear();
    for (const [partition, offset] of to) {
      if (!this.next.has(partition)) continue;
      this.next.set(partition, offset);
      this.consumer.seek({ topic: this.opts.topic, partition, offset });
    }
  }

  close(): void {
    this.closed = true;
    const c = this.consumer;
    this.consumer = null;
    if (c) void c.disconnect().catch(() => undefined);
  }
}

export const kafkaSourceConnector: SourceConnector = {
  name: 'kafka',
  validate(options, columns) {
    kafkaSourceOptions(options);
    if (!columns.length) throw new SqlError(SqlState.InvalidParameterValue, 'a Kafka source needs at least one column');
  },
  open(options, columns, split) { return new KafkaSplitReader(kafkaSourceOptions(options), columns, split); },
};

/** Offsets are int64 decimal text without leading zeros: shorter is smaller, else compare text. */
function offsetBefore(a: string, b: string): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}

function nextOffset(o: string): string { return (BigInt(o) + 1n).toString(); }

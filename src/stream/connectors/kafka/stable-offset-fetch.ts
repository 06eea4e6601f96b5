// OffsetFetch with KIP-447's require_stable, spoken directly on the wire. kafkajs stops at
// OffsetFetch v4, which answers with the last *materialized* offset: a transactional offset
// commit is materialized by the group coordinator asynchronously, after the transaction's
// markers, so right after a commit (or after fencing a producer that was committing) v4 can
// return the previous offset. v7 with require_stable = true instead fails with
// UNSTABLE_OFFSET_COMMIT while a transactional commit for the partition is pending, and the
// client retries until the answer is final. Kafka has served v7 since 2.5 and still does in 4.x.
//
// Only the two requests needed are implemented: FindCoordinator v1 (to reach the group
// coordinator) and OffsetFetch v7 (flexible: compact strings and arrays, tagged fields).

import { Socket, connect } from 'node:net';

const API_FIND_COORDINATOR = 10;
const API_OFFSET_FETCH = 9;

const ERR_NONE = 0;
const ERR_COORDINATOR_LOAD_IN_PROGRESS = 14;
const ERR_COORDINATOR_NOT_AVAILABLE = 15;
const ERR_NOT_COORDINATOR = 16;
const ERR_UNSTABLE_OFFSET_COMMIT = 88;
/** Answers that mean "ask again" (possibly another broker), not "failed". */
const RETRIABLE = new Set([ERR_COORDINATOR_LOAD_IN_PROGRESS, ERR_COORDINATOR_NOT_AVAILABLE, ERR_NOT_COORDINATOR, ERR_UNSTABLE_OFFSET_COMMIT]);

const CLIENT_ID = 'weir-sink-marker';

export interface CommittedOffset {
  /** -1 when the group has no offset for the partition. */
  readonly offset: number;
  readonly metadata: string | null;
}

export class KafkaProtocolError extends Error {
  constructor(readonly code: number, what: string) {
    super(`${what} failed with Kafka error code ${code}`);
  }
}

/**
 * The group's committed offset for one partition, once no transactional commit for it is
 * pending. Retries coordinator moves and unstable offsets until `timeoutMs` has passed.
 */
export async function fetchStableOffset(brokers: readonly string[], group: string, topic: string, partition: number, timeoutMs = 30_000): Promise<CommittedOffset> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      const coordinator = await findCoordinator(brokers[attempt % brokers.length], group);
      return await offsetFetch(coordinator, group, topic, partition);
    } catch (e) {
      if (!(e instanceof KafkaProtocolError && RETRIABLE.has(e.code)) && !isNetworkError(e)) throw e;
      lastError = e;
      await new Promise((r) => setTimeout(r, Math.min(50 * (attempt + 1), 500)));
    }
  }
  throw lastError instanceof Error ? lastError : new Error(`no stable offset for group "${group}" within ${timeoutMs} ms`);
}

function isNetworkError(e: unknown): boolean {
  return e instanceof Error && 'code' in e && typeof (e as NodeJS.ErrnoException).code === 'string';
}

async function findCoordinator(broker: string, group: string): Promise<string> {
  // FindCoordinator v1: key STRING, key_type INT8 (0 = group).
  const body = new Writer().string(group).int8(0);
  const r = await roundTrip(broker, API_FIND_COORDINATOR, 1, body, false);
  r.int32(); // throttle_time_ms
  const error = r.int16();
  r.nullableString(); // error_message
  const nodeId = r.int32();
  const host = r.nullableString();
  const port = r.int32();
  if (error !== ERR_NONE) throw new KafkaProtocolError(error, 'FindCoordinator');
  if (nodeId < 0 || host === null) throw new KafkaProtocolError(ERR_COORDINATOR_NOT_AVAILABLE, 'FindCoordinator');
  return `${host}:${port}`;
}

async function offsetFetch(broker: string, group: string, topic: string, partition: number): Promise<CommittedOffset> {
  // OffsetFetch v7: group_id, topics [name, partition_indexes [INT32], TAG_BUFFER],
  // require_stable BOOLEAN, TAG_BUFFER.
  const body = new Writer()
    .compactString(group)
    .uvarint(2).compactString(topic).uvarint(2).int32(partition).uvarint(0)
    .int8(1)
    .uvarint(0);
  const r = await roundTrip(broker, API_OFFSET_FETCH, 7, body, true);
  r.int32(); // throttle_time_ms
  let found: CommittedOffset | null = null;
  let partitionError = ERR_NONE;
  for (let t = r.uvarint() - 1; t > 0; t--) {
    const name = r.compactString();
    for (let p = r.uvarint() - 1; p > 0; p--) {
      const index = r.int32();
      const offset = r.int64AsNumber();
      r.int32(); // committed_leader_epoch
      const metadata = r.compactString();
      const error = r.int16();
      r.skipTaggedFields();
      if (name === topic && index === partition) { found = offset >= 0 ? { offset, metadata } : null; partitionError = error; }
    }
    r.skipTaggedFields();
  }
  const groupError = r.int16();
  if (groupError !== ERR_NONE) throw new KafkaProtocolError(groupError, 'OffsetFetch');
  if (partitionError !== ERR_NONE) throw new KafkaProtocolError(partitionError, 'OffsetFetch');
  return found ?? { offset: -1, metadata: null };
}

/** One request on a fresh connection (these are rare: once per recovery or failed publish). */
async function roundTrip(broker: string, apiKey: number, apiVersion: number, body: Writer, flexible: boolean): Promise<Reader> {
  const [host, port] = splitAddress(broker);
  const correlationId = 1;
  // Request header v1 (v2 for flexible requests adds an empty tagged-field buffer).
  const header = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).string(CLIENT_ID);
  if (flexible) header.uvarint(0);
  const payload = Buffer.concat([header.toBuffer(), body.toBuffer()]);
  const frame = Buffer.alloc(4 + payload.length);
  frame.writeInt32BE(payload.length, 0);
  payload.copy(frame, 4);
  const response = await exchange(host, port, frame);
  const r = new Reader(response);
  if (r.int32() !== correlationId) throw new Error(`Kafka broker ${broker} answered another request`);
  if (flexible) r.skipTaggedFields(); // response header v1
  return r;
}

function splitAddress(broker: string): [string, number] {
  const i = broker.lastIndexOf(':');
  return [broker.slice(0, i), Number(broker.slice(i + 1))];
}

const EXCHANGE_TIMEOUT_MS = 10_000;

function exchange(host: string, port: number, frame: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    let received: Buffer = Buffer.alloc(0);
    const done = (e: Error | null, b?: Buffer) => {
      socket.destroy();
      if (e) reject(e); else resolve(b!);
    };
    socket.setTimeout(EXCHANGE_TIMEOUT_MS, () => done(Object.assign(new Error(`Kafka broker ${host}:${port} did not answer`), { code: 'ETIMEDOUT' })));
    socket.on('error', (e) => done(e));
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (chunk: Buffer) => {
      received = received.length ? Buffer.concat([received, chunk]) : chunk;
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) done(null, received.subarray(4, 4 + received.readInt32BE(0)));
    });
    socket.on('end', () => done(Object.assign(new Error(`Kafka broker ${host}:${port} closed the connection`), { code: 'ECONNRESET' })));
  });
}

class Writer {
  private readonly parts: Buffer[] = [];

  int8(v: number): this { const b = Buffer.alloc(1); b.writeInt8(v); this.parts.push(b); return this; }
  int16(v: number): this { const b = Buffer.alloc(2); b.writeInt16BE(v); this.parts.push(b); return this; }
  int32(v: number): this { const b = Buffer.alloc(4); b.writeInt32BE(v); this.parts.push(b); return this; }

  uvarint(v: number): this {
    const bytes: number[] = [];
    while (v > 0x7f) { bytes.push((v & 0x7f) | 0x80); v >>>= 7; }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  /** STRING: INT16 length, then UTF-8. */
  string(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).raw(b);
  }

  /** COMPACT_STRING: UNSIGNED_VARINT length + 1, then UTF-8. */
  compactString(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.uvarint(b.length + 1).raw(b);
  }

  private raw(b: Buffer): this { this.parts.push(b); return this; }

  toBuffer(): Buffer { return Buffer.concat(this.parts); }
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  int16(): number { const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  int32(): number { const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }

  /** Offsets here are checkpoint ids: far below 2^53. */
  int64AsNumber(): number { const v = Number(this.buf.readBigInt64BE(this.pos)); this.pos += 8; return v; }

  uvarint(): number {
    let v = 0, shift = 0, b: number;
    do { b = this.buf[this.pos++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return v;
  }

  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  compactString(): string | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  skipTaggedFields(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint(); // tag
      this.pos += this.uvarint(); // size, then the field
    }
  }
}

// Splits the client's byte stream into frontend messages. The first packet has no type byte
// (startup, SSLRequest, GSSENCRequest or CancelRequest); every later one is type + int32 length.

import { SqlError, SqlState } from '../errors.js';
import {
  CANCEL_REQUEST_CODE, FrontendCode, FrontendMessage, GSSENC_REQUEST_CODE, SSL_REQUEST_CODE, StartupPacket,
} from './messages.js';

/** Default for the largest Query/Parse/Bind/CopyData message; bigger ones are refused before they are buffered. */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** PostgreSQL's limit for the startup packet after its length word (MAX_STARTUP_PACKET_LENGTH). */
export const MAX_STARTUP_BYTES = 10_000;
/** PostgreSQL's PQ_SMALL_MESSAGE_LIMIT: messages that carry no data (Sync, Execute, Describe…). */
const SMALL_MESSAGE_BYTES = 10_000;
/** PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH for password and SASL messages. */
const AUTH_MESSAGE_BYTES = 65_535;

export class ProtocolError extends SqlError {
  constructor(message: string) { super(SqlState.ProtocolViolation, message); }
}

/** The length limit for one message type, as PostgreSQL's SocketBackend chooses it. */
function lengthLimit(code: number, maxMessageBytes: number): number {
  switch (code) {
    case FrontendCode.Query: case FrontendCode.Parse: case FrontendCode.Bind:
    case FrontendCode.CopyData: case FrontendCode.FunctionCall:
      return maxMessageBytes;
    case FrontendCode.Password: return AUTH_MESSAGE_BYTES;
    default: return SMALL_MESSAGE_BYTES;
  }
}

export class MessageParser {
  /** Received bytes not yet parsed, kept as chunks so a large message is concatenated once. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the next message needs in total (known once its header arrived), 0 when unknown. */
  private needed = 0;
  private startupDone = false;
  private readonly cursor = new Cursor();

  constructor(private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** Bytes held for a message that has not fully arrived. */
  get pendingBytes(): number { return this.buffered; }

  /** Feed bytes; appends the complete messages now available to `out`. Throws ProtocolError on garbage. */
  push(chunk: Buffer, out: (FrontendMessage | StartupPacket)[] = []): (FrontendMessage | StartupPacket)[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return out;
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    let off = 0;
    this.needed = 0;
    for (;;) {
      if (!this.startupDone) {
        if (buf.length - off < 4) break;
        const len = buf.readInt32BE(off);
        if (len < 8 || len - 4 > MAX_STARTUP_BYTES) throw new ProtocolError(`invalid length of startup packet`);
        if (buf.length - off < len) { this.needed = len; break; }
        const pkt = parseStartup(buf.subarray(off + 4, off + len));
        off += len;
        if (pkt.kind === 'startup' || pkt.kind === 'cancel') this.startupDone = true;
        out.push(pkt);
        if (pkt.kind === 'cancel') break;
        continue;
      }
      if (buf.length - off < 5) break;
      const code = buf[off];
      const len = buf.readInt32BE(off + 1);
      if (len < 4) throw new ProtocolError(`invalid message length`);
      const limit = lengthLimit(code, this.maxMessageBytes);
      if (len > limit) throw new ProtocolError(`invalid message length: message of ${len} bytes exceeds the limit of ${limit}`);
      if (buf.length - off < len + 1) { this.needed = len + 1; break; }
      this.cursor.reset(buf, off + 5, off + 1 + len);
      off += len + 1;
      out.push(parseMessage(code, this.cursor));
    }
    // Copy the unparsed tail so it does not pin the (possibly large) buffer it came from.
    this.chunks.length = 0;
    this.buffered = 0;
    if (off !== buf.length) {
      const rest = Buffer.from(buf.subarray(off));
      this.chunks.push(rest);
      this.buffered = rest.length;
    }
    return out;
  }

  /** Expect another startup packet (after answering SSLRequest/GSSENCRequest with 'N'). */
  get awaitingStartup(): boolean { return !this.startupDone; }
}

function parseStartup(body: Buffer): StartupPacket {
  const code = body.readInt32BE(0);
  if (code === SSL_REQUEST_CODE) return { kind: 'ssl' };
  if (code === GSSENC_REQUEST_CODE) return { kind: 'gssenc' };
  if (code === CANCEL_REQUEST_CODE) {
    if (body.length < 12) throw new ProtocolError('invalid cancel request');
    return { kind: 'cancel', pid: body.readInt32BE(4), secret: body.readInt32BE(8) };
  }
  const params = new Map<string, string>();
  let i = 4;
  while (i < body.length) {
    const end = body.indexOf(0, i);
    if (end < 0) throw new ProtocolError('invalid startup packet layout: expected terminator as last byte');
    if (end === i) break;
    const key = body.toString('utf8', i, end);
    const vend = body.indexOf(0, end + 1);
    if (vend < 0) throw new ProtocolError('invalid startup packet layout: expected terminator as last byte');
    params.set(key, body.toString('utf8', end + 1, vend));
    i = vend + 1;
  }
  return { kind: 'startup', version: code, params };
}

/** Bounds-checked cursor over one message body, reused for every message of a connection. */
class Cursor {
  private buf: Buffer = Buffer.alloc(0);
  pos = 0;
  private end = 0;
  private start = 0;
  reset(buf: Buffer, start: number, end: number): void { this.buf = buf; this.start = this.pos = start; this.end = end; }
  need(n: number): void { if (this.pos + n > this.end) throw new ProtocolError('insufficient data left in message'); }
  int16(): number { this.need(2); const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  int32(): number { this.need(4); const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  byte(): number { this.need(1); return this.buf[this.pos++]; }
  /** The next `n` bytes, as a view (the message's bytes are not reused while it is queued). */
  bytes(n: number): Buffer { this.need(n); const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  /** The whole body, copied (it outlives the message: password, COPY data). */
  body(): Buffer { return Buffer.from(this.buf.subarray(this.start, this.end)); }
  cstring(): string {
    if (this.pos < this.end && this.buf[this.pos] === 0) { this.pos++; return ''; }
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0 || end >= this.end) throw new ProtocolError('invalid string in message');
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }
  count(): number {
    const n = this.int16();
    if (n < 0) throw new ProtocolError('invalid count in message');
    return n;
  }
}

function parseMessage(code: number, c: Cursor): FrontendMessage {
  switch (code) {
    case FrontendCode.Query: return { kind: 'query', sql: c.cstring() };
    case FrontendCode.Parse: {
      const name = c.cstring();
      const sql = c.cstring();
      const n = c.count();
      const paramOids: number[] = [];
      for (let i = 0; i < n; i++) paramOids.push(c.int32() >>> 0);
      return { kind: 'parse', name, sql, paramOids };
    }
    case FrontendCode.Bind: {
      const portal = c.cstring();
      const statement = c.cstring();
      const nf = c.count();
      const paramFormats: number[] = [];
      for (let i = 0; i < nf; i++) paramFormats.push(c.int16());
      const np = c.count();
      const params: (Buffer | null)[] = [];
      for (let i = 0; i < np; i++) {
        const len = c.int32();
        if (len < -1) throw new ProtocolError('invalid parameter length');
        params.push(len === -1 ? null : c.bytes(len));
      }
      const nr = c.count();
      const resultFormats: number[] = [];
      for (let i = 0; i < nr; i++) resultFormats.push(c.int16());
      return { kind: 'bind', portal, statement, paramFormats, params, resultFormats };
    }
    case FrontendCode.Describe: {
      const t = String.fromCharCode(c.byte());
      if (t !== 'S' && t !== 'P') throw new ProtocolError(`invalid DESCRIBE message subtype ${t.charCodeAt(0)}`);
      return { kind: 'describe', target: t, name: c.cstring() };
    }
    case FrontendCode.Execute: return { kind: 'execute', portal: c.cstring(), maxRows: c.int32() };
    case FrontendCode.Close: {
      const t = String.fromCharCode(c.byte());
      if (t !== 'S' && t !== 'P') throw new ProtocolError(`invalid CLOSE message subtype ${t.charCodeAt(0)}`);
      return { kind: 'close', target: t, name: c.cstring() };
    }
    case FrontendCode.Sync: return { kind: 'sync' };
    case FrontendCode.Flush: return { kind: 'flush' };
    case FrontendCode.Terminate: return { kind: 'terminate' };
    case FrontendCode.Password: return { kind: 'password', data: c.body() };
    case FrontendCode.CopyData: return { kind: 'copyData', data: c.body() };
    case FrontendCode.CopyDone: return { kind: 'copyDone' };
    case FrontendCode.CopyFail: return { kind: 'copyFail', message: c.cstring() };
    case FrontendCode.FunctionCall: return { kind: 'functionCall' };
    default:
      throw new ProtocolError(`invalid frontend message type ${code}`);
  }
}


// Outgoing backend messages for one connection. Messages are written straight into a slab buffer
// (no Buffer per message) and leave in one socket write per flush: a Bind/Execute/Sync exchange
// or a whole simple query is one write. `drain()` waits while the socket's write buffer is above
// a high-water mark, which is how a query producing rows faster than the client reads them (or a
// client pipelining queries without reading) is paused instead of having its whole output
// buffered in server memory.
//
// A flush hands the socket a view of the bytes written since the last flush and never writes
// those bytes again; later messages go after them, or into a fresh slab once this one is full.

import type { Socket } from 'node:net';

/** Default bytes the socket may hold unsent before producers wait for 'drain'. */
export const DEFAULT_WRITE_HIGH_WATER_MARK = 256 * 1024;
/** Unflushed bytes that trigger a write even before the caller flushes. */
const BATCH_BYTES = 64 * 1024;
const SLAB_BYTES = 64 * 1024;
/** A slab with less room than this left after a flush is replaced rather than appended to. */
const MIN_SLAB_ROOM = 1024;

export class Outbox {
  private buf = Buffer.allocUnsafe(SLAB_BYTES);
  /** Bytes before `start` were handed to the socket. */
  private start = 0;
  /** End of the bytes written. */
  private pos = 0;
  /** Offset of the length word of the message being written. */
  private lengthAt = -1;
  private closed = false;

  constructor(private readonly socket: Socket, private readonly highWaterMark = DEFAULT_WRITE_HIGH_WATER_MARK) {}

  /** Queue a complete, already encoded message (or several). Dropped after close(). */
  send(msg: Uint8Array): void {
    if (this.closed) return;
    this.ensure(msg.length);
    this.buf.set(msg, this.pos);
    this.pos += msg.length;
    if (this.pos - this.start >= BATCH_BYTES) this.flush();
  }

  // ---- a message written in place: begin(code), fields, end() ----

  begin(code: number): void {
    this.ensure(5);
    this.buf[this.pos] = code;
    this.lengthAt = this.pos + 1;
    this.pos += 5;
  }

  /** Finish the message begun last: its length word is filled in. */
  end(): void {
    this.buf.writeInt32BE(this.pos - this.lengthAt, this.lengthAt);
    this.lengthAt = -1;
    if (this.closed) { this.pos = this.start; return; }
    if (this.pos - this.start >= BATCH_BYTES) this.flush();
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(s: string): void {
    this.ensure(maxUtf8Bytes(s) + 1);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.buf[this.pos++] = 0;
  }

  /** An int32 byte length, then the UTF-8 bytes of `s` (a DataRow column value). */
  lengthPrefixed(s: string): void {
    const n = s.length;
    this.ensure(4 + maxUtf8Bytes(s));
    const buf = this.buf;
    let p = this.pos + 4;
    // Short ASCII values (numbers, most keys) are copied by hand: cheaper than an encoder call.
    let i = 0;
    if (n <= 32) for (; i < n; i++) { const c = s.charCodeAt(i); if (c >= 0x80) break; buf[p++] = c; }
    if (i < n) p = this.pos + 4 + buf.write(s, this.pos + 4, 'utf8');
    buf.writeInt32BE(p - this.pos - 4, this.pos);
    this.pos = p;
  }

  /** Hand everything written so far to the socket, in one write. */
  flush(): void {
    if (this.pos === this.start || this.lengthAt >= 0) return;
    const chunk = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    // The flushed bytes stay where they are (the socket may still hold them): start a new slab
    // when this one is nearly full.
    if (this.buf.length - this.pos < MIN_SLAB_ROOM) {
      this.buf = Buffer.allocUnsafe(SLAB_BYTES);
      this.start = this.pos = 0;
    }
    if (!this.closed) this.socket.write(chunk);
  }

  /** True when the client is not keeping up: the caller should `await drain()` before producing more. */
  get congested(): boolean { return !this.closed && this.socket.writableLength > this.highWaterMark; }

  /** Flush, then wait until the socket's buffer is below the high-water mark (or the socket closed). */
  async drain(): Promise<void> {
    this.flush();
    while (this.congested && !this.socket.destroyed) {
      await new Promise<void>((resolve) => {
        const done = (): void => { this.socket.off('drain', done); this.socket.off('close', done); resolve(); };
        this.socket.on('drain', done);
        this.socket.on('close', done);
      });
    }
  }

  /** Stop writing: later messages are dropped. */
  close(): void {
    this.closed = true;
    this.start = this.pos = 0;
    this.lengthAt = -1;
  }

  /** Room for `n` more bytes: unflushed bytes move to a new slab when this one is too small. */
  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.newSlab(n);
  }

  private newSlab(room: number): void {
    const used = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, used + room));
    this.buf.copy(next, 0, this.start, this.pos);
    if (this.lengthAt >= 0) this.lengthAt -= this.start;
    this.buf = next;
    this.start = 0;
    this.pos = used;
  }
}

/** Room enough for `s` in UTF-8: three bytes per UTF-16 unit, counted exactly for long strings. */
function maxUtf8Bytes(s: string): number {
  return s.length <= 4096 ? s.length * 3 : Buffer.byteLength(s, 'utf8');
}

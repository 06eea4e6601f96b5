// A raw PostgreSQL-protocol client over a plain socket, for sending messages no well-behaved
// driver would: it writes exactly the bytes it is given and splits what comes back into backend
// messages (type byte + int32 length), recording whether the server closed the connection.

import { connect, type Socket } from 'node:net';
import { serialize } from 'pg-protocol';

export interface BackendMessage { readonly type: string; readonly body: Buffer }

export class RawConn {
  readonly messages: BackendMessage[] = [];
  closed = false;
  /** Set when the server sent bytes that do not frame as backend messages. */
  malformed = '';
  private pending: Buffer = Buffer.alloc(0);
  /** Set after sending an SSLRequest: the answer is one unframed byte ('N' or 'S'). */
  sslReplyPending = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => this.onData(d));
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => { /* ECONNRESET and friends: 'close' follows */ });
  }

  static open(port: number, timeoutMs = 5000): Promise<RawConn> {
    return new Promise((res, rej) => {
      const s = connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => { s.destroy(); rej(new Error('connect timeout')); }, timeoutMs);
      s.once('connect', () => { clearTimeout(timer); res(new RawConn(s)); });
      s.once('error', (e) => { clearTimeout(timer); rej(e); });
    });
  }

  /** Open and authenticate (trust), returning once ReadyForQuery arrived. */
  static async ready(port: number, user = 'weir'): Promise<RawConn> {
    const c = await RawConn.open(port);
    c.write(serialize.startup({ user, database: 'weir' }));
    if (!(await c.waitFor((m) => m.type === 'Z', 5000))) { c.destroy(); throw new Error('no ReadyForQuery after startup'); }
    c.messages.length = 0;
    return c;
  }

  private onData(d: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, d]) : d;
    let off = 0;
    if (this.sslReplyPending && this.pending.length) {
      this.sslReplyPending = false;
      this.messages.push({ type: `ssl:${String.fromCharCode(this.pending[0])}`, body: Buffer.alloc(0) });
      off = 1;
    }
    while (this.pending.length - off >= 5) {
      const type = String.fromCharCode(this.pending[off]);
      const len = this.pending.readInt32BE(off + 1);
      if (len < 4 || len > 1 << 30) { this.malformed = `bad backend length ${len} for type ${type}`; off = this.pending.length; break; }
      if (this.pending.length - off < len + 1) break;
      this.messages.push({ type, body: Buffer.from(this.pending.subarray(off + 5, off + 1 + len)) });
      off += len + 1;
    }
    this.pending = Buffer.from(this.pending.subarray(off));
    this.wake();
  }

  private wake(): void { for (const w of this.waiters.splice(0)) w(); }

  write(b: Buffer): boolean { return this.closed ? false : this.socket.write(b); }

  /** Resolve true once a message matching `pred` has arrived, false on close or timeout. */
  async waitFor(pred: (m: BackendMessage) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.messages.some(pred)) return true;
      if (this.closed) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  /** Resolve true once the server has closed the connection, false on timeout. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    await this.waitFor(() => false, timeoutMs);
    return this.closed;
  }

  errors(): { severity: string; code: string; message: string }[] {
    return this.messages.filter((m) => m.type === 'E').map((m) => errorFields(m.body));
  }

  end(): void { this.socket.end(); }
  destroy(): void { this.socket.destroy(); }
}

/** The fields of an ErrorResponse / NoticeResponse body. */
export function errorFields(body: Buffer): { severity: string; code: string; message: string } {
  const f: Record<string, string> = {};
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const end = body.indexOf(0, i + 1);
    if (end < 0) break;
    f[String.fromCharCode(body[i])] = body.toString('utf8', i + 1, end);
    i = end + 1;
  }
  return { severity: f.S ?? '', code: f.C ?? '', message: f.M ?? '' };
}

/** A message with an arbitrary type byte and body (length computed unless given). */
export function message(type: string | number, body: Buffer, lengthOverride?: number): Buffer {
  const b = Buffer.alloc(5 + body.length);
  b[0] = typeof type === 'number' ? type : type.charCodeAt(0);
  b.writeInt32BE(lengthOverride ?? body.length + 4, 1);
  body.copy(b, 5);
  return b;
}

export function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

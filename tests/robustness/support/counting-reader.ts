// A raw protocol client for results too large to keep: it frames backend messages as they
// arrive and keeps only counts per type, the last DataRow and the command tags. Reading can be
// paused (the socket stops being read, so the server's writes back up) and resumed.

import { connect, type Socket } from 'node:net';
import { serialize } from 'pg-protocol';

export class CountingReader {
  readonly counts = new Map<string, number>();
  readonly tags: string[] = [];
  lastDataRow: Buffer | null = null;
  bytes = 0;
  closed = false;
  private pending: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => undefined);
  }

  /** Connect and authenticate (trust); resolves at the first ReadyForQuery. */
  static async ready(port: number, user = 'weir'): Promise<CountingReader> {
    const s = connect({ host: '127.0.0.1', port });
    await new Promise<void>((res, rej) => { s.once('connect', () => res()); s.once('error', rej); });
    const r = new CountingReader(s);
    s.write(serialize.startup({ user, database: 'weir' }));
    if (!(await r.waitForCount('Z', 1, 10_000))) throw new Error('no ReadyForQuery after startup');
    r.counts.clear();
    return r;
  }

  private onData(d: Buffer): void {
    this.bytes += d.length;
    const buf = this.pending.length ? Buffer.concat([this.pending, d]) : d;
    let off = 0;
    while (buf.length - off >= 5) {
      const len = buf.readInt32BE(off + 1);
      if (buf.length - off < len + 1) break;
      const type = String.fromCharCode(buf[off]);
      this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
      if (type === 'D') this.lastDataRow = Buffer.from(buf.subarray(off + 5, off + 1 + len));
      if (type === 'C') this.tags.push(buf.toString('utf8', off + 5, off + len));
      off += len + 1;
    }
    this.pending = off === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(off));
    this.wake();
  }

  private wake(): void { for (const w of this.waiters.splice(0)) w(); }

  count(type: string): number { return this.counts.get(type) ?? 0; }

  /** Resolves true once `n` messages of `type` have arrived; false on close or timeout. */
  async waitForCount(type: string, n: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.count(type) < n) {
      if (this.closed) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((r) => { const t = setTimeout(r, Math.min(left, 1000)); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
    return true;
  }

  write(b: Buffer): void { this.socket.write(b); }
  /** Stop reading: the kernel buffers fill and the server's writes back up. */
  pause(): void { this.socket.pause(); }
  resume(): void { this.socket.resume(); }
  destroy(): void { this.socket.destroy(); }
}

/** The text of the first column of a DataRow. */
export function firstColumn(row: Buffer): string {
  const len = row.readInt32BE(2);
  return row.toString('utf8', 6, 6 + len);
}

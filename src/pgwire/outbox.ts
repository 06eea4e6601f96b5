// Outgoing backend messages for one connection: buffered and written to the socket in batches.
// `drain()` waits while the socket's write buffer is above a high-water mark, which is how a
// query producing rows faster than the client reads them (or a client pipelining queries
// without reading) is paused instead of having its whole output buffered in server memory.

import type { Socket } from 'node:net';

/** Default bytes the socket may hold unsent before producers wait for 'drain'. */
export const DEFAULT_WRITE_HIGH_WATER_MARK = 256 * 1024;
const BATCH_BYTES = 64 * 1024;

export class Outbox {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;

  constructor(private readonly socket: Socket, private readonly highWaterMark = DEFAULT_WRITE_HIGH_WATER_MARK) {}

  /** Queue a message; written once a batch is full or on flush(). Dropped after close(). */
  send(buf: Buffer): void {
    if (this.closed) return;
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pending.length >= 256 || this.pendingBytes >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (!this.pending.length) return;
    const b = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.closed) this.socket.write(b);
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
  close(): void { this.closed = true; this.pending = []; this.pendingBytes = 0; }
}

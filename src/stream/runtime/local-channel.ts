// A channel between two subtasks in the same TaskManager (Flink's LocalInputChannel): the same
// credit-based protocol as a remote channel, but chunks are handed over as objects — no packing,
// no port. Both tasks find the pipe by the channel id the JobMaster put in their descriptors.

import type { Chunk } from '../chunk.js';
import type { InputChannel, OutputChannel, Received, StreamEvent } from './credit-channel.js';

export class LocalPipe {
  readonly queue: Received[] = [];
  head = 0;
  credit: number;
  readonly backlog: Received[] = [];
  /** Wake the consumer (data arrived) and the producer (credit came back). */
  onArrival: () => void = () => undefined;
  onCredit: () => void = () => undefined;
  closed = 0;
  constructor(readonly credits: number) { this.credit = credits; }

  deliver(m: Received): void { this.queue.push(m); this.onArrival(); }

  grant(n: number): void {
    this.credit += n;
    while (this.backlog.length) {
      const m = this.backlog[0];
      if ('chunk' in m) { if (this.credit <= 0) break; this.credit--; }
      this.backlog.shift();
      this.deliver(m);
    }
    this.onCredit();
  }
}

export class LocalSender implements OutputChannel {
  sent = 0;
  constructor(private readonly pipe: LocalPipe, onCredit: () => void, private readonly release: () => void) {
    // Credit is granted from inside the consumer's loop: wake the producer on a later turn.
    pipe.onCredit = () => setImmediate(onCredit);
  }
  get blocked(): boolean { return this.pipe.backlog.length > 0; }
  get backlogSize(): number { return this.pipe.backlog.length; }
  sendChunk(chunk: Chunk): void {
    const p = this.pipe;
    if (!p.backlog.length && p.credit > 0) { p.credit--; this.sent++; p.deliver({ chunk }); }
    else p.backlog.push({ chunk });
  }
  sendEvent(e: StreamEvent): void {
    if (!this.pipe.backlog.length) this.pipe.deliver(e);
    else this.pipe.backlog.push(e);
  }
  close(): void { this.pipe.onCredit = () => undefined; this.release(); }
}

export class LocalReceiver implements InputChannel {
  private consumed = 0;
  maxQueued = 0;
  constructor(private readonly pipe: LocalPipe, readonly input: number, onArrival: () => void, private readonly release: () => void) {
    pipe.onArrival = () => {
      const n = pipe.queue.length - pipe.head;
      if (n > this.maxQueued) this.maxQueued = n;
      onArrival();
    };
  }
  take(): Received | undefined {
    const p = this.pipe;
    if (p.head >= p.queue.length) return undefined;
    const m = p.queue[p.head++];
    if (p.head > 64 && p.head * 2 > p.queue.length) { p.queue.splice(0, p.head); p.head = 0; }
    if ('chunk' in m && ++this.consumed >= Math.max(1, p.credits >> 1)) { const n = this.consumed; this.consumed = 0; p.grant(n); }
    return m;
  }
  close(): void { this.pipe.onArrival = () => undefined; this.release(); }
}

/** The local pipes of one TaskManager, by channel id; whichever end deploys first creates it. */
export class LocalPipes {
  private readonly pipes = new Map<string, LocalPipe>();
  private pipe(id: string, credits: number): LocalPipe {
    let p = this.pipes.get(id);
    if (!p) { p = new LocalPipe(credits); this.pipes.set(id, p); }
    return p;
  }
  private releaser(id: string, p: LocalPipe): () => void {
    return () => { if (++p.closed === 2) this.pipes.delete(id); };
  }
  sender(id: string, credits: number, onCredit: () => void): LocalSender {
    const p = this.pipe(id, credits);
    return new LocalSender(p, onCredit, this.releaser(id, p));
  }
  receiver(id: string, credits: number, input: number, onArrival: () => void): LocalReceiver {
    const p = this.pipe(id, credits);
    return new LocalReceiver(p, input, onArrival, this.releaser(id, p));
  }
  get size(): number { return this.pipes.size; }
}

// One channel between a producer subtask and a consumer subtask, over a MessagePort, with
// Flink's credit-based flow control: the consumer announces how many buffers it can hold, the
// producer sends a data buffer only against a credit and keeps the rest in its backlog, and the
// consumer returns credit as it processes buffers. A slow consumer therefore stops its producer
// (whose task sees `blocked` and stops reading its own inputs), and the memory in flight on a
// channel is at most `credits` buffers whatever the input rate. Events (barriers, watermarks) need
// no credit but queue behind the backlog, so they never overtake data.

import type { MessagePort } from 'node:worker_threads';
import type { Chunk } from '../chunk.js';
import type { Barrier, Watermark } from '../operators/operator.js';
import { type PackedChunk, packChunk, unpackChunk } from './chunk-codec.js';
import type { ChannelMessage } from './messages.js';

/** The producer's end of a channel (remote over a port, or local within one TaskManager). */
export interface OutputChannel {
  /** Data is waiting for credit: the producing task must stop. */
  readonly blocked: boolean;
  readonly backlogSize: number;
  readonly sent: number;
  sendChunk(chunk: Chunk): void;
  /** A barrier or a watermark: in order with the data, without credit. */
  sendEvent(e: StreamEvent): void;
  close(): void;
}

/**
 * What travels between data buffers: barriers, watermarks, and a producer's idleness (Flink's
 * WatermarkStatus: an idle producer holds no watermark back until it sends data again).
 */
export type StreamEvent = { readonly b: Barrier } | { readonly w: Watermark } | { readonly idle: boolean };

export type Received = { readonly chunk: Chunk } | StreamEvent;

/** The consumer's end of a channel. */
export interface InputChannel {
  /** Which input of the consuming operator this channel feeds. */
  readonly input: number;
  readonly maxQueued: number;
  take(): Received | undefined;
  close(): void;
}

export class CreditSender implements OutputChannel {
  private credit = 0;
  private readonly backlog: ChannelMessage[] = [];
  /** Buffers sent over the channel's lifetime (for metrics and tests). */
  sent = 0;

  constructor(private readonly port: MessagePort, private readonly onCredit: () => void) {
    port.on('message', (m: ChannelMessage) => {
      if ('credit' in m) { this.credit += m.credit; this.drain(); this.onCredit(); }
    });
  }

  /** The backlog holds buffers the consumer has no room for: stop producing. */
  get blocked(): boolean { return this.backlog.length > 0; }
  get backlogSize(): number { return this.backlog.length; }

  sendChunk(chunk: Chunk): void { this.sendData(packChunk(chunk)); }

  private sendData(d: PackedChunk): void {
    if (!this.backlog.length && this.credit > 0) { this.credit--; this.sent++; this.port.postMessage({ d }); }
    else this.backlog.push({ d });
  }

  sendEvent(e: StreamEvent): void {
    if (!this.backlog.length) this.port.postMessage(e);
    else this.backlog.push(e);
  }

  private drain(): void {
    while (this.backlog.length) {
      const m = this.backlog[0];
      if ('d' in m) {
        if (this.credit <= 0) return;
        this.credit--;
        this.sent++;
      }
      this.backlog.shift();
      this.port.postMessage(m);
    }
  }

  close(): void { this.port.removeAllListeners('message'); this.port.close(); }
}

type Wire = { readonly d: PackedChunk } | StreamEvent;

export class CreditReceiver implements InputChannel {
  private readonly queue: Wire[] = [];
  private head = 0;
  private consumed = 0;
  /** Most buffers ever queued at once (tests check it stays within the credit). */
  maxQueued = 0;

  constructor(private readonly port: MessagePort, readonly input: number, private readonly credits: number, private readonly onArrival: () => void) {
    port.on('message', (m: ChannelMessage) => {
      if ('credit' in m) return;
      this.queue.push(m);
      const n = this.queue.length - this.head;
      if (n > this.maxQueued) this.maxQueued = n;
      this.onArrival();
    });
    port.postMessage({ credit: credits });
  }

  get available(): boolean { return this.head < this.queue.length; }

  /** Take the next buffer or event; consumed data buffers are credited back in small batches. */
  take(): Received | undefined {
    if (this.head >= this.queue.length) return undefined;
    const m = this.queue[this.head++];
    if (this.head > 64 && this.head * 2 > this.queue.length) { this.queue.splice(0, this.head); this.head = 0; }
    if ('d' in m) {
      // Return credit once half the window is free, so the producer is never starved and one
      // announcement covers several buffers.
      if (++this.consumed >= Math.max(1, this.credits >> 1)) { this.port.postMessage({ credit: this.consumed }); this.consumed = 0; }
      return { chunk: unpackChunk(m.d) };
    }
    return m;
  }

  close(): void { this.port.removeAllListeners('message'); this.port.close(); }
}

// Incoming frontend messages for one connection: bytes from the socket are parsed into a queue
// that the connection's loop pulls from strictly in order. A client that sends commands faster
// than they run (pipelining without reading the answers) has its socket paused once the queue
// holds too many messages or bytes, so its input waits in the kernel, not in server memory.

import type { Socket } from 'node:net';
import type { FrontendMessage, StartupPacket } from './messages.js';
import { MessageParser } from './parser.js';

const MAX_QUEUED_MESSAGES = 1000;
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

export type InboundMessage = FrontendMessage | StartupPacket;

export class Inbox {
  private readonly parser: MessageParser;
  private queue: InboundMessage[] = [];
  /** Bytes received since the queue was last empty. */
  private queuedBytes = 0;
  /** A next() call waiting for input: handed the next message (or null at the end) directly. */
  private waiter: ((m: InboundMessage | null) => void) | null = null;
  private ended = false;

  constructor(private readonly socket: Socket, maxMessageBytes?: number) {
    this.parser = new MessageParser(maxMessageBytes);
  }

  /** Parse received bytes into the queue. Throws a ProtocolError on malformed input. */
  push(chunk: Buffer): void {
    if (this.ended) return;
    this.parser.push(chunk, this.queue);
    this.queuedBytes += chunk.length;
    if (this.queue.length > MAX_QUEUED_MESSAGES || (this.queue.length && this.queuedBytes > MAX_QUEUED_BYTES)) this.socket.pause();
    if (this.waiter && this.queue.length) this.wake(this.shift()!);
  }

  /** No more input will be processed: queued messages are dropped and a waiting next() gets null. */
  end(): void {
    this.ended = true;
    this.queue = [];
    if (this.waiter) this.wake(null);
  }

  private wake(m: InboundMessage | null): void {
    const w = this.waiter!;
    this.waiter = null;
    w(m);
  }

  /** Messages received and not yet taken. */
  get length(): number { return this.queue.length; }

  /** True while next() is waiting for the client to send something. */
  get waiting(): boolean { return this.waiter !== null; }

  /** The next message if one is queued (no waiting); undefined otherwise. */
  shift(): InboundMessage | undefined {
    if (this.ended || !this.queue.length) return undefined;
    const m = this.queue.shift()!;
    if (!this.queue.length) this.queuedBytes = 0;
    if (this.socket.isPaused() && this.queue.length < MAX_QUEUED_MESSAGES / 10 && (!this.queue.length || this.queuedBytes <= MAX_QUEUED_BYTES)) this.socket.resume();
    return m;
  }

  /** The next message, waiting for it if need be; null once the input has ended. */
  next(): Promise<InboundMessage | null> {
    if (this.ended) return Promise.resolve(null);
    const m = this.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => { this.waiter = resolve; });
  }
}

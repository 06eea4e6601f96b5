// Credit-based flow control and barrier alignment, with tasks wired by hand over MessageChannels
// in this thread (the same classes a TaskManager runs in its worker).

import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { type Chunk, Op } from '../chunk.js';
import type { Barrier, Output, StreamOperator } from '../operators/operator.js';
import { CreditReceiver, CreditSender, type InputChannel, type OutputChannel } from './credit-channel.js';
import { LocalPipes } from './local-channel.js';
import { OperatorChain } from './operator-chain.js';
import { RecordWriterOutput, ResultPartitionWriter } from './record-writer.js';
import { StreamTask, type TaskSource } from './stream-task.js';

const tasks: StreamTask[] = [];
afterEach(() => { for (const t of tasks.splice(0)) t.cancel(); });

const NO_HOOKS = { acknowledge: () => undefined, fail: (e: unknown) => { throw e; } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A source with no rate limit: every step emits another full chunk. */
class FastSource implements TaskSource {
  produced = 0;
  step(task: StreamTask): boolean {
    const rows = Array.from({ length: 256 }, (_, i) => [this.produced + i, 'payload']);
    this.produced += rows.length;
    task.emitFromSource({ ops: rows.map(() => Op.Insert), rows });
    return true;
  }
}

/** A sink that burns CPU on every chunk, far slower than the source. */
class SlowSink implements StreamOperator {
  consumed = 0;
  processChunk(chunk: Chunk): void {
    const until = performance.now() + 3;
    while (performance.now() < until) { /* busy */ }
    this.consumed += chunk.rows.length;
  }
  processBarrier(): void { /* nothing */ }
}

/** A channel's two ends, across threads (MessagePort) or inside one TaskManager (local pipe). */
function channel(kind: 'remote' | 'local', credits: number, wakeProducer: () => void, wakeConsumer: () => void): { out: OutputChannel; in: InputChannel } {
  if (kind === 'local') {
    const pipes = new LocalPipes();
    return { out: pipes.sender('c', credits, wakeProducer), in: pipes.receiver('c', credits, 0, wakeConsumer) };
  }
  const ch = new MessageChannel();
  return { out: new CreditSender(ch.port1, wakeProducer), in: new CreditReceiver(ch.port2, 0, credits, wakeConsumer) };
}

describe.each(['remote', 'local'] as const)('credit-based flow control over a %s channel', (kind) => {
  it('keeps a fast producer within the slow consumer\'s credit (bounded in-flight buffers)', async () => {
    const credits = 4;
    let producer!: StreamTask, consumer!: StreamTask;
    const { out: sender, in: receiver } = channel(kind, credits, () => producer.schedule(), () => consumer.schedule());
    const source = new FastSource();
    const sink = new SlowSink();
    const drop: Output = { emit: () => undefined };
    const writer = new RecordWriterOutput([new ResultPartitionWriter({ kind: 'forward' }, [sender], 128)]);
    producer = new StreamTask('fast source', new OperatorChain([], writer), writer, [], source, NO_HOOKS);
    consumer = new StreamTask('slow sink', new OperatorChain([sink], drop), new RecordWriterOutput([]), [receiver], null, NO_HOOKS);
    tasks.push(producer, consumer);
    producer.schedule();
    let maxBacklog = 0, maxLead = 0;
    for (let i = 0; i < 40; i++) {
      await sleep(10);
      maxBacklog = Math.max(maxBacklog, sender.backlogSize);
      maxLead = Math.max(maxLead, source.produced - sink.consumed);
    }
    expect(sink.consumed).toBeGreaterThan(0);
    // The receiver never holds more buffers than it granted credit for …
    expect(receiver.maxQueued).toBeLessThanOrEqual(credits);
    // … the producer stops after one buffer beyond its credit …
    expect(maxBacklog).toBeLessThanOrEqual(1);
    // … so the source is at most credit + backlog + the buffer in processing ahead of the sink.
    expect(maxLead).toBeLessThanOrEqual((credits + 2) * 256);
    expect(sender.sent).toBeLessThanOrEqual(sink.consumed / 256 + credits + 1);
    // The producer spent most of the time waiting for credit: that is its back-pressure ratio.
    expect(producer.takeBackPressuredRatio()).toBeGreaterThan(0.5);
    expect(consumer.takeBackPressuredRatio()).toBe(0);
  });
});

/** Records what reached it, in order. */
class Recorder implements StreamOperator {
  readonly log: string[] = [];
  processChunk(chunk: Chunk, input: number): void { for (const r of chunk.rows) this.log.push(`${input}:${String(r[0])}`); }
  processBarrier(b: Barrier): void { this.log.push(`barrier ${b.epoch}`); }
}

describe('barrier alignment', () => {
  it('holds back a channel after its barrier until every channel delivered it', async () => {
    const a = new MessageChannel(), b = new MessageChannel();
    let task!: StreamTask;
    const wake = () => task?.schedule();
    const inA = new CreditReceiver(a.port2, 0, 8, wake), inB = new CreditReceiver(b.port2, 1, 8, wake);
    const outA = new CreditSender(a.port1, () => undefined), outB = new CreditSender(b.port1, () => undefined);
    const rec = new Recorder();
    const acks: number[] = [];
    task = new StreamTask('join', new OperatorChain([rec], { emit: () => undefined }), new RecordWriterOutput([]), [inA, inB], null, {
      acknowledge: (barrier) => acks.push(barrier.epoch), fail: (e) => { throw e; },
    });
    tasks.push(task);
    await sleep(5); // credits arrive
    const row = (v: string): Chunk => ({ ops: [Op.Insert], rows: [[v]] });
    outA.sendChunk(row('a1'));
    outA.sendEvent({ b: { epoch: 1 } });
    outA.sendChunk(row('a2')); // after the barrier: must wait for channel B's barrier
    outB.sendChunk(row('b1'));
    await sleep(20);
    expect(rec.log).toContain('0:a1');
    expect(rec.log).toContain('1:b1');
    expect(rec.log).not.toContain('0:a2');
    expect(acks).toEqual([]);
    outB.sendEvent({ b: { epoch: 1 } });
    await sleep(20);
    expect(acks).toEqual([1]);
    const at = (s: string) => rec.log.indexOf(s);
    expect(at('barrier 1')).toBeGreaterThan(at('0:a1'));
    expect(at('barrier 1')).toBeGreaterThan(at('1:b1'));
    expect(at('0:a2')).toBeGreaterThan(at('barrier 1'));
  });
});

// One running subtask (Flink's StreamTask): a mailbox-style loop on the worker's event loop that
// reads its input (an input gate over credit-based channels, or a source), drives the operator
// chain, and writes to its result partitions. It stops reading while any output channel lacks
// credit — that is the back-pressure — and yields to the event loop every few milliseconds so
// credit announcements, barriers and cancellations of other tasks get through.
//
// Barriers are aligned (exactly-once): after a channel delivers barrier n it is blocked until every
// channel has delivered n; then the chain processes the barrier, the barrier goes downstream, and
// the task acknowledges it. A checkpoint barrier also snapshots the task there (task-checkpoint.ts).
// In AT_LEAST_ONCE mode channels are not blocked: data behind a barrier is processed as it comes,
// and the barrier completes when every channel has delivered it (Flink's barrier tracker).
//
// Watermarks: an input's watermark on a column is the minimum over its channels, once every one of
// them has reported that column (Flink's StatusWatermarkValve); the chain sees it when it advances.
// A channel whose producer said it is idle (a source without data for its idle timeout) does not
// count until it sends data again; a task all of whose channels are idle is idle itself.

import { SqlError, SqlState } from '../../errors.js';
import type { Chunk } from '../chunk.js';
import type { Barrier, Watermark } from '../operators/operator.js';
import type { PackedChunk } from './chunk-codec.js';
import type { InputChannel } from './credit-channel.js';
import type { OperatorChain } from './operator-chain.js';
import type { RecordWriterOutput } from './record-writer.js';
import type { TaskCheckpointer } from './task-checkpoint.js';

/** Where a source task's records come from; polled by the task loop only when it may emit. */
export interface TaskSource {
  /** Emit at most one batch (or barrier) through `task`; false when nothing is ready now. */
  step(task: StreamTask): boolean;
  close?(): void;
}

export interface StreamTaskHooks {
  /** The barrier passed this task; a view's or table sink's chain hands over the epoch's output. */
  acknowledge(barrier: Barrier, output: PackedChunk[] | undefined): void;
  fail(error: unknown): void;
  /** The chain has processed a barrier and let go of what it touched: state may spill now. */
  afterBarrier?(): void;
}

/** A time slice: long enough to amortize scheduling, short enough to keep other tasks live. */
const SLICE_MS = 8;

export class StreamTask {
  private running = true;
  private scheduled = false;
  /** Not started yet: state is still being restored. */
  private held = false;
  private rr = 0;
  private aligned: boolean[];
  private alignedCount = 0;
  private alignedEpoch = -1;
  /** When the first barrier of the epoch being aligned arrived. */
  private alignStart = 0;
  /** AT_LEAST_ONCE: barriers seen per epoch, channels never blocked. */
  private readonly tracked = new Map<number, number>();
  /** The last watermark each channel carried, per column. */
  private readonly channelWatermarks: Map<number, number>[];
  /** The watermark last passed to the chain, per input and column (`input:column`). */
  private readonly inputWatermarks = new Map<string, number>();
  /** Channels whose producer is idle, and whether this task told its consumers it is. */
  private readonly idleChannels: boolean[];
  private idle = false;
  /** Barriers the JobMaster asked a source task to inject (not used by table sources, whose barriers come in their feed). */
  private readonly pendingBarriers: Barrier[] = [];
  chunksIn = 0;
  rowsIn = 0;
  /** Back-pressure accounting: time the task could not go on because an output lacked credit. */
  private blockedSince: number | null = null;
  private blockedMs = 0;
  private windowStart = performance.now();

  constructor(
    readonly name: string,
    private readonly chain: OperatorChain,
    private readonly writer: RecordWriterOutput,
    private readonly inputs: readonly InputChannel[],
    private readonly source: TaskSource | null,
    private readonly hooks: StreamTaskHooks,
    private readonly checkpointer: TaskCheckpointer | null = null,
    private readonly align = true,
  ) {
    this.aligned = inputs.map(() => false);
    this.channelWatermarks = inputs.map(() => new Map());
    this.idleChannels = inputs.map(() => false);
  }

  /** Hold the loop until `ready` (recovery restoring state); a rejection fails the task. */
  holdUntil(ready: Promise<unknown>): void {
    this.held = true;
    ready.then(() => { this.held = false; this.schedule(); }, (e: unknown) => {
      if (!this.running) return;
      this.cancel();
      this.hooks.fail(e);
    });
  }

  /** Run the loop soon (data arrived, credit came back, a barrier was requested). */
  schedule(): void {
    if (this.scheduled || !this.running || this.held) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  get isRunning(): boolean { return this.running; }

  /** A source task: queue a barrier to inject between two batches. */
  triggerBarrier(b: Barrier): void {
    this.pendingBarriers.push(b);
    this.schedule();
  }

  /** Called by sources: a batch of the head's output. */
  emitFromSource(chunk: Chunk): void {
    this.rowsIn += chunk.rows.length;
    this.chain.processChunk(chunk, 0);
  }

  /** Called by a bounded source that has delivered everything. */
  endOfInput(): void { this.chain.endInput(); }

  /** Called by a source: it has had no data for its idle timeout (true), or has data again (false). */
  setIdle(idle: boolean): void {
    if (idle === this.idle) return;
    // Partials held for the epoch (a local aggregation's) go out first: once idle, consumers no
    // longer wait for this task, and would close their windows without them.
    if (idle) this.chain.flushBeforeIdle();
    this.idle = idle;
    this.writer.emitIdle(idle);
  }

  /** Called by sources (or for an injected trigger): the barrier passes the whole chain. */
  completeBarrier(b: Barrier, alignmentMs = 0): void {
    this.chain.processBarrier(b);
    this.writer.broadcastBarrier(b);
    if (b.checkpointId !== undefined) this.checkpointer?.snapshot(b.checkpointId, alignmentMs);
    this.hooks.afterBarrier?.();
    const output = this.chain.collector?.takeEpoch();
    // An external sink acknowledges once the epoch is committed to its system; acknowledgements
    // stay in epoch order because the sink's commits are chained.
    const commit = this.chain.externalSink?.takeCommit();
    if (!commit) { this.hooks.acknowledge(b, output); return; }
    commit.then(() => { if (this.running) this.hooks.acknowledge(b, output); }, (e: unknown) => {
      if (!this.running) return;
      this.cancel();
      this.hooks.fail(e);
    });
  }

  private run(): void {
    this.scheduled = false;
    if (!this.running) return;
    const deadline = performance.now() + SLICE_MS;
    try {
      while (this.running) {
        // Back-pressure: nothing more is read while a downstream channel has no room.
        if (this.writer.blocked) { this.blockedSince ??= performance.now(); return; }
        if (this.blockedSince !== null) { this.blockedMs += performance.now() - this.blockedSince; this.blockedSince = null; }
        const progressed = this.source ? this.sourceStep() : this.inputStep();
        if (!progressed) return;
        if (performance.now() > deadline) { this.schedule(); return; }
      }
    } catch (e) {
      this.cancel();
      this.hooks.fail(e);
    }
  }

  private sourceStep(): boolean {
    const b = this.pendingBarriers.shift();
    if (b) { this.completeBarrier(b); return true; }
    return this.source!.step(this);
  }

  /** Take one buffer from the next channel that has one and is not blocked by alignment. */
  private inputStep(): boolean {
    const n = this.inputs.length;
    for (let k = 0; k < n; k++) {
      const i = (this.rr + k) % n;
      if (this.aligned[i]) continue;
      const ch = this.inputs[i];
      const m = ch.take();
      if (!m) continue;
      this.rr = (i + 1) % n;
      if ('chunk' in m) {
        const chunk = m.chunk;
        this.chunksIn++;
        this.rowsIn += chunk.rows.length;
        this.chain.processChunk(chunk, ch.input);
      } else if ('w' in m) this.watermarkArrived(i, m.w);
      else if ('idle' in m) this.idlenessArrived(i, m.idle);
      else this.barrierArrived(i, m.b);
      return true;
    }
    return false;
  }

  private watermarkArrived(channel: number, w: Watermark): void {
    this.channelWatermarks[channel].set(w.column, w.value);
    this.advanceWatermark(this.inputs[channel].input, w.column);
  }

  private idlenessArrived(channel: number, idle: boolean): void {
    const input = this.inputs[channel].input;
    const inputWasIdle = this.inputIdle(input);
    this.idleChannels[channel] = idle;
    // A whole input idle (or back): operators combining inputs go by the others meanwhile.
    if (this.inputIdle(input) !== inputWasIdle) this.chain.processInputIdle(input, !inputWasIdle);
    // Without it, the other channels' watermarks may move on (every column they reported).
    if (idle) {
      const columns = new Set<number>();
      this.inputs.forEach((ch, i) => { if (ch.input === input) for (const c of this.channelWatermarks[i].keys()) columns.add(c); });
      for (const column of columns) this.advanceWatermark(input, column);
    }
    this.setIdle(this.idleChannels.every((x) => x));
  }

  private inputIdle(input: number): boolean {
    for (let i = 0; i < this.inputs.length; i++) if (this.inputs[i].input === input && !this.idleChannels[i]) return false;
    return true;
  }

  /** Pass the input's watermark on `column` to the chain if the minimum over its active channels rose. */
  private advanceWatermark(input: number, column: number): void {
    let min = Infinity;
    let active = 0;
    for (let i = 0; i < this.inputs.length; i++) {
      if (this.inputs[i].input !== input || this.idleChannels[i]) continue;
      const v = this.channelWatermarks[i].get(column);
      if (v === undefined) return; // a channel that has not reported yet holds the input back
      if (v < min) min = v;
      active++;
    }
    if (!active) return; // every channel idle: nothing to go by
    const key = `${input}:${column}`;
    const last = this.inputWatermarks.get(key);
    if (last !== undefined && min <= last) return; // never backwards (an idle channel came back behind)
    this.inputWatermarks.set(key, min);
    this.chain.processWatermark({ column, value: min }, input);
  }

  private barrierArrived(channel: number, b: Barrier): void {
    if (!this.align) {
      const seen = (this.tracked.get(b.epoch) ?? 0) + 1;
      if (seen === 1) this.alignStart = performance.now();
      if (seen < this.inputs.length) { this.tracked.set(b.epoch, seen); return; }
      this.tracked.delete(b.epoch);
      this.completeBarrier(b, performance.now() - this.alignStart);
      return;
    }
    if (this.alignedCount === 0) { this.alignedEpoch = b.epoch; this.alignStart = performance.now(); }
    else if (b.epoch !== this.alignedEpoch) throw new SqlError(SqlState.InternalError, `${this.name}: barrier ${b.epoch} arrived while aligning barrier ${this.alignedEpoch}`);
    this.aligned[channel] = true;
    if (++this.alignedCount < this.inputs.length) return;
    this.aligned = this.inputs.map(() => false);
    this.alignedCount = 0;
    this.completeBarrier(b, performance.now() - this.alignStart);
  }

  /** The JobMaster reports checkpoint N complete (sinks commit) or aborted. */
  notifyCheckpoint(checkpointId: number, complete: boolean): void {
    if (!this.running) return;
    if (complete) {
      this.checkpointer?.confirm(checkpointId);
      this.chain.externalSink?.notifyCheckpointComplete(checkpointId);
    } else this.chain.externalSink?.notifyCheckpointAborted(checkpointId);
  }

  /**
   * The fraction of wall time since the last call that the task was back-pressured (an output had
   * no credit), as Flink's backPressuredTimeMsPerSecond / 1000; starts a new window.
   */
  takeBackPressuredRatio(): number {
    const now = performance.now();
    let blocked = this.blockedMs;
    if (this.blockedSince !== null) { blocked += now - this.blockedSince; this.blockedSince = now; }
    const ratio = now > this.windowStart ? Math.min(1, blocked / (now - this.windowStart)) : 0;
    this.blockedMs = 0;
    this.windowStart = now;
    return ratio;
  }

  /** After cancel(): resolves when nothing of the task runs any more (a sink commit or a state write in flight finished). */
  async terminated(): Promise<void> {
    await Promise.all([this.chain.externalSink?.idle(), this.checkpointer?.idle()]);
  }

  /** Stop at once: no more input is read, channels and operators are released. */
  cancel(): void {
    if (!this.running) return;
    this.running = false;
    for (const ch of this.inputs) ch.close();
    this.writer.close();
    this.source?.close?.();
    this.chain.close();
  }
}

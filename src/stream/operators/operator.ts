// The contract every streaming operator implements. An operator is fed chunks from one or more
// inputs and barriers; it emits chunks downstream through `Output`. On a barrier it must have
// emitted every change for the data before it (so FLUSH and checkpoints see a consistent cut)
// and its state lives in state tables, so a checkpoint can snapshot it and recovery reload it.

import type { Chunk } from '../chunk.js';
import type { Datum } from '../../types/value.js';

export interface Barrier {
  /** Monotonic epoch; every source injects the same epoch into all its outputs. */
  readonly epoch: number;
  /** Set when this barrier is a checkpoint (Chandy–Lamport cut) rather than a plain flush. */
  readonly checkpointId?: number;
}

/**
 * Event time has reached `value` on output column `column`: no later row will carry a smaller
 * value there (rows that would are late and dropped where the watermark is generated). Values are
 * the column's numeric representation (µs for timestamps, days for dates); +Infinity when a
 * bounded input has ended. As RisingWave's column watermarks, a stream may carry several.
 */
export interface Watermark {
  readonly column: number;
  readonly value: number;
}

export interface Output {
  emit(chunk: Chunk): void;
  /** Forward a watermark downstream (outputs that end the dataflow may ignore it). */
  emitWatermark?(w: Watermark): void;
}

/**
 * Rescaling: does this subtask own the key (the values a hash exchange routes by, in order)? Null
 * when the task restores at the parallelism the checkpoint was taken with (it owns everything).
 */
export type KeyOwnership = ((key: readonly Datum[]) => boolean) | null;

export interface StreamOperator {
  /** Process a chunk that arrived on input `input` (0 for single-input operators). */
  processChunk(chunk: Chunk, input: number, out: Output): void;
  /** All inputs delivered the barrier: emit anything pending for this epoch. */
  processBarrier(barrier: Barrier, out: Output): void;
  /**
   * Recovery: the operator's state tables were just loaded from a checkpoint (values decoded as
   * plain data); rebuild what the tables cannot hold themselves (class instances, links between
   * tables) and forget anything pending from construction. When rescaling, the tables hold the
   * state of every old subtask: drop the entries whose key `owns` says belong elsewhere.
   */
  restoreState?(owns: KeyOwnership): void;
  /**
   * The watermark of input `input` advanced (for several channels: their minimum). An operator
   * without this method ends the watermark there (joins, Top-N: their output has no event-time
   * order to promise).
   */
  processWatermark?(w: Watermark, input: number, out: Output): void;
  /**
   * Every channel of input `input` is idle (or one is active again): an operator combining the
   * watermarks of several inputs (UNION, a windowed join) goes by the others meanwhile.
   */
  processInputIdle?(input: number, idle: boolean, out: Output): void;
  /** The task is about to tell its consumers it is idle: emit what is held back (partials). */
  flushBeforeIdle?(out: Output): void;
  /** A bounded source ended: the head of its chain may emit what end-of-input implies. */
  endInput?(out: Output): void;
  close?(): void;
}

// The contract every streaming operator implements. An operator is fed chunks from one or more
// inputs and barriers; it emits chunks downstream through `Output`. On a barrier it must have
// emitted every change for the data before it (so FLUSH and checkpoints see a consistent cut)
// and its state lives in state tables, so a checkpoint can snapshot it and recovery reload it.

import type { Chunk } from '../chunk.js';

export interface Barrier {
  /** Monotonic epoch; every source injects the same epoch into all its outputs. */
  readonly epoch: number;
  /** Set when this barrier is a checkpoint (Chandy–Lamport cut) rather than a plain flush. */
  readonly checkpointId?: number;
}

export interface Output {
  emit(chunk: Chunk): void;
}

export interface StreamOperator {
  /** Process a chunk that arrived on input `input` (0 for single-input operators). */
  processChunk(chunk: Chunk, input: number, out: Output): void;
  /** All inputs delivered the barrier: emit anything pending for this epoch. */
  processBarrier(barrier: Barrier, out: Output): void;
  /**
   * Recovery: the operator's state tables were just loaded from a checkpoint (values decoded as
   * plain data); rebuild what the tables cannot hold themselves (class instances, links between
   * tables) and forget anything pending from construction.
   */
  restoreState?(): void;
  close?(): void;
}

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

export interface Output {
  emit(chunk: Chunk): void;
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
  close?(): void;
}

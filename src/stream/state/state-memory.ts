// Bounded state memory for a TaskManager (Flink's managed memory, by other means). Operators keep
// state as live objects in memory-state tables; when the TaskManager's heap passes its budget,
// each task, at its next barrier, spills part of its tables' least recently used entries to the
// TaskManager's spill store (spill-store.ts), and reads them back on demand. At a barrier every
// operator has emitted and let go of the values it touched, so no operator still holds an
// entry that leaves memory.
//
// The heap shrinks only once the garbage collector has run, so after spilling a task waits until
// the heap went down (or a while passed) before it spills again; otherwise it would spill far more
// than needed.
//
// The budget is for state. A checkpoint's encoded delta sits in the same heap until its writes
// are done (a few seconds; at most what changes in a checkpoint interval, docs/fault-tolerance.md):
// it is not state, and spilling state for it would only buy back memory that is about to be
// freed anyway — a 90 MB delta of Nexmark q4 over a 512 MB budget spilled and re-read a third of
// the join at every checkpoint. Tasks report such bytes (`transient`), and they are not counted.

import { getHeapStatistics } from 'node:v8';
import type { MemoryStateBackend } from './memory-state.js';
import type { SpillPort, SpillStore } from './spill-store.js';

/** Default budget per TaskManager (`--state-memory`, WEIR_STATE_MEMORY). */
export const DEFAULT_STATE_MEMORY_BYTES = 512 * 1024 ** 2;

/** After spilling, a task waits at least this long for the heap to shrink before spilling again. */
const COOL_DOWN_MS = 1000;

/** How many bytes a task holds now that are not state (its checkpoint deltas being written). */
export type TransientBytes = () => number;

export class StateMemory {
  private readonly transients = new Set<TransientBytes>();

  constructor(readonly budgetBytes: number, private readonly store: SpillStore) {}

  /** A spill port for a new state table. */
  port(): SpillPort { return this.store.port(); }

  /** Entries spilled so far by this TaskManager. */
  get spilledEntries(): number { return this.store.written; }

  /** The state of one task: its backends, spilled under pressure at the task's barriers. */
  forTask(backends: readonly MemoryStateBackend[], transient?: TransientBytes): TaskStateMemory {
    if (transient) this.transients.add(transient);
    return new TaskStateMemory(this, backends, () => { if (transient) this.transients.delete(transient); });
  }

  heapUsed(): number { return getHeapStatistics().used_heap_size; }

  /** The heap the budget is compared with: all of it but what tasks hold only until a checkpoint write ends. */
  stateHeapUsed(): number {
    let transient = 0;
    for (const t of this.transients) transient += t();
    return Math.max(0, this.heapUsed() - transient);
  }
}

export class TaskStateMemory {
  private spilledAt = 0;
  private heapAtSpill = 0;

  constructor(private readonly memory: StateMemory, private readonly backends: readonly MemoryStateBackend[], private readonly unregister: () => void = () => undefined) {}

  /**
   * At a barrier, after the chain has processed it: spill if the heap is over budget. `pinned`
   * (a full snapshot is due, which iterates every table) keeps everything in memory.
   */
  relieve(pinned: boolean, now = Date.now()): number {
    if (pinned || !this.backends.length) return 0;
    const used = this.memory.stateHeapUsed();
    const budget = this.memory.budgetBytes;
    if (used <= budget) return 0;
    if (this.spilledAt && now - this.spilledAt < COOL_DOWN_MS && used >= this.heapAtSpill * 0.9) return 0;
    // Spill in proportion to the excess, between a tenth and a half of what is in memory.
    const fraction = Math.min(0.5, Math.max(0.1, (used - budget) / used));
    let n = 0;
    for (const b of this.backends) for (const t of b.all()) n += t.evict(fraction);
    this.spilledAt = now;
    this.heapAtSpill = used;
    return n;
  }

  /** Is the TaskManager's heap over its state budget (spilling is due at the next barrier)? */
  overBudget(): boolean { return this.memory.stateHeapUsed() > this.memory.budgetBytes; }

  /** The task ended: drop what it spilled. */
  release(): void {
    this.unregister();
    for (const b of this.backends) for (const t of b.all()) t.releaseSpill();
  }
}

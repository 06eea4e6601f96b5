// Bounded state memory for a TaskManager (Flink's managed memory, by other means). Operators keep
// state as live objects in memory-state tables; when the TaskManager's heap passes its budget,
// each task, at its next barrier, spills part of its tables' least recently used entries to the
// TaskManager's spill store (spill-store.ts), and reads them back on demand. At a barrier every
// operator has emitted and let go of the values it touched, so no operator still holds an
// entry that leaves memory.
//
// What counts is live state, and the used heap says little about it between full collections: a
// checkpointing job leaves tens of megabytes of released deltas behind every interval, and spilling
// for garbage costs reads later (Nexmark q4 through Kafka spent a third of its extra time at a 10 s
// interval spilling, re-reading and keeping its tables in LRU order, with its live state under the
// budget). So the budget is compared with the used heap right after the latest full collection
// (live-heap.ts) — or with the used heap itself before the first one, or once it passes twice the
// budget (a collection may be far off while state grows). The heap shrinks only once the collector
// has run, so after spilling a task waits for the next full collection before it spills again
// (without readings: until the heap went down or a second passed); otherwise it would spill far
// more than needed.
//
// The budget is for state. A checkpoint's encoded delta sits in the same heap until its writes
// are done (a few seconds; at most what changes in a checkpoint interval, docs/fault-tolerance.md):
// it is not state, and spilling state for it would only buy back memory that is about to be
// freed anyway — a 90 MB delta of Nexmark q4 over a 512 MB budget spilled and re-read a third of
// the join at every checkpoint. Tasks report such bytes (`transient`), and they are not counted.

import { onFullCollection, threadMemoryUsed, type LiveHeapReading } from './live-heap.js';
import type { MemoryStateBackend } from './memory-state.js';
import type { SpillPort, SpillStore } from './spill-store.js';

/** Default budget per TaskManager (`--state-memory`, WEIR_STATE_MEMORY). */
export const DEFAULT_STATE_MEMORY_BYTES = 512 * 1024 ** 2;

/** Without a fresh collection reading, after spilling a task waits this long for the heap to shrink before spilling again. */
const COOL_DOWN_MS = 1000;

/** Past this many times the budget, the used heap decides, however recent the latest reading. */
const HEAP_CEILING = 2;

/** Estimated state bytes, from the reading of `generation` (0: the used heap now). */
export interface StateEstimate { readonly bytes: number; readonly generation: number }

/** How many bytes a task holds now that are not state (its checkpoint deltas being written). */
export type TransientBytes = () => number;

export class StateMemory {
  private readonly transients = new Set<TransientBytes>();
  /** State bytes the latest full collection left (its used heap less the tasks' held deltas then). */
  private live: StateEstimate | null = null;

  /**
   * `watchHeap`: follow this thread's full collections for as long as the thread runs (one
   * StateMemory per TaskManager); tests feed readings to fullCollection instead.
   */
  constructor(readonly budgetBytes: number, private readonly store: SpillStore, watchHeap = true) {
    if (watchHeap) onFullCollection((r) => this.fullCollection(r));
  }

  /** A full collection just ended, leaving `reading.bytes` of heap. */
  fullCollection(reading: LiveHeapReading): void {
    this.live = { bytes: Math.max(0, reading.bytes - this.transientBytes()), generation: reading.generation };
  }

  /** A spill port for a new state table. */
  port(): SpillPort { return this.store.port(); }

  /** Entries spilled so far by this TaskManager. */
  get spilledEntries(): number { return this.store.written; }

  /** The state of one task: its backends, spilled under pressure at the task's barriers. */
  forTask(backends: readonly MemoryStateBackend[], transient?: TransientBytes): TaskStateMemory {
    if (transient) this.transients.add(transient);
    return new TaskStateMemory(this, backends, () => { if (transient) this.transients.delete(transient); });
  }

  /** The JS heap in use and the external memory (packed state) of this thread. */
  heapUsed(): number { return threadMemoryUsed(); }

  private transientBytes(): number {
    let transient = 0;
    for (const t of this.transients) transient += t();
    return transient;
  }

  /** The used heap but what tasks hold only until a checkpoint write ends (garbage included). */
  private stateHeapUsed(): number { return Math.max(0, this.heapUsed() - this.transientBytes()); }

  /** The state bytes the budget is compared with (see the header). */
  stateEstimate(): StateEstimate {
    const used = this.stateHeapUsed();
    if (!this.live || used > this.budgetBytes * HEAP_CEILING) return { bytes: used, generation: 0 };
    return this.live;
  }
}

export class TaskStateMemory {
  private spilled = false;
  private spilledAt = 0;
  private heapAtSpill = 0;
  private generationAtSpill = 0;

  constructor(private readonly memory: StateMemory, private readonly backends: readonly MemoryStateBackend[], private readonly unregister: () => void = () => undefined) {}

  /**
   * At a barrier, after the chain has processed it: spill if the heap is over budget. `pinned`
   * (a full snapshot is due, which iterates every table) keeps everything in memory.
   */
  relieve(pinned: boolean, now = Date.now()): number {
    if (pinned || !this.backends.length) return 0;
    const { bytes: used, generation } = this.memory.stateEstimate();
    const budget = this.memory.budgetBytes;
    if (used <= budget) return 0;
    if (this.spilled) {
      // What the last spill freed shows only after a collection.
      if (generation > 0 && generation === this.generationAtSpill) return 0;
      if (generation === 0 && now - this.spilledAt < COOL_DOWN_MS && used >= this.heapAtSpill * 0.9) return 0;
    }
    // Spill in proportion to the excess, between a tenth and a half of what is in memory.
    const fraction = Math.min(0.5, Math.max(0.1, (used - budget) / used));
    let n = 0;
    for (const b of this.backends) for (const t of b.all()) n += t.evict(fraction);
    this.spilled = true;
    this.spilledAt = now;
    this.heapAtSpill = used;
    this.generationAtSpill = generation;
    return n;
  }

  /** Is the TaskManager's heap over its state budget (spilling is due at the next barrier)? */
  overBudget(): boolean { return this.memory.stateEstimate().bytes > this.memory.budgetBytes; }

  /** The task ended: drop what it spilled. */
  release(): void {
    this.unregister();
    for (const b of this.backends) for (const t of b.all()) t.releaseSpill();
  }
}

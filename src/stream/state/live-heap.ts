// How much of this thread's heap is live. `used_heap_size` counts garbage too, and between two
// full collections a busy heap holds a lot of it: checkpoint deltas released after their writes,
// decoded records promoted before they died. Right after a full (mark-compact) collection the used
// heap is what is live, so this watches V8's major collections (perf_hooks' 'gc' entries, per
// isolate, so per TaskManager thread) and keeps the used heap each one left behind.
//
// "Heap" here is the JS heap plus the isolate's external memory: state packed into byte arrays
// (a join key's rows, join-rows.ts) lives in ArrayBuffer backing stores outside the JS heap, and
// a collection frees those of dead arrays too — less what the byte arenas' pages hold free.

import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { arenaSlackBytes } from './byte-arena.js';

export interface LiveHeapReading {
  /** threadMemoryUsed() just after the collection. */
  readonly bytes: number;
  /** Counts full collections seen on this thread: a new reading has a higher one. */
  readonly generation: number;
}

/** This thread's JS heap in use plus its external memory (ArrayBuffer backing stores), less the
 * free room in its byte arenas' pages. */
export function threadMemoryUsed(): number {
  const s = getHeapStatistics();
  return s.used_heap_size + s.external_memory - arenaSlackBytes();
}

type Listener = (reading: LiveHeapReading) => void;

const listeners = new Set<Listener>();
let observer: PerformanceObserver | null = null;
let generation = 0;

/** Calls `listener` after each full collection of this thread's heap, for as long as the thread runs. */
export function onFullCollection(listener: Listener): void {
  listeners.add(listener);
  if (!observer) {
    observer = new PerformanceObserver((list) => {
      let major = false;
      for (const e of list.getEntries()) if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major = true;
      if (!major) return;
      const reading = { bytes: threadMemoryUsed(), generation: ++generation };
      for (const l of listeners) l(reading);
    });
    observer.observe({ entryTypes: ['gc'] });
  }
}

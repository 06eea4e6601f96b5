// The state memory budget counts state, not a checkpoint's encoded deltas waiting for their writes.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStateBackend } from './memory-state.js';
import { SpillStore } from './spill-store.js';
import { StateMemory } from './state-memory.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-state-memory-'));
let store: SpillStore | null = null;
afterAll(async () => { await store?.close(); rmSync(dir, { recursive: true, force: true }); });

/** A budget of 1000 bytes and a heap whose size the test sets. */
async function setup() {
  store ??= await SpillStore.open(join(dir, 'spill'));
  const memory = new StateMemory(1000, store);
  let heap = 0;
  memory.heapUsed = () => heap;
  const backend = new MemoryStateBackend({ trackChanges: false, spill: () => memory.port() });
  const t = backend.table<number>('t');
  for (let i = 0; i < 100; i++) t.put(`k${i}`, i);
  return { memory, backend, t, setHeap: (n: number) => { heap = n; } };
}

describe('state memory budget', () => {
  it('spills when the heap is over budget, but not for bytes a task holds only until a checkpoint write ends', async () => {
    const { memory, backend, t, setHeap } = await setup();
    let held = 600;
    const task = memory.forTask([backend], () => held);
    setHeap(1500); // 900 of state: under the budget
    expect(task.overBudget()).toBe(false);
    expect(task.relieve(false, 0)).toBe(0);
    expect(t.size).toBe(100);
    held = 0; // the write is done, and the heap has not shrunk: it is state
    expect(task.overBudget()).toBe(true);
    expect(task.relieve(false, 0)).toBeGreaterThan(0);
    expect(t.size).toBeLessThan(100);
  });

  it("forgets a task's held bytes when the task ends", async () => {
    const { memory, backend, setHeap } = await setup();
    const ended = memory.forTask([backend], () => 10_000);
    const other = memory.forTask([new MemoryStateBackend()]);
    setHeap(1500);
    expect(other.overBudget()).toBe(false); // the TaskManager's heap holds the other task's delta
    ended.release();
    expect(other.overBudget()).toBe(true);
  });
});

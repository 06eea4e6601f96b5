// The state memory budget counts live state: not a checkpoint's encoded deltas waiting for their
// writes, nor garbage a full collection would free.

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
  const memory = new StateMemory(1000, store, false);
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

  it('compares the budget with what the latest full collection left, not with garbage', async () => {
    const { memory, backend, t, setHeap } = await setup();
    const task = memory.forTask([backend]);
    setHeap(1500);
    expect(task.overBudget()).toBe(true); // no collection seen yet: the used heap decides
    memory.fullCollection({ bytes: 800, generation: 1 });
    expect(task.overBudget()).toBe(false); // 700 of the 1500 were garbage
    expect(task.relieve(false, 0)).toBe(0);
    expect(t.size).toBe(100);
    setHeap(2100); // past twice the budget the used heap decides again, however recent the reading
    expect(task.overBudget()).toBe(true);
  });

  it('spills again only after a collection shows what the last spill freed', async () => {
    const { memory, backend, t, setHeap } = await setup();
    const task = memory.forTask([backend]);
    setHeap(1500);
    memory.fullCollection({ bytes: 1200, generation: 1 });
    const first = task.relieve(false, 0);
    expect(first).toBeGreaterThan(0);
    expect(task.relieve(false, 5000)).toBe(0); // the same reading: the spill has not shown yet
    expect(t.size).toBe(100 - first);
    memory.fullCollection({ bytes: 1100, generation: 2 }); // still over after it
    expect(task.relieve(false, 5000)).toBeGreaterThan(0);
    memory.fullCollection({ bytes: 900, generation: 3 });
    const size = t.size;
    expect(task.relieve(false, 10_000)).toBe(0);
    expect(t.size).toBe(size);
  });

  it('subtracts the deltas tasks held at the time of the collection', async () => {
    const { memory, backend, setHeap } = await setup();
    let held = 500;
    const task = memory.forTask([backend], () => held);
    setHeap(1200);
    memory.fullCollection({ bytes: 1300, generation: 1 });
    held = 0; // written since: the next collection frees it
    expect(task.overBudget()).toBe(false);
  });
});

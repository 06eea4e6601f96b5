import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointCoordinator, type CheckpointTarget } from './checkpoint-coordinator.js';
import { checkpointConfig, DEFAULT_CHECKPOINT_CONFIG } from './checkpoint-config.js';
import { LevelCheckpointStorage } from './level-checkpoint-storage.js';

let dir: string;
let store: LevelCheckpointStorage;
beforeAll(async () => { dir = mkdtempSync(join(tmpdir(), 'weir-coord-')); store = await LevelCheckpointStorage.open(dir); });
afterAll(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });

/** Two tasks that write a delta and acknowledge each barrier, unless told to stay silent. */
function tasks(jobId: string, silent = new Set<string>()) {
  const events: string[] = [];
  let coordinator: CheckpointCoordinator;
  const target: CheckpointTarget = {
    triggerCheckpoint(id) {
      events.push(`trigger ${id}`);
      for (const t of ['1/0', '2/0']) {
        if (silent.has(t)) continue;
        void store.writeState(jobId, id, [[`${t}/count`, String(id)]]).then((bytes) =>
          coordinator.acknowledge({ task: t, checkpointId: id, handle: { wrote: bytes }, sizeBytes: bytes, alignmentMs: 1 }));
      }
    },
    tasksToAcknowledge: () => ['1/0', '2/0'],
    notifyCheckpointComplete(id) {
      // The metadata is on disk before anyone hears of completion.
      void store.latest(jobId).then((c) => events.push(`complete ${id} (stored ${c?.checkpointId})`));
    },
    notifyCheckpointAborted(id) { events.push(`aborted ${id}`); },
    failJob(reason) { events.push(`fail: ${reason}`); },
  };
  return { events, target, bind(c: CheckpointCoordinator) { coordinator = c; } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CheckpointCoordinator', () => {
  it('completes a checkpoint only after every task acknowledged, writing metadata before notifying', async () => {
    const t = tasks('c1');
    const c = new CheckpointCoordinator('c1', DEFAULT_CHECKPOINT_CONFIG, t.target, store);
    t.bind(c);
    const done = await c.trigger(false);
    expect(done.checkpointId).toBe(1);
    expect(Object.keys(done.tasks).sort()).toEqual(['1/0', '2/0']);
    await sleep(50);
    expect(t.events).toEqual(['trigger 1', 'complete 1 (stored 1)']);
    expect(c.history()[0]).toMatchObject({ id: 1, status: 'COMPLETED', acknowledged: 2, expected: 2 });
    expect(Object.fromEntries(await store.readState('c1', 1, ''))).toEqual({ '1/0/count': '1', '2/0/count': '1' });
    c.stop();
  });

  it('expires a checkpoint a task never acknowledges, discards its partial state, and fails the job past the tolerated count', async () => {
    const t = tasks('c2', new Set(['2/0']));
    const config = checkpointConfig(DEFAULT_CHECKPOINT_CONFIG, { 'checkpoint.timeout': '100ms', 'checkpoint.tolerable_failures': '1' });
    const c = new CheckpointCoordinator('c2', config, t.target, store);
    t.bind(c);
    await expect(c.trigger(false)).rejects.toThrow(/expired/);
    await sleep(30);
    expect(await store.readState('c2', 1, '')).toEqual(new Map()); // the partial delta is gone
    expect(t.events.some((e) => e.startsWith('fail'))).toBe(false); // one failure is tolerated
    await expect(c.trigger(false)).rejects.toThrow(/expired/);
    expect(t.events.filter((e) => e.startsWith('fail'))).toHaveLength(1);
    expect(c.history().map((s) => s.status)).toEqual(['FAILED', 'FAILED']);
    c.stop();
  });

  it('a checkpoint failed while its metadata is being written is discarded after the write, not before', async () => {
    const t = tasks('c5');
    // Metadata writes take a while, so the job stops in the middle of one.
    const slow = Object.create(store) as LevelCheckpointStorage;
    slow.writeCompleted = async (cp) => { await sleep(100); await store.writeCompleted(cp); };
    const c = new CheckpointCoordinator('c5', DEFAULT_CHECKPOINT_CONFIG, t.target, slow);
    t.bind(c);
    const outcome = c.trigger(false).then(() => 'completed', (e: Error) => e.message);
    await sleep(50);
    c.stop();
    expect(await outcome).toMatch(/stopped/);
    await c.idle();
    expect(await store.find('c5', 'chk-1')).toBeNull(); // no metadata naming discarded state
    expect(await store.readState('c5', 1, '')).toEqual(new Map());
    expect(t.events).toEqual(['trigger 1', 'aborted 1']);
  });

  it('triggers periodically within max-concurrent and min-pause, and continues numbering after a restore', async () => {
    const t = tasks('c3');
    const config = checkpointConfig(DEFAULT_CHECKPOINT_CONFIG, { 'execution.checkpointing.interval': '20ms', 'execution.checkpointing.min-pause': '150ms' });
    const c = new CheckpointCoordinator('c3', config, t.target, store, 41);
    t.bind(c);
    c.start();
    await sleep(520);
    c.stop();
    const ids = c.history().filter((s) => s.status === 'COMPLETED').map((s) => s.id);
    expect(ids[0]).toBe(42);
    // 20 ms interval, but at least 150 ms between a completion and the next trigger.
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(ids.length).toBeLessThanOrEqual(4);
    const pending = new CheckpointCoordinator('c3b', DEFAULT_CHECKPOINT_CONFIG, { ...t.target, triggerCheckpoint: () => undefined }, store);
    const first = pending.trigger(false);
    await expect(pending.trigger(false)).rejects.toThrow(/max concurrent 1/);
    pending.stop();
    await expect(first).rejects.toThrow(/stopped/);
  });

  it('reserves ids ahead, so a trigger injects its barriers at once and a restore numbers after every id that may have gone out', async () => {
    const t = tasks('c6');
    const c = new CheckpointCoordinator('c6', DEFAULT_CHECKPOINT_CONFIG, t.target, store);
    t.bind(c);
    await c.reserveIds();
    for (let i = 1; i <= 25; i++) {
      const done = c.trigger(false);
      expect(t.events.at(-1)).toBe(`trigger ${i}`); // synchronous: FLUSH queues the id on the barrier it injects next
      await done;
    }
    c.stop();
    await c.idle();
    await sleep(50);
    // The job dies: a restore of checkpoint 25 numbers after the reserved block, never reusing an id
    // whose barriers (and state versions) may be out there.
    const next = await store.abandonAfter('c6', 25);
    expect(next).toBeGreaterThan(25);
    const restored = new CheckpointCoordinator('c6', DEFAULT_CHECKPOINT_CONFIG, t.target, store, 25);
    t.bind(restored);
    restored.continueAt(next);
    await restored.reserveIds();
    expect((await restored.trigger(false)).checkpointId).toBe(next);
    restored.stop();
    await restored.idle();
    await sleep(50); // the test target's completion notices read the store
  });

  it('never injects an id beyond the reservation, however fast triggers come while a reservation is being written', async () => {
    let stored = 0;
    const injected: { id: number; reserved: number }[] = [];
    const slow = Object.create(store) as LevelCheckpointStorage;
    slow.reserveIds = async (job, upTo) => { await sleep(40); await store.reserveIds(job, upTo); stored = Math.max(stored, upTo); };
    const c = new CheckpointCoordinator('c7', DEFAULT_CHECKPOINT_CONFIG, {
      triggerCheckpoint: (id) => { injected.push({ id, reserved: stored }); },
      tasksToAcknowledge: () => ['1/0'], notifyCheckpointComplete: () => undefined, notifyCheckpointAborted: () => undefined, failJob: () => undefined,
    }, slow);
    await c.reserveIds();
    const all = Array.from({ length: 45 }, () => c.trigger(true).catch(() => undefined)); // savepoints: no max-concurrent limit
    await sleep(400);
    expect(injected.map((i) => i.id)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    for (const i of injected) expect(i.id).toBeLessThanOrEqual(i.reserved);
    c.stop();
    await Promise.all(all);
    await c.idle();
  });

  it('rejects bad option values with 22023', () => {
    expect(() => checkpointConfig(DEFAULT_CHECKPOINT_CONFIG, { 'checkpoint.interval': 'soon' })).toThrow(expect.objectContaining({ code: '22023' }));
    expect(() => checkpointConfig(DEFAULT_CHECKPOINT_CONFIG, { 'checkpoint.mode': 'twice' })).toThrow(/exactly_once/);
    expect(checkpointConfig(DEFAULT_CHECKPOINT_CONFIG, { 'checkpoint.interval': 'off' }).intervalMs).toBeNull();
    expect(checkpointConfig(DEFAULT_CHECKPOINT_CONFIG, { 'execution.checkpointing.interval': '2 min' }).intervalMs).toBe(120_000);
  });
});

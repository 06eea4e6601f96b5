import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Numeric } from '../../types/numeric.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import { decodeStateValue } from '../checkpoint/state-codec.js';
import type { CheckpointAck, CheckpointDecline } from './messages.js';
import { type PreCommitting, SINK_COMMITTABLES_KEY, TaskCheckpointer, checkpointStore, closeCheckpointStores } from './task-checkpoint.js';

const dataDir = mkdtempSync(join(tmpdir(), 'weir-task-cp-'));
afterAll(async () => { await closeCheckpointStores(); rmSync(dataDir, { recursive: true, force: true }); });

function setup(reader: { position(): { offset: number } } | null = null, sink: PreCommitting | null = null) {
  const backend = new MemoryStateBackend({ trackChanges: true });
  const acks: CheckpointAck[] = [];
  const declines: CheckpointDecline[] = [];
  let wake: () => void = () => undefined;
  const backends: MemoryStateBackend[] = [];
  backends[1] = backend; // operator 0 of the chain is stateless: a hole, as the chain builds it
  const cp = new TaskCheckpointer(1, '2/0', { mode: 'EXACTLY_ONCE', dataDir, storageJob: 'job' }, backends, reader as never, sink, {
    acknowledge: (a) => { acks.push(a); wake(); },
    decline: (d) => { declines.push(d); wake(); },
  });
  const settled = (n: number) => new Promise<void>((r) => { wake = () => { if (acks.length + declines.length >= n) r(); }; wake(); });
  return { backend, cp, acks, declines, settled };
}

describe('TaskCheckpointer', () => {
  it('holds its encoded deltas (held bytes) from the snapshot until they are in the latest-state keyspace', async () => {
    const { backend, cp, settled } = setup();
    const t = backend.table<string>('held');
    t.put('a', 'x'.repeat(10_000));
    expect(cp.heldBytes).toBe(0);
    cp.snapshot(30, 0);
    expect(cp.heldBytes).toBeGreaterThan(10_000);
    await settled(1);
    t.put('b', 'y'.repeat(5_000));
    cp.snapshot(31, 0); // 30 not confirmed yet: both deltas are held
    expect(cp.heldBytes).toBeGreaterThan(15_000);
    await settled(2);
    cp.confirm(31); // confirms 30 too; released once the keyspace write is done
    expect(cp.heldBytes).toBeGreaterThan(15_000);
    await cp.idle();
    expect(cp.heldBytes).toBe(0);
  });

  it('keeps the sink\'s uncommitted committables in the task\'s state, counted in the checkpoint\'s size', async () => {
    const committables = [{ checkpointId: 6, records: [['k', 'x'.repeat(5000)]] }, { checkpointId: 7, records: [] }];
    const { cp, acks, settled } = setup(null, { preCommitted: (id) => (id === 7 ? Promise.resolve(committables) : null) });
    cp.snapshot(7, 0);
    await settled(1);
    expect(acks[0].sizeBytes).toBeGreaterThan(5000);
    const state = await (await checkpointStore(dataDir)).readState('job', 7, '2/0/');
    expect(JSON.parse(state.get(`2/0/${SINK_COMMITTABLES_KEY}`)!)).toEqual(committables);
    cp.snapshot(8, 0); // nothing pending any more: the entry is gone as of 8
    await settled(2);
    expect((await (await checkpointStore(dataDir)).readState('job', 8, '2/0/')).has(`2/0/${SINK_COMMITTABLES_KEY}`)).toBe(false);
  });

  it('writes the full state first, then only what changed, readable as of each checkpoint', async () => {
    const { backend, cp, acks, settled } = setup({ position: () => ({ offset: 42 }) });
    const groups = backend.table<{ n: bigint; sum: Numeric }>('groups');
    for (let i = 0; i < 100; i++) groups.put(`g${i}`, { n: BigInt(i), sum: new Numeric(BigInt(i * 100), 2) });
    cp.snapshot(1, 3);
    await settled(1);
    cp.confirm(1);
    groups.put('g5', { n: 500n, sum: new Numeric(1n, 0) });
    groups.delete('g6');
    cp.snapshot(2, 0);
    await settled(2);
    expect(acks.map((a) => a.checkpointId)).toEqual([1, 2]);
    expect(acks[0]).toMatchObject({ task: '2/0', alignmentMs: 3, handle: { state: '2/0/', keys: 100, position: { offset: 42 } } });
    expect(acks[1].handle).toMatchObject({ keys: 2 });
    expect(acks[1].sizeBytes * 10).toBeLessThan(acks[0].sizeBytes);
    const store = await checkpointStore(dataDir);
    const at1 = await store.readState('job', 1, '2/0/');
    const at2 = await store.readState('job', 2, '2/0/');
    expect(at1.size).toBe(100);
    expect(at2.size).toBe(99);
    expect(decodeStateValue(at2.get('2/0/1/groups/g5')!)).toEqual({ n: 500n, sum: new Numeric(1n, 0) });
    expect(decodeStateValue(at1.get('2/0/1/groups/g5')!)).toEqual({ n: 5n, sum: new Numeric(500n, 2) });
  });

  it('writes an unconfirmed delta again with the next checkpoint, so a discarded one leaves no hole', async () => {
    const { backend, cp, acks, settled } = setup();
    const t = backend.table<number>('t');
    t.put('a', 1);
    cp.snapshot(10, 0);
    await settled(1);
    // Checkpoint 10 failed: the coordinator discards its versions; 11 must still hold 'a'.
    const store = await checkpointStore(dataDir);
    await store.discard('job', 10);
    t.put('b', 2);
    cp.snapshot(11, 0);
    await settled(2);
    expect(acks[1].handle).toMatchObject({ keys: 2 });
    expect([...(await store.readState('job', 11, '2/0/1/t/')).keys()].sort()).toEqual(['2/0/1/t/a', '2/0/1/t/b']);
  });

  it('declines a checkpoint whose state cannot be encoded, naming the table', async () => {
    const { backend, cp, acks, declines, settled } = setup();
    backend.table<unknown>('bad').put('k', { f: () => 1 });
    cp.snapshot(3, 0);
    await settled(1);
    expect(acks).toEqual([]);
    expect(declines[0]).toMatchObject({ checkpointId: 3, task: '2/0' });
    expect(declines[0].reason).toMatch(/state table bad of operator 1: .*holds a function/);
  });
});

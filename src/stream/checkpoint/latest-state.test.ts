import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelCheckpointStorage } from './level-checkpoint-storage.js';
import type { LatestTableSource } from './latest-state.js';
import { StateDeltaBuilder } from './state-delta.js';
import { encodeStateValue } from './state-codec.js';
import { MemoryStateBackend, MemoryStateTable } from '../state/memory-state.js';
import { SCOPE_SEP } from '../state/keyed-state.js';

let dir: string;
let store: LevelCheckpointStorage;
beforeAll(async () => { dir = mkdtempSync(join(tmpdir(), 'weir-latest-')); store = await LevelCheckpointStorage.open(dir); });
afterAll(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });

const enc = (v: unknown) => encodeStateValue(v);
const notResident = () => false;
/** Entries as a task's encoded checkpoint delta hands them over. */
const delta = (entries: [string, string | null][]) => {
  const b = new StateDeltaBuilder();
  for (const [k, v] of entries) b.add(k, v);
  return [b.finish()];
};
const sorted = <T>(xs: Iterable<[string, T]>) => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : 1));

describe('LatestStateStore', () => {
  it('applies confirmed deltas with their mark, keeps scoped keys and resident tables apart, and is replaced by a full snapshot', async () => {
    const ls = store.latestState;
    const task = '3/0';
    const resident = (op: number, table: string) => op === 1 && table === 'watermark';
    await ls.apply('j1', task, 4, delta([
      ['3/0/0/groups/a', enc(1)], ['3/0/0/groups/b', enc(2)],
      [`3/0/0/minput/g${SCOPE_SEP}x`, enc(7)], ['3/0/1/watermark/w', enc(100)], ['3/0/sink/committables', '[]'],
    ]), false, resident);
    expect(await ls.mark('j1', task)).toBe(4);
    await ls.apply('j1', task, 5, delta([['3/0/0/groups/a', null], ['3/0/0/groups/c', enc(3)]]), false, resident);
    expect(await ls.mark('j1', task)).toBe(5);
    const groups = ls.table('j1', task, 0, 'groups');
    expect(groups.read('a')).toBeUndefined();
    expect(groups.read('b')).toBe(enc(2));
    expect((await groups.keys()).sort()).toEqual(['b', 'c']);
    // Scoped keys and resident tables are read in full before the task starts, never lazily.
    expect(ls.table('j1', task, 0, 'minput').read(`g${SCOPE_SEP}x`)).toBeUndefined();
    const eager: string[] = [];
    await ls.eachEager('j1', task, (op, table, key, text) => eager.push(`${op} ${table} ${key} ${text}`));
    expect(eager.sort()).toEqual([`0 minput g${SCOPE_SEP}x 7`, '1 watermark w 100']);
    // Another job's keys (a prefix of this one's id) are not this job's.
    expect(await ls.mark('j', task)).toBe(0);
    // A full snapshot replaces the keyspace.
    await ls.apply('j1', task, 9, delta([['3/0/0/groups/z', enc(26)]]), true, resident);
    expect((await groups.keys())).toEqual(['z']);
    eager.length = 0;
    await ls.eachEager('j1', task, (op, table, key) => eager.push(`${op} ${table} ${key}`));
    expect(eager).toEqual([]);
  });

  it('is rebuilt from versioned state after an eager restore, and forgotten with its job', async () => {
    await store.writeState('j2', 1, [['1/0/0/t/a', enc('A')], ['1/0/0/t/b', enc('B')]]);
    await store.writeState('j2', 2, [['1/0/0/t/a', null], ['1/0/0/t/c', enc('C')]]);
    const ls = store.latestState;
    await ls.rebuild('j2', '1/0', 2, (visit, afterBatch) => store.eachState('j2', 2, '1/0/', 0, visit, afterBatch), notResident);
    expect(await ls.mark('j2', '1/0')).toBe(2);
    expect((await ls.table('j2', '1/0', 0, 't').keys()).sort()).toEqual(['b', 'c']);
    await store.dropJob('j2');
    expect(await ls.mark('j2', '1/0')).toBe(0);
    expect(await ls.table('j2', '1/0', 0, 't').keys()).toEqual([]);
  });
});

describe('a lazily restored table', () => {
  async function restored(job: string, values: Record<string, number>, wrap = (s: LatestTableSource) => s): Promise<MemoryStateTable<number>> {
    await store.latestState.apply(job, '2/0', 1, delta(Object.entries(values).map(([k, v]) => [`2/0/0/t/${k}`, enc(v)])), true, notResident);
    const backend = new MemoryStateBackend({ trackChanges: true });
    const t = backend.table<number>('t') as MemoryStateTable<number>;
    backend.restoreLazily((table) => wrap(store.latestState.table(job, '2/0', 0, table)));
    return t;
  }

  it('reads a key on first use and never brings back one that changed or went away since', async () => {
    const t = await restored('j3', { a: 1, b: 2, c: 3, d: 4 });
    expect(t.size).toBe(0); // nothing loaded
    expect(t.get('a')).toBe(1);
    expect(t.get('zz')).toBeUndefined();
    t.put('b', 20); // overwritten without a read: the stored 2 must not come back
    expect(t.delete('b')).toBe(true);
    expect(t.get('b')).toBeUndefined();
    expect(t.delete('c')).toBe(true); // never read: deleted all the same, and recorded
    expect(t.delete('c')).toBe(false);
    expect(t.get('c')).toBeUndefined();
    expect(sorted(t.changes())).toEqual([['b', undefined], ['c', undefined]]);
    // Whole-table iteration needs every key in memory first.
    expect(() => [...t.entries()]).toThrow(/cannot be iterated/);
    await t.unspill();
    expect(sorted(t.entries())).toEqual([['a', 1], ['d', 4]]);
  });

  it('warms up in the background: untouched keys come into memory, touched ones keep their values', async () => {
    const values: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) values[`k${i}`] = i;
    const t = await restored('j4', values);
    t.put('k1', -1);
    expect(t.delete('k2')).toBe(true);
    const warming = t.warmUp();
    t.put('k3', -3); // while the first batch is being read
    await warming;
    expect(t.size).toBe(9_999);
    expect(t.get('k1')).toBe(-1);
    expect(t.get('k2')).toBeUndefined();
    expect(t.get('k3')).toBe(-3);
    expect(t.get('k9999')).toBe(9999);
    expect([...t.entries()].length).toBe(9_999); // the source is gone: the table iterates again
  });

  it('can be brought into memory in full while it warms up (a table source catching up)', async () => {
    const values: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) values[`k${i}`] = i;
    // The warm-up finishes while the catch-up is listing keys.
    let listed!: () => void;
    const warmed = new Promise<void>((resolve) => { listed = resolve; });
    const t = await restored('j5', values, (s) => ({ ...s, keys: async () => { const keys = await s.keys(); await warmed; return keys; } }));
    expect(t.get('k7')).toBe(7);
    const catchUp = t.unspill();
    await t.warmUp();
    listed();
    await catchUp;
    expect(t.size).toBe(10_000);
    expect(sorted(t.entries()).slice(0, 2)).toEqual([['k0', 0], ['k1', 1]]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelCheckpointStorage } from './level-checkpoint-storage.js';
import { ClassicLevel } from 'classic-level';
import { LatestStateStore, type LatestTableSource } from './latest-state.js';
import { versionKey } from './version-keys.js';
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

/** Checkpoint `id` of a task: its delta written to the versioned keyspace, then confirmed into the latest-state keyspace. */
async function confirmed(job: string, task: string, id: number, entries: [string, string | null][], full: boolean, resident: (op: number, table: string) => boolean): Promise<void> {
  await store.writeDeltas(job, id, delta(entries));
  await store.latestState.apply(job, task, id, delta(entries), full, resident);
}

describe('LatestStateStore', () => {
  it('applies confirmed deltas with their mark, keeps scoped keys and resident tables apart, and is replaced by a full snapshot', async () => {
    const ls = store.latestState;
    const task = '3/0';
    const resident = (op: number, table: string) => op === 1 && table === 'watermark';
    await confirmed('j1', task, 4, [
      ['3/0/0/groups/a', enc(1)], ['3/0/0/groups/b', enc(2)],
      [`3/0/0/minput/g${SCOPE_SEP}x`, enc(7)], ['3/0/1/watermark/w', enc(100)], ['3/0/sink/committables', '[]'],
    ], false, resident);
    expect(await ls.mark('j1', task)).toBe(4);
    await confirmed('j1', task, 5, [['3/0/0/groups/a', null], ['3/0/0/groups/c', enc(3)]], false, resident);
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
    await confirmed('j1', task, 9, [['3/0/0/groups/z', enc(26)]], true, resident);
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
    await confirmed(job, '2/0', 1, Object.entries(values).map(([k, v]) => [`2/0/0/t/${k}`, enc(v)]), true, notResident);
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

describe('lazily read keys', () => {
  let raw: ClassicLevel<string, string>;
  let ls: LatestStateStore;
  let rawDir: string;
  beforeAll(async () => {
    rawDir = mkdtempSync(join(tmpdir(), 'weir-latest-raw-'));
    raw = new ClassicLevel<string, string>(rawDir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await raw.open();
    ls = new LatestStateStore(raw, (_job, stored) => stored);
  });
  afterAll(async () => { await raw.close(); rmSync(rawDir, { recursive: true, force: true }); });
  const all = async (source: LatestTableSource) => { const out: [string, string][] = []; for await (const b of source.batches()) for (const [k, v] of b) out.push([k, v]); return sorted(out); };

  it('name the version holding their value instead of copying it; scoped keys keep their value', async () => {
    await raw.batch().put(versionKey('j', '1/0/0/t/a', 3), enc('A')).put(versionKey('j', '1/0/0/t/b', 3), enc('B'))
      .put(versionKey('j', `1/0/0/s/g${SCOPE_SEP}x`, 3), enc('X')).write();
    await ls.apply('j', '1/0', 3, delta([['1/0/0/t/a', enc('A')], ['1/0/0/t/b', enc('B')], [`1/0/0/s/g${SCOPE_SEP}x`, enc('X')]]), false, notResident);
    expect(await raw.get('l/j/1/0/k/0/t/a')).toBe('#3');
    expect(await raw.get(`l/j/1/0/e/0/s/g${SCOPE_SEP}x`)).toBe(enc('X'));
    const t = ls.table('j', '1/0', 0, 't');
    expect(t.read('a')).toBe(enc('A'));
    expect(await all(t)).toEqual([['a', enc('A')], ['b', enc('B')]]);
    // Deltas confirmed together were all written again by the newest checkpoint among them.
    await raw.put(versionKey('j', '1/0/0/t/a', 6), enc('A6'));
    await ls.apply('j', '1/0', 7, delta([['1/0/0/t/a', enc('A6')]]), false, notResident, 6);
    expect(await raw.get('l/j/1/0/k/0/t/a')).toBe('#6');
    expect(t.read('a')).toBe(enc('A6'));
    expect(await ls.mark('j', '1/0')).toBe(7);
  });

  it('refuse to read a version that is gone, and leave it out of a warm-up', async () => {
    await raw.batch().put(versionKey('g', '1/0/0/t/a', 2), enc(1)).put(versionKey('g', '1/0/0/t/b', 2), enc(2)).write();
    await ls.apply('g', '1/0', 2, delta([['1/0/0/t/a', enc(1)], ['1/0/0/t/b', enc(2)]]), false, notResident);
    await raw.del(versionKey('g', '1/0/0/t/a', 2));
    const t = ls.table('g', '1/0', 0, 't');
    expect(() => t.read('a')).toThrow(/1\/0\/0\/t\/a: the version #2 names is missing/);
    expect(await all(t)).toEqual([['b', enc(2)]]);
  });

  it('are rebuilt pointing at the version each key was found at', async () => {
    await store.writeState('r', 1, [['1/0/0/t/a', enc('A')], ['1/0/0/t/b', enc('B')]]);
    await store.writeState('r', 2, [['1/0/0/t/b', enc('B2')]]);
    await store.latestState.rebuild('r', '1/0', 2, (visit, afterBatch) => store.eachState('r', 2, '1/0/', 0, visit, afterBatch), notResident);
    expect(await all(store.latestState.table('r', '1/0', 0, 't'))).toEqual([['a', enc('A')], ['b', enc('B2')]]);
    await ls.rebuild('q', '1/0', 2, async (visit, afterBatch) => { visit('1/0/0/t/a', enc('A'), 1); visit('1/0/0/t/b', enc('B2'), 2); await afterBatch(); }, notResident);
    expect([await raw.get('l/q/1/0/k/0/t/a'), await raw.get('l/q/1/0/k/0/t/b'), await raw.get('lc/q/1/0')]).toEqual(['#1', '#2', '2']);
  });

  it('written with their values, before references, read as they are', async () => {
    await raw.batch().put('lc/old/1/0', '4').put('l/old/1/0/k/0/t/a', enc({ v: 1 })).write();
    const t = ls.table('old', '1/0', 0, 't');
    expect(t.read('a')).toBe(enc({ v: 1 }));
    expect(await all(t)).toEqual([['a', enc({ v: 1 })]]);
  });
});

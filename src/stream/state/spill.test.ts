// State tables that spill: starting from restored (still encoded) entries, under random puts, deletes, scope changes, checkpoints (changes() then
// commit()) and evictions of any size, a spilling table reads exactly what a plain map holds,
// lists exactly the changes a checkpoint must write, and keeps changed entries in memory.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStateBackend, type MemoryStateTable } from './memory-state.js';
import { SpillStore } from './spill-store.js';
import { SCOPE_SEP } from './keyed-state.js';
import { encodeStateValue } from '../checkpoint/state-codec.js';
import { rng } from '../../../tests/support/rng.js';

let dir: string;
let store: SpillStore;
beforeAll(async () => { dir = mkdtempSync(join(tmpdir(), 'weir-spill-')); store = await SpillStore.open(join(dir, 'tm-1')); });
afterAll(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });

interface Value { n: number; big: bigint; tags: string[] }
const settle = () => new Promise((r) => setImmediate(r));

describe('the spill store', () => {
  it('reads the last write of a key, whatever batches are still being written', async () => {
    const port = store.port();
    const model = new Map<string, string>();
    const r = rng(9);
    for (let i = 0; i < 100_000; i++) {
      const k = `k${Math.floor(r() * 50)}`;
      const x = r();
      // Few distinct values: a key goes back to a value an older batch in flight also holds.
      if (x < 0.4) { const v = `v${Math.floor(r() * 3)}`; port.write(k, v); model.set(k, v); } else if (x < 0.5) { port.write(k, null); model.delete(k); } else expect(port.read(k), `op ${i} ${k}`).toBe(model.get(k));
      if (r() < 0.01) await settle();
      if (r() < 0.001) await new Promise((res) => setTimeout(res, 2));
    }
  });
});

describe('the spill store lists a table\'s keys', () => {
  it('as the last writes say, whatever is still being written', async () => {
    const port = store.port();
    port.write('a', '1'); port.write('b', '2');
    expect((await port.keys()).sort()).toEqual(['a', 'b']);
    port.write('a', null); port.write('b', null); port.write('b', '3'); port.write('c', '4');
    expect((await port.keys()).sort()).toEqual(['b', 'c']); // a batch landing during the read must not hide these
    await settle(); await settle();
    expect((await port.keys()).sort()).toEqual(['b', 'c']);
    expect(await store.port().keys()).toEqual([]); // another table's
  });
});

describe('spilling state tables', () => {
  it('read and list changes exactly as a plain map, whatever was spilled', async () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const backend = new MemoryStateBackend({ trackChanges: true, spill: () => store.port() });
      const t = backend.table<Value>('t') as MemoryStateTable<Value>;
      const model = new Map<string, Value>();
      const changedSinceCommit = new Set<string>();
      const key = () => `k${Math.floor(r() * 200)}`;
      const scopeKey = () => `s${Math.floor(r() * 6)}${SCOPE_SEP}e${Math.floor(r() * 10)}`;
      // Start from a restored checkpoint: entries stay encoded until touched, and are no change.
      for (let i = 0; i < 150; i++) {
        const k = r() < 0.7 ? key() : scopeKey();
        const v: Value = { n: -1 - i, big: BigInt(i) * 3_000_000_000n, tags: ['restored'] };
        t.restoreEncoded(k, encodeStateValue(v));
        model.set(k, v);
      }
      expect(t.changedCount).toBe(0);
      for (let step = 0; step < 4000; step++) {
        const p = r();
        const k = p < 0.7 ? key() : scopeKey();
        const [scope, inner] = k.includes(SCOPE_SEP) ? k.split(SCOPE_SEP) : [null, k];
        const table = scope === null ? t : t.scope(scope);
        const x = r();
        if (x < 0.45) {
          const cur = table.get(inner);
          expect(cur, `step ${step} ${k}`).toEqual(model.get(k));
          const next: Value = cur ? { ...cur, n: cur.n + 1, tags: [...cur.tags, String(step)].slice(-3) } : { n: 1, big: BigInt(step) * 10_000_000_000n, tags: [] };
          table.put(inner, next);
          model.set(k, next);
          changedSinceCommit.add(k);
        } else if (x < 0.6) {
          const had = model.delete(k);
          expect(table.delete(inner), `delete ${k}`).toBe(had);
          if (had) changedSinceCommit.add(k);
        } else if (x < 0.63 && scope !== null) {
          t.dropScope(scope);
          for (const m of [...model.keys()]) if (m.startsWith(scope + SCOPE_SEP)) { model.delete(m); changedSinceCommit.add(m); }
        } else {
          expect(table.get(inner), `get ${k}`).toEqual(model.get(k));
        }
        if (step % 97 === 0) {
          // A checkpoint: exactly the changed keys, with their current values (absent: deleted).
          const listed = new Map([...t.changes()]);
          for (const c of changedSinceCommit) {
            expect(listed.has(c), `change of ${c} listed`).toBe(true);
            expect(listed.get(c)).toEqual(model.get(c));
          }
          for (const [c, v] of listed) if (!changedSinceCommit.has(c)) expect(v).toEqual(model.get(c)); // dropped scopes list keys again
          t.commit();
          changedSinceCommit.clear();
        }
        if (step % 53 === 0) {
          t.evict(r());
          for (let s = 0; s < 6; s++) if (r() < 0.5) t.spillScope(`s${s}`);
        }
        if (step % 211 === 0) await settle(); // some reads from LevelDB, some from writes in flight
      }
      for (const [k, v] of model) {
        const [scope, inner] = k.includes(SCOPE_SEP) ? k.split(SCOPE_SEP) : [null, k];
        expect((scope === null ? t : t.scope(scope)).get(inner)).toEqual(v);
      }
      expect(store.written).toBeGreaterThan(0);
    }
  });

  it('keeps entries changed since the last checkpoint in memory; without tracking everything may go', () => {
    const tracked = new MemoryStateBackend({ trackChanges: true, spill: () => store.port() }).table<number>('a') as MemoryStateTable<number>;
    for (let i = 0; i < 100; i++) tracked.put(`k${i}`, i);
    expect(tracked.evict(1)).toBe(0);
    tracked.commit();
    tracked.put('k7', 70);
    expect(tracked.evict(1)).toBe(99);
    expect(tracked.size).toBe(1);
    expect([...tracked.changes()]).toEqual([['k7', 70]]);
    expect(tracked.get('k42')).toBe(42);
    expect(() => [...tracked.iterate('')]).toThrow(/spilled/);

    const untracked = new MemoryStateBackend({ spill: () => store.port() }).table<number>('b') as MemoryStateTable<number>;
    for (let i = 0; i < 100; i++) untracked.put(`k${i}`, i);
    expect(untracked.evict(0.25)).toBe(25);
    untracked.get('k50'); // touched: the least recently used go first
    expect(untracked.evict(1)).toBe(75);
    expect(untracked.get('k0')).toBe(0);
    expect(untracked.delete('k1')).toBe(true);
    expect(untracked.get('k1')).toBeUndefined();
    expect(untracked.delete('k1')).toBe(false);
  });

  it('revives spilled values through the table\'s revive hook and spills owned scopes with their owner', () => {
    class Live { constructor(readonly n: number) {} twice() { return this.n * 2; } }
    const backend = new MemoryStateBackend({ spill: () => store.port() });
    const parts = backend.table<number>('parts');
    const owners = backend.table<Live>('owners', {
      revive: (_k, saved) => new Live((saved as { n: number }).n),
      onSpill: (k) => parts.spillScope(k),
    }) as MemoryStateTable<Live>;
    owners.put('a', new Live(21));
    parts.scope('a').put('x', 1);
    owners.evict(1);
    expect((parts as MemoryStateTable<number>).evict(1)).toBe(0); // scopes only leave with their owner
    expect(owners.get('a')?.twice()).toBe(42);
    expect(parts.scope('a').get('x')).toBe(1);
  });
});

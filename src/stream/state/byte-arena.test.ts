// The arena packed join rows live in: blocks are reused once given back, so keys that come and go
// do not grow it, and a key that grows moves to larger blocks and leaves its old ones free.

import { describe, expect, it } from 'vitest';
import { ByteArena, MAX_BLOCK, arenaSlackBytes, blockSize } from './byte-arena.js';
import { MemoryStateTable } from './memory-state.js';
import type { SpillPort } from './spill-store.js';
import { JoinRows } from '../operators/join-rows.js';

describe('ByteArena', () => {
  it('hands out power-of-two blocks that do not overlap, and reuses a block given back', () => {
    const arena = new ByteArena();
    expect([1, 32, 33, 100, 4096, MAX_BLOCK].map(blockSize)).toEqual([32, 32, 64, 128, 4096, MAX_BLOCK]);
    const a = arena.alloc(40), b = arena.alloc(40);
    arena.pageOf(a).fill(1, arena.offsetOf(a), arena.offsetOf(a) + 64);
    arena.pageOf(b).fill(2, arena.offsetOf(b), arena.offsetOf(b) + 64);
    expect(arena.pageOf(a)[arena.offsetOf(a) + 63]).toBe(1);
    arena.release(a, 40);
    expect(arena.alloc(64)).toBe(a);
    expect(arena.alloc(64)).not.toBe(a);
  });

  it('counts as free (slack) what no block in use holds, so a spill shows in the state estimate', () => {
    const before = arenaSlackBytes();
    const arena = new ByteArena();
    const a = arena.alloc(1000);
    expect(arena.slack).toBe(256 * 1024 - 1024);
    expect(arenaSlackBytes() - before).toBe(arena.slack);
    arena.release(a, 1000);
    expect(arena.slack).toBe(256 * 1024);
    // Blocks of 32 KB after the 1 KB one: seven fit in the first page; its last 31 KB are never
    // handed out, so they count as used.
    const blocks = Array.from({ length: 9 }, () => arena.alloc(MAX_BLOCK));
    expect(arena.bytes).toBe(2 * 256 * 1024);
    expect(arena.slack).toBe(1024 + 256 * 1024 - 2 * MAX_BLOCK);
    for (const b of blocks) arena.release(b, MAX_BLOCK);
    expect(arena.slack).toBe(arena.bytes - (256 * 1024 - 1024 - 7 * MAX_BLOCK));
  });

  it('does not grow while keys come and go, however many', () => {
    const arena = new ByteArena();
    for (let i = 0; i < 100_000; i++) {
      const rows = new JoinRows(i % 2 === 0, arena);
      for (let j = 0; j < 1 + (i % 20); j++) rows.add([BigInt(i), j, 'text ' + j], j);
      expect(rows.count).toBe(1 + (i % 20));
      rows.release();
    }
    expect(arena.bytes).toBe(256 * 1024);
  });

  it('gets back the blocks of keys a state table spills or deletes', () => {
    const arena = new ByteArena();
    const out = new Map<string, string>();
    const port: SpillPort = { read: (k) => out.get(k), write: (k, v) => { if (v === null) out.delete(k); else out.set(k, v); }, clear: () => out.clear(), keys: async () => [...out.keys()] };
    const table = new MemoryStateTable<JoinRows>('left', false, port, JoinRows.tableOptions(false, arena));
    const fill = (from: number) => {
      for (let k = from; k < from + 2000; k++) {
        const rows = new JoinRows(false, arena);
        for (let j = 0; j < 10; j++) rows.add([k, j, 'row ' + j]);
        table.put(String(k), rows);
      }
    };
    fill(0);
    const used = arena.bytes;
    expect(table.evict(1)).toBe(2000);
    fill(2000); // into the blocks the spilled keys gave back
    expect(arena.bytes).toBe(used);
    for (let k = 2000; k < 4000; k++) expect(table.delete(String(k))).toBe(true);
    fill(4000); // and into those of the deleted ones
    expect(arena.bytes).toBe(used);
    // A spilled key comes back with its rows, into the arena.
    expect(table.get('7')!.rows()).toEqual(Array.from({ length: 10 }, (_, j) => [7, j, 'row ' + j]));
  });
});

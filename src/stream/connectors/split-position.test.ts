// Generated splits across rescaling: whatever sequence of parallelism changes a job goes through,
// checkpointed at arbitrary points, the splits together produce every index exactly once.

import { describe, expect, it } from 'vitest';
import type { SourcePosition } from './source-reader.js';
import { SplitCursor, rescaledSplitPosition } from './split-position.js';

function rng(seed: number): () => number {
  let x = seed;
  return () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
}

describe('split cursors across rescaling', () => {
  it('produce every index once through 3 → 2 → 5 → 1 splits, checkpointed at random points', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = rng(seed);
      const total = 2000;
      const produced = new Map<number, number>();
      let positions: SourcePosition[] | null = null;
      for (const count of [3, 2, 5, 1]) {
        const start = positions === null ? null : rescaledSplitPosition(positions);
        const cursors = Array.from({ length: count }, (_, index) => {
          const c = new SplitCursor({ index, count });
          // Positions travel as JSON in checkpoints.
          if (start) c.seek(JSON.parse(JSON.stringify(start)) as SourcePosition);
          return c;
        });
        const last = count === 1;
        for (const c of cursors) {
          const n = last ? Infinity : Math.floor(rand() * 400);
          for (let i = 0; i < n && c.next < total; i++) { produced.set(c.next, (produced.get(c.next) ?? 0) + 1); c.advance(); }
        }
        positions = cursors.map((c) => JSON.parse(JSON.stringify(c.position())) as SourcePosition);
      }
      const twice = [...produced].filter(([, n]) => n > 1).map(([i]) => i);
      expect(twice, `seed ${seed}`).toEqual([]);
      expect(produced.size, `seed ${seed}`).toBe(total);
    }
  });

  it('keeps plain numbers as positions once past every earlier layout, and refuses a foreign position', () => {
    const c = new SplitCursor({ index: 1, count: 2 });
    c.seek(rescaledSplitPosition([4, 1, 10]) as unknown as SourcePosition);
    // The 3 old splits produced 0, 3 | nothing | 2, 5, 8: split 1 of 2 skips 3 and 5.
    const seen: number[] = [];
    while (c.next < 14) { seen.push(c.next); c.advance(); }
    expect(seen).toEqual([1, 7, 9, 11, 13]);
    expect(typeof c.position()).toBe('number');
    expect(() => c.seek(4)).toThrow(/does not belong to source split 1 of 2/);
  });
});

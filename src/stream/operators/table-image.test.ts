// The table source's image: it follows every row the feed delivers (a multiset: a table may hold
// equal rows), survives a checkpoint, and on restore turns the table's current rows into exactly
// the changes since — which, fed back through it, leave nothing more to catch up.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../types/value.js';
import { type Chunk, Op, OP_NAMES } from '../chunk.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import { encodeStateValue } from '../checkpoint/state-codec.js';
import { TableImageOperator } from './table-image.js';
import { SpillStore } from '../state/spill-store.js';

const sink = () => {
  const seen: Chunk[] = [];
  return { seen, emit: (c: Chunk) => { seen.push(c); } };
};
const changes = (chunks: readonly Chunk[]) => chunks.flatMap((c) => c.rows.map((r, i) => `${OP_NAMES[c.ops[i]]}${JSON.stringify(r)}`)).sort();

function restored(from: MemoryStateBackend): TableImageOperator {
  const into = new MemoryStateBackend({ trackChanges: true });
  for (const t of from.all()) for (const [k, v] of t.iterate('')) into.restoreEncoded(t.name, k, encodeStateValue(v));
  const op = new TableImageOperator(true, into);
  op.restoreState(null);
  return op;
}

describe('TableImageOperator', () => {
  it('passes rows through and, restored, emits only the difference to the current rows', () => {
    const state = new MemoryStateBackend({ trackChanges: true });
    const op = new TableImageOperator(true, state);
    const out = sink();
    const a: Row = [1, 'a'], b: Row = [2, 'b'], c: Row = [3, 'c'];
    op.processChunk({ ops: [Op.Insert, Op.Insert, Op.Insert, Op.Insert], rows: [a, a, b, c] }, 0, out);
    op.processChunk({ ops: [Op.Delete], rows: [c] }, 0, out);
    expect(out.seen.reduce((n, ch) => n + ch.rows.length, 0)).toBe(5);

    // Checkpointed with {a, a, b}; meanwhile the table became {a, c, c, [4, null]}.
    const back = restored(state);
    const now: Row[] = [a, c, c, [4, null]];
    const diff = back.catchUp(now);
    expect(changes(diff)).toEqual(['+I[3,"c"]', '+I[3,"c"]', '+I[4,null]', '-D[1,"a"]', '-D[2,"b"]'].sort());
    // Deletes come before inserts, as a commit's changes do.
    const ops = diff.flatMap((ch) => ch.ops);
    expect(ops.lastIndexOf(Op.Delete)).toBeLessThan(ops.indexOf(Op.Insert));

    const replay = sink();
    for (const ch of diff) back.processChunk(ch, 0, replay);
    expect(back.catchUp(now)).toEqual([]);
  });

  it('a rescaled restore keeps the image only in the subtask that reads the table', () => {
    const state = new MemoryStateBackend({ trackChanges: true });
    new TableImageOperator(true, state).processChunk({ ops: [Op.Insert], rows: [[1]] }, 0, sink());
    const into = new MemoryStateBackend();
    for (const t of state.all()) for (const [k, v] of t.iterate('')) into.restoreEncoded(t.name, k, encodeStateValue(v));
    const other = new TableImageOperator(false, into);
    other.restoreState(() => true);
    expect(other.catchUp([])).toEqual([]);
  });

  it('spills like other state, and the catch-up brings the spilled part back first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-image-spill-'));
    const store = await SpillStore.open(join(dir, 'tm'));
    try {
      const state = new MemoryStateBackend({ trackChanges: true, spill: () => store.port() });
      const op = new TableImageOperator(true, state);
      const rows: Row[] = Array.from({ length: 200 }, (_, i) => [i % 50, `r${i % 50}`]);
      op.processChunk({ ops: rows.map(() => Op.Insert), rows }, 0, sink());
      const [table] = [...state.all()];
      table.commit(); // written by a checkpoint: may leave memory
      expect(table.evict(1)).toBe(50);
      expect(() => op.catchUp([])).toThrow(/spilled/);
      // The table now: rows 0–24 four times each, 25–49 gone, a new row.
      const now: Row[] = [...rows.filter((r) => (r[0] as number) < 25), [99, 'new']];
      await op.prepareCatchUp();
      const diff = op.catchUp(now);
      expect(changes(diff)).toEqual([
        ...Array.from({ length: 25 }, (_, i) => Array(4).fill(`-D${JSON.stringify([25 + i, `r${25 + i}`])}`)).flat(),
        '+I[99,"new"]',
      ].sort());
      // Fed back, the image equals the table; spilled again and brought back, no deleted row returns.
      for (const ch of diff) op.processChunk(ch, 0, sink());
      table.commit();
      expect(table.evict(1)).toBe(26);
      await op.prepareCatchUp();
      expect(op.catchUp(now)).toEqual([]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

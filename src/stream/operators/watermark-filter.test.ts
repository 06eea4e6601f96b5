// The watermark filter drops exactly the rows behind the watermark of the rows before them —
// however the input was batched — emits a watermark when it rises, resumes from its checkpointed
// watermark (the smallest of several old subtasks when rescaled), and ends a bounded input with
// +Infinity.

import { describe, expect, it } from 'vitest';
import { Op, type Chunk } from '../chunk.js';
import type { Row } from '../../types/value.js';
import type { Expr } from '../../plan/expr.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import type { Output, Watermark } from './operator.js';
import { WatermarkFilterOperator } from './watermark-filter.js';
import { T, col, ctx } from '../../../tests/support/operator-changelog.js';
import { Interval } from '../../types/datetime.js';
import { rng } from '../../../tests/support/rng.js';

const SEC = 1_000_000;
/** WATERMARK FOR t AS t - INTERVAL '5' SECOND over rows (id, t). */
const minus5: Expr = {
  kind: 'call', type: T.timestamp, name: '-', strict: true,
  args: [col(1, T.timestamp), { kind: 'const', type: T.interval, value: new Interval(0, 0, 5 * SEC) }],
  impl: (a) => (a[0] as number) - 5 * SEC,
};

class Recorder implements Output {
  rows: Row[] = [];
  marks: Watermark[] = [];
  emit(c: Chunk): void { this.rows.push(...c.rows); }
  emitWatermark(w: Watermark): void { this.marks.push(w); }
}

const chunk = (rows: Row[]): Chunk => ({ ops: rows.map(() => Op.Insert), rows });

/** Rows with times that mostly rise but jump back by up to 12 s now and then (some are NULL). */
function disorderly(seed: number, n: number): Row[] {
  const r = rng(seed);
  let t = 1_000 * SEC;
  return Array.from({ length: n }, (_, id) => {
    t += Math.floor(r() * 2 * SEC);
    if (r() < 0.05) return [id, null];
    return [id, r() < 0.2 ? t - Math.floor(r() * 12 * SEC) : t];
  });
}

/** What a reference reading row by row keeps. */
function expectedKept(rows: Row[]): Row[] {
  let wm = -Infinity;
  return rows.filter((row) => {
    const t = row[1] as number | null;
    if (t !== null && t < wm) return false;
    if (t !== null) wm = Math.max(wm, t - 5 * SEC);
    return true;
  });
}

describe('watermark filter', () => {
  it('drops the rows behind the watermark, whatever the batching', () => {
    const rows = disorderly(3, 2000);
    const kept = expectedKept(rows);
    expect(kept.length).toBeLessThan(rows.length - 50); // the input has late rows
    for (const size of [1, 7, 64, 2000]) {
      const op = new WatermarkFilterOperator(1, minus5, ctx(), 0);
      const out = new Recorder();
      for (let i = 0; i < rows.length; i += size) op.processChunk(chunk(rows.slice(i, i + size)), 0, out);
      expect(out.rows).toEqual(kept);
      // One watermark per chunk that raised it, rising, ending at the highest time minus 5 s.
      const values = out.marks.map((m) => m.value);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(new Set(values).size).toBe(values.length);
      expect(values.at(-1)).toBe(Math.max(...kept.map((r) => (r[1] as number | null) ?? -Infinity)) - 5 * SEC);
      expect(out.marks.every((m) => m.column === 1)).toBe(true);
    }
  });

  it('resumes from its checkpointed watermark; rescaled, from the smallest', () => {
    const state = new MemoryStateBackend({ trackChanges: true });
    const a = new WatermarkFilterOperator(1, minus5, ctx(), 0, state);
    a.processChunk(chunk([[1, 100 * SEC]]), 0, new Recorder());
    a.processBarrier({ epoch: 1 }, new Recorder());
    // A second old subtask behind the first.
    state.table<number>('watermark').put('1', 60 * SEC);

    const restored = new MemoryStateBackend({ trackChanges: true });
    for (const t of state.all()) for (const [k, v] of t.iterate('')) restored.table<number>(t.name).put(k, v as number);
    const b = new WatermarkFilterOperator(1, minus5, ctx(), 0, restored);
    b.restoreState(null);
    expect(b.current).toBe(60 * SEC);
    const out = new Recorder();
    b.processChunk(chunk([[2, 59 * SEC], [3, 61 * SEC]]), 0, out);
    expect(out.rows).toEqual([[3, 61 * SEC]]);
    // Only its own key is left, at its own value after the next barrier.
    b.processChunk(chunk([[4, 200 * SEC]]), 0, out);
    b.processBarrier({ epoch: 2 }, out);
    expect([...restored.table<number>('watermark').entries()]).toEqual([['0', 195 * SEC]]);
  });

  it('ends a bounded input with +Infinity, and that is not saved', () => {
    const state = new MemoryStateBackend({ trackChanges: true });
    const op = new WatermarkFilterOperator(1, minus5, ctx(), 0, state);
    const out = new Recorder();
    op.processChunk(chunk([[1, 10 * SEC]]), 0, out);
    op.endInput(out);
    op.processBarrier({ epoch: 1 }, out);
    expect(out.marks.map((m) => m.value)).toEqual([5 * SEC, Infinity]);
    expect([...state.table<number>('watermark').entries()]).toEqual([]);
  });

  it('saves "no watermark yet" too: rescaled with a subtask that saw no row, it starts from none', () => {
    const state = new MemoryStateBackend({ trackChanges: true });
    const idle = new WatermarkFilterOperator(1, minus5, ctx(), 1, state);
    idle.processBarrier({ epoch: 1 }, new Recorder());
    expect([...state.table<number | null>('watermark').entries()]).toEqual([['1', null]]);
    state.table<number | null>('watermark').put('0', 100 * SEC); // the busy subtask
    const restored = new MemoryStateBackend({ trackChanges: true });
    const merged = new WatermarkFilterOperator(1, minus5, ctx(), 0, restored);
    for (const t of state.all()) for (const [k, v] of t.iterate('')) restored.table<unknown>(t.name).put(k, v);
    merged.restoreState(null);
    expect(merged.current).toBe(-Infinity);
    const out = new Recorder();
    merged.processChunk(chunk([[1, 3 * SEC]]), 0, out); // on time for the subtask that saw nothing
    expect(out.rows).toEqual([[1, 3 * SEC]]);
  });
});

describe('watermark filter, per partition', () => {
  const from = (partition: number, rows: Row[], owned = [0, 1]): Chunk => ({ ops: rows.map(() => Op.Insert), rows, origin: { partition, owned } });
  const ids = (out: Recorder) => out.rows.map((r) => r[0]);

  it('a partition that runs ahead does not make the other late; the smallest one is the watermark', () => {
    const op = new WatermarkFilterOperator(1, minus5, ctx(), 0);
    const out = new Recorder();
    op.processChunk(from(0, [[1, 100 * SEC], [2, 120 * SEC]]), 0, out);
    expect(out.marks).toEqual([]); // partition 1 has said nothing yet
    op.processChunk(from(1, [[3, 10 * SEC], [4, 30 * SEC]]), 0, out);
    expect(out.marks).toEqual([{ column: 1, value: 25 * SEC }]);
    // Behind the watermark (25): late, in either partition. Partition 1 at 50 moves it to 45.
    op.processChunk(from(1, [[5, 20 * SEC], [6, 50 * SEC], [7, 44 * SEC]]), 0, out);
    op.processChunk(from(0, [[8, 40 * SEC]]), 0, out);
    expect(ids(out)).toEqual([1, 2, 3, 4, 6]);
    expect(out.marks.at(-1)).toEqual({ column: 1, value: 45 * SEC });
  });

  it('one partition: the same rows as the filter without partitions', () => {
    const rows = disorderly(5, 1500);
    const op = new WatermarkFilterOperator(1, minus5, ctx(), 0);
    const out = new Recorder();
    for (let i = 0; i < rows.length; i += 100) op.processChunk(from(3, rows.slice(i, i + 100), [3]), 0, out);
    expect(out.rows).toEqual(expectedKept(rows));
  });

  it('a partition silent for the idle timeout stops holding the watermark back, until it delivers again', () => {
    let now = 0;
    const op = new WatermarkFilterOperator(1, minus5, ctx(), 0, new MemoryStateBackend(), 1000, () => now);
    const out = new Recorder();
    op.processChunk(from(0, [[1, 100 * SEC]]), 0, out);
    now = 999;
    op.processChunk(from(0, [[2, 110 * SEC]]), 0, out);
    expect(out.marks).toEqual([]);
    now = 1000; // partition 1 was first known at 0
    op.processChunk(from(0, [[3, 111 * SEC]]), 0, out);
    expect(out.marks).toEqual([{ column: 1, value: 106 * SEC }]);
    // Partition 1 delivers (its rows behind 106 are late, as in Flink): it counts again, and holds the watermark.
    op.processChunk(from(1, [[4, 50 * SEC], [5, 107 * SEC]]), 0, out);
    op.processChunk(from(0, [[6, 130 * SEC]]), 0, out);
    expect(ids(out)).toEqual([1, 2, 3, 5, 6]);
    expect(out.marks.at(-1)).toEqual({ column: 1, value: 106 * SEC });
  });

  it('resumes each partition from its checkpointed watermark', () => {
    const state = new MemoryStateBackend();
    const before = new WatermarkFilterOperator(1, minus5, ctx(), 0, state);
    before.processChunk(from(0, [[1, 100 * SEC]]), 0, new Recorder());
    before.processChunk(from(1, [[2, 40 * SEC]]), 0, new Recorder());
    before.processBarrier({ epoch: 1 }, new Recorder());
    const after = new WatermarkFilterOperator(1, minus5, ctx(), 0, state);
    after.restoreState(null);
    expect(after.current).toBe(35 * SEC);
    const out = new Recorder();
    // Partition 0 stays at 95: its row at 60 moves nothing; partition 1 at 90 raises the watermark to 85.
    after.processChunk(from(0, [[3, 60 * SEC]]), 0, out);
    after.processChunk(from(1, [[4, 90 * SEC]]), 0, out);
    expect(out.marks).toEqual([{ column: 1, value: 85 * SEC }]);
  });

  it('rescaled, takes the newest of several old copies of a partition and forgets the partitions it does not own', () => {
    const state = new MemoryStateBackend();
    const saved = state.table<number | null>('watermark');
    // Two old subtasks: partition 0 moved from subtask 1 (a stale copy at 95) to subtask 0 (995).
    saved.put('0', 90 * SEC); saved.put('1', 90 * SEC);
    saved.put('p0/0', 995 * SEC); saved.put('p0/1', 95 * SEC); saved.put('p1/1', 500 * SEC);
    const op = new WatermarkFilterOperator(1, minus5, ctx(), 0, state);
    op.restoreState(() => true);
    const out = new Recorder();
    op.processChunk(from(0, [[1, 600 * SEC], [2, 1000 * SEC]], [0]), 0, out);
    expect(out.marks).toEqual([{ column: 1, value: 995 * SEC }]);
    expect(ids(out)).toEqual([2]);
    op.processBarrier({ epoch: 1 }, out);
    expect(Object.fromEntries(saved.entries())).toEqual({ '0': 995 * SEC, 'p0/0': 995 * SEC });
  });
});

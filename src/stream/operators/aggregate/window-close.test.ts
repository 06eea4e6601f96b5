// Windowed aggregation (a group key carrying a watermark): with EMIT ON WINDOW CLOSE each group is
// emitted once, final, when the watermark passes its window, and nothing before; without it the
// changelog is the plain aggregation's and closed groups leave state. Late rows are ignored. The
// two-phase form (local agg flushing closed windows before the watermark) gives the same rows, and a
// restored operator closes the windows its checkpoint held.

import { describe, expect, it } from 'vitest';
import { Op, type Chunk } from '../../chunk.js';
import type { Row } from '../../../types/value.js';
import { MemoryStateBackend } from '../../state/memory-state.js';
import { encodeStateValue } from '../../checkpoint/state-codec.js';
import type { Output, Watermark } from '../operator.js';
import { HashAggOperator, type AggInput } from './hash-agg.js';
import { LocalAggOperator } from './local-agg.js';
import { partialKind, partialTypes, type PartialKind } from './partial.js';
import { Emitted, T, call, col } from '../../../../tests/support/operator-changelog.js';
import { rng } from '../../../../tests/support/rng.js';

// Rows (window, g, v); the aggregation groups by (window, g): the window key is group key 0.
const AGGS: AggInput[] = [
  { call: call('count_star', [], T.int8), args: [] },
  { call: call('sum', [col(2, T.int4)], T.int8), args: [2] },
  { call: call('max', [col(2, T.int4)], T.int4), args: [2] },
];

class Recorder extends Emitted {
  marks: Watermark[] = [];
  ops: Op[] = [];
  override emit(c: Chunk): void { super.emit(c); this.ops.push(...c.ops); }
  emitWatermark(w: Watermark): void { this.marks.push(w); }
}

const inserts = (rows: Row[]): Chunk => ({ ops: rows.map(() => Op.Insert), rows });

/** Epochs of rows in windows 0..9, never behind `closed` (the watermark after the epoch before). */
function stream(seed: number): { rows: Row[]; watermark: number }[] {
  const r = rng(seed);
  const out: { rows: Row[]; watermark: number }[] = [];
  let closed = 0;
  for (let e = 0; e < 12; e++) {
    const rows: Row[] = Array.from({ length: 30 }, () => [closed + Math.floor(r() * 3), Math.floor(r() * 3), Math.floor(r() * 100)]);
    closed = Math.min(10, closed + Math.floor(r() * 2));
    out.push({ rows, watermark: closed });
  }
  return out;
}

/** The final row of every group, as the batch engine would compute it. */
function finalRows(epochs: { rows: Row[] }[]): string[] {
  const groups = new Map<string, { w: number; g: number; n: number; s: number; m: number }>();
  for (const { rows } of epochs) for (const [w, g, v] of rows as number[][]) {
    const k = `${w}/${g}`;
    const x = groups.get(k) ?? { w, g, n: 0, s: 0, m: -Infinity };
    x.n++; x.s += v; x.m = Math.max(x.m, v);
    groups.set(k, x);
  }
  return [...groups.values()].map((x) => `+${JSON.stringify([x.w, x.g, `${x.n}n`, `${x.s}n`, x.m])}`).sort();
}

function runEpochs(op: HashAggOperator, epochs: { rows: Row[]; watermark: number }[], out: Recorder, from = 0): void {
  epochs.forEach(({ rows, watermark }, i) => {
    op.processChunk(inserts(rows), 0, out);
    op.processBarrier({ epoch: from + i + 1 }, out);
    op.processWatermark({ column: 0, value: watermark }, 0, out);
  });
}

describe('windowed hash aggregation', () => {
  it('EMIT ON WINDOW CLOSE: each group once, final, when its window closes', () => {
    const epochs = stream(11);
    const op = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true, window: { key: 0, emitOnClose: true } });
    const out = new Recorder();
    const seen: string[] = [];
    epochs.forEach(({ rows, watermark }, i) => {
      op.processChunk(inserts(rows), 0, out);
      op.processBarrier({ epoch: i + 1 }, out);
      expect(out.take()).toEqual([]); // nothing before the watermark
      op.processWatermark({ column: 0, value: watermark }, 0, out);
      const emitted = out.take();
      // Only windows the watermark has passed.
      expect(emitted.every((l) => (JSON.parse(l.slice(1)) as number[])[0] < watermark)).toBe(true);
      seen.push(...emitted);
    });
    op.processWatermark({ column: 0, value: Infinity }, 0, out);
    seen.push(...out.take());
    expect(out.ops.every((o) => o === Op.Insert)).toBe(true);
    expect(seen.sort()).toEqual(finalRows(epochs));
    // The watermark goes on, on the window key's output column.
    expect(out.marks.at(-1)).toEqual({ column: 0, value: Infinity });
  });

  it('ignores rows of closed windows', () => {
    const op = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true, window: { key: 0, emitOnClose: true } });
    const out = new Recorder();
    op.processChunk(inserts([[0, 1, 5]]), 0, out);
    op.processWatermark({ column: 0, value: 1 }, 0, out);
    expect(out.take()).toEqual([`+${JSON.stringify([0, 1, '1n', '5n', 5])}`]);
    op.processChunk(inserts([[0, 1, 7], [1, 1, 7]]), 0, out);
    op.processBarrier({ epoch: 1 }, out);
    op.processWatermark({ column: 0, value: 2 }, 0, out);
    expect(out.take()).toEqual([`+${JSON.stringify([1, 1, '1n', '7n', 7])}`]);
  });

  it('passes on only the window key\'s watermark (another watermarked group key does not close groups)', () => {
    const op = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true, window: { key: 0, emitOnClose: false } });
    const out = new Recorder();
    op.processChunk(inserts([[0, 10, 1]]), 0, out);
    op.processWatermark({ column: 1, value: 11 }, 0, out);
    expect(out.marks).toEqual([]);
    op.processWatermark({ column: 0, value: 1 }, 0, out);
    expect(out.marks).toEqual([{ column: 0, value: 1 }]);
  });

  it('a NULL window closes only when the input ends', () => {
    const op = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true, window: { key: 0, emitOnClose: true } });
    const out = new Recorder();
    op.processChunk(inserts([[null, 1, 4], [2, 1, 5]]), 0, out);
    op.processWatermark({ column: 0, value: 100 }, 0, out);
    expect(out.take()).toEqual([`+${JSON.stringify([2, 1, '1n', '5n', 5])}`]);
    op.processWatermark({ column: 0, value: Infinity }, 0, out);
    expect(out.take()).toEqual([`+${JSON.stringify([null, 1, '1n', '4n', 4])}`]);
  });

  it('the local phase lets its partials go before the task turns idle', () => {
    const kinds = AGGS.map((a) => partialKind(a.call, true)) as PartialKind[];
    const local = new LocalAggOperator([0, 1], AGGS, kinds, 0);
    const rows: Row[] = [];
    local.processChunk(inserts([[3, 1, 5]]), 0, { emit: (c) => { rows.push(...c.rows); } });
    expect(rows).toEqual([]);
    local.flushBeforeIdle({ emit: (c) => { rows.push(...c.rows); } });
    expect(rows.map((r) => r.slice(0, 3))).toEqual([[3, 1, 1]]);
  });

  it('a restored operator still treats rows of windows it closed before as late', () => {
    const state = new MemoryStateBackend({ trackChanges: true });
    const before = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true, window: { key: 0, emitOnClose: true }, state });
    const out = new Recorder();
    before.processChunk(inserts([[5, 1, 1]]), 0, out);
    before.processWatermark({ column: 0, value: 6 }, 0, out);
    before.processBarrier({ epoch: 1 }, out);
    expect(out.take()).toEqual([`+${JSON.stringify([5, 1, '1n', '1n', 1])}`]);
    const restored = new MemoryStateBackend({ trackChanges: true });
    const after = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true, window: { key: 0, emitOnClose: true }, state: restored });
    for (const t of state.all()) for (const [k, v] of t.iterate('')) restored.restoreEncoded(t.name, k, encodeStateValue(v));
    after.restoreState(null);
    after.processChunk(inserts([[5, 1, 2]]), 0, out); // late: window 5 was closed and emitted
    after.processBarrier({ epoch: 2 }, out);
    after.processWatermark({ column: 0, value: 7 }, 0, out);
    expect(out.take()).toEqual([]);
  });

  it('without EMIT ON WINDOW CLOSE: the plain changelog, and closed groups leave state', () => {
    const epochs = stream(12);
    const state = new MemoryStateBackend({ trackChanges: true });
    const windowed = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true, window: { key: 0, emitOnClose: false }, state });
    const plain = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true });
    const a = new Recorder(), b = new Recorder();
    epochs.forEach(({ rows, watermark }, i) => {
      windowed.processChunk(inserts(rows), 0, a);
      plain.processChunk(inserts(rows), 0, b);
      windowed.processBarrier({ epoch: i + 1 }, a);
      plain.processBarrier({ epoch: i + 1 }, b);
      windowed.processWatermark({ column: 0, value: watermark }, 0, a);
      expect(a.take()).toEqual(b.take());
      const live = [...state.table<unknown>('groups').entries()].map(([, g]) => (g as { key: number[] }).key[0]);
      expect(live.every((w) => w >= watermark)).toBe(true);
    });
    // A change not yet emitted when its window closes is emitted then.
    windowed.processChunk(inserts([[20, 0, 1]]), 0, a);
    windowed.processWatermark({ column: 0, value: 21 }, 0, a);
    expect(a.take()).toEqual([`+${JSON.stringify([20, 0, '1n', '1n', 1])}`]);
    expect(state.table<unknown>('groups').size).toBe(0);
  });

  it('two-phase: the local phase flushes closed windows before the watermark; same rows', () => {
    const epochs = stream(13);
    const kinds = AGGS.map((a) => partialKind(a.call, true)) as PartialKind[];
    const local = new LocalAggOperator([0, 1], AGGS, kinds, 0);
    // Partial rows are [window, g, Δrows, partial columns of each call…] (two-phase-agg.ts).
    let next = 3;
    const merges: AggInput[] = AGGS.map((a, j) => ({ call: a.call, args: partialTypes(a.call, kinds[j]).map(() => next++), merge: kinds[j] }));
    const global = new HashAggOperator([0, 1], merges, 'UTC', { rowCountColumn: 2, window: { key: 0, emitOnClose: true } });
    const out = new Recorder();
    const localRows: Row[] = [];
    const toGlobal: Output = {
      emit: (c) => { localRows.push(...c.rows); global.processChunk(c, 0, out); },
      emitWatermark: (w) => global.processWatermark(w, 0, out),
    };
    const seen: string[] = [];
    for (const { rows, watermark } of epochs) {
      // The watermark arrives mid-epoch: only groups of closed windows may leave the local phase.
      local.processChunk(inserts(rows), 0, toGlobal);
      localRows.length = 0;
      local.processWatermark({ column: 0, value: watermark }, 0, toGlobal);
      expect(localRows.every((r) => (r[0] as number) < watermark)).toBe(true);
      seen.push(...out.take());
      local.processBarrier({ epoch: 1 }, toGlobal);
      global.processBarrier({ epoch: 1 }, out);
    }
    local.processWatermark({ column: 0, value: Infinity }, 0, toGlobal);
    seen.push(...out.take());
    // Rows of an epoch arrive before its watermark here, so every row counts.
    expect(seen.sort()).toEqual(finalRows(epochs));
  });

  it('a restored operator closes the windows of its checkpoint', () => {
    const epochs = stream(14);
    const state = new MemoryStateBackend({ trackChanges: true });
    const before = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true, window: { key: 0, emitOnClose: true }, state });
    const out = new Recorder();
    runEpochs(before, epochs.slice(0, 6), out);
    const emittedBefore = out.take();

    // Copy every table, as a checkpoint and restore would (values through plain data).
    // The operator is built first, then its tables are filled (as task-restore.ts does).
    const restored = new MemoryStateBackend({ trackChanges: true });
    const after = new HashAggOperator([0, 1], AGGS, 'UTC', { appendOnlyInput: true, window: { key: 0, emitOnClose: true }, state: restored });
    for (const t of state.all()) for (const [k, v] of t.iterate('')) restored.restoreEncoded(t.name, k, encodeStateValue(v));
    after.restoreState(null);
    runEpochs(after, epochs.slice(6), out, 6);
    after.processWatermark({ column: 0, value: Infinity }, 0, out);
    expect([...emittedBefore, ...out.take()].sort()).toEqual(finalRows(epochs));
  });
});

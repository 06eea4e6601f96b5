// A join on a key pair watermarked on both sides (window_start = window_start) drops a window's
// rows once both sides' watermarks passed it — and emits exactly what the plain join emits — and
// passes the smaller watermark on, on both key columns of its output.

import { describe, expect, it } from 'vitest';
import { Op, type Chunk } from '../chunk.js';
import type { Row } from '../../types/value.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import type { Watermark } from './operator.js';
import { HashJoinOperator, type StreamJoinType } from './hash-join.js';
import type { JoinRows } from './join-rows.js';
import { Emitted, T, col, ctx } from '../../../tests/support/operator-changelog.js';
import { rng } from '../../../tests/support/rng.js';

class Recorder extends Emitted {
  marks: Watermark[] = [];
  emitWatermark(w: Watermark): void { this.marks.push(w); }
}

const inserts = (rows: Row[]): Chunk => ({ ops: rows.map(() => Op.Insert), rows });
// Rows (window, id, v) on both sides; the join is on window and id.
const keys = [col(0, T.int8), col(1, T.int8)];
const stored = (state: MemoryStateBackend) => ['left', 'right'].reduce((n, t) => n + state.table<unknown>(t).size, 0);

describe('windowed hash join', () => {
  it('goes by one side while the other is idle', () => {
    const state = new MemoryStateBackend({ trackChanges: true });
    const op = new HashJoinOperator('inner', keys, keys, null, 3, 3, ctx(), state, { leftColumn: 0, rightColumn: 0 });
    const out = new Recorder();
    op.processChunk(inserts([[1, 1, 1]]), 0, out);
    op.processWatermark({ column: 0, value: 5 }, 0, out);
    expect(out.marks).toEqual([]); // the right side has said nothing yet
    op.processInputIdle(1, true, out);
    expect(out.marks).toEqual([{ column: 0, value: 5 }, { column: 3, value: 5 }]);
    expect(stored(state)).toBe(0);
  });

  for (const joinType of ['inner', 'left', 'full'] as StreamJoinType[]) {
    it(`${joinType}: the plain join's output, and closed windows leave state`, () => {
      const r = rng(joinType.length);
      const state = new MemoryStateBackend({ trackChanges: true });
      const windowed = new HashJoinOperator(joinType, keys, keys, null, 3, 3, ctx(), state, { leftColumn: 0, rightColumn: 0 });
      const plain = new HashJoinOperator(joinType, keys, keys, null, 3, 3, ctx());
      const a = new Recorder(), b = new Recorder();
      let closed = 0;
      for (let epoch = 0; epoch < 15; epoch++) {
        for (const input of [0, 1]) {
          const rows: Row[] = Array.from({ length: 20 }, () => [closed + Math.floor(r() * 3), Math.floor(r() * 4), Math.floor(r() * 100)]);
          windowed.processChunk(inserts(rows), input, a);
          plain.processChunk(inserts(rows), input, b);
        }
        expect(a.take()).toEqual(b.take());
        closed += Math.floor(r() * 2);
        // The left side's watermark runs ahead: only the smaller one closes windows.
        windowed.processWatermark({ column: 0, value: closed + 1 }, 0, a);
        expect(a.take()).toEqual([]);
        windowed.processWatermark({ column: 0, value: closed }, 1, a);
        const left = [...state.table<JoinRows>('left').values()].flatMap((l) => l.rows().map((row) => row[0] as number));
        expect(left.every((w) => w >= closed)).toBe(true);
      }
      // Both key columns of the output (left window at 0, right window at 3 + 0) carry it.
      expect(a.marks.slice(-2)).toEqual([{ column: 0, value: closed }, { column: 3, value: closed }]);
      windowed.processWatermark({ column: 0, value: Infinity }, 0, a);
      windowed.processWatermark({ column: 0, value: Infinity }, 1, a);
      expect(stored(state)).toBe(0);
    });
  }
});

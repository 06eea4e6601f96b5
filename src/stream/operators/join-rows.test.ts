// How a streaming join keeps its rows under a join key: one row as it is, more packed; an outer
// side's rows with their match counts (degrees); what a checkpoint writes reads back — and state
// checkpointed before packing (arrays of rows, or of `{ row, degree }`) still joins and retracts.

import { describe, expect, it } from 'vitest';
import { Op } from '../chunk.js';
import type { Row } from '../../types/value.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import { decodeStateValue, encodeStateValue } from '../checkpoint/state-codec.js';
import { HashJoinOperator, type StreamJoinType } from './hash-join.js';
import { SemiJoinOperator } from './semi-join.js';
import { JoinRows, JoinRowsCursor, JoinRowsTable } from './join-rows.js';
import { Emitted, col, ctx } from '../../../tests/support/operator-changelog.js';
import { T } from '../../types/datatype.js';

const join = (type: StreamJoinType, state = new MemoryStateBackend({ trackChanges: true })) =>
  ({ state, op: new HashJoinOperator(type, [col(0, T.int4)], [col(0, T.int4)], null, 2, 2, ctx(), state) });

/** Every stored row of a side, with its degree where the side keeps one. */
const stored = (state: MemoryStateBackend, side: 'left' | 'right') => [...state.table<JoinRows>(side).values()].flatMap((list) => {
  const out: unknown[] = [];
  const c = new JoinRowsCursor();
  for (c.reset(list); c.next();) out.push(list.degrees ? { row: c.row, degree: c.degree } : c.row);
  return out;
});

const degreesOf = (list: JoinRows) => { const c = new JoinRowsCursor(); const d: number[] = []; for (c.reset(list); c.next();) d.push(c.degree); return d; };
const reread = (list: JoinRows) => decodeStateValue(encodeStateValue(list)) as JoinRows;

describe('join rows', () => {
  it('record a key changed in place once per checkpoint, and again after it', () => {
    const state = new MemoryStateBackend({ trackChanges: true });
    const side = new JoinRowsTable(state, 'right', false);
    const changed = () => [...side.table.changes()].map(([k, v]) => `${k}:${v?.count ?? '-'}`);
    side.add('a', [1, 'x']);
    side.add('a', [1, 'y']);
    side.add('b', [2, 'z']);
    expect(changed()).toEqual(['a:2', 'b:1']);
    side.table.commit();
    expect(changed()).toEqual([]);
    side.add('a', [1, 'w']); // the same value, mutated after the checkpoint: recorded again
    expect(changed()).toEqual(['a:3']);
    side.table.commit();
    side.remove('a', [1, 'x']);
    side.remove('b', [2, 'z']);
    expect(changed()).toEqual(['a:2', 'b:-']);
  });

  it('adds, removes and keeps rows in order, one row or many, and reads back what a checkpoint wrote', () => {
    for (const degrees of [false, true]) {
      const list = new JoinRows(degrees);
      list.add([1n, 'a'], 3);
      expect(list.rows()).toEqual([[1n, 'a']]);
      expect(reread(list).rows()).toEqual([[1n, 'a']]);
      for (let i = 2; i <= 40; i++) list.add([BigInt(i), 'r' + i], i);
      expect(list.count).toBe(40);
      expect(list.firstRow()).toEqual([1n, 'a']);
      expect(list.remove([7n, 'r7'])).toBe(true);
      expect(list.remove([7n, 'r7'])).toBe(false);
      expect(list.retain((row) => (row[0] as bigint) % 2n === 0n)).toBe(20);
      const even = Array.from({ length: 20 }, (_, i) => BigInt(2 * i + 2)).map((n) => [n, 'r' + n]);
      expect(list.rows()).toEqual(even);
      const back = reread(list);
      expect(back.count).toBe(20);
      expect(back.rows()).toEqual(even);
      if (degrees) expect(degreesOf(back)).toEqual(even.map(([n]) => Number(n)));
      // Emptied, then used again.
      expect(back.retain(() => false)).toBe(0);
      expect(back.rows()).toEqual([]);
      back.add([9n, 'z'], 1);
      expect(back.rows()).toEqual([[9n, 'z']]);
    }
  });

  it('writes degrees in place, on one row and on packed rows', () => {
    const list = new JoinRows(true);
    list.add([1, 'a'], 0);
    const c = new JoinRowsCursor();
    c.reset(list).next();
    c.setDegree(5);
    expect(degreesOf(list)).toEqual([5]);
    expect(degreesOf(reread(list))).toEqual([5]);
    expect(reread(list).rows()).toEqual([[1, 'a']]);
    list.add([2, 'b'], 1);
    list.add([3, 'c'], 2);
    c.reset(list);
    while (c.next()) c.setDegree(c.degree * 10 + 1);
    expect(degreesOf(list)).toEqual([51, 11, 21]);
    expect(degreesOf(reread(list))).toEqual([51, 11, 21]);
  });

  it('keeps one row as it is on a side that is not outer, and rows with their match count on an outer one', () => {
    const inner = join('inner');
    inner.op.processChunk({ ops: [Op.Insert], rows: [[1, 'a']] }, 0, new Emitted());
    inner.op.processChunk({ ops: [Op.Insert], rows: [[1, 'x']] }, 1, new Emitted());
    expect(stored(inner.state, 'left')).toEqual([[1, 'a']]);
    expect(stored(inner.state, 'right')).toEqual([[1, 'x']]);

    const left = join('left');
    left.op.processChunk({ ops: [Op.Insert], rows: [[1, 'a'], [1, 'b']] }, 0, new Emitted());
    left.op.processChunk({ ops: [Op.Insert], rows: [[1, 'x']] }, 1, new Emitted());
    expect(stored(left.state, 'left')).toEqual([{ row: [1, 'a'], degree: 1 }, { row: [1, 'b'], degree: 1 }]);
    expect(stored(left.state, 'right')).toEqual([[1, 'x']]);
  });

  it('restores packed state from a checkpoint: degrees survive, retractions find their rows', () => {
    for (const type of ['left', 'full'] as const) {
      const first = join(type);
      first.op.processChunk({ ops: [Op.Insert, Op.Insert], rows: [[1, 'a'], [1, 'b']] }, 0, new Emitted());
      first.op.processChunk({ ops: [Op.Insert], rows: [[1, 'x']] }, 1, new Emitted());
      const state = new MemoryStateBackend({ trackChanges: true });
      const { op } = join(type, state);
      for (const side of ['left', 'right'] as const) {
        for (const [k, v] of first.state.table<JoinRows>(side).entries()) state.restoreEncoded(side, k, encodeStateValue(v));
      }
      op.restoreState?.(null);
      const out = new Emitted();
      op.processChunk({ ops: [Op.Delete], rows: [[1, 'x']] }, 1, out);
      // Both left rows lose their only match: their NULL-padded rows come back.
      expect(out.take(), type).toEqual(['+[1,"a",null,null]', '+[1,"b",null,null]', '-[1,"a",1,"x"]', '-[1,"b",1,"x"]']);
    }
  });

  it('restores state checkpointed before packing (rows as entries or arrays): it joins, and retractions find their rows', () => {
    for (const type of ['inner', 'left', 'right', 'full'] as const) {
      for (const shape of ['entries', 'arrays'] as const) {
        const state = new MemoryStateBackend({ trackChanges: true });
        const outer = (side: 'left' | 'right') => type === 'full' || type === side;
        // Entries: as the oldest checkpoints held both sides; arrays: plain rows on a side not outer.
        const old = (side: 'left' | 'right', rows: Row[], degree: number) =>
          encodeStateValue(shape === 'arrays' && !outer(side) ? rows : rows.map((row) => ({ row, degree })));
        // As a task restores: its operators (and their state tables) first, then the entries.
        const { op } = join(type, state);
        state.restoreEncoded('left', 'n1\u0002', old('left', [[1, 'a']], 2));
        state.restoreEncoded('right', 'n1\u0002', old('right', [[1, 'x'], [1, 'y']], 1));
        op.restoreState?.(null);

        const out = new Emitted();
        op.processChunk({ ops: [Op.Insert], rows: [[1, 'b']] }, 0, out);
        op.processChunk({ ops: [Op.Delete], rows: [[1, 'x']] }, 1, out);
        op.processChunk({ ops: [Op.Delete], rows: [[1, 'a']] }, 0, out);
        // No NULL-padded row comes or goes: every row still has a match (the degrees were restored).
        expect(out.take(), `${type} ${shape}`).toEqual(['+[1,"b",1,"x"]', '+[1,"b",1,"y"]', '-[1,"a",1,"x"]', '-[1,"a",1,"y"]', '-[1,"b",1,"x"]']);
        const rowsOf = (side: 'left' | 'right') => stored(state, side).map((s) => (Array.isArray(s) ? s : (s as { row: Row }).row));
        expect(rowsOf('left'), type).toEqual([[1, 'b']]);
        expect(rowsOf('right'), type).toEqual([[1, 'y']]);
      }
    }
  });

  it('restores a semi or anti join checkpointed before packing: match counts survive', () => {
    for (const anti of [false, true]) {
      const state = new MemoryStateBackend({ trackChanges: true });
      const op = new SemiJoinOperator(anti, [col(0, T.int4)], [col(0, T.int4)], null, ctx(), state);
      state.restoreEncoded('left', 'n1\u0002', encodeStateValue([{ row: [1, 'a'], degree: 2 }]));
      state.restoreEncoded('right', 'n1\u0002', encodeStateValue([[1, 'x'], [1, 'y']]));
      op.restoreState?.(null);
      const out = new Emitted();
      op.processChunk({ ops: [Op.Delete], rows: [[1, 'x']] }, 1, out);
      expect(out.take()).toEqual([]); // one match left
      op.processChunk({ ops: [Op.Delete], rows: [[1, 'y']] }, 1, out);
      expect(out.take()).toEqual([anti ? '+[1,"a"]' : '-[1,"a"]']);
      op.processChunk({ ops: [Op.Insert, Op.Insert], rows: [[1, 'b'], [1, 'c']] }, 0, out);
      op.processChunk({ ops: [Op.Insert], rows: [[1, 'z']] }, 1, out);
      expect(out.take()).toEqual(anti ? ['+[1,"b"]', '+[1,"c"]', '-[1,"a"]', '-[1,"b"]', '-[1,"c"]'] : ['+[1,"a"]', '+[1,"b"]', '+[1,"c"]']);
    }
  });
});

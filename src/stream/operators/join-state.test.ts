// How a streaming join keeps its rows: plain rows on a side that is not outer, rows with their
// match count on an outer side — and state checkpointed before that (every side's rows as
// `{ row, degree }`) still joins and retracts after a restore.

import { describe, expect, it } from 'vitest';
import { Op } from '../chunk.js';
import type { Row } from '../../types/value.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import { encodeStateValue } from '../checkpoint/state-codec.js';
import { HashJoinOperator, type StreamJoinType } from './hash-join.js';
import { storedRow, type StoredRow } from './join-state.js';
import { Emitted, col, ctx } from '../../../tests/support/operator-changelog.js';
import { T } from '../../types/datatype.js';

const join = (type: StreamJoinType, state = new MemoryStateBackend({ trackChanges: true })) =>
  ({ state, op: new HashJoinOperator(type, [col(0, T.int4)], [col(0, T.int4)], null, 2, 2, ctx(), state) });

const stored = (state: MemoryStateBackend, side: 'left' | 'right') => [...state.table<StoredRow[]>(side).values()].flat();

describe('join state', () => {
  it('keeps plain rows on a side that is not outer, rows with their match count on an outer one', () => {
    const inner = join('inner');
    inner.op.processChunk({ ops: [Op.Insert], rows: [[1, 'a']] }, 0, new Emitted());
    inner.op.processChunk({ ops: [Op.Insert], rows: [[1, 'x']] }, 1, new Emitted());
    expect(stored(inner.state, 'left')).toEqual([[1, 'a']]);
    expect(stored(inner.state, 'right')).toEqual([[1, 'x']]);

    const left = join('left');
    left.op.processChunk({ ops: [Op.Insert], rows: [[1, 'a']] }, 0, new Emitted());
    left.op.processChunk({ ops: [Op.Insert], rows: [[1, 'x']] }, 1, new Emitted());
    expect(stored(left.state, 'left')).toEqual([{ row: [1, 'a'], degree: 1 }]);
    expect(stored(left.state, 'right')).toEqual([[1, 'x']]);
    expect(stored(left.state, 'right').map(storedRow)).toEqual([[1, 'x']]);
  });

  it('restores state checkpointed with every side as entries: it joins, and retractions find their rows', () => {
    for (const type of ['inner', 'left', 'right', 'full'] as const) {
      // As checkpoints before plain rows held them: both sides' rows as { row, degree }.
      const state = new MemoryStateBackend({ trackChanges: true });
      const old = (rows: Row[], degree: number) => encodeStateValue(rows.map((row) => ({ row, degree })));
      state.restoreEncoded('left', 'n1\u0002', old([[1, 'a']], 2));
      state.restoreEncoded('right', 'n1\u0002', old([[1, 'x'], [1, 'y']], 1));
      const { op } = join(type, state);
      op.restoreState?.(null);

      const out = new Emitted();
      op.processChunk({ ops: [Op.Insert], rows: [[1, 'b']] }, 0, out);
      op.processChunk({ ops: [Op.Delete], rows: [[1, 'x']] }, 1, out);
      op.processChunk({ ops: [Op.Delete], rows: [[1, 'a']] }, 0, out);
      // No NULL-padded row comes or goes: every row still has a match (the degrees were restored).
      expect(out.take(), type).toEqual(['+[1,"b",1,"x"]', '+[1,"b",1,"y"]', '-[1,"a",1,"x"]', '-[1,"a",1,"y"]', '-[1,"b",1,"x"]']);
      expect(stored(state, 'left').map(storedRow), type).toEqual([[1, 'b']]);
      expect(stored(state, 'right').map(storedRow), type).toEqual([[1, 'y']]);
    }
  });
});

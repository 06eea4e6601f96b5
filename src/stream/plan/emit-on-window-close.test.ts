// EMIT ON WINDOW CLOSE past a join: the buffer is released by a time column no output row has
// NULL — the left one for inner and LEFT joins, the right one for RIGHT joins — and FULL joins,
// whose rows may have either side's time NULL, are refused.

import { describe, expect, it } from 'vitest';
import type { Expr } from '../../plan/expr.js';
import { T } from '../../types/datatype.js';
import { Interval } from '../../types/datetime.js';
import type { StreamJoinType } from '../operators/hash-join.js';
import { emitOnWindowClose } from './emit-on-window-close.js';
import type { StreamNode } from './stream-plan.js';

const cols = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type: T.timestamp }));
const col = (index: number): Expr => ({ kind: 'column', type: T.timestamp, index });
const minus: Expr = { kind: 'call', type: T.timestamp, name: '-', strict: true, impl: () => null, args: [col(0), { kind: 'const', type: T.interval, value: new Interval(0, 0, 1) }] };
const side = (id: number): StreamNode => ({
  op: 'watermarkFilter', id, columns: cols(2), changelog: 'append-only', column: 0, expr: minus,
  input: { op: 'connectorSource', id: id + 10, columns: cols(2), changelog: 'append-only', sourceOid: id, name: `s${id}`, connector: 'nexmark', options: {} },
});
// Joined on c0 = c0, watermarked on both sides: a windowed join.
const join = (joinType: StreamJoinType): StreamNode => ({
  op: 'hashJoin', id: 1, columns: cols(4), changelog: 'retract', left: side(2), right: side(3), joinType,
  leftKeys: [col(0)], rightKeys: [col(0)], residual: null, window: { leftColumn: 0, rightColumn: 0 },
});
let next = 100;
const id = () => next++;

describe('EMIT ON WINDOW CLOSE over a windowed join', () => {
  it('releases by the left window for inner and LEFT joins, by the right one for RIGHT joins', () => {
    for (const [joinType, column] of [['inner', 0], ['left', 0], ['right', 2]] as const) {
      const n = emitOnWindowClose(join(joinType), id);
      expect(n.op).toBe('eowcBuffer');
      expect(n.changelog).toBe('append-only');
      expect((n as { column: number }).column, joinType).toBe(column);
    }
  });

  it('refuses a FULL join with 0A000', () => {
    expect(() => emitOnWindowClose(join('full'), id)).toThrow(expect.objectContaining({ code: '0A000' }));
  });
});

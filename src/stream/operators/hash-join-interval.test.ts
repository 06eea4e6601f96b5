// An interval join (r.t − l.t in [lo, hi], both time columns watermarked) emits exactly what the
// plain join with the same condition emits for rows that are not late, while keeping only the rows
// the watermarks have not yet put out of reach (give or take the second its expiry index groups
// them by); restored or rescaled, it goes on doing so.

import { describe, expect, it } from 'vitest';
import { Op, type Chunk } from '../chunk.js';
import type { Expr } from '../../plan/expr.js';
import type { Datum, Row } from '../../types/value.js';
import { Interval } from '../../types/datetime.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import { encodeStateValue } from '../checkpoint/state-codec.js';
import { HashJoinOperator, type StreamJoinType } from './hash-join.js';
import type { JoinRows } from './join-rows.js';
import { Emitted, T, col, ctx } from '../../../tests/support/operator-changelog.js';
import { rng } from '../../../tests/support/rng.js';

const S = 1_000_000;
const LO = -2 * S, HI = 10 * S;
/** Rows leave with the index bucket (operators/interval-expiry.ts) their expiry falls in. */
const BUCKET = S;
const inserts = (rows: Row[]): Chunk => ({ ops: rows.map(() => Op.Insert), rows });
// Rows (id, t) on both sides, joined on id; t is microseconds.
const keys = [col(0, T.int8)];
const num = (f: (a: number, b: number) => boolean | number, type = T.bool) => (name: string, args: Expr[]): Expr =>
  ({ kind: 'call', type, name, args, strict: true, impl: ([a, b]) => f(a as number, (b instanceof Interval ? b.micros : b) as number) });
const ge = num((a, b) => a >= b), le = num((a, b) => a <= b), plus = num((a, b) => a + b, T.timestamp);
const secs = (s: number): Expr => ({ kind: 'const', type: T.interval, value: new Interval(0, 0, s * S) });
const lt = col(1, T.timestamp), rt = col(3, T.timestamp);
// r.t BETWEEN l.t − 2 s AND l.t + 10 s
const residual: Expr = { kind: 'and', type: T.bool, args: [ge('>=', [rt, plus('+', [lt, secs(-2)])]), le('<=', [rt, plus('+', [lt, secs(10)])])] };
const interval = { leftColumn: 1, rightColumn: 1, lo: LO, hi: HI };

const storedRows = (state: MemoryStateBackend, side: 'left' | 'right') =>
  [...state.table<JoinRows>(side).values()].flatMap((l) => l.rows());
const make = (state = new MemoryStateBackend({ trackChanges: true }), joinType: StreamJoinType = 'inner') => ({ state, op: new HashJoinOperator(joinType, keys, keys, residual, 2, 2, ctx(), state, null, interval) });

/** Epoch e brings rows with t in [3e, 3e + 3) s on both sides, out of order; the watermarks then reach 3(e + 1) s. */
function epochRows(r: () => number, e: number): [Row[], Row[]] {
  const side = () => Array.from({ length: 15 }, () => [Math.floor(r() * 4), (3 * e + r() * 3) * S | 0]);
  return [side(), side()];
}

describe('interval join', () => {
  for (const joinType of ['inner', 'left', 'right', 'full'] as StreamJoinType[]) it(`${joinType}: emits the plain join's output and keeps only rows within reach of the other side's watermark`, () => {
    const r = rng(7);
    const { state, op } = make(undefined, joinType);
    const plain = new HashJoinOperator(joinType, keys, keys, residual, 2, 2, ctx());
    const a = new Emitted(), b = new Emitted();
    let plainStored = 0;
    for (let e = 0; e < 30; e++) {
      const [left, right] = epochRows(r, e);
      op.processChunk(inserts(left), 0, a); op.processChunk(inserts(right), 1, a);
      plain.processChunk(inserts(left), 0, b); plain.processChunk(inserts(right), 1, b);
      plainStored += left.length + right.length;
      expect(a.take()).toEqual(b.take());
      const wm = 3 * (e + 1) * S;
      op.processWatermark({ column: 1, value: wm }, 0, a);
      op.processWatermark({ column: 1, value: wm }, 1, a);
      expect(a.take()).toEqual([]);
      // A left row stays while a right row at or above the watermark may still reach it, and the other way round.
      expect(storedRows(state, 'left').every((row) => (row[1] as number) + HI + BUCKET >= wm)).toBe(true);
      expect(storedRows(state, 'right').every((row) => (row[1] as number) - LO + BUCKET >= wm)).toBe(true);
    }
    const kept = storedRows(state, 'left').length + storedRows(state, 'right').length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(plainStored / 4);
    // Only the rows of the last 12 s (left) and 2 s (right) are held.
    expect(storedRows(state, 'left').length).toBeLessThanOrEqual(15 * 5);
    expect(storedRows(state, 'right').length).toBeLessThanOrEqual(15 * 2);
  });

  for (const joinType of ['inner', 'left', 'full'] as StreamJoinType[]) it(`${joinType}: a side that retracts rows above its own watermark still gets the plain join's changes`, () => {
    const r = rng(13);
    const { op } = make(undefined, joinType);
    const plain = new HashJoinOperator(joinType, keys, keys, residual, 2, 2, ctx());
    const a = new Emitted(), b = new Emitted();
    for (let e = 0; e < 25; e++) {
      const [left, right] = epochRows(r, e);
      // The right side takes back some of its rows, all at or above its watermark (3e s).
      const gone = right.filter(() => r() < 0.3);
      const retract: Chunk = { ops: gone.map(() => Op.Delete), rows: gone };
      for (const x of [op, plain]) {
        const out = x === op ? a : b;
        x.processChunk(inserts(left), 0, out); x.processChunk(inserts(right), 1, out); x.processChunk(retract, 1, out);
      }
      expect(a.take()).toEqual(b.take());
      op.processWatermark({ column: 1, value: 3 * (e + 1) * S }, 0, a);
      op.processWatermark({ column: 1, value: 3 * (e + 1) * S }, 1, a);
    }
  });

  it('a row forgotten while its side may still retract it: the retraction reaches every partner it was joined with', () => {
    // The right side runs 12 s ahead; its watermark passes each left row's reach (l.t + 10 s) at
    // the end of its epoch, while the left watermark lags an epoch, so the left rows of epoch e are
    // gone from state when epoch e + 1 takes some of them back.
    const r = rng(17);
    const { state, op } = make(undefined, 'left');
    const plain = new HashJoinOperator('left', keys, keys, residual, 2, 2, ctx());
    const a = new Emitted(), b = new Emitted();
    let previous: Row[] = [];
    let forgottenRetracted = 0;
    for (let e = 0; e < 25; e++) {
      const [left, right0] = epochRows(r, e);
      const right = right0.map(([id, t]) => [id, (t as number) + 12 * S]);
      const gone = previous.filter(() => r() < 0.4);
      const stored = new Set(storedRows(state, 'left').map((x) => JSON.stringify(x)));
      forgottenRetracted += gone.filter((x) => !stored.has(JSON.stringify(x))).length;
      for (const x of [op, plain]) {
        const out = x === op ? a : b;
        x.processChunk({ ops: gone.map(() => Op.Delete), rows: gone }, 0, out);
        x.processChunk(inserts(left), 0, out); x.processChunk(inserts(right), 1, out);
      }
      expect(a.take()).toEqual(b.take());
      op.processWatermark({ column: 1, value: 3 * e * S }, 0, a);
      op.processWatermark({ column: 1, value: (3 * e + 15) * S }, 1, a);
      previous = left;
    }
    expect(forgottenRetracted).toBeGreaterThan(20);
  });

  it('does not keep a late row, though it meets the rows still stored; an outer one unmatched is padded', () => {
    const { state, op } = make(undefined, 'left');
    const out = new Emitted();
    op.processChunk(inserts([[1, 20 * S]]), 1, out);
    op.processWatermark({ column: 1, value: 30 * S }, 1, out); // right side: every future r.t ≥ 30 s
    op.processChunk(inserts([[1, 15 * S], [2, 16 * S]]), 0, out); // 15 + 10 < 30: no future right row can meet them
    expect(out.take()).toEqual([`+${JSON.stringify([1, 15 * S, 1, 20 * S])}`, `+${JSON.stringify([2, 16 * S, null, null])}`]);
    expect(storedRows(state, 'left')).toEqual([]);
  });

  it('an inner one sends watermarks on both time columns: no joined row can come below them', () => {
    const { op } = make();
    const marks: { column: number; value: number }[] = [];
    const out = Object.assign(new Emitted(), { emitWatermark: (w: { column: number; value: number }) => { marks.push(w); } });
    op.processWatermark({ column: 1, value: 100 * S }, 0, out);
    expect(marks).toEqual([]); // the right side has said nothing yet
    op.processWatermark({ column: 1, value: 104 * S }, 1, out);
    // l.t ≥ min(100, 104 − 10) = 94; r.t ≥ min(104, 100 − 2) = 98 (left columns first: r.t is column 3).
    expect(marks).toEqual([{ column: 1, value: 94 * S }, { column: 3, value: 98 * S }]);
    const outer = make(undefined, 'left').op, none: unknown[] = [];
    const quiet = Object.assign(new Emitted(), { emitWatermark: (w: unknown) => { none.push(w); } });
    outer.processWatermark({ column: 1, value: 100 * S }, 0, quiet);
    outer.processWatermark({ column: 1, value: 104 * S }, 1, quiet);
    expect(none).toEqual([]); // an outer join retracts padded rows of any age
  });

  it('an idle side holds its output watermarks back no longer', () => {
    const { op } = make();
    const marks: { column: number; value: number }[] = [];
    const out = Object.assign(new Emitted(), { emitWatermark: (w: { column: number; value: number }) => { marks.push(w); } });
    op.processWatermark({ column: 1, value: 100 * S }, 0, out);
    expect(marks).toEqual([]);
    op.processInputIdle(1, true, out);
    // Only left rows can come: l.t ≥ 100, and their partners r.t ≥ l.t − 2.
    expect(marks).toEqual([{ column: 1, value: 100 * S }, { column: 3, value: 98 * S }]);
    op.processWatermark({ column: 1, value: 110 * S }, 0, out);
    expect(marks.slice(2)).toEqual([{ column: 1, value: 110 * S }, { column: 3, value: 108 * S }]);
    // Both idle: nothing more; awake again, it never goes back.
    op.processInputIdle(0, true, out);
    op.processInputIdle(0, false, out);
    op.processInputIdle(1, false, out);
    expect(marks.length).toBe(4);
  });

  for (const rescaled of [false, true]) {
    it(`restored from a checkpoint${rescaled ? ' onto two subtasks' : ''}, goes on forgetting rows and emitting the same`, () => {
      const r = rng(11);
      const before = make();
      const plain = new HashJoinOperator('inner', keys, keys, residual, 2, 2, ctx());
      const a = new Emitted(), b = new Emitted();
      const step = (ops: HashJoinOperator[], e: number, owner: (row: Row) => number) => {
        const [left, right] = epochRows(r, e);
        ops.forEach((op, i) => {
          op.processChunk(inserts(left.filter((x) => owner(x) === i)), 0, a);
          op.processChunk(inserts(right.filter((x) => owner(x) === i)), 1, a);
          op.processWatermark({ column: 1, value: 3 * (e + 1) * S }, 0, a);
          op.processWatermark({ column: 1, value: 3 * (e + 1) * S }, 1, a);
        });
        plain.processChunk(inserts(left), 0, b); plain.processChunk(inserts(right), 1, b);
        expect(a.take()).toEqual(b.take());
      };
      for (let e = 0; e < 10; e++) step([before.op], e, () => 0);
      before.op.processBarrier({ epoch: 1 }, a);
      const parts = rescaled ? 2 : 1;
      const owner = (row: readonly Datum[]) => (row[0] as number) % parts;
      const after = Array.from({ length: parts }, (_, i) => {
        const m = make();
        for (const t of before.state.all()) for (const [k, v] of t.iterate('')) m.state.restoreEncoded(t.name, k, encodeStateValue(v));
        m.op.restoreState(rescaled ? (key) => owner(key) === i : null);
        return m;
      });
      for (let e = 10; e < 25; e++) step(after.map((m) => m.op), e, owner);
      const wm = 25 * 3 * S;
      for (const m of after) {
        expect(storedRows(m.state, 'left').every((row) => (row[1] as number) + HI + BUCKET >= wm)).toBe(true);
        expect(storedRows(m.state, 'right').every((row) => (row[1] as number) - LO + BUCKET >= wm)).toBe(true);
      }
    });
  }
});

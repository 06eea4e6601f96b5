// A hash aggregation's groups in checkpoints: packed (row-pack) rather than JSON, much smaller,
// restored exactly for every aggregate kind — and groups checkpointed as JSON before the packed
// form still restore. A state that does not match the query's aggregate is refused, not
// silently filled with another class's values.

import { describe, expect, it } from 'vitest';
import type { Datum } from '../../../types/value.js';
import { Op } from '../../chunk.js';
import { MemoryStateBackend } from '../../state/memory-state.js';
import { decodeStateValue, encodeStateValue } from '../../checkpoint/state-codec.js';
import { HashAggOperator, type AggInput } from './hash-agg.js';
import { AggGroup, PackedAggGroup, restoreAggState } from './agg-group.js';
import type { AggState } from './agg-state.js';
import { EVERY_AGGREGATE, Emitted, T, call, checkRestore, col } from '../../../../tests/support/operator-changelog.js';

type Encode = (v: unknown) => string;

/** The JSON a checkpoint held for a group before groups were packed: the codec's form of its fields. */
const asBeforePacking: Encode = (v) => {
  if (!(v instanceof AggGroup)) return encodeStateValue(v);
  return encodeStateValue({ k: v.k, key: v.key, rows: v.rows, states: v.states, emitted: v.emitted });
};

/** Aggregations by column 0 restore exactly, checkpointed with `encode`; the checkpoint held groups. */
function continuesAfterRestore(aggs: AggInput[], seed: number, encode: Encode, insertsOnly = false): void {
  const held = checkRestore((state) => new HashAggOperator([0], aggs, 'UTC', { state, appendOnlyInput: insertsOnly }), seed, { encode, insertsOnly });
  expect(held.get('groups')).toBeGreaterThan(2);
}

const groupsOf = (aggs: AggInput[], rows: Datum[][]) => {
  const state = new MemoryStateBackend({ trackChanges: true });
  const op = new HashAggOperator([0], aggs, 'UTC', { state, appendOnlyInput: true });
  op.processChunk({ ops: rows.map(() => Op.Insert), rows }, 0, new Emitted());
  op.processBarrier({ epoch: 1 }, new Emitted());
  return [...state.table('groups').iterate('')].map(([, g]) => g as AggGroup);
};

describe('hash aggregation groups in checkpoints', () => {
  it('are packed, a fraction of their JSON', () => {
    // Nexmark q4's inner aggregation: max(price) per (auction, category) over append-only input.
    const aggs: AggInput[] = [{ call: call('max', [col(2, T.int8)], T.int8), args: [2] }];
    const state = new MemoryStateBackend({ trackChanges: true });
    const op = new HashAggOperator([0, 1], aggs, 'UTC', { state, appendOnlyInput: true });
    op.processChunk({ ops: [Op.Insert, Op.Insert], rows: [[1001n, 13n, 57124527n], [1001n, 13n, 1200n]] }, 0, new Emitted());
    op.processBarrier({ epoch: 1 }, new Emitted());
    const [g] = [...state.table('groups').iterate('')].map(([, v]) => v as AggGroup);
    const packed = encodeStateValue(g), json = asBeforePacking(g);
    expect(packed).toMatch(/^\{"\$p":\["agg-group","/);
    expect(packed.length * 3).toBeLessThan(json.length);
    const saved = (decodeStateValue(packed) as PackedAggGroup).unpack(2, 1);
    expect(saved).toEqual({ key: [1001n, 13n], rows: 2, emitted: [1001n, 13n, 57124527n], states: [{ className: 'AppendOnlyExtremeState', fields: [1, 57124527n] }] });
  });

  it('are recorded for the next checkpoint when they change, again after each commit', () => {
    const aggs: AggInput[] = [{ call: call('max', [col(2, T.int8)], T.int8), args: [2] }];
    const state = new MemoryStateBackend({ trackChanges: true });
    const op = new HashAggOperator([0, 1], aggs, 'UTC', { state, appendOnlyInput: true });
    const groups = state.table('groups');
    let epoch = 0;
    const bids = (...rows: [bigint, bigint][]) => {
      op.processChunk({ ops: rows.map(() => Op.Insert), rows: rows.map(([auction, price]) => [auction, 13n, price]) }, 0, new Emitted());
      op.processBarrier({ epoch: ++epoch }, new Emitted());
    };
    const changed = () => new Map([...groups.changes()].map(([k, g]) => [k, (g as AggGroup).emitted]));
    bids([1n, 5n], [2n, 6n]);
    bids([1n, 7n]);
    expect([...changed().values()]).toEqual([[1n, 13n, 7n], [2n, 13n, 6n]]);
    groups.commit(); // a checkpoint wrote them
    expect(groups.changedCount).toBe(0);
    bids([1n, 9n]); // changed in place after the commit
    bids([1n, 8n]);
    expect([...changed().values()]).toEqual([[1n, 13n, 9n]]);
    groups.commit();
    bids([2n, 10n]);
    expect([...changed().values()]).toEqual([[2n, 13n, 10n]]);
  });

  it('restore every aggregate kind exactly, with retractions after the restore', () => {
    for (const seed of [21, 22, 23]) continuesAfterRestore(EVERY_AGGREGATE, seed, encodeStateValue);
  });

  it('checkpointed as JSON before groups were packed still restore', () => {
    for (const seed of [24, 25]) continuesAfterRestore(EVERY_AGGREGATE, seed, asBeforePacking);
    const max: AggInput[] = [{ call: call('max', [col(1, T.int4)], T.int4), args: [1] }, { call: call('count_star', [], T.int8), args: [] }];
    continuesAfterRestore(max, 26, asBeforePacking, true);
  });

  it('refuse a state of another class or shape', () => {
    const [g] = groupsOf([{ call: call('max', [col(1, T.int4)], T.int4), args: [1] }], [[1, 5]]);
    const saved = (decodeStateValue(encodeStateValue(g)) as PackedAggGroup).unpack(1, 1);
    const [sum] = groupsOf([{ call: call('sum', [col(1, T.int4)], T.int8), args: [1] }], [[1, 5]]);
    expect(() => restoreAggState(sum.states[0], saved.states[0])).toThrow(/AppendOnlyExtremeState \(2 fields\) cannot restore a IntSumState/);
    expect(() => (decodeStateValue(encodeStateValue(g)) as PackedAggGroup).unpack(1, 2)).toThrow();
  });

  it('write a state class they do not list as its JSON', () => {
    class Tally implements AggState {
      seen = 0;
      apply(): void { this.seen++; }
      result(): Datum { return this.seen; }
    }
    const t = new Tally();
    t.apply();
    t.apply();
    const g = new AggGroup('k', [7], [t]);
    g.rows = 2;
    const saved = (decodeStateValue(encodeStateValue(g)) as PackedAggGroup).unpack(1, 1);
    expect(saved.states[0]).toHaveProperty('json');
    const fresh = new Tally();
    restoreAggState(fresh, saved.states[0]);
    expect(fresh.result()).toBe(2);
  });
});

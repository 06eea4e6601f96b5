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
import { EVERY_AGGREGATE, Emitted, T, call, changelog, col } from '../../../../tests/support/operator-changelog.js';

type Encode = (v: unknown) => string;

/** The JSON a checkpoint held for a group before groups were packed: the codec's form of its fields. */
const asBeforePacking: Encode = (v) => {
  if (!(v instanceof AggGroup)) return encodeStateValue(v);
  return encodeStateValue({ k: v.k, key: v.key, rows: v.rows, states: v.states, emitted: v.emitted });
};

/** Run `aggs` over a random changelog; checkpoint (with `encode`) after epoch 12 and check that a restored instance emits the same from then on. */
function continuesAfterRestore(aggs: AggInput[], seed: number, encode: Encode, appendOnlyInput = false): void {
  const log = changelog(seed, 30);
  const make = (state: MemoryStateBackend) => new HashAggOperator([0], aggs, 'UTC', { state, appendOnlyInput });
  const stateA = new MemoryStateBackend({ trackChanges: true });
  const a = make(stateA);
  let b: HashAggOperator | null = null;
  const outA = new Emitted(), outB = new Emitted();
  let restoredGroups = 0;
  for (let e = 0; e < log.length; e++) {
    for (const batch of log[e]) {
      const { input } = batch;
      // Append-only input: the changelog's inserts alone.
      const keep = batch.ops.map((op) => !appendOnlyInput || op === Op.Insert);
      const ops = batch.ops.filter((_, i) => keep[i]), rows = batch.rows.filter((_, i) => keep[i]);
      a.processChunk({ ops, rows }, input, outA);
      b?.processChunk({ ops, rows }, input, outB);
    }
    a.processBarrier({ epoch: e + 1 }, outA);
    b?.processBarrier({ epoch: e + 1 }, outB);
    const emitted = outA.take();
    if (b) expect(outB.take(), `epoch ${e + 1}`).toEqual(emitted);
    if (e === 11) {
      const stateB = new MemoryStateBackend({ trackChanges: true });
      b = make(stateB);
      for (const t of stateA.all()) {
        for (const [k, v] of t.iterate('')) {
          if (t.name === 'groups') restoredGroups++;
          stateB.restoreEncoded(t.name, k, encode(v));
        }
      }
      b.restoreState(null);
    }
  }
  expect(restoredGroups).toBeGreaterThan(2);
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

// Recovery at operator level: every stateful operator, checkpointed at a barrier (its state
// tables encoded as a checkpoint stores them) and restored into a fresh instance, must emit
// exactly what the uninterrupted instance emits for every later epoch — with retractions of rows
// from before the checkpoint, min/max whose extreme is retracted, DISTINCT, outer-join degrees
// and Top-N partitions.

import { describe, expect, it } from 'vitest';
import { T } from '../../types/datatype.js';
import type { Datum, Row } from '../../types/value.js';
import { hashKey } from '../graph/key-hash.js';
import { keyGroupFor, subtaskForKeyGroup } from '../graph/key-groups.js';
import type { StreamOperator } from './operator.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import { encodeStateValue } from '../checkpoint/state-codec.js';
import { HashAggOperator } from './aggregate/hash-agg.js';
import { HashJoinOperator } from './hash-join.js';
import { SemiJoinOperator } from './semi-join.js';
import { TopNOperator } from './top-n.js';
import { EVERY_AGGREGATE, Emitted, call, changelog, checkRestore, col, ctx } from '../../../tests/support/operator-changelog.js';

/** What a checkpoint does with a backend: encode every entry, decode into a fresh one. */
function checkpointed(from: MemoryStateBackend, into: MemoryStateBackend): void {
  for (const t of from.all()) for (const [k, v] of t.iterate('')) into.restoreEncoded(t.name, k, encodeStateValue(v));
}

const entries = (b: MemoryStateBackend) => { let n = 0; for (const t of b.all()) for (const _ of t.iterate('')) n++; return n; };

/** The subtask a hash exchange sends a key to (the runtime's own formulas). */
const route = (key: readonly Datum[], parallelism: number) => subtaskForKeyGroup(keyGroupFor(hashKey(key as Row, key.map((_, i) => i))), parallelism);

/**
 * Rescaling: run the operator as `from` parallel instances (rows routed by their key, as a hash
 * exchange does), checkpoint them all at a barrier, restore into `to` instances that each load
 * every old instance's state and keep what they own, and check that from then on the union of
 * what the instances emit per epoch is what the `from` instances emit.
 */
function checkRescale(make: (state: MemoryStateBackend) => StreamOperator, keyOf: (input: number, row: Row) => Datum[], seed: number, from: number, to: number, inputs = 1): void {
  const log = changelog(seed, 30, inputs);
  const run = (n: number) => Array.from({ length: n }, () => { const state = new MemoryStateBackend({ trackChanges: true }); return { state, op: make(state) }; });
  const before = run(from);
  let after: ReturnType<typeof run> | null = null;
  const outA = new Emitted(), outB = new Emitted();
  const feed = (ops: ReturnType<typeof run>, out: Emitted, e: number) => {
    for (const { input, ops: kinds, rows } of log[e]) {
      rows.forEach((row, i) => ops[route(keyOf(input, row), ops.length)].op.processChunk({ ops: [kinds[i]], rows: [row] }, input, out));
    }
    for (const x of ops) x.op.processBarrier({ epoch: e + 1 }, out);
  };
  for (let e = 0; e < log.length; e++) {
    feed(before, outA, e);
    const emittedA = outA.take();
    if (after) {
      feed(after, outB, e);
      expect(outB.take(), `epoch ${e + 1}, ${from} → ${to} subtasks`).toEqual(emittedA);
    }
    if (e === 11) {
      after = run(to);
      after.forEach((x, i) => {
        for (const old of before) checkpointed(old.state, x.state);
        x.op.restoreState?.((key) => route(key, to) === i);
      });
      // Every entry lands in exactly one new subtask: none lost, none kept twice.
      expect(after.reduce((n, x) => n + entries(x.state), 0)).toBe(before.reduce((n, x) => n + entries(x.state), 0));
    }
  }
}

describe('operators restored from a checkpoint continue exactly', () => {
  it('hash aggregation: count, sums, avg, min/max with retracted extremes, DISTINCT, string_agg, bool_and', () => {
    for (const seed of [1, 2, 3]) {
      checkRestore((state) => new HashAggOperator([0], EVERY_AGGREGATE, 'UTC', { state }), seed);
    }
  });

  it('aggregation without GROUP BY keeps its single group', () => {
    checkRestore((state) => new HashAggOperator([], [{ call: call('count_star', [], T.int8), args: [] }, { call: call('max', [col(1, T.int4)], T.int4), args: [1] }], 'UTC', { state }), 4);
  });

  it('full outer join with NULL-padded rows and NULL keys', () => {
    checkRestore((state) => new HashJoinOperator('full', [col(1, T.int4)], [col(1, T.int4)], null, 6, 6, ctx(), state), 5, { inputs: 2 });
  });

  it('anti join', () => {
    checkRestore((state) => new SemiJoinOperator(true, [col(0, T.int4)], [col(0, T.int4)], null, ctx(), state), 6, { inputs: 2 });
  });

  it('rescales keyed state by key group: aggregation, joins and Top-N, 2 → 1 and 2 → 3 subtasks', () => {
    const agg = (state: MemoryStateBackend) => new HashAggOperator([0], [
      { call: call('count_star', [], T.int8), args: [] },
      { call: call('max', [col(1, T.int4)], T.int4), args: [1] },
      { call: call('count', [col(2, T.text)], T.int8, true), args: [2] },
    ], 'UTC', { state });
    const join = (state: MemoryStateBackend) => new HashJoinOperator('full', [col(1, T.int4)], [col(1, T.int4)], null, 6, 6, ctx(), state);
    const anti = (state: MemoryStateBackend) => new SemiJoinOperator(true, [col(0, T.int4)], [col(0, T.int4)], null, ctx(), state);
    const topN = (state: MemoryStateBackend) => new TopNOperator({ partitionBy: [0], orderBy: [{ index: 1, desc: true, nullsFirst: false }], limit: 2, offset: 0, withRowNumber: true }, state);
    for (const to of [1, 3]) {
      checkRescale(agg, (_, r) => [r[0]], 8, 2, to);
      checkRescale(join, (_, r) => [r[1]], 9, 2, to, 2);
      checkRescale(anti, (_, r) => [r[0]], 10, 2, to, 2);
      checkRescale(topN, (_, r) => [r[0]], 11, 2, to);
    }
  });

  it('Top-N per partition with row numbers', () => {
    checkRestore((state) => new TopNOperator({ partitionBy: [0], orderBy: [{ index: 1, desc: true, nullsFirst: false }], limit: 2, offset: 0, withRowNumber: true }, state), 7);
  });
});

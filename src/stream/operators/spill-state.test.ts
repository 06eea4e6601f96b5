// Operators over spilling state: each stateful operator, with its state spilled after every
// barrier (checkpointed or not), emits per epoch exactly what the same operator with all state in
// memory emits — groups revived with their aggregate states and min/max multisets, join rows
// with their degrees, Top-N partitions.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamOperator } from './operator.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import { SpillStore } from '../state/spill-store.js';
import { HashAggOperator } from './aggregate/hash-agg.js';
import { HashJoinOperator } from './hash-join.js';
import { SemiJoinOperator } from './semi-join.js';
import { TopNOperator } from './top-n.js';
import { EVERY_AGGREGATE, Emitted, T, call, changelog, col, ctx } from '../../../tests/support/operator-changelog.js';

let dir: string;
let store: SpillStore;
beforeAll(async () => { dir = mkdtempSync(join(tmpdir(), 'weir-spill-op-')); store = await SpillStore.open(join(dir, 'tm')); });
afterAll(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });

async function check(make: (state: MemoryStateBackend) => StreamOperator, seed: number, inputs = 1): Promise<void> {
  for (const tracking of [false, true]) {
    const log = changelog(seed, 30, inputs);
    const plain = make(new MemoryStateBackend({ trackChanges: tracking }));
    const state = new MemoryStateBackend({ trackChanges: tracking, spill: () => store.port() });
    const spilling = make(state);
    const outA = new Emitted(), outB = new Emitted();
    const before = store.written;
    for (let e = 0; e < log.length; e++) {
      for (const { input, ops, rows } of log[e]) {
        plain.processChunk({ ops, rows }, input, outA);
        spilling.processChunk({ ops, rows }, input, outB);
      }
      plain.processBarrier({ epoch: e + 1 }, outA);
      spilling.processBarrier({ epoch: e + 1 }, outB);
      expect(outB.take(), `epoch ${e + 1}${tracking ? ' (checkpointed)' : ''}`).toEqual(outA.take());
      // As a task does at a barrier under memory pressure (after a checkpoint, if there is one).
      for (const t of state.all()) { if (tracking) t.commit(); t.evict(1); }
      if (e % 5 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(store.written).toBeGreaterThan(before);
  }
}

describe('operators whose state spills continue exactly', () => {
  it('hash aggregation: count, sums, avg, min/max with retracted extremes, DISTINCT, string_agg, bool_and', async () => {
    for (const seed of [1, 2]) {
      await check((state) => new HashAggOperator([0], EVERY_AGGREGATE, 'UTC', { state }), seed);
    }
  });

  it('aggregation without GROUP BY', async () => {
    await check((state) => new HashAggOperator([], [{ call: call('count_star', [], T.int8), args: [] }, { call: call('max', [col(1, T.int4)], T.int4), args: [1] }], 'UTC', { state }), 4);
  });

  it('full outer join, anti join and Top-N', async () => {
    await check((state) => new HashJoinOperator('full', [col(1, T.int4)], [col(1, T.int4)], null, 6, 6, ctx(), state), 5, 2);
    await check((state) => new SemiJoinOperator(true, [col(0, T.int4)], [col(0, T.int4)], null, ctx(), state), 6, 2);
    await check((state) => new TopNOperator({ partitionBy: [0], orderBy: [{ index: 1, desc: true, nullsFirst: false }], limit: 2, offset: 0, withRowNumber: true }, state), 7);
  });
});

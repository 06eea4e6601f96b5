// min/max over input the planner proved append-only keep only their extreme: the same results as
// the retracting form (a multiset per group), no multiset entries in state, a retraction is an
// internal error, and groups checkpointed in the retracting form keep working after a restore.

import { describe, expect, it } from 'vitest';
import { Op } from '../../chunk.js';
import { type Row, rowKey } from '../../../types/value.js';
import { SCOPE_SEP } from '../../state/keyed-state.js';
import { MemoryStateBackend } from '../../state/memory-state.js';
import { encodeStateValue } from '../../checkpoint/state-codec.js';
import { HashAggOperator, type AggInput } from './hash-agg.js';
import { Emitted, T, call, col } from '../../../../tests/support/operator-changelog.js';

const AGGS: AggInput[] = [
  { call: call('max', [col(1, T.int4)], T.int4), args: [1] },
  { call: call('min', [col(2, T.text)], T.text), args: [2] },
  { call: call('max', [col(1, T.int4)], T.int4, true), args: [1] },
  { call: call('count_star', [], T.int8), args: [] },
];

/** Epochs of inserts only: (g int, v int|null, s text). */
function inserts(seed: number, epochs: number): Row[][] {
  let x = seed;
  const next = () => { x = (x * 1103515245 + 12345) % 2147483648; return x; };
  return Array.from({ length: epochs }, () => Array.from({ length: 40 }, () => [next() % 7, next() % 5 === 0 ? null : next() % 1000, `s${next() % 500}`]));
}

const minputEntries = (b: MemoryStateBackend) => [...b.all()].filter((t) => t.name === 'minput').reduce((n, t) => n + [...t.iterate('')].length, 0);

function run(op: HashAggOperator, rows: Row[], epoch: number, out: Emitted): void {
  op.processChunk({ ops: rows.map(() => Op.Insert), rows }, 0, out);
  op.processBarrier({ epoch }, out);
}

describe('min/max over append-only input', () => {
  it('equal the retracting form and keep no multiset', () => {
    const log = inserts(7, 20);
    const lean = new MemoryStateBackend({ trackChanges: true }), full = new MemoryStateBackend({ trackChanges: true });
    const a = new HashAggOperator([0], AGGS, 'UTC', { state: lean, appendOnlyInput: true });
    const b = new HashAggOperator([0], AGGS, 'UTC', { state: full });
    const outA = new Emitted(), outB = new Emitted();
    log.forEach((rows, e) => {
      run(a, rows, e + 1, outA);
      run(b, rows, e + 1, outB);
      expect(outA.take(), `epoch ${e + 1}`).toEqual(outB.take());
    });
    expect(minputEntries(lean)).toBe(0);
    expect(minputEntries(full)).toBeGreaterThan(100);
  });

  it('treats a retraction as an internal error', () => {
    const a = new HashAggOperator([0], AGGS.slice(0, 1), 'UTC', { appendOnlyInput: true });
    const out = new Emitted();
    run(a, [[1, 5, 'x']], 1, out);
    expect(() => a.processChunk({ ops: [Op.Delete], rows: [[1, 5, 'x']] }, 0, out)).toThrow(/append-only input received a retraction/);
  });

  it('continues groups checkpointed with their multiset, and new groups keep none', () => {
    const log = inserts(11, 20);
    const before = new MemoryStateBackend({ trackChanges: true });
    const old = new HashAggOperator([0], AGGS, 'UTC', { state: before });
    const out = new Emitted();
    log.slice(0, 10).forEach((rows, e) => run(old, rows.filter((r) => (r[0] as number) < 4), e + 1, out));
    out.take();
    const after = new MemoryStateBackend({ trackChanges: true });
    const restored = new HashAggOperator([0], AGGS, 'UTC', { state: after, appendOnlyInput: true });
    for (const t of before.all()) for (const [k, v] of t.iterate('')) after.restoreEncoded(t.name, k, encodeStateValue(v));
    restored.restoreState(null);
    const carriedOver = minputEntries(after);
    const outR = new Emitted();
    log.slice(10).forEach((rows, e) => {
      run(old, rows, e + 11, out);
      run(restored, rows, e + 11, outR);
      expect(outR.take(), `epoch ${e + 11}`).toEqual(out.take());
    });
    // Groups 0–3 still use their multisets; groups 4–6, new since the restore, have none.
    const scopes = new Set([...after.all()].filter((t) => t.name === 'minput').flatMap((t) => [...t.iterate('')].map(([k]) => k.split(SCOPE_SEP)[0].replace(/^\d+:/, ''))));
    expect([...scopes].sort()).toEqual([0, 1, 2, 3].map((g) => rowKey([g], [0])).sort());
    expect(minputEntries(after)).toBeGreaterThanOrEqual(carriedOver);
  });
});

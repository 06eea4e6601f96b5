// Differential test at operator level: a random changelog through HashAgg alone and through
// LocalAgg → HashAgg (global) must give the same view after every barrier.

import { describe, expect, it } from 'vitest';
import { T, type DataType } from '../../../types/datatype.js';
import type { AggCall } from '../../../plan/logical.js';
import type { Datum, Row } from '../../../types/value.js';
import { Numeric } from '../../../types/numeric.js';
import { type Chunk, Op, isRetraction } from '../../chunk.js';
import type { Output } from '../operator.js';
import { type AggInput, HashAggOperator } from './hash-agg.js';
import { LocalAggOperator } from './local-agg.js';
import { partialKind, partialTypes, type PartialKind } from './partial.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

const call = (kind: AggCall['kind'], col: number, type: DataType): AggCall => ({ kind, args: kind === 'count_star' ? [] : [{ kind: 'column', type, index: col }], distinct: false, filter: null, orderBy: [], type: T.int8 });

/** The rows a changelog leaves visible, as sorted text. */
class View implements Output {
  private readonly rows = new Map<string, number>();
  emit(c: Chunk): void {
    c.rows.forEach((r, i) => {
      const k = JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Numeric ? `${v.toString()}` : v));
      const n = (this.rows.get(k) ?? 0) + (isRetraction(c.ops[i]) ? -1 : 1);
      if (n) this.rows.set(k, n); else this.rows.delete(k);
    });
  }
  snapshot(): string[] { return [...this.rows].map(([k, n]) => `${k} x${n}`).sort(); }
}

function compare(aggs: AggInput[], groupBy: number[], appendOnly: boolean, seed: number): void {
  const rand = rng(seed);
  const kinds = aggs.map((a) => partialKind(a.call, appendOnly)) as PartialKind[];
  expect(kinds.every((k) => k !== null)).toBe(true);
  const single = new HashAggOperator(groupBy, aggs, 'UTC');
  const local = new LocalAggOperator(groupBy, aggs, kinds);
  // The global agg's input: keys, Δrows, partial columns (as the plan rewrite lays them out).
  let col = groupBy.length + 1;
  const merges: AggInput[] = aggs.map((a, j) => ({ call: a.call, merge: kinds[j], args: partialTypes(a.call, kinds[j]).map(() => col++) }));
  const global = new HashAggOperator(groupBy.map((_, i) => i), merges, 'UTC', { rowCountColumn: groupBy.length });
  const viewA = new View(), viewB = new View();
  const toGlobal: Output = { emit: (c) => global.processChunk(c, 0, viewB) };
  const live: Row[] = [];
  const feed = (c: Chunk) => { single.processChunk(c, 0, viewA); local.processChunk(c, 0, toGlobal); };
  for (let epoch = 1; epoch <= 40; epoch++) {
    const ops: Op[] = [], rows: Row[] = [];
    const n = Math.floor(rand() * 20);
    for (let i = 0; i < n; i++) {
      if (!appendOnly && live.length && rand() < 0.4) {
        const r = live.splice(Math.floor(rand() * live.length), 1)[0];
        ops.push(Op.Delete); rows.push(r);
      } else {
        const v: Datum = rand() < 0.15 ? null : Math.floor(rand() * 100) - 30;
        const r: Row = [Math.floor(rand() * 4), v, v === null ? null : Numeric.fromInt(v).div(Numeric.fromInt(4)), v === null ? null : v % 2 === 0];
        live.push(r); ops.push(Op.Insert); rows.push(r);
      }
      if (rand() < 0.2) feed({ ops: ops.splice(0), rows: rows.splice(0) }); // several chunks per epoch
    }
    feed({ ops, rows });
    single.processBarrier({ epoch }, viewA);
    local.processBarrier({ epoch }, toGlobal);
    global.processBarrier({ epoch }, viewB);
    expect(viewB.snapshot(), `epoch ${epoch}`).toEqual(viewA.snapshot());
  }
  expect(viewA.snapshot().length).toBeGreaterThan(0);
}

describe('LocalAggOperator + global HashAggOperator', () => {
  const aggs: AggInput[] = [
    { call: call('count_star', 0, T.int4), args: [] },
    { call: call('count', 1, T.int4), args: [1] },
    { call: call('sum', 1, T.int4), args: [1] },
    { call: call('avg', 1, T.int4), args: [1] },
    { call: call('sum', 2, T.numeric), args: [2] },
    { call: call('avg', 2, T.numeric), args: [2] },
    { call: call('bool_and', 3, T.bool), args: [3] },
    { call: call('bool_or', 3, T.bool), args: [3] },
  ];
  it('equals single-phase aggregation over a retracting changelog, grouped and global', () => {
    for (const seed of [1, 2, 3]) {
      compare(aggs, [0], false, seed);
      compare(aggs, [], false, seed + 10);
    }
  });
  it('equals single-phase min/max over append-only input', () => {
    const mm: AggInput[] = [...aggs, { call: call('min', 1, T.int4), args: [1] }, { call: call('max', 2, T.numeric), args: [2] }];
    for (const seed of [4, 5]) compare(mm, [0], true, seed);
  });
});

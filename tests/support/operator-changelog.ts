// Shared by the operator-level state tests (restore, rescale, spill): a random changelog with
// retractions, the aggregate calls and expressions they need, and an output that records what an
// operator emitted per epoch, order-independent.

import { T, type DataType } from '../../src/types/datatype.js';
import type { AggCall } from '../../src/plan/logical.js';
import type { Expr } from '../../src/plan/expr.js';
import type { Row } from '../../src/types/value.js';
import { Numeric } from '../../src/types/numeric.js';
import { ExecContext } from '../../src/executor/context.js';
import { type Chunk, Op, isRetraction } from '../../src/stream/chunk.js';
import type { Output } from '../../src/stream/operators/operator.js';
import { rng } from './rng.js';
import type { AggInput } from '../../src/stream/operators/aggregate/hash-agg.js';
import type { StreamOperator } from '../../src/stream/operators/operator.js';
import { MemoryStateBackend } from '../../src/stream/state/memory-state.js';
import { encodeStateValue } from '../../src/stream/checkpoint/state-codec.js';
import { expect } from 'vitest';

export { T };
export const col = (index: number, type: DataType): Expr => ({ kind: 'column', type, index } as Expr);
export const call = (kind: AggCall['kind'], args: Expr[], type: DataType, distinct = false): AggCall => ({ kind, args, distinct, filter: null, orderBy: [], type });
export const ctx = () => new ExecContext([], { timeZone: 'UTC', statementTime: 0 } as never, { table: () => { throw new Error('no tables'); } }, { rows: () => [] }, () => false);

const text = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Numeric ? `N${x.toString()}` : x));
export class Emitted implements Output {
  lines: string[] = [];
  emit(c: Chunk): void { c.rows.forEach((r, i) => this.lines.push(`${isRetraction(c.ops[i]) ? '-' : '+'}${text(r)}`)); }
  take(): string[] { const l = this.lines.sort(); this.lines = []; return l; }
}

/** A random changelog: rows of (g int, v int|null, s text, f float8, n numeric, b bool) with retractions of live rows. */
export function changelog(seed: number, epochs: number, inputs = 1): { input: number; ops: Op[]; rows: Row[] }[][] {
  const r = rng(seed);
  const live: Row[][] = Array.from({ length: inputs }, () => []);
  const out: { input: number; ops: Op[]; rows: Row[] }[][] = [];
  for (let e = 0; e < epochs; e++) {
    const batches: { input: number; ops: Op[]; rows: Row[] }[] = [];
    for (let input = 0; input < inputs; input++) {
      const ops: Op[] = [], rows: Row[] = [];
      for (let i = 0; i < 12; i++) {
        if (live[input].length && r() < 0.35) {
          rows.push(live[input].splice(Math.floor(r() * live[input].length), 1)[0]);
          ops.push(Op.Delete);
        } else {
          const row: Row = [Math.floor(r() * 4), r() < 0.15 ? null : Math.floor(r() * 20), `s${Math.floor(r() * 5)}`, Math.floor(r() * 8) / 4, new Numeric(BigInt(Math.floor(r() * 1000)), 2), r() < 0.5];
          live[input].push(row);
          rows.push(row);
          ops.push(Op.Insert);
        }
      }
      batches.push({ input, ops, rows });
    }
    out.push(batches);
  }
  return out;
}


/** Aggregates of every kind over the changelog's columns, grouped by column 0. */
export const EVERY_AGGREGATE: AggInput[] = [
  { call: call('count_star', [], T.int8), args: [] },
  { call: call('count', [col(1, T.int4)], T.int8), args: [1] },
  { call: call('sum', [col(1, T.int4)], T.int8), args: [1] },
  { call: call('avg', [col(4, T.numeric)], T.numeric), args: [4] },
  { call: call('sum', [col(3, T.float8)], T.float8), args: [3] },
  { call: call('min', [col(1, T.int4)], T.int4), args: [1] },
  { call: call('max', [col(2, T.text)], T.text), args: [2] },
  { call: call('count', [col(2, T.text)], T.int8, true), args: [2] },
  { call: call('string_agg', [col(2, T.text), { kind: 'const', type: T.text, value: ',' } as Expr], T.text, true), args: [2, 2] },
  { call: call('bool_and', [col(5, T.bool)], T.bool), args: [5] },
  { call: call('sum', [col(1, T.int4)], T.int8, true), args: [1] },
  { call: call('avg', [col(4, T.numeric)], T.numeric, true), args: [4] },
  { call: call('max', [col(1, T.int4)], T.int4, true), args: [1] },
  { call: call('bool_or', [col(5, T.bool)], T.bool, true), args: [5] },
];

export interface RestoreCheck {
  /** Inputs of the operator (a join has 2). */
  readonly inputs?: number;
  /** How a checkpoint encodes a state value (the codec; a test may write an older form). */
  readonly encode?: (v: unknown) => string;
  /** Feed only the changelog's inserts (an operator the planner proved append-only). */
  readonly insertsOnly?: boolean;
}

/**
 * Recovery at operator level: run `make`'s operator over a random changelog; at the barrier of
 * epoch 12 encode every state entry as a checkpoint does and restore it into a fresh instance,
 * which from then on must emit exactly what the uninterrupted one emits. Returns how many entries
 * of each table the checkpoint held.
 */
export function checkRestore(make: (state: MemoryStateBackend) => StreamOperator, seed: number, opts: RestoreCheck = {}): Map<string, number> {
  const { inputs = 1, encode = encodeStateValue, insertsOnly = false } = opts;
  const log = changelog(seed, 30, inputs);
  const stateA = new MemoryStateBackend({ trackChanges: true });
  const a = make(stateA);
  let b: StreamOperator | null = null;
  const outA = new Emitted(), outB = new Emitted();
  const restored = new Map<string, number>();
  for (let e = 0; e < log.length; e++) {
    for (const batch of log[e]) {
      const keep = batch.ops.map((op) => !insertsOnly || op === Op.Insert);
      const ops = batch.ops.filter((_, i) => keep[i]), rows = batch.rows.filter((_, i) => keep[i]);
      a.processChunk({ ops, rows }, batch.input, outA);
      b?.processChunk({ ops, rows }, batch.input, outB);
    }
    a.processBarrier({ epoch: e + 1 }, outA);
    b?.processBarrier({ epoch: e + 1 }, outB);
    const emittedA = outA.take();
    if (b) expect(outB.take(), `epoch ${e + 1}`).toEqual(emittedA);
    if (e === 11) {
      // Checkpoint at this barrier; the restored instance takes over from the next epoch.
      const stateB = new MemoryStateBackend({ trackChanges: true });
      b = make(stateB);
      for (const t of stateA.all()) {
        for (const [k, v] of t.iterate('')) {
          stateB.restoreEncoded(t.name, k, encode(v));
          restored.set(t.name, (restored.get(t.name) ?? 0) + 1);
        }
      }
      b.restoreState?.(null);
    }
  }
  return restored;
}

// Per-group aggregate state that survives retraction. Simple aggregates (count, sum, avg,
// bool_and/or) keep running totals; min/max keep a multiset of values with a cached extreme that
// is recomputed only when the extreme itself is retracted (over append-only input, where nothing
// is retracted, just the extreme); count/sum/avg/bool (DISTINCT) keep the
// distinct values' multiplicities and feed each value once to the plain aggregate; everything else
// (ORDER BY inside the call, string_agg, array_agg, json_agg, variance, their DISTINCT forms …)
// keeps the multiset of inputs and recomputes with the batch accumulator, so results are exactly
// what a batch query returns.

import { SqlError, SqlState } from '../../../errors.js';
import type { AggCall } from '../../../plan/logical.js';
import type { Datum, Row } from '../../../types/value.js';
import { compareDatum, datumKey } from '../../../types/value.js';
import { Numeric } from '../../../types/numeric.js';
import { Interval } from '../../../types/datetime.js';
import { createAccumulator } from '../../../executor/accumulators.js';
import type { KeyedState } from '../../state/keyed-state.js';
import { MemoryStateTable } from '../../state/memory-state.js';

export interface AggState {
  /** Apply one input (+1 insert, -1 retract) with the aggregate's argument values (`args` is the
   * caller's scratch array, refilled for the next row: a state that keeps it must copy it). */
  apply(args: Datum[], sign: 1 | -1, orderKey?: Row): void;
  result(): Datum;
}

/** One value of a min/max multiset and how many times it is present. */
export interface MinputEntry { readonly v: Datum; n: number }

/**
 * One more (+1) or one fewer (-1) copy of `v` (key `k`) in a multiset: returns its entry when the
 * value appeared or vanished, null when only its multiplicity changed.
 */
function countValue(values: KeyedState<MinputEntry>, k: string, v: Datum, sign: 1 | -1): MinputEntry | null {
  const e = values.get(k);
  if (sign > 0) {
    if (e) { e.n++; values.put(k, e); return null; }
    const added = { v, n: 1 };
    values.put(k, added);
    return added;
  }
  if (!e) throw new SqlError(SqlState.InternalError, 'retraction of a value that was never aggregated');
  if (--e.n === 0) { values.delete(k); return e; }
  values.put(k, e);
  return null;
}

/** Where min/max keep their multiset: a scope of the operator's minput state table. */
export type MinputScope = () => KeyedState<MinputEntry>;

/** Kinds whose DISTINCT form is the plain aggregate over each distinct non-null value once. */
const INCREMENTAL_DISTINCT = new Set(['count', 'sum', 'avg', 'bool_and', 'bool_or', 'every']);

/** Does this call keep a multiset in the operator's minput table (one scope per group and call)? */
export function usesMinputScope(call: AggCall): boolean {
  if (call.orderBy.length) return false;
  if (call.kind === 'min' || call.kind === 'max') return true;
  return call.distinct && call.args.length === 1 && INCREMENTAL_DISTINCT.has(call.kind);
}

/**
 * `appendOnlyInput`: the planner proved the input never retracts, so min/max keep only their
 * extreme (Flink's MaxAggFunction without retraction; RisingWave's append-only value state).
 */
export function createAggState(call: AggCall, timeZone: string, minput?: MinputScope, appendOnlyInput = false): AggState {
  const scope = () => (minput ? minput() : new MemoryStateTable<MinputEntry>('minput', false));
  if (appendOnlyInput && !call.orderBy.length && (call.kind === 'min' || call.kind === 'max')) return new AppendOnlyExtremeState(call.kind === 'max' ? 1 : -1);
  if (call.distinct && !call.orderBy.length) {
    // min/max of the distinct values is min/max of all of them.
    if (call.kind === 'min' || call.kind === 'max') return new ExtremeState(call.kind === 'max' ? 1 : -1, scope());
    if (usesMinputScope(call)) return new DistinctState(createAggState({ ...call, distinct: false }, timeZone), scope());
  }
  if (call.distinct || call.orderBy.length) return new MultisetState(call, timeZone);
  const t = call.args[0]?.type;
  const id = t && t.kind === 'scalar' ? t.id : undefined;
  switch (call.kind) {
    case 'count_star': return new CountState(false);
    case 'count': return new CountState(true);
    case 'sum': case 'avg':
      if (id === 'int2' || id === 'int4' || id === 'int8') return new IntSumState(call.kind === 'avg', id === 'int8');
      if (id === 'numeric') return new NumericSumState(call.kind === 'avg');
      if (id === 'float4' || id === 'float8') return new FloatSumState(call.kind === 'avg', id === 'float4' && call.kind === 'sum');
      if (id === 'interval') return new IntervalSumState(call.kind === 'avg');
      break;
    case 'min': case 'max': return new ExtremeState(call.kind === 'max' ? 1 : -1, scope());
    case 'bool_and': case 'every': return new BoolState(true);
    case 'bool_or': return new BoolState(false);
  }
  return new MultisetState(call, timeZone);
}

class CountState implements AggState {
  private n = 0;
  constructor(private readonly skipNull: boolean) {}
  apply(args: Datum[], sign: 1 | -1): void { if (!this.skipNull || args[0] !== null) this.n += sign; }
  result(): Datum { return BigInt(this.n); }
}

class IntSumState implements AggState {
  // A float total is exact below 2^53; beyond that the running total moves into a bigint.
  private small = 0;
  private big = 0n;
  private n = 0;
  constructor(private readonly avg: boolean, private readonly int8: boolean) {}
  apply(args: Datum[], sign: 1 | -1): void {
    const v = args[0];
    if (v === null) return;
    this.n += sign;
    if (typeof v === 'bigint') this.big += sign > 0 ? v : -v;
    else {
      this.small += sign * (v as number);
      if (this.small > 9e15 || this.small < -9e15) { this.big += BigInt(this.small); this.small = 0; }
    }
  }
  result(): Datum {
    if (this.n === 0) return null;
    const total = this.big + BigInt(this.small);
    if (this.avg) return new Numeric(total, 0).div(Numeric.fromInt(this.n));
    return this.int8 ? new Numeric(total, 0) : total;
  }
}

class NumericSumState implements AggState {
  private sum = new Numeric(0n, 0);
  private n = 0;
  constructor(private readonly avg: boolean) {}
  apply(args: Datum[], sign: 1 | -1): void {
    const v = args[0] as Numeric | null;
    if (v === null) return;
    this.n += sign;
    this.sum = sign > 0 ? this.sum.add(v) : this.sum.sub(v);
  }
  result(): Datum {
    if (this.n === 0) return null;
    return this.avg ? this.sum.div(Numeric.fromInt(this.n)) : this.sum;
  }
}

class FloatSumState implements AggState {
  private sum = 0;
  private n = 0;
  constructor(private readonly avg: boolean, private readonly float4: boolean) {}
  apply(args: Datum[], sign: 1 | -1): void {
    const v = args[0] as number | null;
    if (v === null) return;
    this.n += sign;
    this.sum += sign * v;
  }
  result(): Datum {
    if (this.n === 0) return null;
    return this.avg ? this.sum / this.n : this.float4 ? Math.fround(this.sum) : this.sum;
  }
}

class IntervalSumState implements AggState {
  private sum = new Interval(0, 0, 0);
  private n = 0;
  constructor(private readonly avg: boolean) {}
  apply(args: Datum[], sign: 1 | -1): void {
    const v = args[0] as Interval | null;
    if (v === null) return;
    this.n += sign;
    this.sum = sign > 0 ? this.sum.add(v) : this.sum.sub(v);
  }
  result(): Datum { return this.n === 0 ? null : this.avg ? this.sum.mulNumber(1 / this.n) : this.sum; }
}

class BoolState implements AggState {
  private trues = 0;
  private falses = 0;
  constructor(private readonly and: boolean) {}
  apply(args: Datum[], sign: 1 | -1): void {
    if (args[0] === null) return;
    if (args[0]) this.trues += sign; else this.falses += sign;
  }
  result(): Datum {
    if (this.trues + this.falses === 0) return null;
    return this.and ? this.falses === 0 : this.trues > 0;
  }
}

/** min/max over a multiset of values (RisingWave's minput): the multiset lives in keyed state,
 * the cached extreme is recomputed from it only when the extreme itself is retracted. */
class ExtremeState implements AggState {
  private best: Datum = null;
  private stale = false;
  // The multiset is checkpointed as its own keys (a private field is not part of the encoded state).
  readonly #values: KeyedState<MinputEntry>;
  constructor(private readonly sign: 1 | -1, values: KeyedState<MinputEntry>) { this.#values = values; }
  apply(args: Datum[], sign: 1 | -1): void {
    const v = args[0];
    if (v === null) return;
    const k = datumKey(v);
    const vanished = countValue(this.#values, k, v, sign) !== null && sign < 0;
    if (sign > 0) {
      if (!this.stale && (this.best === null || compareDatum(v, this.best) * this.sign > 0)) this.best = v;
    } else if (vanished && this.best !== null && datumKey(this.best) === k) this.stale = true;
  }
  result(): Datum {
    if (this.stale) {
      let best: Datum = null;
      for (const { v } of this.#values.values()) if (best === null || compareDatum(v, best) * this.sign > 0) best = v;
      this.best = best;
      this.stale = false;
    }
    return this.#values.size ? this.best : null;
  }
}

/** min/max over append-only input: the extreme is the whole state (DISTINCT changes nothing). */
class AppendOnlyExtremeState implements AggState {
  private best: Datum = null;
  constructor(private readonly sign: 1 | -1) {}
  apply(args: Datum[], sign: 1 | -1): void {
    if (sign < 0) throw new SqlError(SqlState.InternalError, 'min/max over append-only input received a retraction');
    const v = args[0];
    if (v !== null && (this.best === null || compareDatum(v, this.best) * this.sign > 0)) this.best = v;
  }
  result(): Datum { return this.best; }
}

/**
 * count/sum/avg/bool_and/bool_or (DISTINCT x): the plain aggregate `inner` sees each distinct
 * non-null value once — applied when its multiplicity goes 0 → 1, retracted when it goes 1 → 0 —
 * so an update costs O(1) instead of a recomputation over every distinct value. The multiplicities
 * are keyed state of their own (a minput scope): a checkpoint writes the values that changed, not
 * the group's whole set, and a cold group's set spills with it.
 */
class DistinctState implements AggState {
  readonly #values: KeyedState<MinputEntry>;
  constructor(readonly inner: AggState, values: KeyedState<MinputEntry>) { this.#values = values; }
  apply(args: Datum[], sign: 1 | -1): void {
    const v = args[0];
    if (v === null) return;
    const changed = countValue(this.#values, datumKey(v), v, sign);
    // Retract exactly the value the inner aggregate was given (1.0 and 1.00 share a key).
    if (changed) this.inner.apply(sign > 0 ? args : [changed.v], sign);
  }
  result(): Datum { return this.inner.result(); }
}

/** Keeps every input (with multiplicity) and recomputes with the batch accumulator. */
class MultisetState implements AggState {
  private readonly entries = new Map<string, { args: Datum[]; order: Row | undefined; n: number }>();
  // The call is the operator's, not the group's: private fields stay out of checkpoints.
  readonly #call: AggCall;
  readonly #timeZone: string;
  constructor(call: AggCall, timeZone: string) { this.#call = call; this.#timeZone = timeZone; }
  apply(args: Datum[], sign: 1 | -1, orderKey?: Row): void {
    const k = args.map(datumKey).join('\u0001') + (orderKey ? '\u0002' + orderKey.map(datumKey).join('\u0001') : '');
    const e = this.entries.get(k);
    if (sign > 0) { if (e) e.n++; else this.entries.set(k, { args: args.slice(), order: orderKey, n: 1 }); return; }
    if (!e) throw new SqlError(SqlState.InternalError, 'retraction of a value that was never aggregated');
    if (--e.n === 0) this.entries.delete(k);
  }
  result(): Datum {
    const acc = createAccumulator(this.#call, this.#timeZone);
    let items = [...this.entries.values()];
    if (this.#call.orderBy.length) {
      items = items.slice().sort((a, b) => {
        for (let i = 0; i < this.#call.orderBy.length; i++) {
          const s = this.#call.orderBy[i];
          const x = a.order![i], y = b.order![i];
          if (x === null || y === null) { if (x === y) continue; return (x === null) === s.nullsFirst ? -1 : 1; }
          const c = compareDatum(x, y);
          if (c) return s.desc ? -c : c;
        }
        return 0;
      });
    }
    for (const e of items) {
      if (this.#call.distinct) {
        if (this.#call.kind !== 'array_agg' && e.args.every((a) => a === null)) continue;
        acc.add(e.args);
      } else for (let i = 0; i < e.n; i++) acc.add(e.args);
    }
    return acc.result();
  }
}

// Partial aggregation for two-phase (local/global) aggregation: which aggregate calls decompose,
// the partial state a local aggregation emits for each, how the local side accumulates it within
// an epoch, and how the global side merges partials into the final result.
//
// Partials are signed deltas, so they survive retraction upstream: count → Δn; sum/avg over
// integers or numeric → (Δsum, Δn); bool_and/bool_or/every → (Δtrues, Δfalses). min/max have no
// retractable delta, so they decompose only over append-only input (partial = the epoch's
// extreme). DISTINCT, ORDER BY inside the call, float sums (their result depends on the order of
// additions) and collecting aggregates stay single-phase.

import { SqlError, SqlState } from '../../../errors.js';
import type { AggCall } from '../../../plan/logical.js';
import { T, type DataType } from '../../../types/datatype.js';
import type { Datum } from '../../../types/value.js';
import { compareDatum } from '../../../types/value.js';
import { Numeric } from '../../../types/numeric.js';
import type { AggState } from './agg-state.js';

export type PartialKind = 'count' | 'sum' | 'bool' | 'extreme';

/** How `call` decomposes, or null if it must stay single-phase. */
export function partialKind(call: AggCall, appendOnlyInput: boolean): PartialKind | null {
  if (call.distinct || call.orderBy.length) return null;
  switch (call.kind) {
    case 'count_star': case 'count': return 'count';
    case 'sum': case 'avg': return exactSumType(call) ? 'sum' : null;
    case 'bool_and': case 'bool_or': case 'every': return 'bool';
    case 'min': case 'max': return appendOnlyInput ? 'extreme' : null;
    default: return null;
  }
}

function exactSumType(call: AggCall): 'int' | 'int8' | 'numeric' | null {
  const t = call.args[0]?.type;
  if (!t || t.kind !== 'scalar') return null;
  if (t.id === 'int2' || t.id === 'int4') return 'int';
  if (t.id === 'int8') return 'int8';
  return t.id === 'numeric' ? 'numeric' : null;
}

/** The columns of one call's partial state. Counts are per-epoch deltas (JS numbers, int4);
 * integer sums travel as int8 (bigint), numeric sums as numeric. */
export function partialTypes(call: AggCall, kind: PartialKind): DataType[] {
  switch (kind) {
    case 'count': return [T.int4];
    case 'sum': return [exactSumType(call) === 'numeric' ? T.numeric : T.int8, T.int4];
    case 'bool': return [T.int4, T.int4];
    case 'extreme': return [call.args[0].type];
  }
}

/** Accumulates one call's partial state within an epoch (local side). */
export interface LocalAcc {
  apply(args: readonly Datum[], sign: 1 | -1): void;
  /** The partial state's values, appended to `out`. */
  emit(out: Datum[]): void;
}

export function createLocalAcc(call: AggCall, kind: PartialKind): LocalAcc {
  switch (kind) {
    case 'count': return new LocalCount(call.kind === 'count');
    case 'sum': return exactSumType(call) === 'numeric' ? new LocalNumericSum() : new LocalIntSum();
    case 'bool': return new LocalBool();
    case 'extreme': return new LocalExtreme(call.kind === 'max' ? 1 : -1);
  }
}

class LocalCount implements LocalAcc {
  private n = 0;
  constructor(private readonly skipNull: boolean) {}
  apply(args: readonly Datum[], sign: 1 | -1): void { if (!this.skipNull || args[0] !== null) this.n += sign; }
  emit(out: Datum[]): void { out.push(this.n); }
}

class LocalIntSum implements LocalAcc {
  // Exact below 2^53 as a float; larger totals move into a bigint (as IntSumState does).
  private small = 0;
  private big = 0n;
  private n = 0;
  apply(args: readonly Datum[], sign: 1 | -1): void {
    const v = args[0];
    if (v === null) return;
    this.n += sign;
    if (typeof v === 'bigint') this.big += sign > 0 ? v : -v;
    else {
      this.small += sign * (v as number);
      if (this.small > 9e15 || this.small < -9e15) { this.big += BigInt(this.small); this.small = 0; }
    }
  }
  emit(out: Datum[]): void { out.push(this.big + BigInt(this.small), this.n); }
}

class LocalNumericSum implements LocalAcc {
  private sum = new Numeric(0n, 0);
  private n = 0;
  apply(args: readonly Datum[], sign: 1 | -1): void {
    const v = args[0] as Numeric | null;
    if (v === null) return;
    this.n += sign;
    this.sum = sign > 0 ? this.sum.add(v) : this.sum.sub(v);
  }
  emit(out: Datum[]): void { out.push(this.sum, this.n); }
}

class LocalBool implements LocalAcc {
  private trues = 0;
  private falses = 0;
  apply(args: readonly Datum[], sign: 1 | -1): void {
    if (args[0] === null) return;
    if (args[0]) this.trues += sign; else this.falses += sign;
  }
  emit(out: Datum[]): void { out.push(this.trues, this.falses); }
}

class LocalExtreme implements LocalAcc {
  private best: Datum = null;
  constructor(private readonly sign: 1 | -1) {}
  apply(args: readonly Datum[], sign: 1 | -1): void {
    if (sign < 0) throw new SqlError(SqlState.InternalError, 'two-phase min/max received a retraction (its input must be append-only)');
    const v = args[0];
    if (v !== null && (this.best === null || compareDatum(v, this.best) * this.sign > 0)) this.best = v;
  }
  emit(out: Datum[]): void { out.push(this.best); }
}

/** Merges partial states into the final result (global side). `extreme` partials are merged by an
 * ordinary min/max state, so they are not handled here. */
export function createMergeState(call: AggCall, kind: Exclude<PartialKind, 'extreme'>): AggState {
  switch (kind) {
    case 'count': return new CountMerge();
    case 'sum': return new SumMerge(call.kind === 'avg', exactSumType(call)!);
    case 'bool': return new BoolMerge(call.kind !== 'bool_or');
  }
}

class CountMerge implements AggState {
  private n = 0;
  apply(args: Datum[], sign: 1 | -1): void { this.n += sign * (args[0] as number); }
  result(): Datum { return BigInt(this.n); }
}

class SumMerge implements AggState {
  private intTotal = 0n;
  private numTotal = new Numeric(0n, 0);
  private n = 0;
  constructor(private readonly avg: boolean, private readonly input: 'int' | 'int8' | 'numeric') {}
  apply(args: Datum[], sign: 1 | -1): void {
    this.n += sign * (args[1] as number);
    if (this.input === 'numeric') {
      const v = args[0] as Numeric;
      this.numTotal = sign > 0 ? this.numTotal.add(v) : this.numTotal.sub(v);
    } else {
      const v = args[0] as bigint;
      this.intTotal += sign > 0 ? v : -v;
    }
  }
  /** Exactly what the single-phase states (IntSumState, NumericSumState) return. */
  result(): Datum {
    if (this.n === 0) return null;
    if (this.input === 'numeric') return this.avg ? this.numTotal.div(Numeric.fromInt(this.n)) : this.numTotal;
    if (this.avg) return new Numeric(this.intTotal, 0).div(Numeric.fromInt(this.n));
    return this.input === 'int8' ? new Numeric(this.intTotal, 0) : this.intTotal;
  }
}

class BoolMerge implements AggState {
  private trues = 0;
  private falses = 0;
  constructor(private readonly and: boolean) {}
  apply(args: Datum[], sign: 1 | -1): void {
    this.trues += sign * (args[0] as number);
    this.falses += sign * (args[1] as number);
  }
  result(): Datum {
    if (this.trues + this.falses === 0) return null;
    return this.and ? this.falses === 0 : this.trues > 0;
  }
}

// An interval join (Flink SQL's): an equi-join (inner or outer) whose condition also bounds one side's event
// time by the other's, e.g. `b.t BETWEEN a.t AND a.t + INTERVAL '10' SECOND`, with a watermark on
// both time columns. Normalised to lo ≤ r.t − l.t ≤ hi, the bounds say when a stored row can no
// longer match: a left row once the right side's watermark passes l.t + hi, a right row once the
// left side's passes r.t − lo. The join then drops such rows (operators/hash-join.ts), so its state
// holds only the rows within reach of the watermarks instead of every row ever seen.
//
// Inputs may retract (a windowed aggregation's upserts, as in Nexmark q7): no stream with a
// watermark W on a column changes a row below W — a watermark filter drops such rows, a windowed
// aggregation or join emits a window's last change before its watermark passes the window. So a
// retraction of l comes while l.t ≥ W_l, and every partner it was joined with (r.t − lo ≥ l.t ≥
// W_l) is still stored: the join retracts exactly what it emitted, even if l itself has left.

import type { Expr } from '../../plan/expr.js';
import { splitConjuncts } from '../../plan/conjuncts.js';
import { Interval } from '../../types/datetime.js';

/** r.t − l.t lies in [lo, hi] (microseconds; null: unbounded on that end). */
export interface JoinInterval {
  /** The time column of the left input. */
  readonly leftColumn: number;
  /** The time column of the right input (an index into the right input's columns). */
  readonly rightColumn: number;
  readonly lo: number | null;
  readonly hi: number | null;
}

const TIMES = new Set(['timestamp', 'timestamptz']);

/**
 * A constant interval of fixed length, in microseconds, or null: no months, and no days when added
 * to a timestamptz (`zoned`), where a day is 23 or 25 hours across a daylight-saving change.
 */
function fixed(x: Expr, zoned = false): number | null {
  if (x.kind !== 'const' || !(x.value instanceof Interval) || x.value.months !== 0 || (zoned && x.value.days !== 0)) return null;
  return x.value.days * 86_400_000_000 + x.value.micros;
}

/** A term `column ± constant interval` of one time column: its column and offset, or null. */
function timeTerm(e: Expr): { column: number; offset: number } | null {
  if (e.kind === 'column') return e.type.kind === 'scalar' && TIMES.has(e.type.id) ? { column: e.index, offset: 0 } : null;
  if (e.kind !== 'call' || (e.name !== '+' && e.name !== '-') || e.args.length !== 2) return null;
  const [a, b] = e.args;
  const zoned = e.type.kind === 'scalar' && e.type.id === 'timestamptz';
  const inner = timeTerm(a), c = fixed(b, zoned);
  if (inner && c !== null) return { column: inner.column, offset: inner.offset + (e.name === '+' ? c : -c) };
  if (e.name === '+') { const c2 = fixed(a, zoned), inner2 = timeTerm(b); if (inner2 && c2 !== null) return { column: inner2.column, offset: inner2.offset + c2 }; }
  return null;
}

/**
 * The two time terms a comparison `x op y` sets against each other: `a.t op b.t + k` as it is, and
 * the difference form `a.t - b.t op k` (or `k op a.t - b.t`) as `a.t op b.t + k`.
 */
function comparedTerms(x: Expr, y: Expr): [{ column: number; offset: number }, { column: number; offset: number }] | null {
  const diff = (d: Expr, k: number | null, dFirst: boolean): [{ column: number; offset: number }, { column: number; offset: number }] | null => {
    if (k === null || d.kind !== 'call' || d.name !== '-' || d.args.length !== 2) return null;
    const p = timeTerm(d.args[0]), q = timeTerm(d.args[1]);
    if (!p || !q) return null;
    // p − q op k  ⇔  p op q + k;  k op p − q  ⇔  q + k op p
    const shifted = { column: q.column, offset: q.offset + k };
    return dFirst ? [p, shifted] : [shifted, p];
  };
  const a = timeTerm(x), b = timeTerm(y);
  if (a && b) return [a, b];
  return diff(x, fixed(y), true) ?? diff(y, fixed(x), false);
}

/**
 * The interval `residual` (over the concatenated row, left columns first, `leftWidth` of them)
 * bounds r.t − l.t by, for one pair of time columns watermarked on their sides; null if none.
 */
export function joinIntervalOf(residual: Expr | null, leftWidth: number, leftWatermarks: ReadonlySet<number>, rightWatermarks: ReadonlySet<number>): JoinInterval | null {
  if (!residual) return null;
  let pair: { l: number; r: number } | null = null;
  let lo: number | null = null, hi: number | null = null;
  for (const c of splitConjuncts(residual)) {
    if (c.kind !== 'call' || c.args.length !== 2 || !['<', '<=', '>', '>='].includes(c.name)) continue;
    const terms = comparedTerms(c.args[0], c.args[1]);
    if (!terms) continue;
    const [a, b] = terms;
    const aLeft = a.column < leftWidth, bLeft = b.column < leftWidth;
    if (aLeft === bLeft) continue;
    // Normalise to r.t − l.t (op) k.
    const [l, r] = aLeft ? [a, b] : [b, a];
    const rIndex = r.column - leftWidth;
    if (!leftWatermarks.has(l.column) || !rightWatermarks.has(rIndex)) continue;
    if (pair && (pair.l !== l.column || pair.r !== rIndex)) continue;
    pair = { l: l.column, r: rIndex };
    // a op b with a = x + ax, b = y + bx: r − l compares with (l offset − r offset), the op flipped when a is the left term.
    const k = l.offset - r.offset;
    const upper = (c.name === '<' || c.name === '<=') !== aLeft;
    if (upper) hi = hi === null ? k : Math.min(hi, k);
    else lo = lo === null ? k : Math.max(lo, k);
  }
  return pair && (lo !== null || hi !== null) ? { leftColumn: pair.l, rightColumn: pair.r, lo, hi } : null;
}

/** EXPLAIN's text for an interval: `r − l in [lo, hi]`, an open end as ∞. */
export function describeInterval(i: JoinInterval, leftName: string | undefined, rightName: string | undefined, text: (us: number) => string): string {
  const l = leftName ?? `#${i.leftColumn}`, r = rightName ?? `#${i.rightColumn}`;
  return `${r} - ${l} in [${i.lo === null ? '-∞' : text(i.lo)}, ${i.hi === null ? '∞' : text(i.hi)}]`;
}

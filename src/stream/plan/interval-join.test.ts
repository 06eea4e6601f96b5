// Which join conditions bound one side's event time by the other's, and by how much.

import { describe, expect, it } from 'vitest';
import type { Expr } from '../../plan/expr.js';
import { T } from '../../types/datatype.js';
import { Interval } from '../../types/datetime.js';
import { joinIntervalOf } from './interval-join.js';

// Left (id, t) at 0–1, right (id, t) at 2–3 of the joined row.
const col = (index: number, type = T.timestamp): Expr => ({ kind: 'column', type, index });
const secs = (s: number, months = 0): Expr => ({ kind: 'const', type: T.interval, value: new Interval(months, 0, s * 1_000_000) });
const call = (name: string, args: Expr[], type = T.bool): Expr => ({ kind: 'call', type, name, args, strict: true, impl: () => null });
const and = (...args: Expr[]): Expr => ({ kind: 'and', type: T.bool, args });
const plus = (e: Expr, s: number) => call('+', [e, secs(s)], T.timestamp);
const minus = (e: Expr, s: number) => call('-', [e, secs(s)], T.timestamp);
const lt = col(1), rt = col(3);
const both = [new Set([1]), new Set([1])] as const;

describe('joinIntervalOf', () => {
  it('reads BETWEEN (r.t >= l.t AND r.t <= l.t + 10 s) as r.t − l.t in [0, 10 s]', () => {
    const res = and(call('>=', [rt, lt]), call('<=', [rt, plus(lt, 10)]));
    expect(joinIntervalOf(res, 2, ...both)).toEqual({ leftColumn: 1, rightColumn: 1, lo: 0, hi: 10_000_000 });
  });

  it('normalises either side on either hand of the comparison', () => {
    // l.t > r.t − 5 s ⇒ r − l < 5 s;  l.t − 2 s <= r.t ⇒ r − l ≥ −2 s
    const res = and(call('>', [lt, minus(rt, 5)]), call('<=', [minus(lt, 2), rt]));
    expect(joinIntervalOf(res, 2, ...both)).toEqual({ leftColumn: 1, rightColumn: 1, lo: -2_000_000, hi: 5_000_000 });
    // INTERVAL + column, and the tighter of two bounds.
    const res2 = and(call('<', [rt, call('+', [secs(30), lt], T.timestamp)]), call('<', [rt, plus(lt, 20)]));
    expect(joinIntervalOf(res2, 2, ...both)).toEqual({ leftColumn: 1, rightColumn: 1, lo: null, hi: 20_000_000 });
  });

  it('reads the difference form: r.t − l.t <= 10 s, l.t − r.t < 2 s, 5 s >= r.t − l.t', () => {
    const diff = (x: Expr, y: Expr) => call('-', [x, y], T.interval);
    const res = and(call('<=', [diff(rt, lt), secs(10)]), call('<', [diff(lt, rt), secs(2)]));
    expect(joinIntervalOf(res, 2, ...both)).toEqual({ leftColumn: 1, rightColumn: 1, lo: -2_000_000, hi: 10_000_000 });
    expect(joinIntervalOf(call('>=', [secs(5), diff(rt, lt)]), 2, ...both)).toEqual({ leftColumn: 1, rightColumn: 1, lo: null, hi: 5_000_000 });
    // A difference of one side's columns bounds nothing between the sides.
    expect(joinIntervalOf(call('<=', [diff(rt, col(2)), secs(1)]), 2, ...both)).toBeNull();
  });

  it('finds nothing without a watermark on both time columns, a fixed width, or a second side', () => {
    const res = call('<=', [rt, plus(lt, 10)]);
    expect(joinIntervalOf(res, 2, new Set(), new Set([1]))).toBeNull();
    expect(joinIntervalOf(res, 2, new Set([1]), new Set())).toBeNull();
    // A month has no fixed length; nor has a day added to a timestamptz (23 or 25 hours across a DST change).
    expect(joinIntervalOf(call('<=', [rt, call('+', [lt, secs(0, 1)], T.timestamp)]), 2, ...both)).toBeNull();
    const day: Expr = { kind: 'const', type: T.interval, value: new Interval(0, 1, 0) };
    const ltz = col(1, T.timestamptz), rtz = col(3, T.timestamptz);
    expect(joinIntervalOf(call('<=', [rtz, call('+', [ltz, day], T.timestamptz)]), 2, ...both)).toBeNull();
    expect(joinIntervalOf(call('<=', [rt, call('+', [lt, day], T.timestamp)]), 2, ...both)).toEqual({ leftColumn: 1, rightColumn: 1, lo: null, hi: 86_400_000_000 });
    // Both terms on the left side; a non-time column.
    expect(joinIntervalOf(call('<=', [lt, plus(col(0), 10)]), 2, ...both)).toBeNull();
    expect(joinIntervalOf(call('<=', [col(2, T.int8), col(0, T.int8)]), 2, ...both)).toBeNull();
    expect(joinIntervalOf(null, 2, ...both)).toBeNull();
  });
});

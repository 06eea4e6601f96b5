// Which expressions keep a watermarked column's order, and which plan nodes carry watermarks on.

import { describe, expect, it } from 'vitest';
import type { Expr } from '../../plan/expr.js';
import { T } from '../../types/datatype.js';
import { Interval } from '../../types/datetime.js';
import { monotoneColumn, watermarkColumns } from './watermarks.js';
import type { StreamNode } from './stream-plan.js';

const col = (index: number, type = T.timestamp): Expr => ({ kind: 'column', type, index });
const iv: Expr = { kind: 'const', type: T.interval, value: new Interval(0, 0, 5_000_000) };
const fn = (name: string, args: Expr[], type = T.timestamp): Expr => ({ kind: 'call', type, name, args, strict: true, impl: () => null });

describe('monotoneColumn', () => {
  it('follows order-keeping functions of one column', () => {
    expect(monotoneColumn(col(3))).toBe(3);
    expect(monotoneColumn(fn('tumble_start', [col(2), iv]))).toBe(2);
    expect(monotoneColumn(fn('tumble_end', [col(2), iv, iv]))).toBe(2);
    expect(monotoneColumn(fn('-', [col(1), iv]))).toBe(1);
    expect(monotoneColumn(fn('+', [iv, col(1)]))).toBe(1);
    expect(monotoneColumn(fn('date_trunc', [{ kind: 'const', type: T.text, value: 'hour' }, col(4)]))).toBe(4);
    expect(monotoneColumn({ kind: 'cast', type: T.timestamp, arg: col(0, T.date), explicit: true })).toBe(0);
    expect(monotoneColumn({ kind: 'cast', type: T.date, arg: col(0), explicit: true })).toBe(0);
  });
  it('refuses anything that may reorder or reads a second column', () => {
    expect(monotoneColumn(fn('-', [iv, col(1)]))).toBeNull(); // constant minus the column: decreasing
    expect(monotoneColumn(fn('+', [col(0), col(1)]))).toBeNull();
    expect(monotoneColumn(fn('tumble_start', [col(2), col(3, T.interval)]))).toBeNull();
    expect(monotoneColumn(fn('extract', [{ kind: 'const', type: T.text, value: 'second' }, col(0)], T.float8))).toBeNull();
    expect(monotoneColumn({ kind: 'cast', type: T.text, arg: col(0), explicit: true })).toBeNull();
    // Local time repeats an hour when daylight saving ends: timestamptz → timestamp is not monotone.
    expect(monotoneColumn({ kind: 'cast', type: T.timestamp, arg: col(0, T.timestamptz), explicit: true })).toBeNull();
    expect(monotoneColumn({ kind: 'cast', type: T.timestamptz, arg: col(0), explicit: true })).toBeNull();
  });
});

describe('watermarkColumns', () => {
  const cols = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type: T.timestamp }));
  const source: StreamNode = { op: 'connectorSource', id: 1, columns: cols(2), changelog: 'append-only', sourceOid: 1, name: 's', connector: 'nexmark', options: {} };
  const filter: StreamNode = { op: 'watermarkFilter', id: 2, columns: cols(2), changelog: 'append-only', input: source, column: 1, expr: fn('-', [col(1), iv]) };
  it('start at the watermark filter and follow projections, aggregations and unions', () => {
    expect(watermarkColumns(source)).toEqual([]);
    expect(watermarkColumns(filter)).toEqual([1]);
    const project: StreamNode = { op: 'project', id: 3, columns: cols(3), changelog: 'append-only', input: filter, exprs: [col(0), fn('tumble_start', [col(1), iv]), col(1)] };
    expect(watermarkColumns(project)).toEqual([1, 2]);
    const agg: StreamNode = { op: 'hashAgg', id: 4, columns: cols(3), changelog: 'upsert', input: project, groupBy: [0, 1, 2], aggs: [], window: { key: 1, emitOnClose: false } };
    expect(watermarkColumns(agg)).toEqual([1]); // the window key only, not also column 2
    const union: StreamNode = { op: 'union', id: 5, columns: cols(3), changelog: 'append-only', inputs: [project, { ...project, exprs: [col(0), col(0), col(1)] }] };
    expect(watermarkColumns(union)).toEqual([2]);
    const join: StreamNode = { op: 'hashJoin', id: 6, columns: cols(6), changelog: 'append-only', left: project, right: project, joinType: 'inner', leftKeys: [col(0)], rightKeys: [col(0)], residual: null };
    expect(watermarkColumns(join)).toEqual([]);
  });
});

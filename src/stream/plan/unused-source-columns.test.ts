import { describe, expect, it } from 'vitest';
import { T } from '../../types/datatype.js';
import type { Expr } from '../../plan/expr.js';
import type { StreamNode } from './stream-plan.js';
import { markUnusedSourceColumns } from './unused-source-columns.js';

const col = (index: number): Expr => ({ kind: 'column', type: T.int4, index } as Expr);
const columns = ['a', 'b', 'c', 'd'].map((name) => ({ name, type: T.int4 }));
const source: StreamNode = { op: 'connectorSource', id: 1, columns, changelog: 'append-only', sourceOid: 9, name: 's', connector: 'kafka', options: {} };
const unusedOf = (n: StreamNode): readonly number[] | undefined => {
  if (n.op === 'connectorSource') return n.unusedColumns;
  const inputs = n.op === 'hashJoin' ? [n.left] : 'input' in n ? [n.input] : [];
  return inputs.length ? unusedOf(inputs[0]) : undefined;
};

describe('markUnusedSourceColumns', () => {
  it('marks what neither the projection nor the filters and watermark below it read', () => {
    const filter: StreamNode = { op: 'filter', id: 2, columns, changelog: 'append-only', input: source, predicate: col(1) };
    const project: StreamNode = { op: 'project', id: 3, columns: columns.slice(0, 1), changelog: 'append-only', input: filter, exprs: [col(0)] };
    expect(unusedOf(markUnusedSourceColumns(project))).toEqual([2, 3]);
    const watermarked: StreamNode = { op: 'watermarkFilter', id: 4, columns, changelog: 'append-only', input: source, column: 2, expr: col(2) };
    const over: StreamNode = { op: 'project', id: 5, columns: columns.slice(0, 1), changelog: 'append-only', input: watermarked, exprs: [col(0)] };
    expect(unusedOf(markUnusedSourceColumns(over))).toEqual([1, 3]);
  });

  it('marks nothing when the source is read other than through a projection', () => {
    const exchange: StreamNode = { op: 'exchange', id: 2, columns, changelog: 'append-only', input: source, distribution: { kind: 'hash', keys: [0] } };
    const project: StreamNode = { op: 'project', id: 3, columns: columns.slice(0, 1), changelog: 'append-only', input: exchange, exprs: [col(0)] };
    expect(unusedOf(markUnusedSourceColumns(project))).toBeUndefined();
    const all: StreamNode = { op: 'project', id: 3, columns, changelog: 'append-only', input: source, exprs: [col(3), col(2), col(1), col(0)] };
    expect(unusedOf(markUnusedSourceColumns(all))).toBeUndefined();
  });

  it('reaches sources under joins, each with its own projection', () => {
    const left: StreamNode = { op: 'project', id: 3, columns: columns.slice(0, 1), changelog: 'append-only', input: source, exprs: [col(3)] };
    const right: StreamNode = { op: 'project', id: 4, columns: columns.slice(0, 2), changelog: 'append-only', input: { ...source, id: 5 }, exprs: [col(0), col(1)] };
    const join: StreamNode = { op: 'hashJoin', id: 6, columns: columns.slice(0, 3), changelog: 'append-only', left, right, joinType: 'inner', leftKeys: [col(0)], rightKeys: [col(0)], residual: null };
    const out = markUnusedSourceColumns(join) as Extract<StreamNode, { op: 'hashJoin' }>;
    expect(unusedOf(out.left)).toEqual([0, 1, 2]);
    expect(unusedOf(out.right)).toEqual([2, 3]);
  });
});

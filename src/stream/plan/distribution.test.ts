import { describe, expect, it } from 'vitest';
import { T } from '../../types/datatype.js';
import type { Expr } from '../../plan/expr.js';
import type { StreamNode } from './stream-plan.js';
import { groupDistributionKey, hashDistribution } from './distribution.js';

const cols = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type: T.int4 }));
const col = (index: number): Expr => ({ kind: 'column', type: T.int4, index });
const source = (width: number): StreamNode => ({ op: 'connectorSource', id: 1, columns: cols(width), changelog: 'append-only', sourceOid: 1, name: 's', connector: 'datagen', options: {} });
const hashed = (input: StreamNode, keys: number[]): StreamNode => ({ op: 'exchange', id: 2, columns: input.columns, changelog: input.changelog, input, distribution: { kind: 'hash', keys } });
const project = (input: StreamNode, exprs: Expr[]): StreamNode => ({ op: 'project', id: 3, columns: cols(exprs.length), changelog: 'append-only', input, exprs });
const join = (joinType: 'inner' | 'left' | 'right' | 'full'): StreamNode => ({
  op: 'hashJoin', id: 4, columns: cols(5), changelog: 'retract', joinType, leftKeys: [col(1)], rightKeys: [col(0)], residual: null,
  left: hashed(source(2), [1]), right: hashed(source(3), [0]),
});

describe('hashDistribution', () => {
  it('knows nothing of a source and follows a hash exchange through filters and projections', () => {
    expect(hashDistribution(source(3))).toBeNull();
    const ex = hashed(source(3), [2, 0]);
    expect(hashDistribution(ex)).toEqual([2, 0]);
    expect(hashDistribution({ op: 'filter', id: 5, columns: ex.columns, changelog: 'append-only', input: ex, predicate: col(0) })).toEqual([2, 0]);
    // Columns move: [c0, c2] become [1, 0]; dropping or computing one loses the partitioning.
    expect(hashDistribution(project(ex, [col(2), col(0), col(1)]))).toEqual([0, 1]);
    expect(hashDistribution(project(ex, [col(0), col(1)]))).toBeNull();
    expect(hashDistribution(project(ex, [{ kind: 'const', type: T.int4, value: 1 }, col(0)]))).toBeNull();
  });

  it('keeps the side of a join whose rows are never null-padded', () => {
    expect(hashDistribution(join('inner'))).toEqual([1]);
    expect(hashDistribution(join('left'))).toEqual([1]);
    expect(hashDistribution(join('right'))).toEqual([2]); // right key 0 after the left's 2 columns
    expect(hashDistribution(join('full'))).toBeNull();
  });
});

describe('groupDistributionKey', () => {
  it('needs no exchange when the input is hashed on group columns only', () => {
    const j = join('inner');
    expect(groupDistributionKey(j, [1, 3])).toEqual([0]); // hashed on c1, which is group key 0
    expect(groupDistributionKey(j, [3, 1])).toEqual([1]);
    expect(groupDistributionKey(j, [3])).toBeNull(); // rows equal on c3 may sit in either subtask
    expect(groupDistributionKey(j, [])).toBeNull(); // a global aggregate gathers into one subtask
    expect(groupDistributionKey(join('full'), [1, 3])).toBeNull();
  });
});

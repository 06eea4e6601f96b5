import { describe, expect, it } from 'vitest';
import { toTransformations } from './transformations.js';
import { connectorSource, exchange, filter, hashAgg, joinAggPlan, materialize, project, tableSource, union } from './test-plans.js';

describe('toTransformations', () => {
  it('turns exchanges into partitioners and numbers operators inputs-first', () => {
    const ts = toTransformations(joinAggPlan(), 4);
    expect(ts.map((t) => t.name)).toEqual(['Source: bids', 'Filter', 'Project', 'Source: auctions', 'HashJoin', 'Project', 'HashAgg', 'Materialize: v']);
    expect(ts.map((t) => t.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ts.some((t) => t.node.op === 'exchange')).toBe(false);
    const join = ts[4];
    expect(join.inputs).toEqual([{ from: 3, partitioner: { kind: 'hash', keys: [0] } }, { from: 4, partitioner: { kind: 'hash', keys: [0] } }]);
    expect(ts[6].inputs).toEqual([{ from: 6, partitioner: { kind: 'hash', keys: [3] } }]);
    expect(ts[1].inputs).toEqual([{ from: 1, partitioner: { kind: 'forward' } }]);
  });

  it('gives connector sources the job parallelism, table sources 1, and forward consumers their input\'s', () => {
    const ts = toTransformations(joinAggPlan(), 4);
    expect(ts.map((t) => [t.name, t.parallelism])).toEqual([
      ['Source: bids', 4], ['Filter', 4], ['Project', 4], ['Source: auctions', 1],
      ['HashJoin', 4], ['Project', 4], ['HashAgg', 4], ['Materialize: v', 4],
    ]);
  });

  it('runs an operator behind a single exchange, and what it feeds forward, once', () => {
    const plan = materialize(project(hashAgg(exchange(connectorSource('s', 'a'), { kind: 'single' }), [])));
    const ts = toTransformations(plan, 3);
    expect(ts.map((t) => t.parallelism)).toEqual([3, 1, 1, 1]);
    expect(ts[1].inputs[0].partitioner).toEqual({ kind: 'single' });
  });

  it('is deterministic: the same plan lowers to the same ids and names', () => {
    const a = toTransformations(joinAggPlan(), 2), b = toTransformations(joinAggPlan(), 2);
    expect(a.map((t) => [t.id, t.name, t.parallelism, t.inputs])).toEqual(b.map((t) => [t.id, t.name, t.parallelism, t.inputs]));
  });

  it('repartitions mismatched UNION ALL inputs without reordering a changelog', () => {
    const plan = union(filter(connectorSource('s', 'a', 'b')), tableSource('t', 'a', 'b'));
    const ts = toTransformations(plan, 2);
    const u = ts[ts.length - 1];
    expect(u.parallelism).toBe(2);
    expect(u.inputs[0].partitioner).toEqual({ kind: 'forward' });
    // the table's retracting changelog is hashed on the whole row, not spread round-robin
    expect(u.inputs[1].partitioner).toEqual({ kind: 'hash', keys: [0, 1] });
  });

  it('keeps everything at parallelism 1 when the job parallelism is 1', () => {
    expect(toTransformations(joinAggPlan(), 1).every((t) => t.parallelism === 1)).toBe(true);
  });

  it('rejects a parallelism below 1 with SQLSTATE 22023', () => {
    expect(() => toTransformations(joinAggPlan(), 0)).toThrow(expect.objectContaining({ code: '22023' }));
  });
});

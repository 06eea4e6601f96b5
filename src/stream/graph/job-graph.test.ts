import { describe, expect, it } from 'vitest';
import { toTransformations } from './transformations.js';
import { toStreamGraph } from './stream-graph.js';
import { toJobGraph } from './job-graph.js';
import { connectorSource, exchange, filter, hashAgg, joinAggPlan, materialize, project, tableSource, union } from './test-plans.js';
import type { StreamNode } from '../plan/stream-plan.js';

const jobOf = (plan: StreamNode, p: number) => toJobGraph(toStreamGraph(toTransformations(plan, p), 'job'));

describe('operator chaining', () => {
  it('chains forward edges of equal parallelism and starts a chain at sources, joins and hash edges', () => {
    const job = jobOf(joinAggPlan(), 2);
    expect(job.vertices.map((v) => [v.name, v.parallelism])).toEqual([
      ['Source: bids -> Filter -> Project', 2],
      ['Source: auctions', 1],
      ['HashJoin -> Project', 2],
      ['HashAgg -> Materialize: v', 2],
    ]);
    expect(job.edges.map((e) => [e.source, e.target, e.targetInput, e.partitioner.kind])).toEqual([
      [1, 3, 0, 'hash'], [2, 3, 1, 'hash'], [3, 4, 0, 'hash'],
    ]);
    expect(job.vertices[2].inputs.map((e) => e.id)).toEqual([1, 2]);
    expect(job.vertices[0].outputs.map((e) => e.target)).toEqual([3]);
    expect(job.vertices[0].streamNodeIds).toEqual([1, 2, 3]);
    expect(job.vertices[0].operators.map((o) => o.op)).toEqual(['connectorSource', 'filter', 'project']);
    expect(job.maxParallelism).toBe(128);
  });

  it('does not chain across a hash edge even at parallelism 1', () => {
    const job = jobOf(materialize(hashAgg(exchange(project(tableSource('t', 'a')), { kind: 'hash', keys: [0] }), [0])), 1);
    expect(job.vertices.map((v) => v.name)).toEqual(['Source: t -> Project', 'HashAgg -> Materialize: v']);
  });

  it('starts a new vertex at a multi-input operator and where parallelism changes', () => {
    expect(jobOf(project(union(connectorSource('s', 'a'), connectorSource('r', 'a'))), 2).vertices.map((v) => v.name))
      .toEqual(['Source: s', 'Source: r', 'Union -> Project']);
    const job = jobOf(filter(exchange(tableSource('t', 'a'), { kind: 'any' })), 2);
    expect(job.vertices.map((v) => [v.name, v.parallelism])).toEqual([['Source: t', 1], ['Filter', 2]]);
    expect(job.edges.map((e) => e.partitioner)).toEqual([{ kind: 'hash', keys: [0] }]);
  });

  it('lists vertices in topological order', () => {
    const job = jobOf(joinAggPlan(), 3);
    for (const e of job.edges) expect(e.source).toBeLessThan(e.target);
  });
});

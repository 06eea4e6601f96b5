import { describe, expect, it } from 'vitest';
import { toTransformations } from './transformations.js';
import { toStreamGraph } from './stream-graph.js';
import { degrees, isChainable } from './chaining.js';
import { connectorSource, exchange, filter, joinAggPlan, project, tableSource, union } from './test-plans.js';
import type { StreamGraph, StreamGraphEdge } from './types.js';

const edgeInto = (g: StreamGraph, name: string, input = 0): StreamGraphEdge =>
  g.edges.find((e) => e.targetInput === input && g.nodes.find((n) => n.id === e.target)!.name === name)!;

describe('isChainable', () => {
  it('chains a forward edge of equal parallelism into a single-input operator', () => {
    const g = toStreamGraph(toTransformations(project(filter(connectorSource('s', 'a'))), 2), 'j');
    expect(isChainable(edgeInto(g, 'Filter'), g)).toBe(true);
    expect(isChainable(edgeInto(g, 'Project'), g)).toBe(true);
  });

  it('does not chain hash, single or broadcast edges', () => {
    for (const kind of ['single', 'broadcast'] as const) {
      const g = toStreamGraph(toTransformations(filter(exchange(connectorSource('s', 'a'), { kind })), 1), 'j');
      expect(g.edges[0].partitioner.kind).toBe(kind);
      expect(isChainable(g.edges[0], g)).toBe(false);
    }
    const g = toStreamGraph(toTransformations(joinAggPlan(), 1), 'j');
    expect(isChainable(edgeInto(g, 'HashAgg'), g)).toBe(false);
  });

  it('does not chain forward edges into a multi-input operator', () => {
    const g = toStreamGraph(toTransformations(union(connectorSource('s', 'a'), connectorSource('r', 'a')), 2), 'j');
    expect([0, 1].map((i) => edgeInto(g, 'Union', i).partitioner.kind)).toEqual(['forward', 'forward']);
    expect([0, 1].map((i) => isChainable(edgeInto(g, 'Union', i), g))).toEqual([false, false]);
    expect(degrees(g).inDegree.get(3)).toBe(2);
  });

  it('does not chain operators of different parallelism', () => {
    const g = toStreamGraph(toTransformations(filter(exchange(tableSource('t', 'a'), { kind: 'any' })), 2), 'j');
    expect(g.nodes.map((n) => n.parallelism)).toEqual([1, 2]);
    expect(isChainable(g.edges[0], g)).toBe(false);
  });
});

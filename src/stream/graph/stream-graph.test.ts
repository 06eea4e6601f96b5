import { describe, expect, it } from 'vitest';
import { toTransformations } from './transformations.js';
import { toStreamGraph } from './stream-graph.js';
import { joinAggPlan } from './test-plans.js';

describe('toStreamGraph', () => {
  it('has a node per transformation and an edge per operator input, numbered by input position', () => {
    const g = toStreamGraph(toTransformations(joinAggPlan(), 2), 'v');
    expect(g.jobName).toBe('v');
    expect(g.nodes.map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(g.edges).toHaveLength(7);
    expect(g.edges.filter((e) => e.target === 5)).toEqual([
      { source: 3, target: 5, targetInput: 0, partitioner: { kind: 'hash', keys: [0] } },
      { source: 4, target: 5, targetInput: 1, partitioner: { kind: 'hash', keys: [0] } },
    ]);
    expect(g.edges.find((e) => e.target === 8)).toEqual({ source: 7, target: 8, targetInput: 0, partitioner: { kind: 'forward' } });
  });
});

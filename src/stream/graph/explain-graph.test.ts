import { describe, expect, it } from 'vitest';
import { lowerStreamPlan } from './lower.js';
import { assignSlots, toExecutionGraph } from './execution-graph.js';
import { explainExecutionGraph, explainJobGraph, explainStreamGraph, partitionerText } from './explain-graph.js';
import { joinAggPlan, tableSource } from './test-plans.js';

describe('graph EXPLAIN text', () => {
  it('names partitioners, hash keys by the producer\'s columns', () => {
    const t = tableSource('t', 'a', 'b');
    expect(partitionerText({ kind: 'hash', keys: [1, 0] }, t)).toBe('HASH[b, a]');
    expect(partitionerText({ kind: 'hash', keys: [1] })).toBe('HASH[1]');
    expect(partitionerText({ kind: 'forward' })).toBe('FORWARD');
    expect(partitionerText({ kind: 'single' })).toBe('SINGLE');
  });

  it('prints vertices with their chains and inputs, and subtasks with key groups and slots', () => {
    const { streamGraph, jobGraph } = lowerStreamPlan(joinAggPlan(), { jobName: 'v', parallelism: 2 });
    expect(explainStreamGraph(streamGraph).filter((l) => l.includes('Operator'))).toHaveLength(8 + 7);
    expect(explainJobGraph(jobGraph)).toEqual([
      'JobGraph v  vertices=4 max_parallelism=128',
      '  Vertex 1: Source: bids -> Filter -> Project  parallelism=2',
      '  Vertex 2: Source: auctions  parallelism=1',
      '  Vertex 3: HashJoin -> Project  parallelism=2',
      '    input 0 <- Vertex 1  HASH[auction]',
      '    input 1 <- Vertex 2  HASH[id]',
      '  Vertex 4: HashAgg -> Materialize: v  parallelism=2',
      '    input 0 <- Vertex 3  HASH[seller]',
    ]);
    const exec = explainExecutionGraph(assignSlots(toExecutionGraph(jobGraph), [{ taskManager: 'tm-1', slot: 0 }, { taskManager: 'tm-2', slot: 0 }]));
    expect(exec).toContain('  Vertex 4 (HashAgg -> Materialize: v) subtask 1/2 key groups [64, 127] slot tm-2/0');
    expect(exec).toContain('  Partition edge 2: Vertex 2 subtask 0/1 -> Vertex 3 subtasks [0, 1]  HASH[id]');
  });
});

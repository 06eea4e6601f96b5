import { describe, expect, it } from 'vitest';
import { lowerStreamPlan } from './lower.js';
import { assignSlots, requiredSlots, toExecutionGraph } from './execution-graph.js';
import { joinAggPlan } from './test-plans.js';
import type { SlotId } from './types.js';

const execOf = (p: number) => toExecutionGraph(lowerStreamPlan(joinAggPlan(), { jobName: 'v', parallelism: p }).jobGraph);

describe('execution graph', () => {
  it('has one execution vertex per subtask, each with its key-group range', () => {
    const g = execOf(2);
    expect(g.vertices.map((v) => [v.vertexId, v.subtask, v.keyGroups])).toEqual([
      [1, 0, [0, 63]], [1, 1, [64, 127]],
      [2, 0, [0, 127]],
      [3, 0, [0, 63]], [3, 1, [64, 127]],
      [4, 0, [0, 63]], [4, 1, [64, 127]],
    ]);
    expect(g.vertices.every((v) => v.slot === undefined)).toBe(true);
  });

  it('has one result partition per producer subtask and edge, reaching every consumer of a hash edge', () => {
    const g = execOf(2);
    expect(g.partitions).toEqual([
      { edgeId: 1, producerSubtask: 0, consumerSubtasks: [0, 1] },
      { edgeId: 1, producerSubtask: 1, consumerSubtasks: [0, 1] },
      { edgeId: 2, producerSubtask: 0, consumerSubtasks: [0, 1] },
      { edgeId: 3, producerSubtask: 0, consumerSubtasks: [0, 1] },
      { edgeId: 3, producerSubtask: 1, consumerSubtasks: [0, 1] },
    ]);
  });

  it('places subtask i of every vertex in slot i (slot sharing) and needs max-parallelism slots', () => {
    const g = execOf(2);
    expect(requiredSlots(g.job)).toBe(2);
    const slots: SlotId[] = [{ taskManager: 'tm-1', slot: 0 }, { taskManager: 'tm-2', slot: 0 }, { taskManager: 'tm-2', slot: 1 }];
    const placed = assignSlots(g, slots);
    expect(placed.vertices.map((v) => `${v.vertexId}.${v.subtask}@${v.slot?.taskManager}/${v.slot?.slot}`)).toEqual([
      '1.0@tm-1/0', '1.1@tm-2/0', '2.0@tm-1/0', '3.0@tm-1/0', '3.1@tm-2/0', '4.0@tm-1/0', '4.1@tm-2/0',
    ]);
    expect(g.vertices[0].slot).toBeUndefined(); // the input graph is left as it was
    // no slot holds two subtasks of one vertex
    const seen = new Set(placed.vertices.map((v) => `${v.vertexId}@${v.slot?.taskManager}/${v.slot?.slot}`));
    expect(seen.size).toBe(placed.vertices.length);
  });

  it('refuses to place a job on fewer slots than it needs with SQLSTATE 53000', () => {
    expect(() => assignSlots(execOf(3), [{ taskManager: 'tm-1', slot: 0 }, { taskManager: 'tm-1', slot: 1 }])).toThrow(expect.objectContaining({ code: '53000' }));
  });
});

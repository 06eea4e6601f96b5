// JobGraph → ExecutionGraph: each job vertex expands into one ExecutionVertex per parallel
// subtask, owning a contiguous range of key groups, and each job edge into one
// IntermediateResultPartition per producer subtask, listing the consumer subtasks it can reach.
// Slots are left to the scheduler; assignSlots is the pure placement it can use.

import { SqlError, SqlState } from '../../errors.js';
import { keyGroupRange } from './key-groups.js';
import type { ExecutionGraph, ExecutionVertex, IntermediateResultPartition, JobEdge, JobGraph, Partitioner, SlotId } from './types.js';

export function toExecutionGraph(job: JobGraph): ExecutionGraph {
  const vertices: ExecutionVertex[] = job.vertices.flatMap((v) =>
    Array.from({ length: v.parallelism }, (_, subtask) => ({
      vertexId: v.id, subtask, parallelism: v.parallelism, keyGroups: keyGroupRange(subtask, v.parallelism, job.maxParallelism),
    })));
  const parallelism = new Map(job.vertices.map((v) => [v.id, v.parallelism]));
  const partitions: IntermediateResultPartition[] = job.edges.flatMap((e) =>
    Array.from({ length: parallelism.get(e.source)! }, (_, producerSubtask) => ({
      edgeId: e.id, producerSubtask, consumerSubtasks: consumersOf(e, producerSubtask, parallelism.get(e.target)!),
    })));
  return { job, vertices, partitions };
}

/** The consumer subtasks a producer subtask's records can reach over an edge. */
export function consumersOf(edge: JobEdge, producerSubtask: number, consumerParallelism: number): number[] {
  return reachable(edge.partitioner, producerSubtask, consumerParallelism);
}

function reachable(p: Partitioner, producerSubtask: number, consumerParallelism: number): number[] {
  switch (p.kind) {
    case 'forward': return [producerSubtask];
    case 'single': return [0];
    case 'hash': case 'broadcast': case 'rebalance': return Array.from({ length: consumerParallelism }, (_, i) => i);
  }
}

/** Slots a job needs with slot sharing: one per subtask of its widest vertex. */
export function requiredSlots(job: JobGraph): number {
  return Math.max(1, ...job.vertices.map((v) => v.parallelism));
}

/**
 * Place every subtask in a slot as Flink's slot sharing does: all vertices share one group, and a
 * slot holds at most one subtask of each vertex, so subtask i of every vertex goes to slot i. A
 * slot then runs a whole pipeline slice (source → … → sink), and the job needs as many slots as
 * its widest vertex has subtasks. Returns a new graph; the input is not changed.
 */
export function assignSlots(graph: ExecutionGraph, slots: readonly SlotId[]): ExecutionGraph {
  const needed = requiredSlots(graph.job);
  if (slots.length < needed) {
    throw new SqlError(SqlState.InsufficientResources, `the job needs ${needed} task slots but only ${slots.length} ${slots.length === 1 ? 'is' : 'are'} available`, {
      hint: 'Lower streaming_parallelism or add task slots.',
    });
  }
  return { ...graph, vertices: graph.vertices.map((v) => ({ ...v, slot: slots[v.subtask] })) };
}

/** "tm-1/0": TaskManager tm-1, slot 0. */
export function slotName(slot: SlotId): string {
  return `${slot.taskManager}/${slot.slot}`;
}

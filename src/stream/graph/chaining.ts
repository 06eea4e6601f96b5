// Operator chaining (Flink's StreamingJobGraphGenerator.isChainable): when two operators can run
// in the same task, fused into one call chain, with no queue or thread hop between them.

import type { StreamGraph, StreamGraphEdge } from './types.js';

export interface Degrees {
  readonly inDegree: ReadonlyMap<number, number>;
  readonly outDegree: ReadonlyMap<number, number>;
}

export function degrees(graph: StreamGraph): Degrees {
  const inDegree = new Map<number, number>(), outDegree = new Map<number, number>();
  for (const e of graph.edges) {
    inDegree.set(e.target, (inDegree.get(e.target) ?? 0) + 1);
    outDegree.set(e.source, (outDegree.get(e.source) ?? 0) + 1);
  }
  return { inDegree, outDegree };
}

/**
 * Chain `edge.source` → `edge.target` when records go subtask i → subtask i (a forward edge with
 * equal parallelism on both ends) and the target has no other input. Unlike Flink, the source must
 * also have no other output: a chain here is a straight line of operators, each feeding the next.
 */
export function isChainable(edge: StreamGraphEdge, graph: StreamGraph, d: Degrees = degrees(graph)): boolean {
  if (edge.partitioner.kind !== 'forward') return false;
  const up = graph.nodes.find((n) => n.id === edge.source), down = graph.nodes.find((n) => n.id === edge.target);
  if (!up || !down || up.parallelism !== down.parallelism) return false;
  return d.inDegree.get(down.id) === 1 && d.outDegree.get(up.id) === 1;
}

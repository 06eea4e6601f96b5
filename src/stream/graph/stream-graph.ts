// Transformations → StreamGraph: the operators as nodes and one edge per operator input, each edge
// carrying its partitioner and which input of the consumer it feeds (Flink's StreamGraph).

import type { StreamGraph, StreamGraphEdge, StreamGraphNode, Transformation } from './types.js';

export function toStreamGraph(transformations: readonly Transformation[], jobName: string): StreamGraph {
  const nodes: StreamGraphNode[] = transformations.map((t) => ({ id: t.id, name: t.name, node: t.node, parallelism: t.parallelism }));
  const edges: StreamGraphEdge[] = transformations.flatMap((t) =>
    t.inputs.map((input, targetInput) => ({ source: input.from, target: t.id, targetInput, partitioner: input.partitioner })));
  return { jobName, nodes, edges };
}

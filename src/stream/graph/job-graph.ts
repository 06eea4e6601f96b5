// StreamGraph → JobGraph: chainable operators are fused into one job vertex (a task), and the
// remaining stream edges become job edges between vertices. A new chain starts at every source,
// at every operator with more than one input, and after every non-forward edge.
//
// Vertices are numbered 1.. in the order of their head operator's id, which is topological because
// stream graph ids are; job edges are numbered 1.. by target vertex, then target input.

import { SqlError, SqlState } from '../../errors.js';
import { DEFAULT_MAX_PARALLELISM } from './key-groups.js';
import { degrees, isChainable } from './chaining.js';
import type { JobEdge, JobGraph, JobVertex, StreamGraph, StreamGraphNode } from './types.js';

export function toJobGraph(graph: StreamGraph, maxParallelism: number = DEFAULT_MAX_PARALLELISM): JobGraph {
  const d = degrees(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  // The chained successor of each operator, if it has one.
  const next = new Map<number, number>();
  const chainedIn = new Set<number>();
  for (const e of graph.edges) {
    if (isChainable(e, graph, d)) { next.set(e.source, e.target); chainedIn.add(e.target); }
  }

  const heads = graph.nodes.filter((n) => !chainedIn.has(n.id)).sort((a, b) => a.id - b.id);
  const chains: StreamGraphNode[][] = heads.map((h) => {
    const chain = [h];
    for (let id = next.get(h.id); id !== undefined; id = next.get(id)) chain.push(byId.get(id)!);
    return chain;
  });
  const vertexOf = new Map<number, number>();
  chains.forEach((chain, i) => { for (const n of chain) vertexOf.set(n.id, i + 1); });

  const edges: JobEdge[] = [];
  chains.forEach((chain, i) => {
    const head = chain[0];
    graph.edges.filter((e) => e.target === head.id).sort((a, b) => a.targetInput - b.targetInput).forEach((e) => {
      edges.push({ id: edges.length + 1, source: vertexOf.get(e.source)!, target: i + 1, targetInput: e.targetInput, partitioner: e.partitioner });
    });
  });

  const vertices: JobVertex[] = chains.map((chain, i) => ({
    id: i + 1,
    name: chain.map((n) => n.name).join(' -> '),
    parallelism: chain[0].parallelism,
    streamNodeIds: chain.map((n) => n.id),
    operators: chain.map((n) => n.node),
    inputs: edges.filter((e) => e.target === i + 1),
    outputs: edges.filter((e) => e.source === i + 1),
  }));
  for (const v of vertices) {
    if (v.parallelism > maxParallelism) throw new SqlError(SqlState.InvalidParameterValue, `parallelism ${v.parallelism} of ${v.name} is above the maximum parallelism ${maxParallelism}`);
  }
  return { jobName: graph.jobName, vertices, edges, maxParallelism };
}

// Text for EXPLAIN (TYPE streamgraph | job | execution): one line per operator, vertex or subtask,
// with the edges between them and their partitioners, in the graphs' own (topological) order.

import type { StreamNode } from '../plan/stream-plan.js';
import { slotName } from './execution-graph.js';
import type { ExecutionGraph, JobGraph, Partitioner, StreamGraph } from './types.js';

/** FORWARD, HASH[auction], BROADCAST, SINGLE, REBALANCE; hash keys named by the producer's columns. */
export function partitionerText(p: Partitioner, producer?: StreamNode): string {
  if (p.kind !== 'hash') return p.kind.toUpperCase();
  return `HASH[${p.keys.map((k) => producer?.columns[k]?.name ?? String(k)).join(', ')}]`;
}

export function explainStreamGraph(g: StreamGraph): string[] {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const out = [`StreamGraph ${g.jobName}`];
  for (const n of g.nodes) {
    out.push(`  Operator ${n.id}: ${n.name}  parallelism=${n.parallelism}`);
    for (const e of g.edges.filter((x) => x.target === n.id).sort((a, b) => a.targetInput - b.targetInput)) {
      out.push(`    input ${e.targetInput} <- Operator ${e.source}  ${partitionerText(e.partitioner, byId.get(e.source)?.node)}`);
    }
  }
  return out;
}

export function explainJobGraph(g: JobGraph): string[] {
  const byId = new Map(g.vertices.map((v) => [v.id, v]));
  const out = [`JobGraph ${g.jobName}  vertices=${g.vertices.length} max_parallelism=${g.maxParallelism}`];
  for (const v of g.vertices) {
    out.push(`  Vertex ${v.id}: ${v.name}  parallelism=${v.parallelism}`);
    for (const e of v.inputs) {
      const producer = byId.get(e.source);
      out.push(`    input ${e.targetInput} <- Vertex ${e.source}  ${partitionerText(e.partitioner, producer?.operators[producer.operators.length - 1])}`);
    }
  }
  return out;
}

/** "Vertex 2 (HashAgg) subtask 1/2 key groups [64, 127] slot tm-1/1"; subtasks are numbered from 0. */
export function explainExecutionGraph(g: ExecutionGraph): string[] {
  const byId = new Map(g.job.vertices.map((v) => [v.id, v]));
  const out = [`ExecutionGraph ${g.job.jobName}  subtasks=${g.vertices.length} partitions=${g.partitions.length}`];
  for (const v of g.vertices) {
    const slot = v.slot ? ` slot ${slotName(v.slot)}` : '';
    out.push(`  Vertex ${v.vertexId} (${byId.get(v.vertexId)?.name}) subtask ${v.subtask}/${v.parallelism} key groups [${v.keyGroups[0]}, ${v.keyGroups[1]}]${slot}`);
  }
  const edges = new Map(g.job.edges.map((e) => [e.id, e]));
  for (const p of g.partitions) {
    const e = edges.get(p.edgeId)!;
    const producer = byId.get(e.source)!;
    out.push(`  Partition edge ${e.id}: Vertex ${e.source} subtask ${p.producerSubtask}/${producer.parallelism} -> Vertex ${e.target} subtasks [${p.consumerSubtasks.join(', ')}]  ${partitionerText(e.partitioner, producer.operators[producer.operators.length - 1])}`);
  }
  return out;
}

// The graphs a continuous query passes through on its way to running tasks (Flink's chain):
//   StreamNode tree (stream plan) → Transformations → StreamGraph → JobGraph (operator chains)
//   → ExecutionGraph (one ExecutionVertex per parallel subtask, with its slot).
// Every graph is plain data derived deterministically from the stream plan, so a TaskManager in
// another thread can rebuild the same graph from the same SQL and catalog snapshot and pick out
// the vertex it was asked to run.

import type { StreamNode } from '../plan/stream-plan.js';

/** How records travel along an edge between two operators or vertices. */
export type Partitioner =
  /** Subtask i sends to subtask i (equal parallelism); the only edge kind that can be chained. */
  | { readonly kind: 'forward' }
  /** By hash of these columns of the producer's output, onto the consumer's key groups. */
  | { readonly kind: 'hash'; readonly keys: readonly number[] }
  /** Every record to every consumer subtask. */
  | { readonly kind: 'broadcast' }
  /** Everything to consumer subtask 0 (the consumer runs with parallelism 1). */
  | { readonly kind: 'single' }
  /** Round-robin over the consumer subtasks. */
  | { readonly kind: 'rebalance' };

/** One operator of the stream plan, as a transformation with its parallelism. */
export interface Transformation {
  readonly id: number;
  readonly name: string;
  readonly node: StreamNode;
  readonly parallelism: number;
  /** Upstream transformations in the operator's input order, with the partitioner of each. */
  readonly inputs: readonly { readonly from: number; readonly partitioner: Partitioner }[];
}

export interface StreamGraphNode {
  readonly id: number;
  readonly name: string;
  readonly node: StreamNode;
  readonly parallelism: number;
}

export interface StreamGraphEdge {
  readonly source: number;
  readonly target: number;
  /** Which input of the target operator this edge feeds (0 for single-input operators). */
  readonly targetInput: number;
  readonly partitioner: Partitioner;
}

export interface StreamGraph {
  readonly jobName: string;
  readonly nodes: readonly StreamGraphNode[];
  readonly edges: readonly StreamGraphEdge[];
}

/** An edge between two job vertices: an intermediate data set produced by one, read by the other. */
export interface JobEdge {
  readonly id: number;
  readonly source: number;
  readonly target: number;
  /** Which input of the target vertex's head operator this edge feeds. */
  readonly targetInput: number;
  readonly partitioner: Partitioner;
}

/**
 * A task: operators chained together (operator fusion). `operators[0]` is the chain head; each
 * later operator consumes the one before it by direct call, with no queue or thread hop.
 * The head's inputs arrive through `inputs` (one per head input, in input order); sources have none.
 */
export interface JobVertex {
  readonly id: number;
  /** Flink-style: "Source: bids -> Filter -> Project". */
  readonly name: string;
  readonly parallelism: number;
  /** Stream graph node ids of the chained operators, head first. */
  readonly streamNodeIds: readonly number[];
  readonly operators: readonly StreamNode[];
  readonly inputs: readonly JobEdge[];
  readonly outputs: readonly JobEdge[];
}

export interface JobGraph {
  readonly jobName: string;
  /** Topological order: every vertex after the vertices it reads from. */
  readonly vertices: readonly JobVertex[];
  readonly edges: readonly JobEdge[];
  /** Number of key groups hash partitioners map onto (Flink's max parallelism); fixed per job so state can be rescaled. */
  readonly maxParallelism: number;
}

export interface SlotId {
  readonly taskManager: string;
  readonly slot: number;
}

/** One parallel subtask of a job vertex. */
export interface ExecutionVertex {
  readonly vertexId: number;
  readonly subtask: number;
  readonly parallelism: number;
  /** Key groups [start, end] this subtask owns when its vertex is keyed. */
  readonly keyGroups: readonly [number, number];
  /** Filled in by the scheduler when a slot is allocated. */
  slot?: SlotId;
}

/** The result partition subtask `producer` of `edge.source` writes for each consumer subtask. */
export interface IntermediateResultPartition {
  readonly edgeId: number;
  readonly producerSubtask: number;
  readonly consumerSubtasks: readonly number[];
}

export interface ExecutionGraph {
  readonly job: JobGraph;
  readonly vertices: readonly ExecutionVertex[];
  readonly partitions: readonly IntermediateResultPartition[];
}

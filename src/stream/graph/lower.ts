// The whole lowering in one call: stream plan → Transformations → StreamGraph → JobGraph.
// Deterministic, so the coordinator and every TaskManager derive identical graphs from one plan.

import { toTransformations } from './transformations.js';
import { toStreamGraph } from './stream-graph.js';
import { toJobGraph } from './job-graph.js';
import { DEFAULT_MAX_PARALLELISM } from './key-groups.js';
import type { StreamNode } from '../plan/stream-plan.js';
import type { JobGraph, StreamGraph, Transformation } from './types.js';

export interface LoweredJob {
  readonly transformations: readonly Transformation[];
  readonly streamGraph: StreamGraph;
  readonly jobGraph: JobGraph;
}

export function lowerStreamPlan(root: StreamNode, opts: { readonly jobName: string; readonly parallelism: number; readonly maxParallelism?: number }): LoweredJob {
  const transformations = toTransformations(root, opts.parallelism);
  const streamGraph = toStreamGraph(transformations, opts.jobName);
  const jobGraph = toJobGraph(streamGraph, opts.maxParallelism ?? DEFAULT_MAX_PARALLELISM);
  return { transformations, streamGraph, jobGraph };
}

// Stream plan → Transformations (Flink's Transformation list). Every operator of the StreamNode
// tree becomes one transformation with a parallelism; exchange nodes are not operators but say how
// records cross the edge into their consumer, so they become partitioners on that edge.
//
// Ids are assigned in post-order (inputs first, left to right), starting at 1, so the same stream
// plan always lowers to the same ids and the list is in topological order.
//
// Parallelism:
//   - table scans and VALUES run once (1): they read one snapshot and one change feed;
//   - connector sources run at the job parallelism, each subtask reading its share of the splits;
//   - behind a hash, broadcast or round-robin exchange: the job parallelism;
//     behind a single exchange (global aggregate, unpartitioned Top-N): 1;
//   - without an exchange (project, filter, materialize, sink…): the parallelism of the input, so
//     the operator runs in the same subtasks and can be chained to it.
// When a multi-input operator (UNION ALL) reads inputs of different parallelism, the inputs that do
// not match are repartitioned with an order-preserving partitioner (see below).

import { checkParallelism } from './parallelism.js';
import { type Distribution, type StreamNode, streamInputs } from '../plan/stream-plan.js';
import type { Partitioner, Transformation } from './types.js';

export function toTransformations(root: StreamNode, parallelism: number): Transformation[] {
  checkParallelism(parallelism);
  const out: Transformation[] = [];
  const ids = new Map<StreamNode, number>();

  const lower = (node: StreamNode): Transformation => {
    const seen = ids.get(node);
    if (seen !== undefined) return out[seen - 1];
    const inputs = streamInputs(node).map((child) => {
      const { producer, distribution } = throughExchanges(child);
      return { from: lower(producer), distribution };
    });
    const p = operatorParallelism(node, inputs, parallelism);
    const t: Transformation = {
      id: out.length + 1, name: operatorName(node), node, parallelism: p,
      inputs: inputs.map(({ from, distribution }) => ({ from: from.id, partitioner: edgePartitioner(from, distribution, p) })),
    };
    out.push(t);
    ids.set(node, t.id);
    return t;
  };
  if (root.op === 'exchange') lower(throughExchanges(root).producer);
  else lower(root);
  return out;
}

/** Skip exchange nodes down to the operator that produces the records; the outermost exchange
 * (the one nearest the consumer) decides how they are distributed. */
function throughExchanges(node: StreamNode): { producer: StreamNode; distribution: Distribution | null } {
  let distribution: Distribution | null = null;
  let n = node;
  while (n.op === 'exchange') {
    distribution ??= n.distribution;
    n = n.input;
  }
  return { producer: n, distribution };
}

function operatorParallelism(node: StreamNode, inputs: readonly { from: Transformation; distribution: Distribution | null }[], job: number): number {
  if (inputs.length === 0) return node.op === 'connectorSource' ? job : 1;
  if (inputs.some((i) => i.distribution?.kind === 'single')) return 1;
  if (inputs.some((i) => i.distribution !== null)) return job;
  return Math.max(...inputs.map((i) => i.from.parallelism));
}

function edgePartitioner(from: Transformation, distribution: Distribution | null, consumerParallelism: number): Partitioner {
  if (distribution) {
    switch (distribution.kind) {
      case 'hash': return { kind: 'hash', keys: distribution.keys };
      case 'single': return { kind: 'single' };
      case 'broadcast': return { kind: 'broadcast' };
      case 'any': return from.parallelism === consumerParallelism ? { kind: 'forward' } : orderPreserving(from.node);
    }
  }
  return from.parallelism === consumerParallelism ? { kind: 'forward' } : orderPreserving(from.node);
}

/**
 * A partitioner for an edge the plan did not ask to repartition but whose two ends differ in
 * parallelism. Round-robin would reorder a changelog (a row's retraction could overtake its
 * insertion on another path), so updating streams are hashed on their row identity: the upsert
 * key, else the whole row. Append-only streams have no order to keep and are spread round-robin.
 */
function orderPreserving(node: StreamNode): Partitioner {
  if (node.changelog === 'append-only') return { kind: 'rebalance' };
  if (node.changelog === 'upsert' && node.upsertKey?.length) return { kind: 'hash', keys: node.upsertKey };
  return { kind: 'hash', keys: node.columns.map((_, i) => i) };
}

/** Flink-style operator names: "Source: bids", "HashAgg", "Materialize: v". */
export function operatorName(node: StreamNode): string {
  switch (node.op) {
    case 'tableSource': return `Source: ${node.name}`;
    case 'connectorSource': return `Source: ${node.name}`;
    case 'values': return 'Values';
    case 'project': return 'Project';
    case 'filter': return 'Filter';
    case 'hopWindow': return 'HopWindow';
    case 'hashAgg': return 'HashAgg';
    case 'localAgg': return 'LocalAgg';
    case 'hashJoin': return 'HashJoin';
    case 'semiJoin': return node.anti ? 'AntiJoin' : 'SemiJoin';
    case 'topN': return 'TopN';
    case 'eowcBuffer': return 'EowcBuffer';
    case 'union': return 'Union';
    case 'exchange': return 'Exchange';
    case 'materialize': return `Materialize: ${node.name}`;
    case 'sink': return `Sink: ${node.sinkName}`;
    default: {
      // Node kinds added later get their op name, capitalized.
      const op: string = (node as { op: string }).op;
      return op.charAt(0).toUpperCase() + op.slice(1);
    }
  }
}

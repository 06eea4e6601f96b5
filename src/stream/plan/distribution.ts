// How a stream node's output is already partitioned across subtasks, so an exchange whose
// requirement is already met can be left out (Flink's and RisingWave's "distribution satisfied"
// check, DataFusion's EnforceDistribution). A hash exchange on columns K sends all rows with equal
// K values to one subtask; that property survives operators that keep those columns (projections
// that pass them through, filters, the preserved side of a join, an aggregate grouping by them).
// An aggregate grouping by G needs rows with equal G together; input hashed on any K ⊆ G has
// that already: rows equal on G are equal on K.

import type { StreamNode } from './stream-plan.js';

/**
 * The columns `n`'s output is hash-partitioned on, in the order the partitioning hashed them
 * (rows with equal values in them are in one subtask), or null when nothing is known.
 */
export function hashDistribution(n: StreamNode): readonly number[] | null {
  switch (n.op) {
    case 'exchange': return n.distribution.kind === 'hash' && n.distribution.keys.length ? n.distribution.keys : null;
    case 'filter': return hashDistribution(n.input);
    case 'project': {
      const d = hashDistribution(n.input);
      if (!d) return null;
      const out: number[] = [];
      for (const c of d) {
        const j = n.exprs.findIndex((e) => e.kind === 'column' && e.index === c);
        if (j < 0) return null;
        out.push(j);
      }
      return out;
    }
    case 'hashJoin':
      // The side whose rows are never null-padded keeps its key columns' partitioning.
      if (n.joinType === 'inner' || n.joinType === 'left') return hashDistribution(n.left);
      if (n.joinType === 'right') return hashDistribution(n.right)?.map((c) => c + n.left.columns.length) ?? null;
      return null;
    case 'semiJoin': return hashDistribution(n.left);
    case 'hashAgg': {
      // Output columns start with the group keys.
      const d = n.distributionKey ? n.distributionKey.map((i) => n.groupBy[i]) : hashDistribution(n.input);
      if (!d) return null;
      const out: number[] = [];
      for (const c of d) {
        const j = n.groupBy.indexOf(c);
        if (j < 0) return null;
        out.push(j);
      }
      return out;
    }
    case 'topN': return n.spec.partitionBy.length ? hashDistribution(n.input) : null;
    default: return null;
  }
}

/**
 * An aggregate grouping by `groupBy` over `input` needs no exchange when the input is hashed on
 * group columns only: returns which group keys (indices into `groupBy`, in hashing order) the
 * input is partitioned by, or null when an exchange is needed.
 */
export function groupDistributionKey(input: StreamNode, groupBy: readonly number[]): number[] | null {
  if (!groupBy.length) return null;
  const d = hashDistribution(input);
  if (!d) return null;
  const key: number[] = [];
  for (const c of d) {
    const i = groupBy.indexOf(c);
    if (i < 0) return null;
    key.push(i);
  }
  return key;
}

// Two-phase (local/global) aggregation, after RisingWave's and Flink's local-global agg: when
// every aggregate call decomposes (partial.ts), rewrite
//
//   HashAgg(Exchange hash[keys](input))
// into
//   HashAgg global(Exchange hash[0..k)(LocalAgg(input)))
//
// The local agg pre-aggregates each epoch's changes per group before the shuffle, so the exchange
// carries one partial row per group and epoch instead of every change; the global agg merges
// partials and owns the state. count(DISTINCT), ordered and collecting aggregates, float sums and
// min/max over retracting input keep the single-phase plan.
//
// At every parallelism, 1 included: the plan must not depend on it, so that a checkpoint taken at
// one parallelism restores at another (the job graph has the same shape; RisingWave's plans are
// parallelism-independent for the same reason). At parallelism 1 the local phase costs nothing
// measurable (Nexmark q17: 236–251k events/s single-phase, 239–276k two-phase).

import { T } from '../../types/datatype.js';
import type { OutputColumn } from '../../plan/logical.js';
import type { AggInput } from '../operators/aggregate/hash-agg.js';
import { type PartialKind, partialKind, partialTypes } from '../operators/aggregate/partial.js';
import { type StreamNode, streamInputs, withInputs } from './stream-plan.js';

/** The plan with every decomposable aggregation split into local and global phases. */
export function twoPhaseAgg(root: StreamNode): StreamNode {
  let nextId = maxId(root) + 1;
  const rewrite = (n: StreamNode): StreamNode => {
    const m = withInputs(n, streamInputs(n).map(rewrite));
    if (m.op !== 'hashAgg' || m.rowCountColumn !== undefined || m.input.op !== 'exchange') return m;
    const exchange = m.input;
    const input = exchange.input;
    const kinds = m.aggs.map((a) => partialKind(a.call, input.changelog === 'append-only'));
    if (kinds.some((k) => k === null)) return m;
    const split = splitAgg(m, input, kinds as PartialKind[], () => nextId++);
    return { ...m, input: { ...exchange, input: split.local, columns: split.local.columns, changelog: 'append-only', upsertKey: undefined, distribution: split.distribution }, groupBy: split.groupBy, aggs: split.merges, rowCountColumn: split.rowCountColumn };
  };
  return rewrite(root);
}

type HashAggNode = Extract<StreamNode, { op: 'hashAgg' }>;

function splitAgg(agg: HashAggNode, input: StreamNode, kinds: PartialKind[], id: () => number) {
  const k = agg.groupBy.length;
  const columns: OutputColumn[] = agg.groupBy.map((c) => input.columns[c]);
  columns.push({ name: '_rows', type: T.int4 });
  const merges: AggInput[] = agg.aggs.map((a, j) => {
    const types = partialTypes(a.call, kinds[j]);
    const args = types.map((type, i) => { columns.push({ name: `_agg${j}_p${i}`, type }); return columns.length - 1; });
    return { call: a.call, args, merge: kinds[j] };
  });
  const local: StreamNode = { op: 'localAgg', id: id(), columns, changelog: 'append-only', input, groupBy: agg.groupBy, aggs: agg.aggs, kinds, ...(agg.window ? { window: agg.window.key } : {}) };
  const groupBy = Array.from({ length: k }, (_, i) => i);
  return { local, merges, groupBy, rowCountColumn: k, distribution: k ? { kind: 'hash' as const, keys: groupBy } : { kind: 'single' as const } };
}

function maxId(n: StreamNode): number {
  let m = n.id;
  for (const c of streamInputs(n)) m = Math.max(m, maxId(c));
  return m;
}

/** `n` with its inputs replaced (the same object when nothing changed). */

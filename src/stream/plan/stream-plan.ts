// Stream plan nodes: the physical dataflow of a continuous query. Every node states the kind of
// changelog it produces — append-only, retracting, or upsert on a key — so the planner can reject
// what cannot run (an append-only sink over an updating view) before anything starts.

import type { Expr } from '../../plan/expr.js';
import type { OutputColumn } from '../../plan/logical.js';
import { explainExpr, intervalText } from '../../plan/explain.js';
import type { AggInput } from '../operators/aggregate/hash-agg.js';
import type { PartialKind } from '../operators/aggregate/partial.js';
import type { JoinWindow, StreamJoinType } from '../operators/hash-join.js';
import type { TopNSpec } from '../operators/top-n.js';
import { describeInterval, type JoinInterval } from './interval-join.js';

export type ChangelogKind = 'append-only' | 'retract' | 'upsert';

export type Distribution = { readonly kind: 'single' } | { readonly kind: 'hash'; readonly keys: readonly number[] } | { readonly kind: 'any' } | { readonly kind: 'broadcast' };

interface Base {
  readonly id: number;
  readonly columns: OutputColumn[];
  readonly changelog: ChangelogKind;
  /** For upsert streams: the columns that identify a row. */
  readonly upsertKey?: readonly number[];
}

export type StreamNode =
  | (Base & { readonly op: 'tableSource'; readonly tableOid: number; readonly name: string })
  | (Base & { readonly op: 'connectorSource'; readonly sourceOid: number; readonly name: string; readonly connector: string; readonly options: Record<string, string>; /** Columns no operator reads: a reader may leave them NULL (unused-source-columns.ts). */ readonly unusedColumns?: readonly number[] })
  | (Base & { readonly op: 'values'; readonly rows: Expr[][] })
  /** After a source with WATERMARK FOR: drops late rows and starts event time (operators/watermark-filter.ts). */
  | (Base & { readonly op: 'watermarkFilter'; readonly input: StreamNode; readonly column: number; readonly expr: Expr })
  | (Base & { readonly op: 'project'; readonly input: StreamNode; readonly exprs: Expr[] })
  | (Base & { readonly op: 'filter'; readonly input: StreamNode; readonly predicate: Expr })
  /** HOP: each change once per hopping window of its row's time (µs sizes; operators/hop-window.ts). */
  | (Base & { readonly op: 'hopWindow'; readonly input: StreamNode; readonly time: Expr; readonly slide: number; readonly size: number; readonly offset: number })
  | (Base & { readonly op: 'hashAgg'; readonly input: StreamNode; readonly groupBy: readonly number[]; readonly aggs: readonly AggInput[]; /** Global phase of two-phase aggregation (plan/two-phase-agg.ts): the Δrows column of the partial rows. */ readonly rowCountColumn?: number; /** Set when the input arrives already partitioned (no exchange, plan/distribution.ts): the group keys it is hashed on, as indices into groupBy. */ readonly distributionKey?: readonly number[]; /** The input never retracts: min/max keep only their extreme. */ readonly appendOnlyInput?: boolean; /** A group key carries a watermark: its groups close when the watermark passes (window-index.ts). */ readonly window?: AggWindow })
  /** Local phase of two-phase aggregation: per-epoch partial states, one row per group and epoch. */
  | (Base & { readonly op: 'localAgg'; readonly input: StreamNode; readonly groupBy: readonly number[]; readonly aggs: readonly AggInput[]; readonly kinds: readonly PartialKind[]; /** Index into groupBy of the watermarked group key: its closed groups are flushed before the watermark passes. */ readonly window?: number })
  | (Base & { readonly op: 'hashJoin'; readonly left: StreamNode; readonly right: StreamNode; readonly joinType: StreamJoinType; readonly leftKeys: Expr[]; readonly rightKeys: Expr[]; readonly residual: Expr | null; /** A key pair watermarked on both sides: closed keys leave state (operators/hash-join.ts). */ readonly window?: JoinWindow; /** An interval join: rows out of reach of the watermarks leave state (plan/interval-join.ts). */ readonly interval?: JoinInterval })
  /** IN / EXISTS (semi) and NOT EXISTS (anti) subqueries as joins; output is the left row. */
  | (Base & { readonly op: 'semiJoin'; readonly left: StreamNode; readonly right: StreamNode; readonly anti: boolean; readonly leftKeys: Expr[]; readonly rightKeys: Expr[]; readonly residual: Expr | null })
  | (Base & { readonly op: 'topN'; readonly input: StreamNode; readonly spec: TopNSpec })
  /** EMIT ON WINDOW CLOSE past a non-aggregation (operators/eowc-buffer.ts): rows held until the watermark on `column` passes them. */
  | (Base & { readonly op: 'eowcBuffer'; readonly input: StreamNode; readonly column: number })
  | (Base & { readonly op: 'union'; readonly inputs: StreamNode[] })
  | (Base & { readonly op: 'exchange'; readonly input: StreamNode; readonly distribution: Distribution })
  | (Base & { readonly op: 'materialize'; readonly input: StreamNode; readonly targetOid: number; readonly name: string })
  | (Base & { readonly op: 'sink'; readonly input: StreamNode; readonly sinkName: string; readonly connector: string; readonly options: Record<string, string> });

/**
 * The group key (index into groupBy) whose watermark closes groups. With `emitOnClose` (EMIT ON
 * WINDOW CLOSE) a group's one final row is emitted then and nothing before; without it, results
 * are emitted as usual and a closed group's state is dropped.
 */
export interface AggWindow { readonly key: number; readonly emitOnClose: boolean }

export function streamInputs(n: StreamNode): StreamNode[] {
  switch (n.op) {
    case 'tableSource': case 'connectorSource': case 'values': return [];
    case 'hashJoin': case 'semiJoin': return [n.left, n.right];
    case 'union': return n.inputs;
    default: return [n.input];
  }
}

/** EXPLAIN (TYPE stream): one line per node with its changelog kind. */
/** `n` with new inputs (in streamInputs order); `n` itself when none changed. */
export function withInputs(n: StreamNode, inputs: StreamNode[]): StreamNode {
  const old = streamInputs(n);
  if (inputs.every((x, i) => x === old[i])) return n;
  switch (n.op) {
    case 'hashJoin': case 'semiJoin': return { ...n, left: inputs[0], right: inputs[1] };
    case 'union': return { ...n, inputs };
    case 'tableSource': case 'connectorSource': case 'values': return n;
    default: return { ...n, input: inputs[0] } as StreamNode;
  }
}

export function explainStream(n: StreamNode, depth = 0, out: string[] = []): string[] {
  const pad = '  '.repeat(depth) + (depth ? '└─ ' : '');
  const kind = n.changelog + (n.upsertKey ? ` key=[${n.upsertKey.map((i) => n.columns[i]?.name).join(', ')}]` : '');
  const detail = (() => {
    switch (n.op) {
      case 'tableSource': return `StreamTableScan ${n.name}`;
      case 'connectorSource': return `StreamSource ${n.name} (connector=${n.connector})${n.unusedColumns?.length ? ` reads [${n.columns.filter((_, i) => !n.unusedColumns!.includes(i)).map((c) => c.name).join(', ')}]` : ''}`;
      case 'values': return `StreamValues (${n.rows.length} rows)`;
      case 'watermarkFilter': return `StreamWatermarkFilter watermark=${n.columns[n.column]?.name} AS ${explainExpr(n.expr, n.input.columns)}`;
      case 'project': return `StreamProject [${n.columns.map((c) => c.name).join(', ')}]`;
      case 'filter': return 'StreamFilter';
      case 'hopWindow': return `StreamHopWindow time=${explainExpr(n.time, n.input.columns)} slide=${intervalText(n.slide)} size=${intervalText(n.size)}${n.offset ? ` offset=${intervalText(n.offset)}` : ''}`;
      case 'hashAgg': return `StreamHashAgg${n.rowCountColumn !== undefined ? ' (global)' : ''} group=[${n.groupBy.join(', ')}] aggs=[${n.aggs.map((a) => a.call.kind).join(', ')}]${n.distributionKey ? ` input hashed on [${n.distributionKey.map((i) => n.groupBy[i]).join(', ')}]` : ''}${n.window ? ` ${n.window.emitOnClose ? 'emit on window close' : 'cleans'} by ${n.columns[n.window.key]?.name}` : ''}`;
      case 'localAgg': return `StreamLocalAgg group=[${n.groupBy.join(', ')}] aggs=[${n.aggs.map((a) => a.call.kind).join(', ')}]${n.window !== undefined ? ` window=${n.groupBy[n.window]}` : ''}`;
      case 'hashJoin': return `StreamHashJoin ${n.joinType}${n.window ? ` cleans by ${n.left.columns[n.window.leftColumn]?.name} = ${n.right.columns[n.window.rightColumn]?.name}` : ''}${n.interval ? ` cleans by interval ${describeInterval(n.interval, n.left.columns[n.interval.leftColumn]?.name, n.right.columns[n.interval.rightColumn]?.name, intervalText)}` : ''}`;
      case 'semiJoin': return `StreamHashJoin ${n.anti ? 'anti' : 'semi'}`;
      case 'topN': return `StreamTopN limit=${n.spec.limit} offset=${n.spec.offset}${n.spec.partitionBy.length ? ` partition=[${n.spec.partitionBy.join(', ')}]` : ''}`;
      case 'union': return 'StreamUnion';
      case 'eowcBuffer': return `StreamEowcBuffer emit on window close by ${n.columns[n.column]?.name}`;
      case 'exchange': return `StreamExchange ${n.distribution.kind}${n.distribution.kind === 'hash' ? `[${n.distribution.keys.join(', ')}]` : ''}`;
      case 'materialize': return `StreamMaterialize ${n.name}`;
      case 'sink': return `StreamSink ${n.sinkName} (connector=${n.connector})`;
    }
  })();
  out.push(`${pad}${detail}  {${kind}}`);
  for (const c of streamInputs(n)) explainStream(c, depth + 1, out);
  return out;
}

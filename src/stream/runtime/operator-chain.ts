// A job vertex's operators fused by direct calls (Flink's OperatorChain): the head receives the
// task's input, each operator's output is the next operator's input, and the last one writes to
// the result partitions, or, for a view or table sink, collects the epoch's changes that travel
// back to the main thread with the barrier's acknowledgement.

import { SqlError, SqlState } from '../../errors.js';
import type { ExecContext } from '../../executor/context.js';
import type { Chunk } from '../chunk.js';
import type { Barrier, KeyOwnership, Output, StreamOperator, Watermark } from '../operators/operator.js';
import { sourceIdleTimeoutMs } from '../source-options.js';
import { WatermarkFilterOperator } from '../operators/watermark-filter.js';
import { EowcBufferOperator } from '../operators/eowc-buffer.js';
import { FilterOperator, ProjectOperator } from '../operators/project-filter.js';
import { HopWindowOperator } from '../operators/hop-window.js';
import { HashAggOperator } from '../operators/aggregate/hash-agg.js';
import { LocalAggOperator } from '../operators/aggregate/local-agg.js';
import { HashJoinOperator } from '../operators/hash-join.js';
import { TopNOperator } from '../operators/top-n.js';
import { SemiJoinOperator } from '../operators/semi-join.js';
import { UnionOperator } from '../operators/union.js';
import { TableImageOperator } from '../operators/table-image.js';
import { BlackholeSink } from '../operators/sinks.js';
import type { StreamNode } from '../plan/stream-plan.js';
import { type PackedChunk, packChunk } from './chunk-codec.js';
import { ExternalSinkOperator, openExternalSink } from './external-sink.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import type { StateMemory } from '../state/state-memory.js';

const PASS: StreamOperator = {
  processChunk(chunk, _i, out) { out.emit(chunk); },
  processBarrier() { /* stateless */ },
  processWatermark(w, _i, out) { out.emitWatermark?.(w); },
};

/** The tail of a view's or table sink's chain: packs the epoch's changes for the main thread. */
export class EpochCollector implements StreamOperator {
  private parts: PackedChunk[] = [];
  private done: PackedChunk[] | null = null;
  processChunk(chunk: Chunk): void { if (chunk.rows.length) this.parts.push(packChunk(chunk)); }
  processBarrier(): void { this.done = this.parts; this.parts = []; }
  /** The output of the epoch whose barrier was just processed. */
  takeEpoch(): PackedChunk[] { const d = this.done ?? []; this.done = null; return d; }
}

export function isSourceNode(n: StreamNode): n is Extract<StreamNode, { op: 'tableSource' | 'connectorSource' | 'values' }> {
  return n.op === 'tableSource' || n.op === 'connectorSource' || n.op === 'values';
}

/** Where in the job a chain runs: external sinks open one writer per subtask. */
export interface SubtaskInfo {
  readonly subtask: number;
  readonly parallelism: number;
  /** Checkpointing on: operators get change-tracking state (collected here, by chain index) and sinks commit on completion. */
  readonly checkpointState?: MemoryStateBackend[];
  /** The TaskManager bounds state memory: operators' state may spill (backends collected in `backends`). */
  readonly stateMemory?: StateMemory;
  readonly backends?: MemoryStateBackend[];
}

function createOperator(node: StreamNode, ctx: ExecContext, where: SubtaskInfo, index: number): StreamOperator {
  const state = (): MemoryStateBackend | undefined => {
    const memory = where.stateMemory;
    if (!where.checkpointState && !memory) return undefined;
    const b = new MemoryStateBackend({ trackChanges: where.checkpointState !== undefined, spill: memory ? () => memory.port() : undefined });
    if (where.checkpointState) where.checkpointState[index] = b;
    where.backends?.push(b);
    return b;
  };
  switch (node.op) {
    case 'project': return new ProjectOperator(node.exprs, ctx);
    case 'filter': return new FilterOperator(node.predicate, ctx);
    case 'watermarkFilter': {
      // Partitions of the source go idle after its idle timeout, as its subtask does.
      const idleMs = node.input.op === 'connectorSource' ? sourceIdleTimeoutMs(node.input.options) : 0;
      return new WatermarkFilterOperator(node.column, node.expr, ctx, where.subtask, state(), idleMs);
    }
    case 'hopWindow': return new HopWindowOperator(node.time, node.slide, node.size, node.offset, ctx, node.input.columns.length);
    case 'hashAgg': return new HashAggOperator(node.groupBy, node.aggs, ctx.evalCtx.timeZone, { rowCountColumn: node.rowCountColumn, distributionKey: node.distributionKey, appendOnlyInput: node.appendOnlyInput, window: node.window, state: state() });
    case 'localAgg': return new LocalAggOperator(node.groupBy, node.aggs, node.kinds, node.window);
    case 'hashJoin': return new HashJoinOperator(node.joinType, node.leftKeys, node.rightKeys, node.residual, node.left.columns.length, node.right.columns.length, ctx, state(), node.window, node.interval ?? null);
    case 'semiJoin': return new SemiJoinOperator(node.anti, node.leftKeys, node.rightKeys, node.residual, ctx, state());
    case 'topN': return new TopNOperator(node.spec, state());
    case 'eowcBuffer': return new EowcBufferOperator(node.column, state());
    case 'union': return new UnionOperator(node.inputs.length);
    case 'exchange': return PASS;
    case 'materialize': return new EpochCollector();
    case 'sink':
      if (node.connector === 'blackhole') return new BlackholeSink();
      if (node.connector === 'table') return new EpochCollector();
      return openExternalSink(node, where.subtask, where.parallelism, where.checkpointState !== undefined) ?? unsupportedSink(node.connector);
    case 'tableSource': case 'connectorSource': case 'values':
      throw new SqlError(SqlState.InternalError, `source ${node.op} can only head a chain`);
  }
}

function unsupportedSink(connector: string): never {
  throw new SqlError(SqlState.FeatureNotSupported, `sink connector "${connector}" is not supported yet`);
}

/**
 * Operators for a vertex's stream nodes. A source head is not an operator (the task pulls it),
 * except that a checkpointed table source keeps the image of the rows it delivered: that
 * operator comes first (table-image.ts).
 */
export function createChainOperators(nodes: readonly StreamNode[], ctx: ExecContext, where: SubtaskInfo): StreamOperator[] {
  const head = nodes[0];
  if (!head || !isSourceNode(head)) return nodes.map((n, i) => createOperator(n, ctx, where, i));
  const rest = nodes.slice(1);
  if (head.op !== 'tableSource' || !where.checkpointState) return rest.map((n, i) => createOperator(n, ctx, where, i));
  // Spills like other state; the catch-up after a restore brings it back first (table-image.ts).
  const memory = where.stateMemory;
  const image = new MemoryStateBackend({ trackChanges: true, spill: memory ? () => memory.port() : undefined });
  where.checkpointState[0] = image;
  where.backends?.push(image);
  return [new TableImageOperator(where.subtask === 0, image), ...rest.map((n, i) => createOperator(n, ctx, where, i + 1))];
}

export class OperatorChain {
  private readonly outs: Output[];
  private readonly entry: StreamOperator | null;
  /** Set when a checkpointed table source heads the chain. */
  readonly tableImage: TableImageOperator | null;
  /** Set when the chain ends in a view or table sink. */
  readonly collector: EpochCollector | null;
  /** Set when the chain ends in an external sink. */
  readonly externalSink: ExternalSinkOperator | null;

  /** `tail` receives the last operator's output (all of the input when there are no operators). */
  constructor(private readonly ops: readonly StreamOperator[], private readonly tail: Output) {
    const last = ops[ops.length - 1];
    this.collector = last instanceof EpochCollector ? last : null;
    this.externalSink = last instanceof ExternalSinkOperator ? last : null;
    this.tableImage = ops[0] instanceof TableImageOperator ? ops[0] : null;
    this.outs = new Array(ops.length);
    for (let i = ops.length - 1; i >= 0; i--) {
      const next = ops[i + 1];
      const nextOut = this.outs[i + 1];
      this.outs[i] = next
        ? { emit: (c: Chunk) => next.processChunk(c, 0, nextOut), emitWatermark: (w: Watermark) => next.processWatermark?.(w, 0, nextOut) }
        : tail;
    }
    this.entry = ops.length ? ops[0] : null;
  }

  processChunk(chunk: Chunk, input: number): void {
    if (this.entry) this.entry.processChunk(chunk, input, this.outs[0]);
    else this.tail.emit(chunk);
  }

  processWatermark(w: Watermark, input: number): void {
    if (this.entry) this.entry.processWatermark?.(w, input, this.outs[0]);
    else this.tail.emitWatermark?.(w);
  }

  processInputIdle(input: number, idle: boolean): void { this.entry?.processInputIdle?.(input, idle, this.outs[0]); }

  /** Before the task goes idle: every operator, head first, lets go of what it holds back. */
  flushBeforeIdle(): void { for (let i = 0; i < this.ops.length; i++) this.ops[i].flushBeforeIdle?.(this.outs[i]); }

  /** A bounded source ended (see StreamOperator.endInput). */
  endInput(): void { for (let i = 0; i < this.ops.length; i++) this.ops[i].endInput?.(this.outs[i]); }

  /** Every operator, head first, emits what it holds for the epoch before the barrier moves on. */
  processBarrier(b: Barrier): void {
    for (let i = 0; i < this.ops.length; i++) this.ops[i].processBarrier(b, this.outs[i]);
  }

  /** Recovery: every operator's state tables were loaded; let each rebuild from them. */
  restoreState(owns: KeyOwnership = null): void { for (const op of this.ops) op.restoreState?.(owns); }

  close(): void { for (const op of this.ops) op.close?.(); }
}

// Runs a stream plan in this thread: operators are wired by direct calls, so a chunk travels the
// whole dataflow synchronously and a barrier is processed bottom-up after all data before it.
// (Exchanges are pass-through here: one subtask per operator.)

import { SqlError, SqlState } from '../../errors.js';
import type { Row } from '../../types/value.js';
import type { TableChange } from '../../storage/table-store.js';
import { compileExpr } from '../../executor/compile-expr.js';
import type { ExecContext } from '../../executor/context.js';
import { type Chunk, ChunkBuilder, Op } from '../chunk.js';
import type { Barrier, Output, StreamOperator, Watermark } from '../operators/operator.js';
import { WatermarkFilterOperator } from '../operators/watermark-filter.js';
import { FilterOperator, ProjectOperator } from '../operators/project-filter.js';
import { HopWindowOperator } from '../operators/hop-window.js';
import { HashAggOperator } from '../operators/aggregate/hash-agg.js';
import { LocalAggOperator } from '../operators/aggregate/local-agg.js';
import { HashJoinOperator } from '../operators/hash-join.js';
import { EowcBufferOperator } from '../operators/eowc-buffer.js';
import { TopNOperator } from '../operators/top-n.js';
import { SemiJoinOperator } from '../operators/semi-join.js';
import { UnionOperator } from '../operators/union.js';
import { type StreamNode, streamInputs } from '../plan/stream-plan.js';

/** What a job needs from the database around it. */
export interface JobEnvironment {
  readonly exec: ExecContext;
  tableRows(oid: number): Iterable<Row>;
  subscribe(listener: (changes: TableChange[]) => void): () => void;
  createSink(node: Extract<StreamNode, { op: 'materialize' | 'sink' }>): StreamOperator;
  /** `onEnd`: every split of a bounded source is exhausted. */
  createConnectorSource(node: Extract<StreamNode, { op: 'connectorSource' }>, push: (chunk: Chunk) => void, onEnd: () => void): { start(): void; stop(): void };
}

interface Instance {
  readonly node: StreamNode; readonly op: StreamOperator | null; readonly inputs: Instance[]; out: Output;
  /** Tell the consumer of this instance's output that its input ended (a bounded source). */
  end?: () => void;
}

const PASS: StreamOperator = {
  processChunk(chunk, _i, out) { out.emit(chunk); },
  processBarrier() { /* stateless */ },
  processWatermark(w, _i, out) { out.emitWatermark?.(w); },
};

export class LocalJob {
  private readonly order: Instance[] = [];
  private readonly stops: (() => void)[] = [];
  private failure: SqlError | null = null;
  rowsIn = 0;

  constructor(private readonly root: StreamNode, private readonly env: JobEnvironment, private readonly onFail: (e: SqlError) => void) {}

  start(): void {
    const root = this.build(this.root, { emit: () => undefined });
    void root;
    // Sources start after the whole graph exists, so their first chunks have somewhere to go.
    for (const inst of this.order) this.startSource(inst);
  }

  private build(node: StreamNode, out: Output): Instance {
    const op = this.operator(node);
    const inst: Instance = { node, op, inputs: [], out };
    streamInputs(node).forEach((child, i) => {
      const childOut: Output = {
        emit: (c: Chunk) => this.guard(() => op!.processChunk(c, i, inst.out)),
        emitWatermark: (w: Watermark) => this.guard(() => op!.processWatermark?.(w, i, inst.out)),
      };
      const childInst = this.build(child, childOut);
      childInst.end = () => this.guard(() => op!.endInput?.(inst.out));
      inst.inputs.push(childInst);
    });
    this.order.push(inst); // post-order: inputs before their consumer
    return inst;
  }

  private operator(node: StreamNode): StreamOperator | null {
    const ctx = this.env.exec;
    switch (node.op) {
      case 'tableSource': case 'connectorSource': case 'values': return null;
      case 'project': return new ProjectOperator(node.exprs, ctx);
      case 'filter': return new FilterOperator(node.predicate, ctx);
      case 'watermarkFilter': return new WatermarkFilterOperator(node.column, node.expr, ctx, 0);
      case 'hopWindow': return new HopWindowOperator(node.time, node.slide, node.size, node.offset, ctx, node.input.columns.length);
      case 'hashAgg': return new HashAggOperator(node.groupBy, node.aggs, ctx.evalCtx.timeZone, { rowCountColumn: node.rowCountColumn, appendOnlyInput: node.appendOnlyInput, window: node.window });
      case 'localAgg': return new LocalAggOperator(node.groupBy, node.aggs, node.kinds, node.window);
      case 'hashJoin': return new HashJoinOperator(node.joinType, node.leftKeys, node.rightKeys, node.residual, node.left.columns.length, node.right.columns.length, ctx, undefined, node.window, node.interval ?? null);
      case 'semiJoin': return new SemiJoinOperator(node.anti, node.leftKeys, node.rightKeys, node.residual, ctx);
      case 'topN': return new TopNOperator(node.spec);
      case 'eowcBuffer': return new EowcBufferOperator(node.column);
      case 'union': return new UnionOperator(node.inputs.length);
      case 'exchange': return PASS;
      case 'materialize': case 'sink': return this.env.createSink(node);
    }
  }

  private startSource(inst: Instance): void {
    const n = inst.node;
    const push = (c: Chunk) => { this.rowsIn += c.rows.length; inst.out.emit(c); };
    if (n.op === 'values') {
      const rows = n.rows.map((r) => r.map((e) => compileExpr(e, this.env.exec)([])));
      if (rows.length) this.guard(() => push({ ops: rows.map(() => Op.Insert), rows }));
    } else if (n.op === 'tableSource') {
      // Subscribe before reading the snapshot; both happen in this synchronous step, so no change is missed.
      this.stops.push(this.env.subscribe((changes) => {
        for (const ch of changes) {
          if (ch.oid !== n.tableOid) continue;
          const b = new ChunkBuilder();
          const flush = (c: Chunk | null) => { if (c) this.guard(() => push(c)); };
          for (const r of ch.deleted) flush(b.push(Op.Delete, r));
          for (const r of ch.inserted) flush(b.push(Op.Insert, r));
          flush(b.take());
        }
      }));
      const b = new ChunkBuilder();
      for (const r of this.env.tableRows(n.tableOid)) { const c = b.push(Op.Insert, r); if (c) this.guard(() => push(c)); }
      const c = b.take();
      if (c) this.guard(() => push(c));
    } else if (n.op === 'connectorSource') {
      const src = this.env.createConnectorSource(n, (c) => this.guard(() => push(c)), () => inst.end?.());
      this.stops.push(() => src.stop());
      src.start();
    }
  }

  /** Deliver a barrier: every operator, inputs first, emits what it holds for this epoch. */
  barrier(b: Barrier): void {
    if (this.failure) return;
    for (const inst of this.order) {
      if (!inst.op) continue;
      this.guard(() => inst.op!.processBarrier(b, inst.out));
    }
  }

  private guard(f: () => void): void {
    if (this.failure) return;
    try { f(); } catch (e) {
      this.failure = e instanceof SqlError ? e : new SqlError(SqlState.InternalError, e instanceof Error ? e.message : String(e));
      this.stop();
      this.onFail(this.failure);
    }
  }

  get failed(): SqlError | null { return this.failure; }

  stop(): void {
    for (const s of this.stops.splice(0)) s();
    for (const inst of this.order) inst.op?.close?.();
  }
}

// Stateless row operators: projection and filter over a changelog. A filter can split an update
// pair when only one half passes; the surviving half becomes a plain insert or delete. A filter
// passes watermarks on; a projection passes them to the outputs that keep the column's order
// (plan/watermarks.ts), evaluated on the watermark itself.

import type { Expr } from '../../plan/expr.js';
import type { Row } from '../../types/value.js';
import { compileExpr, type Compiled } from '../../executor/compile-expr.js';
import type { ExecContext } from '../../executor/context.js';
import { type Chunk, Op } from '../chunk.js';
import type { Barrier, Output, StreamOperator, Watermark } from './operator.js';
import { monotoneColumn } from '../plan/watermarks.js';

export class ProjectOperator implements StreamOperator {
  private readonly fs: Compiled[];
  /** Input column → the outputs its watermark reaches. */
  private readonly watermarkTargets = new Map<number, number[]>();
  constructor(exprs: readonly Expr[], ctx: ExecContext) {
    this.fs = exprs.map((e) => compileExpr(e, ctx));
    exprs.forEach((e, j) => {
      const c = monotoneColumn(e);
      if (c !== null) this.watermarkTargets.set(c, [...(this.watermarkTargets.get(c) ?? []), j]);
    });
  }

  processWatermark(w: Watermark, _input: number, out: Output): void {
    const targets = this.watermarkTargets.get(w.column);
    if (!targets) return;
    const row: Row = [];
    row[w.column] = w.value;
    for (const j of targets) {
      // ±Infinity (a bounded input ended) stays what it is through any order-keeping function.
      const v = Number.isFinite(w.value) ? this.fs[j](row) : w.value;
      if (typeof v === 'number') out.emitWatermark?.({ column: j, value: v });
    }
  }

  processChunk(chunk: Chunk, _input: number, out: Output): void {
    const fs = this.fs, n = fs.length;
    const rows: Row[] = new Array(chunk.rows.length);
    for (let i = 0; i < chunk.rows.length; i++) {
      const r = chunk.rows[i];
      const o: Row = new Array(n);
      for (let j = 0; j < n; j++) o[j] = fs[j](r);
      rows[i] = o;
    }
    out.emit({ ops: chunk.ops, rows });
  }
  processBarrier(_b: Barrier, _out: Output): void { /* stateless */ }
}

export class FilterOperator implements StreamOperator {
  private readonly pred: Compiled;
  constructor(predicate: Expr, ctx: ExecContext) { this.pred = compileExpr(predicate, ctx); }

  processChunk(chunk: Chunk, _input: number, out: Output): void {
    const ops: Op[] = [], rows: Row[] = [];
    const { ops: inOps, rows: inRows } = chunk;
    for (let i = 0; i < inRows.length; i++) {
      const op = inOps[i];
      const keep = this.pred(inRows[i]) === true;
      if (op === Op.UpdateDelete && i + 1 < inRows.length && inOps[i + 1] === Op.UpdateInsert) {
        const keepNext = this.pred(inRows[i + 1]) === true;
        if (keep && keepNext) { ops.push(Op.UpdateDelete, Op.UpdateInsert); rows.push(inRows[i], inRows[i + 1]); }
        else if (keep) { ops.push(Op.Delete); rows.push(inRows[i]); }
        else if (keepNext) { ops.push(Op.Insert); rows.push(inRows[i + 1]); }
        i++;
        continue;
      }
      if (!keep) continue;
      ops.push(op === Op.UpdateDelete ? Op.Delete : op === Op.UpdateInsert ? Op.Insert : op);
      rows.push(inRows[i]);
    }
    if (rows.length) out.emit({ ops, rows });
  }
  processBarrier(_b: Barrier, _out: Output): void { /* stateless */ }
  processWatermark(w: Watermark, _input: number, out: Output): void { out.emitWatermark?.(w); }
}

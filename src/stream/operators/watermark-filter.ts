// Where event time starts: the operator after a source declared with `WATERMARK FOR col AS expr`
// (RisingWave's WatermarkFilter, Flink's watermark generator). Row by row, a row whose `col` is
// below the current watermark is late and dropped; otherwise the watermark rises to `expr` of the
// row if that is higher. After the chunk, a risen watermark goes downstream. Deciding per row, not
// per chunk, makes what is dropped independent of how rows were batched, so a replay after
// recovery drops exactly what the first run dropped.
//
// The watermark is state: a restored filter resumes from it (a crash does not let rows through
// that were late before). When rescaling merges several old subtasks' watermarks, the smallest
// wins: rows the other subtasks would have dropped may come through, never the reverse — and
// operators downstream still drop rows behind their own watermark. At the end of a bounded
// source the watermark becomes +Infinity, which closes every window (Flink's MAX_WATERMARK).

import type { Expr } from '../../plan/expr.js';
import type { Row } from '../../types/value.js';
import { compileExpr, type Compiled } from '../../executor/compile-expr.js';
import type { ExecContext } from '../../executor/context.js';
import type { Chunk, Op } from '../chunk.js';
import type { StateBackend, StateTable } from '../state/keyed-state.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import type { Barrier, KeyOwnership, Output, StreamOperator } from './operator.js';

export class WatermarkFilterOperator implements StreamOperator {
  private readonly expr: Compiled;
  /** This subtask's watermark under key `subtask` (null: none yet); after a rescale, the old subtasks' too. */
  private readonly saved: StateTable<number | null>;
  private watermark = -Infinity;
  /** What the state holds for this subtask (undefined: nothing written yet). */
  private savedValue: number | undefined = undefined;

  constructor(private readonly column: number, expr: Expr, ctx: ExecContext, private readonly subtask: number, state: StateBackend = new MemoryStateBackend()) {
    this.expr = compileExpr(expr, ctx);
    this.saved = state.table<number | null>('watermark', { resident: true });
  }

  get current(): number { return this.watermark; }

  restoreState(_owns: KeyOwnership): void {
    // An old subtask that had no watermark yet (null) counts as -Infinity: its rows were all on time.
    let min = Infinity;
    for (const [k, v] of [...this.saved.entries()]) {
      const w = v ?? -Infinity;
      if (w < min) min = w;
      if (k !== String(this.subtask)) this.saved.delete(k);
    }
    this.watermark = min === Infinity ? -Infinity : min;
    this.savedValue = undefined;
    this.save();
    this.saved.commit();
  }

  processChunk(chunk: Chunk, _input: number, out: Output): void {
    const { ops, rows } = chunk;
    const col = this.column;
    const before = this.watermark;
    let wm = before;
    let keptOps: Op[] | null = null, keptRows: Row[] | null = null;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const t = r[col] as number | null;
      if (t !== null && t < wm) {
        // The first late row: copy what came before it, then keep copying survivors.
        if (!keptRows) { keptOps = ops.slice(0, i); keptRows = rows.slice(0, i); }
        continue;
      }
      if (keptRows) { keptOps!.push(ops[i]); keptRows.push(r); }
      const w = this.expr(r);
      if (w !== null && (w as number) > wm) wm = w as number;
    }
    this.watermark = wm;
    if (!keptRows) out.emit(chunk);
    else if (keptRows.length) out.emit({ ops: keptOps!, rows: keptRows });
    if (wm > before) out.emitWatermark?.({ column: col, value: wm });
  }

  /** Written once per epoch, not per chunk: the checkpoint holds the value at the barrier. */
  processBarrier(_b: Barrier, _out: Output): void { this.save(); }

  private save(): void {
    // The end-of-input +Infinity is not saved (JSON has no Infinity): a restored ended source ends
    // again. -Infinity (no row yet) is saved as null, so a rescaled restore counts this subtask.
    if (this.watermark === this.savedValue || this.watermark === Infinity) return;
    this.saved.put(String(this.subtask), this.watermark === -Infinity ? null : this.watermark);
    this.savedValue = this.watermark;
  }

  endInput(out: Output): void {
    if (this.watermark === Infinity) return;
    this.watermark = Infinity;
    out.emitWatermark?.({ column: this.column, value: Infinity });
  }
}

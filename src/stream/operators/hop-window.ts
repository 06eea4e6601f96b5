// HOP window table function over a changelog: each change is emitted once per hopping window that
// contains its row's time, with window_start and window_end appended, keeping its kind, so a
// retraction retracts exactly the rows its insertion produced. Rows whose time is NULL belong to no
// window. An update pair (-U old, +U new) becomes, per window, an update pair where both rows fall
// in that window, a delete where only the old row does and an insert where only the new one does:
// an output row is identified by the input row and its window_start. Stateless. Watermarks of the
// input columns pass on; one of the time column also reaches window_start (the earliest window a
// later row can fall in) and window_end.

import type { Expr } from '../../plan/expr.js';
import type { Row } from '../../types/value.js';
import { compileExpr, type Compiled } from '../../executor/compile-expr.js';
import type { ExecContext } from '../../executor/context.js';
import { hopWindowStarts } from '../../functions/time-window.js';
import { type Chunk, ChunkBuilder, Op } from '../chunk.js';
import type { Barrier, Output, StreamOperator, Watermark } from './operator.js';
import { monotoneColumn } from '../plan/watermarks.js';

const NONE: readonly number[] = [];

export class HopWindowOperator implements StreamOperator {
  private readonly time: Compiled;
  private readonly timeColumn: number | null;

  constructor(time: Expr, private readonly slide: number, private readonly size: number, private readonly offset: number, ctx: ExecContext, private readonly inputWidth: number) {
    this.time = compileExpr(time, ctx);
    this.timeColumn = monotoneColumn(time);
  }

  processWatermark(w: Watermark, _input: number, out: Output): void {
    out.emitWatermark?.(w);
    if (w.column !== this.timeColumn) return;
    let start = w.value;
    if (Number.isFinite(start)) {
      const row: Row = [];
      row[w.column] = w.value;
      const t = this.time(row);
      if (typeof t !== 'number') return;
      start = hopWindowStarts(t, this.slide, this.size, this.offset)[0];
    }
    out.emitWatermark?.({ column: this.inputWidth, value: start });
    out.emitWatermark?.({ column: this.inputWidth + 1, value: start + this.size });
  }

  private starts(row: Row): readonly number[] {
    const t = this.time(row);
    return t === null ? NONE : hopWindowStarts(t as number, this.slide, this.size, this.offset);
  }

  processChunk(chunk: Chunk, _input: number, out: Output): void {
    const b = new ChunkBuilder();
    const size = this.size;
    const push = (op: Op, row: Row, start: number) => {
      const c = b.push(op, [...row, start, start + size]);
      if (c) out.emit(c);
    };
    const { ops, rows } = chunk;
    for (let i = 0; i < rows.length; i++) {
      const op = ops[i];
      if (op === Op.UpdateDelete && i + 1 < rows.length && ops[i + 1] === Op.UpdateInsert) {
        const before = this.starts(rows[i]), after = this.starts(rows[i + 1]);
        const old = rows[i], cur = rows[i + 1];
        i++;
        // Both lists ascend: walk them together.
        let a = 0, c = 0;
        while (a < before.length || c < after.length) {
          if (c >= after.length || (a < before.length && before[a] < after[c])) push(Op.Delete, old, before[a++]);
          else if (a >= before.length || after[c] < before[a]) push(Op.Insert, cur, after[c++]);
          else { push(Op.UpdateDelete, old, before[a++]); push(Op.UpdateInsert, cur, after[c++]); }
        }
        continue;
      }
      // A lone half of an update is a plain delete or insert.
      const kind = op === Op.UpdateDelete ? Op.Delete : op === Op.UpdateInsert ? Op.Insert : op;
      for (const start of this.starts(rows[i])) push(kind, rows[i], start);
    }
    const last = b.take();
    if (last) out.emit(last);
  }

  processBarrier(_b: Barrier, _out: Output): void { /* stateless */ }
}

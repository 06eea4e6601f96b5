// UNION ALL: forwards every input's changes unchanged. A column's watermark is the minimum over
// the inputs, once every input has one.

import type { Chunk } from '../chunk.js';
import type { Barrier, Output, StreamOperator, Watermark } from './operator.js';

export class UnionOperator implements StreamOperator {
  /** Per column, each input's watermark (undefined until it reports). */
  private readonly watermarks = new Map<number, (number | undefined)[]>();
  private readonly emitted = new Map<number, number>();

  constructor(private readonly inputCount = 2) {}

  processChunk(chunk: Chunk, _input: number, out: Output): void { out.emit(chunk); }
  processBarrier(_b: Barrier, _out: Output): void { /* stateless */ }

  processWatermark(w: Watermark, input: number, out: Output): void {
    let per = this.watermarks.get(w.column);
    if (!per) { per = new Array<number | undefined>(this.inputCount); this.watermarks.set(w.column, per); }
    per[input] = w.value;
    let min = Infinity;
    for (let i = 0; i < this.inputCount; i++) {
      const v = per[i];
      if (v === undefined) return;
      if (v < min) min = v;
    }
    if (min <= (this.emitted.get(w.column) ?? -Infinity)) return;
    this.emitted.set(w.column, min);
    out.emitWatermark?.({ column: w.column, value: min });
  }
}

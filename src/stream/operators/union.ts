// UNION ALL: forwards every input's changes unchanged. A column's watermark is the minimum over
// the inputs, once every input has one — idle inputs left out.

import type { Chunk } from '../chunk.js';
import type { Barrier, Output, StreamOperator, Watermark } from './operator.js';

export class UnionOperator implements StreamOperator {
  /** Per column, each input's watermark (undefined until it reports). */
  private readonly watermarks = new Map<number, (number | undefined)[]>();
  private readonly emitted = new Map<number, number>();
  private readonly idle: boolean[];

  constructor(private readonly inputCount = 2) { this.idle = new Array<boolean>(inputCount).fill(false); }

  processChunk(chunk: Chunk, _input: number, out: Output): void { out.emit(chunk); }
  processBarrier(_b: Barrier, _out: Output): void { /* stateless */ }

  processWatermark(w: Watermark, input: number, out: Output): void {
    let per = this.watermarks.get(w.column);
    if (!per) { per = new Array<number | undefined>(this.inputCount); this.watermarks.set(w.column, per); }
    per[input] = w.value;
    this.advance(w.column, out);
  }

  processInputIdle(input: number, idle: boolean, out: Output): void {
    this.idle[input] = idle;
    if (idle) for (const column of this.watermarks.keys()) this.advance(column, out);
  }

  private advance(column: number, out: Output): void {
    const per = this.watermarks.get(column)!;
    let min = Infinity, active = 0;
    for (let i = 0; i < this.inputCount; i++) {
      if (this.idle[i]) continue;
      const v = per[i];
      if (v === undefined) return;
      if (v < min) min = v;
      active++;
    }
    if (!active || min <= (this.emitted.get(column) ?? -Infinity)) return;
    this.emitted.set(column, min);
    out.emitWatermark?.({ column, value: min });
  }
}

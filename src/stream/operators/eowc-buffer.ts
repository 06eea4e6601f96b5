// EMIT ON WINDOW CLOSE for a query whose last step is not an aggregation (a windowed or interval
// join, a union): its changes are held until the watermark passes their time column — after that
// no change can touch them (no watermarked stream changes a row below its watermark) — and then
// go out once, as inserts, oldest time first (RisingWave's EowcSort). Retractions that arrive
// meanwhile cancel the rows they name, so the output is append-only and final.
//
// State: the held rows with their multiplicity, keyed by the whole row, and a WindowIndex from
// time to those keys, so a watermark touches only the times it closes. It runs as one subtask
// (after a single exchange): every held row is its own, whatever the parallelism restored at.

import type { Row } from '../../types/value.js';
import { datumKey } from '../../types/value.js';
import { ChunkBuilder, type Chunk, Op, isRetraction } from '../chunk.js';
import type { Barrier, KeyOwnership, Output, StreamOperator, Watermark } from './operator.js';
import type { StateBackend, StateTable } from '../state/keyed-state.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import { WindowIndex } from './window-index.js';

interface Held { readonly row: Row; count: number }

export class EowcBufferOperator implements StreamOperator {
  private readonly held: StateTable<Held>;
  private readonly index: WindowIndex;

  /** `column`: the watermarked column whose passing releases a row. */
  constructor(private readonly column: number, state: StateBackend = new MemoryStateBackend()) {
    this.held = state.table<Held>('held');
    this.index = new WindowIndex(state, 'held_times');
  }

  processChunk(chunk: Chunk, _input: number, _out: Output): void {
    const { ops, rows } = chunk;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const t = row[this.column] as number | null;
      if (t !== null && t < this.index.closedBelow) continue; // its time was released: late
      const k = row.map(datumKey).join('\u0001');
      const h = this.held.get(k);
      const delta = isRetraction(ops[i]) ? -1 : 1;
      if (!h) {
        if (delta < 0) continue; // retracts a row never held: nothing to cancel
        this.held.put(k, { row, count: 1 });
        this.index.add(t, k);
        continue;
      }
      h.count += delta;
      if (h.count > 0) this.held.put(k, h);
      else { this.held.delete(k); this.index.remove(t, k); }
    }
  }

  processWatermark(wm: Watermark, _input: number, out: Output): void {
    if (wm.column !== this.column) return;
    if (wm.value > this.index.closedBelow) {
      const b = new ChunkBuilder();
      for (const { groups } of this.index.closeBelow(wm.value)) {
        for (const k of groups) {
          const h = this.held.get(k);
          if (!h) continue;
          for (let n = 0; n < h.count; n++) { const c = b.push(Op.Insert, h.row); if (c) out.emit(c); }
          this.held.delete(k);
        }
      }
      const c = b.take();
      if (c) out.emit(c);
    }
    // Every row still held, and every row to come, is at or above it.
    out.emitWatermark?.(wm);
  }

  processBarrier(_b: Barrier, _out: Output): void { this.index.saveCutoff(); }

  restoreState(_owns: KeyOwnership): void { this.index.restoreCutoff(); }
}

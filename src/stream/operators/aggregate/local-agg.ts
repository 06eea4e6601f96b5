// Local (first-phase) aggregation, after RisingWave's stateless local agg: runs before the hash
// exchange, folds each epoch's changes per group into partial states (partial.ts) and, on the
// barrier, emits one insert per touched group: [group keys…, Δrows, partial columns…]. It keeps
// nothing across epochs — the global HashAggOperator merges the partials and owns the state — so
// it has nothing to checkpoint, and the exchange carries one row per group and epoch instead of
// every change. Windowed: before a watermark passes on, the groups of the windows it closes are
// flushed, so the global phase has them when it closes those windows.

import type { Datum, Row } from '../../../types/value.js';
import { rowKey } from '../../../types/value.js';
import { ChunkBuilder, type Chunk, Op, isRetraction } from '../../chunk.js';
import type { Barrier, Output, StreamOperator, Watermark } from '../operator.js';
import type { AggInput } from './hash-agg.js';
import { type LocalAcc, type PartialKind, createLocalAcc } from './partial.js';

interface LocalGroup { readonly key: Datum[]; rows: number; readonly accs: LocalAcc[] }

export class LocalAggOperator implements StreamOperator {
  /** This epoch's groups; emptied on every barrier. */
  private groups = new Map<string, LocalGroup>();
  /** Windowed: the window key (index into groupBy) and its input column, and the smallest window
   * buffered this epoch. */
  private readonly windowKey: number;
  private readonly windowCol: number;
  private minWindow = Infinity;

  constructor(private readonly groupBy: readonly number[], private readonly aggs: readonly AggInput[], private readonly kinds: readonly PartialKind[], windowKey?: number) {
    this.windowKey = windowKey ?? -1;
    this.windowCol = windowKey === undefined ? -1 : groupBy[windowKey];
  }

  processChunk(chunk: Chunk, _input: number, _out: Output): void {
    const { ops, rows } = chunk;
    const args: Datum[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const sign: 1 | -1 = isRetraction(ops[i]) ? -1 : 1;
      const k = this.groupBy.length ? rowKey(r, this.groupBy) : '';
      let g = this.groups.get(k);
      if (!g) {
        g = { key: this.groupBy.map((c) => r[c]), rows: 0, accs: this.aggs.map((a, j) => createLocalAcc(a.call, this.kinds[j])) };
        this.groups.set(k, g);
        if (this.windowCol >= 0) { const w = r[this.windowCol] as number | null; if (w !== null && w < this.minWindow) this.minWindow = w; }
      }
      g.rows += sign;
      for (let j = 0; j < this.aggs.length; j++) {
        const a = this.aggs[j];
        if (a.filter !== undefined && r[a.filter] !== true) continue;
        args.length = 0;
        for (const c of a.args) args.push(r[c]);
        g.accs[j].apply(args, sign);
      }
    }
  }

  processBarrier(_b: Barrier, out: Output): void { this.flushAll(out); }

  /** Going idle: the epoch's partials go out now (consumers stop waiting for this task's watermark). */
  flushBeforeIdle(out: Output): void { this.flushAll(out); }

  private flushAll(out: Output): void {
    if (!this.groups.size) return;
    const b = new ChunkBuilder();
    for (const g of this.groups.values()) this.emitGroup(g, b, out);
    this.groups = new Map();
    this.minWindow = Infinity;
    const c = b.take();
    if (c) out.emit(c);
  }

  private emitGroup(g: LocalGroup, b: ChunkBuilder, out: Output): void {
    const row: Row = [...g.key, g.rows];
    for (const acc of g.accs) acc.emit(row);
    const c = b.push(Op.Insert, row);
    if (c) out.emit(c);
  }

  processWatermark(w: Watermark, _input: number, out: Output): void {
    if (w.column === this.windowCol && w.value > this.minWindow) {
      const b = new ChunkBuilder();
      let min = Infinity;
      for (const [k, g] of this.groups) {
        const v = g.key[this.windowKey] as number | null;
        if (v !== null && v < w.value) { this.emitGroup(g, b, out); this.groups.delete(k); }
        else if (v !== null && v < min) min = v;
      }
      this.minWindow = min;
      const c = b.take();
      if (c) out.emit(c);
    }
    // As the global phase, only the window key's watermark goes on (after its partials).
    if (w.column === this.windowCol) out.emitWatermark?.({ column: this.windowKey, value: w.value });
  }
}

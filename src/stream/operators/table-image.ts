// What a table source has delivered, kept as state so a job over tables and views can restore
// from a checkpoint. A table keeps no change history to rewind to, but it does not need one: the
// checkpoint holds the multiset of rows the job had seen at the cut, and on restore the source
// sends only the difference between that image and the table's current rows — the changes the
// job missed, as deletes and inserts — instead of the whole table again. Downstream state, restored
// from the same cut, then moves to exactly where a job that never stopped would be, and a sink
// emits each change once. (Flink has no tables to read; RisingWave's backfill does the same
// catch-up against an upstream's snapshot.)
//
// It heads the table-source task's chain: every row the feed delivers passes through it. Like any
// state it may spill when its TaskManager is over its memory budget; the catch-up, which compares
// the whole image, first brings it back (the table's rows are in memory at that moment anyway).

import type { Row } from '../../types/value.js';
import { datumKey } from '../../types/value.js';
import { ChunkBuilder, type Chunk, Op, isRetraction } from '../chunk.js';
import type { KeyOwnership, Output, StreamOperator } from './operator.js';
import type { StateBackend, StateTable } from '../state/keyed-state.js';
import { MemoryStateBackend } from '../state/memory-state.js';

interface Copies { readonly row: Row; count: number }

export class TableImageOperator implements StreamOperator {
  private readonly image: StateTable<Copies>;

  /** `reads`: this subtask receives the table's rows (only subtask 0 of a table source does). */
  constructor(private readonly reads: boolean, state: StateBackend = new MemoryStateBackend()) {
    this.image = state.table('rows');
  }

  private key(row: Row): string {
    let k = '';
    for (let i = 0; i < row.length; i++) k += datumKey(row[i]) + '\u0002';
    return k;
  }

  processChunk(chunk: Chunk, _input: number, out: Output): void {
    for (let i = 0; i < chunk.rows.length; i++) {
      const row = chunk.rows[i];
      const k = this.key(row);
      const held = this.image.get(k);
      if (!isRetraction(chunk.ops[i])) {
        if (held) { held.count++; this.image.put(k, held); } else this.image.put(k, { row, count: 1 });
      } else if (held) {
        if (--held.count === 0) this.image.delete(k); else this.image.put(k, held);
      }
    }
    out.emit(chunk);
  }

  processBarrier(): void { /* the image is complete after every chunk */ }

  /** A rescaled restore hands every old subtask's state to every new one: only the reader keeps it. */
  restoreState(owns: KeyOwnership): void {
    if (owns === null || this.reads) return;
    for (const k of [...this.image.iterate('')].map(([key]) => key)) this.image.delete(k);
  }

  /** Before `catchUp`: bring the spilled part of the image back into memory. */
  prepareCatchUp(): Promise<void> { return this.image.unspill(); }

  /**
   * After a restore: the changes that take the restored image to the table's current `rows`.
   * Emitting them through the chain makes the image equal to `rows`. Deletes come first, as the
   * feed orders a commit's changes.
   */
  catchUp(rows: readonly Row[]): Chunk[] {
    const current = new Map<string, Copies>();
    for (const row of rows) {
      const k = this.key(row);
      const c = current.get(k);
      if (c) c.count++; else current.set(k, { row, count: 1 });
    }
    const out: Chunk[] = [];
    const b = new ChunkBuilder();
    const push = (op: Op, row: Row, times: number) => { for (let n = 0; n < times; n++) { const c = b.push(op, row); if (c) out.push(c); } };
    for (const [k, held] of this.image.iterate('')) push(Op.Delete, held.row, held.count - Math.min(held.count, current.get(k)?.count ?? 0));
    const deletes = b.take();
    if (deletes) out.push(deletes);
    for (const [k, c] of current) push(Op.Insert, c.row, c.count - Math.min(c.count, this.image.get(k)?.count ?? 0));
    const inserts = b.take();
    if (inserts) out.push(inserts);
    return out;
  }
}

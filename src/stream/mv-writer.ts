// Applies a view's changelog to its stored rows (a TableData in the table store, so batch
// queries read a materialized view like a table). Changes are buffered and applied in one
// synchronous step per barrier, so a reader never sees half of an epoch.

import { SqlError, SqlState } from '../errors.js';
import type { Row } from '../types/value.js';
import { rowKey } from '../types/value.js';
import type { TableChange, TableData, TableStore } from '../storage/table-store.js';
import { type Chunk, isRetraction } from './chunk.js';

export class MvWriter {
  /** Full-row key → row ids holding that row (a view is a multiset). */
  private readonly index = new Map<string, number[]>();
  private pendingInserts: Row[] = [];
  private pendingDeletes: Row[] = [];
  private readonly allCols: number[];
  /** Row keys whose count changed since the last snapshot (checkpointing jobs only). */
  private changed: Set<string> | null = null;

  constructor(private readonly store: TableStore, private readonly table: TableData) {
    this.allCols = table.types.map((_, i) => i);
  }

  /** Record changed rows from now on, for incremental checkpoints of the view's contents. */
  trackChanges(): void { this.changed ??= new Set(); }

  /** The rows whose count changed since the last call: key → [row, count] (count 0: gone). */
  takeChanges(): Map<string, [Row | null, number]> {
    const out = new Map<string, [Row | null, number]>();
    if (!this.changed) return out;
    for (const k of this.changed) out.set(k, this.current(k));
    this.changed.clear();
    return out;
  }

  /** One row key's current row and count (for re-snapshotting keys of a failed checkpoint). */
  current(k: string): [Row | null, number] {
    const ids = this.index.get(k);
    return ids?.length ? [this.table.rows.get(ids[0])!, ids.length] : [null, 0];
  }

  /**
   * Recovery: replace the view's contents with `rows` (each with its count) in one step, as a
   * change readers and downstream views see like any other epoch.
   */
  reset(rows: Iterable<readonly [Row, number]>): void {
    const change: TableChange = { oid: this.table.oid, inserted: [], deleted: [...this.table.rows.values()] };
    this.table.rows.clear();
    this.index.clear();
    this.pendingDeletes = [];
    this.pendingInserts = [];
    for (const [r, n] of rows) for (let i = 0; i < n; i++) this.insert(r, change);
    this.changed?.clear();
    if (change.deleted.length || change.inserted.length) this.store.notify([change]);
  }

  private insert(r: Row, change: TableChange): void {
    const id = this.table.nextRowId++;
    this.table.rows.set(id, r);
    const k = rowKey(r, this.allCols);
    const ids = this.index.get(k);
    if (ids) ids.push(id); else this.index.set(k, [id]);
    this.changed?.add(k);
    change.inserted.push(r);
  }

  write(chunk: Chunk): void {
    for (let i = 0; i < chunk.rows.length; i++) {
      if (isRetraction(chunk.ops[i])) this.pendingDeletes.push(chunk.rows[i]);
      else this.pendingInserts.push(chunk.rows[i]);
    }
  }

  /** Apply everything buffered since the last barrier and notify the views that read this one. */
  commitEpoch(): void {
    if (!this.pendingDeletes.length && !this.pendingInserts.length) return;
    const change: TableChange = { oid: this.table.oid, inserted: [], deleted: [] };
    for (const r of this.pendingDeletes) {
      const k = rowKey(r, this.allCols);
      const ids = this.index.get(k);
      const id = ids?.pop();
      if (id === undefined) {
        // An insert of the same row may still be pending in this epoch (delete before insert in one barrier).
        const j = this.pendingInserts.findIndex((x) => rowKey(x, this.allCols) === k);
        if (j >= 0) { this.pendingInserts.splice(j, 1); continue; }
        throw new SqlError(SqlState.InternalError, `materialized view ${this.table.oid} received a retraction for a row it does not hold`);
      }
      if (ids!.length === 0) this.index.delete(k);
      this.changed?.add(k);
      const old = this.table.rows.get(id)!;
      this.table.rows.delete(id);
      change.deleted.push(old);
    }
    for (const r of this.pendingInserts) this.insert(r, change);
    this.pendingDeletes = [];
    this.pendingInserts = [];
    this.store.notify([change]);
  }
}

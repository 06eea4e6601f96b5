// Sinks that need no external system: 'blackhole' (counts and drops rows, for benchmarks) and
// 'table' (applies the changelog to a Weir table keyed by its primary key, committed per barrier).

import { SqlError, SqlState } from '../../errors.js';
import type { Row } from '../../types/value.js';
import { rowKey } from '../../types/value.js';
import type { TableStore } from '../../storage/table-store.js';
import { TableOverlay } from '../../storage/table-store.js';
import { type Chunk, isRetraction } from '../chunk.js';
import type { Barrier, Output, StreamOperator } from './operator.js';

export class BlackholeSink implements StreamOperator {
  rows = 0;
  processChunk(chunk: Chunk): void { this.rows += chunk.rows.length; }
  processBarrier(_b: Barrier, _out: Output): void { /* nothing to commit */ }
}

/** Upserts into a table with a primary key (deletes remove the key); appends into one without. */
export class TableSink implements StreamOperator {
  private pending: { del: boolean; row: Row }[] = [];
  private commits: Promise<void> = Promise.resolve();
  constructor(private readonly store: TableStore, private readonly oid: number) {}

  processChunk(chunk: Chunk): void {
    for (let i = 0; i < chunk.rows.length; i++) this.pending.push({ del: isRetraction(chunk.ops[i]), row: chunk.rows[i] });
  }

  processBarrier(_b: Barrier, _out: Output): void {
    if (!this.pending.length) return;
    const table = this.store.table(this.oid);
    if (!table) throw new SqlError(SqlState.UndefinedTable, `sink target table with OID ${this.oid} no longer exists`);
    const o = new TableOverlay(table);
    const all = table.types.map((_, i) => i);
    for (const { del, row } of this.pending) {
      if (table.pk) {
        const id = o.lookupPk(rowKey(row, table.pk));
        if (del) { if (id !== undefined) o.delete(id); }
        else if (id !== undefined) o.update(id, row);
        else o.insert(row);
        continue;
      }
      if (del) {
        const k = rowKey(row, all);
        for (const [id, r] of o.entries()) if (rowKey(r, all) === k) { o.delete(id); break; }
      } else o.insert(row);
    }
    this.pending = [];
    this.commits = this.commits.then(() => this.store.commit([o]));
  }

  /** Resolves when every barrier's writes are durable. */
  flushed(): Promise<void> { return this.commits; }
}

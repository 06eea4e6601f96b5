// Table rows: held in memory for scans and primary-key lookups, written through to LevelDB when
// a transaction commits. A transaction sees its own writes through an overlay on the committed
// rows, so other sessions never read uncommitted data and ROLLBACK just drops the overlay.

import { SqlError, SqlState } from '../errors.js';
import type { DataType } from '../types/datatype.js';
import type { Row } from '../types/value.js';
import { rowKey } from '../types/value.js';
import type { KvOp, KvStore } from './kv-store.js';
import { decodeRow, encodeRow } from './row-codec.js';

export class TableData {
  readonly rows = new Map<number, Row>();
  readonly pkIndex = new Map<string, number>();
  nextRowId = 1;
  /** Rows kept only in memory (materialized views, rebuilt by their job on restart). */
  volatile = false;
  constructor(readonly oid: number, public types: DataType[], public pk: number[] | undefined) {}
}

function dataKey(oid: number, rowId: number): string { return `d/${oid}/${rowId.toString(36).padStart(10, '0')}`; }

/** A transaction's pending changes to one table. */
export class TableOverlay {
  readonly puts = new Map<number, Row>();
  readonly dels = new Set<number>();
  /** The committed version of each base row this overlay changed, as it was when first changed. */
  readonly seen = new Map<number, Row>();
  private readonly pkAdds = new Map<string, number>();
  private readonly pkDels = new Set<string>();
  constructor(readonly base: TableData) {}

  get pk(): number[] | undefined { return this.base.pk; }

  /** Every visible row with its row id. */
  *entries(): IterableIterator<[number, Row]> {
    for (const e of this.base.rows) {
      if (this.dels.has(e[0]) || this.puts.has(e[0])) continue;
      yield e;
    }
    yield* this.puts;
  }

  *rowsIter(): IterableIterator<Row> { for (const [, r] of this.entries()) yield r; }

  lookupPk(key: string): number | undefined {
    const added = this.pkAdds.get(key);
    if (added !== undefined) return added;
    if (this.pkDels.has(key)) return undefined;
    return this.base.pkIndex.get(key);
  }

  get(rowId: number): Row | undefined {
    if (this.dels.has(rowId)) return undefined;
    return this.puts.get(rowId) ?? this.base.rows.get(rowId);
  }

  insert(row: Row): number {
    const id = this.base.nextRowId++;
    this.puts.set(id, row);
    if (this.base.pk) this.pkAdds.set(rowKey(row, this.base.pk), id);
    return id;
  }

  /** Remember the committed row a change is based on, to detect a concurrent committed change. */
  private noteBase(rowId: number): void {
    if (this.seen.has(rowId)) return;
    const committed = this.base.rows.get(rowId);
    if (committed) this.seen.set(rowId, committed);
  }

  update(rowId: number, row: Row): void {
    this.noteBase(rowId);
    const old = this.get(rowId);
    if (old && this.base.pk) {
      const ok = rowKey(old, this.base.pk), nk = rowKey(row, this.base.pk);
      if (ok !== nk) { this.dropPk(ok, rowId); this.pkAdds.set(nk, rowId); }
    }
    this.dels.delete(rowId);
    this.puts.set(rowId, row);
  }

  delete(rowId: number): void {
    this.noteBase(rowId);
    const old = this.get(rowId);
    if (old && this.base.pk) this.dropPk(rowKey(old, this.base.pk), rowId);
    this.puts.delete(rowId);
    if (this.base.rows.has(rowId)) this.dels.add(rowId);
  }

  /** Forget `key` → `rowId`, unless another row has already taken the key over. */
  private dropPk(key: string, rowId: number): void {
    if (this.pkAdds.get(key) === rowId) this.pkAdds.delete(key);
    if (this.base.pkIndex.get(key) === rowId && !this.pkAdds.has(key)) this.pkDels.add(key);
  }

  get dirty(): boolean { return this.puts.size > 0 || this.dels.size > 0; }
}

export interface TableChange { readonly oid: number; readonly inserted: Row[]; readonly deleted: Row[] }

export class TableStore {
  private readonly tables = new Map<number, TableData>();
  /** Called after each commit with the rows that changed, for streaming jobs to consume. */
  readonly listeners = new Set<(changes: TableChange[]) => void>();
  /**
   * Backpressure from streaming jobs: each returns a promise while its job lags too far behind
   * the committed changes (a table feed's rows in flight), null otherwise.
   */
  readonly throttles = new Set<() => Promise<void> | null>();

  /** After a session's commit: wait while a job reading the tables lags too far behind. */
  async ingestBackpressure(): Promise<void> {
    for (const t of this.throttles) {
      const wait = t();
      if (wait) await wait;
    }
  }

  constructor(private readonly kv: KvStore) {}

  async load(oid: number, types: DataType[], pk: number[] | undefined): Promise<void> {
    const t = new TableData(oid, types, pk);
    for (const [k, v] of await this.kv.scanPrefix(`d/${oid}/`)) {
      const id = parseInt(k.slice(k.lastIndexOf('/') + 1), 36);
      const row = decodeRow(v, types);
      t.rows.set(id, row);
      if (pk) t.pkIndex.set(rowKey(row, pk), id);
      if (id >= t.nextRowId) t.nextRowId = id + 1;
    }
    this.tables.set(oid, t);
  }

  create(oid: number, types: DataType[], pk: number[] | undefined): void { this.tables.set(oid, new TableData(oid, types, pk)); }

  table(oid: number): TableData | undefined { return this.tables.get(oid); }

  async drop(oid: number): Promise<void> {
    const t = this.tables.get(oid);
    this.tables.delete(oid);
    if (!t || t.volatile) return;
    await this.kv.write([...t.rows.keys()].map((id) => ({ type: 'del' as const, key: dataKey(oid, id) })));
  }

  /** Make a transaction's overlays the committed state, durably. */
  /**
   * Apply overlays atomically. With `checkConflicts` (user transactions), a row this transaction
   * changed that another transaction changed and committed since is a write conflict: the commit
   * fails with 40001 and changes nothing, instead of silently overwriting the other update.
   * (PostgreSQL's READ COMMITTED would wait and re-apply; failing is the safe approximation.)
   */
  async commit(overlaysIn: Iterable<TableOverlay>, opts: { checkConflicts?: boolean } = {}): Promise<void> {
    const overlays = [...overlaysIn];
    if (opts.checkConflicts) {
      for (const o of overlays) {
        for (const [id, committed] of o.seen) {
          if (o.base.rows.get(id) !== committed) {
            throw new SqlError(SqlState.SerializationFailure, 'could not serialize access due to concurrent update', { hint: 'Another transaction changed the same row and committed first; retry the transaction.' });
          }
        }
      }
    }
    const ops: KvOp[] = [];
    const changes: TableChange[] = [];
    for (const o of overlays) {
      if (!o.dirty) continue;
      const t = o.base;
      if (this.tables.get(t.oid) !== t) continue; // table was dropped meanwhile
      const change: TableChange = { oid: t.oid, inserted: [], deleted: [] };
      // Old keys are all removed before new ones are added, so rows may swap keys.
      for (const id of o.dels) {
        const old = t.rows.get(id);
        if (!old) continue;
        change.deleted.push(old);
        if (t.pk && t.pkIndex.get(rowKey(old, t.pk)) === id) t.pkIndex.delete(rowKey(old, t.pk));
        t.rows.delete(id);
        ops.push({ type: 'del', key: dataKey(t.oid, id) });
      }
      for (const [id] of o.puts) {
        const old = t.rows.get(id);
        if (old) { change.deleted.push(old); if (t.pk && t.pkIndex.get(rowKey(old, t.pk)) === id) t.pkIndex.delete(rowKey(old, t.pk)); }
      }
      for (const [id, row] of o.puts) {
        change.inserted.push(row);
        t.rows.set(id, row);
        if (t.pk) t.pkIndex.set(rowKey(row, t.pk), id);
        ops.push({ type: 'put', key: dataKey(t.oid, id), value: encodeRow(row, t.types) });
      }
      changes.push(change);
    }
    await this.kv.write(ops);
    this.notify(changes);
  }

  /** Tell listeners (streaming table sources) about committed changes. */
  notify(changes: TableChange[]): void {
    if (changes.length) for (const l of this.listeners) l(changes);
  }

  /** A table whose rows live only in memory (a materialized view's current contents). */
  createVolatile(oid: number, types: DataType[]): TableData {
    const t = new TableData(oid, types, undefined);
    t.volatile = true;
    this.tables.set(oid, t);
    return t;
  }
}

// A transaction's pending table changes: one overlay per table it touched. CommittedTables is
// what a read-only autocommit SELECT reads instead: the committed rows, with no transaction.

import type { Database } from '../database.js';
import { SqlError, SqlState } from '../errors.js';
import { TableOverlay } from '../storage/table-store.js';
import type { TableData } from '../storage/table-store.js';

/** The stored rows of table `oid`; a source (a stream, not stored) or a missing table is an error. */
function tableData(db: Database, oid: number): TableData {
  const base = db.tables.table(oid);
  if (base) return base;
  const rel = db.catalog.relationByOid(oid);
  // A source's rows are a stream, not stored: only a materialized view over it can be read.
  if (rel?.kind === 'source') {
    throw new SqlError(SqlState.FeatureNotSupported, `cannot read source "${rel.name}" with a batch query`, { hint: `Create a materialized view over it, e.g. CREATE MATERIALIZED VIEW ${rel.name}_all AS SELECT * FROM ${rel.name}.` });
  }
  throw new SqlError(SqlState.UndefinedTable, `relation with OID ${oid} does not exist`);
}

export class Transaction {
  private readonly overlays = new Map<number, TableOverlay>();
  constructor(private readonly db: Database) {}

  table(oid: number): TableOverlay {
    let o = this.overlays.get(oid);
    if (!o) {
      o = new TableOverlay(tableData(this.db, oid));
      this.overlays.set(oid, o);
    }
    return o;
  }

  get dirty(): boolean { for (const o of this.overlays.values()) if (o.dirty) return true; return false; }

  async commit(): Promise<void> {
    if (!this.dirty) return;
    await this.db.tables.commit(this.overlays.values(), { checkConflicts: true });
    // Committed; the statement completes once the views reading the tables keep up (bounded feeds).
    if (this.db.tables.throttles.size) await this.db.tables.ingestBackpressure();
  }
}

/**
 * Committed rows, read through overlays that never hold changes (a SELECT does not write), made
 * once per table and reused by every read-only statement of the session.
 */
export class CommittedTables {
  private readonly overlays = new Map<number, TableOverlay>();
  constructor(private readonly db: Database) {}

  table(oid: number): TableOverlay {
    const o = this.overlays.get(oid);
    const base = this.db.tables.table(oid);
    // A table replaced since (TRUNCATE, DROP and CREATE) has new data.
    if (o && o.base === base) return o;
    this.overlays.delete(oid);
    const fresh = new TableOverlay(tableData(this.db, oid));
    this.overlays.set(oid, fresh);
    return fresh;
  }
}

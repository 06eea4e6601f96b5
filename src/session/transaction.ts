// A transaction's pending table changes: one overlay per table it touched.

import type { Database } from '../database.js';
import { SqlError, SqlState } from '../errors.js';
import { TableOverlay } from '../storage/table-store.js';

export class Transaction {
  private readonly overlays = new Map<number, TableOverlay>();
  constructor(private readonly db: Database) {}

  table(oid: number): TableOverlay {
    let o = this.overlays.get(oid);
    if (!o) {
      const base = this.db.tables.table(oid);
      if (!base) {
        const rel = this.db.catalog.relationByOid(oid);
        // A source's rows are a stream, not stored: only a materialized view over it can be read.
        if (rel?.kind === 'source') {
          throw new SqlError(SqlState.FeatureNotSupported, `cannot read source "${rel.name}" with a batch query`, { hint: `Create a materialized view over it, e.g. CREATE MATERIALIZED VIEW ${rel.name}_all AS SELECT * FROM ${rel.name}.` });
        }
        throw new SqlError(SqlState.UndefinedTable, `relation with OID ${oid} does not exist`);
      }
      o = new TableOverlay(base);
      this.overlays.set(oid, o);
    }
    return o;
  }

  get dirty(): boolean { for (const o of this.overlays.values()) if (o.dirty) return true; return false; }

  async commit(): Promise<void> {
    if (!this.dirty) return;
    await this.db.tables.commit(this.overlays.values(), { checkConflicts: true });
  }
}

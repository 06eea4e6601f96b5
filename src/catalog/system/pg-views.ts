// pg_catalog's convenience views over relations (pg_tables, pg_views, pg_matviews, pg_indexes,
// pg_sequences) and the statistics views tools poll (pg_stat_user_tables and friends).

import { DATABASE_NAME, DATABASE_OID, type RelationDef } from '../catalog.js';
import type { Session } from '../../session/session.js';
import { defineCatalog, type RowObject } from './registry.js';
import { indexOid } from './oids.js';
import { primaryKeyIndexDef } from './definitions.js';
import { EMIT_ON_WINDOW_CLOSE_OPTION } from '../../stream/plan/emit-on-window-close.js';

const byKind = (s: Session, ...kinds: RelationDef['kind'][]) => s.db.catalog.relations().filter((r) => kinds.includes(r.kind));

defineCatalog('pg_tables', (s) => byKind(s, 'table').map((r) => ({
  schemaname: r.schema, tablename: r.name, tableowner: r.owner, hasindexes: !!r.primaryKey?.length, hasrules: false, hastriggers: false, rowsecurity: false,
})));

defineCatalog('pg_views', (s) => byKind(s, 'view').map((r) => ({ schemaname: r.schema, viewname: r.name, viewowner: r.owner, definition: r.query ?? null })));

defineCatalog('pg_matviews', (s) => byKind(s, 'materialized_view').map((r) => ({
  schemaname: r.schema, matviewname: r.name, matviewowner: r.owner, hasindexes: !!r.primaryKey?.length, ispopulated: true,
  // The streaming clause is kept in the options, beside the query.
  definition: r.query === undefined ? null : r.options?.[EMIT_ON_WINDOW_CLOSE_OPTION] === 'true' ? `${r.query} EMIT ON WINDOW CLOSE` : r.query,
})));

defineCatalog('pg_indexes', (s) => byKind(s, 'table', 'materialized_view').filter((r) => r.primaryKey?.length).map((r) => ({
  schemaname: r.schema, tablename: r.name, indexname: r.primaryKeyName ?? `${r.name}_pkey`, indexdef: primaryKeyIndexDef(r),
})));

defineCatalog('pg_sequences', (s) => byKind(s, 'sequence').map((r) => ({
  schemaname: r.schema, sequencename: r.name, sequenceowner: r.owner, data_type: 20, start_value: 1n, min_value: 1n, max_value: 9223372036854775807n,
  increment_by: 1n, cycle: false, cache_size: 1n, last_value: r.nextValue && r.nextValue !== '1' ? BigInt(r.nextValue) - 1n : null,
})));

function tableStats(s: Session): RowObject[] {
  return byKind(s, 'table', 'materialized_view').map((r) => ({
    relid: r.oid, schemaname: r.schema, relname: r.name, n_live_tup: BigInt(s.db.tables.table(r.oid)?.rows.size ?? 0),
  }));
}
defineCatalog('pg_stat_user_tables', tableStats);
defineCatalog('pg_stat_all_tables', tableStats);
defineCatalog('pg_statio_user_tables', (s) => byKind(s, 'table', 'materialized_view').map((r) => ({ relid: r.oid, schemaname: r.schema, relname: r.name })));
defineCatalog('pg_stat_user_indexes', (s) => byKind(s, 'table', 'materialized_view').filter((r) => r.primaryKey?.length).map((r) => ({
  relid: r.oid, indexrelid: indexOid(r), schemaname: r.schema, relname: r.name, indexrelname: r.primaryKeyName ?? `${r.name}_pkey`,
})));
defineCatalog('pg_stat_database', (): RowObject[] => [{ datid: DATABASE_OID, datname: DATABASE_NAME }]);


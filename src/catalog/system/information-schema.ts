// information_schema views that drivers' metadata APIs and BI tools query.

import { T, formatType, DataType } from '../../types/datatype.js';
import type { Row } from '../../types/value.js';
import type { Session } from '../../session/session.js';
import { DATABASE_NAME, type RelationDef } from '../catalog.js';
import { defineSystemRelation } from './registry.js';

const text = T.varchar, int = T.int4;

/**
 * information_schema columns use the standard's domains: sql_identifier (over name) for names of
 * catalogs, schemas, objects and owners, character_data and yes_or_no (varchar), cardinal_number (int4).
 */
export function defineView(name: string, cols: [string, DataType][], rows: (s: Session) => Row[]): void {
  const typed = cols.map(([n, t]): [string, DataType] => [n, /(_catalog|_schema|_name|_owner|^dtd_identifier)$/.test(n) ? T.name : t]);
  defineSystemRelation('information_schema', name, typed, rows);
}

function tableType(r: RelationDef): string {
  return r.kind === 'table' ? 'BASE TABLE' : r.kind === 'view' ? 'VIEW' : r.kind === 'materialized_view' ? 'MATERIALIZED VIEW' : r.kind.toUpperCase();
}

defineView('schemata', [
  ['catalog_name', text], ['schema_name', text], ['schema_owner', text], ['default_character_set_catalog', text],
  ['default_character_set_schema', text], ['default_character_set_name', text], ['sql_path', text],
], (s) => s.db.catalog.schemas().map((n) => [DATABASE_NAME, n.name, n.owner, null, null, null, null]));

defineView('tables', [
  ['table_catalog', text], ['table_schema', text], ['table_name', text], ['table_type', text], ['self_referencing_column_name', text],
  ['reference_generation', text], ['user_defined_type_catalog', text], ['user_defined_type_schema', text], ['user_defined_type_name', text],
  ['is_insertable_into', text], ['is_typed', text], ['commit_action', text],
], (s) => s.db.catalog.relations().filter((r) => r.kind !== 'sequence').map((r) => [DATABASE_NAME, r.schema, r.name, tableType(r), null, null, null, null, null, r.kind === 'table' ? 'YES' : 'NO', 'NO', null]));

defineView('views', [
  ['table_catalog', text], ['table_schema', text], ['table_name', text], ['view_definition', text], ['check_option', text],
  ['is_updatable', text], ['is_insertable_into', text], ['is_trigger_updatable', text], ['is_trigger_deletable', text], ['is_trigger_insertable_into', text],
], (s) => s.db.catalog.relations().filter((r) => r.kind === 'view').map((r) => [DATABASE_NAME, r.schema, r.name, r.query ?? null, 'NONE', 'NO', 'NO', 'NO', 'NO', 'NO']));

/** Fractional-second digits of date/time types: the typmod when given, PostgreSQL's 6 otherwise, 0 for date. */
function datetimePrecision(t: DataType): number | null {
  if (t.kind !== 'scalar') return null;
  if (t.id === 'date') return 0;
  if (t.id === 'time' || t.id === 'timestamp' || t.id === 'timestamptz' || t.id === 'interval') return t.typmod >= 0 && t.id !== 'interval' ? t.typmod : 6;
  return null;
}

function dataTypeName(t: DataType): string {
  if (t.kind === 'array') return 'ARRAY';
  return formatType({ ...t, typmod: -1 });
}

defineView('columns', [
  ['table_catalog', text], ['table_schema', text], ['table_name', text], ['column_name', text], ['ordinal_position', int], ['column_default', text],
  ['is_nullable', text], ['data_type', text], ['character_maximum_length', int], ['character_octet_length', int], ['numeric_precision', int],
  ['numeric_precision_radix', int], ['numeric_scale', int], ['datetime_precision', int], ['interval_type', text], ['interval_precision', int],
  ['character_set_catalog', text], ['character_set_schema', text], ['character_set_name', text], ['collation_catalog', text], ['collation_schema', text],
  ['collation_name', text], ['domain_catalog', text], ['domain_schema', text], ['domain_name', text], ['udt_catalog', text], ['udt_schema', text],
  ['udt_name', text], ['scope_catalog', text], ['scope_schema', text], ['scope_name', text], ['maximum_cardinality', int], ['dtd_identifier', text],
  ['is_self_referencing', text], ['is_identity', text], ['identity_generation', text], ['identity_start', text], ['identity_increment', text],
  ['identity_maximum', text], ['identity_minimum', text], ['identity_cycle', text], ['is_generated', text], ['generation_expression', text], ['is_updatable', text],
], (s) => {
  const rows: Row[] = [];
  for (const r of s.db.catalog.relations()) {
    if (r.kind === 'sequence') continue;
    r.columns.forEach((c, i) => {
      const t = c.type;
      const id = t.kind === 'scalar' ? t.id : 'array';
      const charLen = (id === 'varchar' || id === 'bpchar') && t.kind === 'scalar' && t.typmod >= 0 ? t.typmod - 4 : null;
      let prec: number | null = null, radix: number | null = null, scale: number | null = null;
      if (id === 'int2') { prec = 16; radix = 2; scale = 0; } else if (id === 'int4') { prec = 32; radix = 2; scale = 0; } else if (id === 'int8') { prec = 64; radix = 2; scale = 0; }
      else if (id === 'float4') { prec = 24; radix = 2; } else if (id === 'float8') { prec = 53; radix = 2; }
      else if (id === 'numeric') { radix = 10; if (t.kind === 'scalar' && t.typmod >= 0) { prec = ((t.typmod - 4) >> 16) & 0xffff; scale = (t.typmod - 4) & 0xffff; } }
      const udt = t.kind === 'array' ? '_' + t.elem.id : t.id;
      rows.push([DATABASE_NAME, r.schema, r.name, c.name, i + 1, c.defaultSql ?? null, c.notNull ? 'NO' : 'YES', dataTypeName(t), charLen, charLen ? charLen * 4 : id === 'text' ? 1073741824 : null,
        prec, radix, scale, datetimePrecision(t), null, null,
        null, null, null, null, null, null, null, null, null, DATABASE_NAME, 'pg_catalog', udt, null, null, null, null, String(i + 1), 'NO', 'NO', null, null, null, null, null, 'NO', 'NEVER', null, r.kind === 'table' ? 'YES' : 'NO']);
    });
  }
  return rows;
});

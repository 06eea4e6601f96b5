// information_schema views of constraints (table_constraints, key_column_usage,
// constraint_column_usage, referential_constraints), as ORMs and schema browsers read them.
// Weir's constraints are primary keys and NOT NULL; PostgreSQL 15 lists each NOT NULL column as
// a CHECK constraint named `<schema oid>_<table oid>_<attnum>_not_null`.

import { T } from '../../types/datatype.js';
import type { Row } from '../../types/value.js';
import type { Session } from '../../session/session.js';
import { DATABASE_NAME, type RelationDef } from '../catalog.js';
import { defineView } from './information-schema.js';

const text = T.varchar, int = T.int4;

function pkName(r: RelationDef): string { return r.primaryKeyName ?? `${r.name}_pkey`; }

function tables(s: Session): RelationDef[] { return s.db.catalog.relations().filter((r) => r.kind === 'table'); }

defineView('table_constraints', [
  ['constraint_catalog', text], ['constraint_schema', text], ['constraint_name', text], ['table_catalog', text], ['table_schema', text],
  ['table_name', text], ['constraint_type', text], ['is_deferrable', text], ['initially_deferred', text], ['enforced', text], ['nulls_distinct', text],
], (s) => {
  const rows: Row[] = [];
  for (const r of tables(s)) {
    const head = [DATABASE_NAME, r.schema];
    const where = [DATABASE_NAME, r.schema, r.name];
    if (r.primaryKey?.length) rows.push([...head, pkName(r), ...where, 'PRIMARY KEY', 'NO', 'NO', 'YES', 'YES']);
    const nsp = s.db.catalog.schema(r.schema)?.oid ?? 0;
    r.columns.forEach((c, i) => {
      if (c.notNull) rows.push([...head, `${nsp}_${r.oid}_${i + 1}_not_null`, ...where, 'CHECK', 'NO', 'NO', 'YES', null]);
    });
  }
  return rows;
});

defineView('key_column_usage', [
  ['constraint_catalog', text], ['constraint_schema', text], ['constraint_name', text], ['table_catalog', text], ['table_schema', text],
  ['table_name', text], ['column_name', text], ['ordinal_position', int], ['position_in_unique_constraint', int],
], (s) => tables(s).flatMap((r) => (r.primaryKey ?? []).map((k, i): Row =>
  [DATABASE_NAME, r.schema, pkName(r), DATABASE_NAME, r.schema, r.name, r.columns[k].name, i + 1, null])));

defineView('constraint_column_usage', [
  ['table_catalog', text], ['table_schema', text], ['table_name', text], ['column_name', text],
  ['constraint_catalog', text], ['constraint_schema', text], ['constraint_name', text],
], (s) => tables(s).flatMap((r) => (r.primaryKey ?? []).map((k): Row =>
  [DATABASE_NAME, r.schema, r.name, r.columns[k].name, DATABASE_NAME, r.schema, pkName(r)])));

// No foreign keys yet: the view exists so that tools listing them get an empty answer.
defineView('referential_constraints', [
  ['constraint_catalog', text], ['constraint_schema', text], ['constraint_name', text], ['unique_constraint_catalog', text],
  ['unique_constraint_schema', text], ['unique_constraint_name', text], ['match_option', text], ['update_rule', text], ['delete_rule', text],
], () => []);

// SQL text of catalog objects as PostgreSQL's pg_get_indexdef / pg_get_constraintdef print it,
// and identifier quoting by PostgreSQL's rules (quote_ident).

import type { RelationDef } from '../catalog.js';

export function quoteIdent(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) && !RESERVED.has(s) ? s : '"' + s.replace(/"/g, '""') + '"';
}

/** `CREATE UNIQUE INDEX t_pkey ON public.t USING btree (a, b)`; with column > 0, only that key column. */
export function primaryKeyIndexDef(r: RelationDef, column = 0): string {
  const keys = r.primaryKey!.map((i) => quoteIdent(r.columns[i].name));
  if (column > 0) return keys[column - 1] ?? '';
  return `CREATE UNIQUE INDEX ${quoteIdent(r.primaryKeyName ?? `${r.name}_pkey`)} ON ${quoteIdent(r.schema)}.${quoteIdent(r.name)} USING btree (${keys.join(', ')})`;
}

export function primaryKeyConstraintDef(r: RelationDef): string {
  return `PRIMARY KEY (${r.primaryKey!.map((i) => quoteIdent(r.columns[i].name)).join(', ')})`;
}

/** PostgreSQL's reserved key words (those quote_ident must quote). */
const RESERVED = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'authorization', 'binary', 'both', 'case', 'cast', 'check',
  'collate', 'collation', 'column', 'concurrently', 'constraint', 'create', 'cross', 'current_catalog', 'current_date', 'current_role',
  'current_schema', 'current_time', 'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end',
  'except', 'false', 'fetch', 'for', 'foreign', 'freeze', 'from', 'full', 'grant', 'group', 'having', 'ilike', 'in', 'initially', 'inner',
  'intersect', 'into', 'is', 'isnull', 'join', 'lateral', 'leading', 'left', 'like', 'limit', 'localtime', 'localtimestamp', 'natural', 'not',
  'notnull', 'null', 'offset', 'on', 'only', 'or', 'order', 'outer', 'overlaps', 'placing', 'primary', 'references', 'returning', 'right',
  'select', 'session_user', 'similar', 'some', 'symmetric', 'system_user', 'table', 'tablesample', 'then', 'to', 'trailing', 'true', 'union',
  'unique', 'user', 'using', 'variadic', 'verbose', 'when', 'where', 'window', 'with',
  // Column-name and type-function key words are quoted too.
  'between', 'bigint', 'bit', 'boolean', 'char', 'character', 'coalesce', 'dec', 'decimal', 'exists', 'extract', 'float', 'greatest',
  'grouping', 'inout', 'int', 'integer', 'interval', 'least', 'national', 'nchar', 'none', 'normalize', 'nullif', 'numeric', 'out', 'overlay',
  'position', 'precision', 'real', 'row', 'setof', 'smallint', 'substring', 'time', 'timestamp', 'treat', 'trim', 'values', 'varchar',
  'xmlattributes', 'xmlconcat', 'xmlelement', 'xmlexists', 'xmlforest', 'xmlnamespaces', 'xmlparse', 'xmlpi', 'xmlroot', 'xmlserialize', 'xmltable',
]);

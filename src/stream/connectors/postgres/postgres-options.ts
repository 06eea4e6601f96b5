// WITH (url = 'postgres://…', table = '…', primary_key = 'a,b') of the PostgreSQL sink.

import { SqlError, SqlState } from '../../../errors.js';
import type { SourceColumn } from '../source-reader.js';

export interface PostgresSinkOptions {
  readonly url: string;
  /** Quoted, possibly schema-qualified target table. */
  readonly table: string;
  readonly keyColumns: readonly number[];
}

export function quoteIdent(name: string): string { return `"${name.replace(/"/g, '""')}"`; }

export function postgresSinkOptions(o: Readonly<Record<string, string>>, columns: readonly SourceColumn[], derivedKey: readonly number[] | null): PostgresSinkOptions {
  const url = o.url;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) throw new SqlError(SqlState.InvalidParameterValue, "the postgres sink needs url = 'postgres://user@host:port/db'");
  const t = o.table;
  if (!t) throw new SqlError(SqlState.InvalidParameterValue, "the postgres sink needs table = 'name' (or 'schema.name')");
  const table = t.split('.').map((p) => quoteIdent(p.trim())).join('.');
  let keyColumns = derivedKey;
  if (o.primary_key !== undefined) {
    keyColumns = o.primary_key.split(',').map((n) => {
      const i = columns.findIndex((c) => c.name === n.trim());
      if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `primary_key column "${n.trim()}" is not a column of the sink`);
      return i;
    });
  }
  if (!keyColumns || !keyColumns.length) {
    throw new SqlError(SqlState.InvalidParameterValue, 'the postgres sink upserts by key, and Weir cannot derive a unique key of this query', { hint: "Set primary_key = 'col, …' in WITH (…)." });
  }
  return { url, table, keyColumns };
}

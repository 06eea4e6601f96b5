// Registry of system relations (pg_catalog.*, information_schema.*): their columns, a stable OID,
// and a function computing their rows from the live catalog when a query reads them.

import { DataType, T, arrayOf } from '../../types/datatype.js';
import type { Datum, Row } from '../../types/value.js';
import type { OutputColumn } from '../../plan/logical.js';
import type { Session } from '../../session/session.js';
import { PG_CATALOG_SHAPES } from './pg-columns.js';

export interface SystemRelation {
  readonly schema: string;
  readonly name: string;
  readonly oid: number;
  readonly columns: OutputColumn[];
  readonly rows: (s: Session) => Row[];
}

const relations = new Map<string, SystemRelation>();
const byOid = new Map<number, SystemRelation>();
// Relations without a PostgreSQL OID of their own are numbered from here (above PostgreSQL's
// fixed catalog OIDs, below the first user OID).
let nextOid = 14000;

type ColSpec = [name: string, type: DataType];

/** Declare a system relation. OIDs are assigned in declaration order, so they are stable. */
export function defineSystemRelation(schema: string, name: string, cols: ColSpec[], rows: (s: Session) => Row[], oid?: number): void {
  if (relations.has(`${schema}.${name}`)) throw new Error(`system relation ${schema}.${name} is defined twice`);
  const rel: SystemRelation = { schema, name, oid: oid ?? nextOid++, columns: cols.map(([n, t]) => ({ name: n, type: t })), rows };
  relations.set(`${schema}.${name}`, rel);
  byOid.set(rel.oid, rel);
}

/** A row given by column name; columns left out take their type's zero (0, false, or NULL). */
export type RowObject = Record<string, Datum>;

function zero(t: DataType): Datum {
  if (t.kind === 'array') return null;
  switch (t.id) {
    case 'bool': return false;
    case 'int8': return 0n;
    case 'int2': case 'int4': case 'oid': case 'float4': case 'float8': case 'regproc': case 'regclass': case 'regtype': case 'regnamespace': return 0;
    default: return null;
  }
}

/** Declare a pg_catalog relation with PostgreSQL 15's columns and OID (pg-columns.ts), rows given by name. */
export function defineCatalog(name: string, rows: (s: Session) => RowObject[]): void {
  const shape = PG_CATALOG_SHAPES[name];
  if (!shape) throw new Error(`no column list for pg_catalog.${name}`);
  const cols = shape.cols;
  defineSystemRelation('pg_catalog', name, cols, (s) => rows(s).map((o) => cols.map(([n, t]) => (n in o ? o[n] : zero(t)))), shape.oid);
}

/** Define every relation of pg-columns.ts not defined yet, with no rows. */
export function defineRemainingCatalogs(): void {
  for (const name of Object.keys(PG_CATALOG_SHAPES)) if (!relations.has(`pg_catalog.${name}`)) defineCatalog(name, () => []);
}

/** Whether a system relation is a view in PostgreSQL (its OID is in the range of initdb's views). */
export function isSystemView(rel: SystemRelation): boolean { return rel.schema !== 'pg_catalog' || rel.oid >= 10000; }

export function systemRelation(schema: string, name: string): { kind: 'system'; schema: string; name: string; columns: OutputColumn[] } | undefined {
  const r = relations.get(`${schema}.${name}`);
  return r ? { kind: 'system', schema: r.schema, name: r.name, columns: r.columns } : undefined;
}
export function systemRelationOid(schema: string, name: string): number { return relations.get(`${schema}.${name}`)?.oid ?? 0; }
export function systemRelationByOid(oid: number): SystemRelation | undefined { return byOid.get(oid); }
export function systemRelationByName(qualified: string): SystemRelation | undefined { return relations.get(qualified); }
export function allSystemRelations(): SystemRelation[] { return [...relations.values()]; }

export { T, arrayOf };

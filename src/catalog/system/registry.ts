// Registry of system relations (pg_catalog.*, information_schema.*): their columns, a stable OID,
// and a function computing their rows from the live catalog when a query reads them.

import { DataType, T, arrayOf } from '../../types/datatype.js';
import type { Row } from '../../types/value.js';
import type { OutputColumn } from '../../plan/logical.js';
import type { Session } from '../../session/session.js';

export interface SystemRelation {
  readonly schema: string;
  readonly name: string;
  readonly oid: number;
  readonly columns: OutputColumn[];
  readonly rows: (s: Session) => Row[];
}

const relations = new Map<string, SystemRelation>();
const byOid = new Map<number, SystemRelation>();
let nextOid = 1200;

type ColSpec = [name: string, type: DataType];

/** Declare a system relation. OIDs are assigned in declaration order, so they are stable. */
export function defineSystemRelation(schema: string, name: string, cols: ColSpec[], rows: (s: Session) => Row[], oid?: number): void {
  if (relations.has(`${schema}.${name}`)) throw new Error(`system relation ${schema}.${name} is defined twice`);
  const rel: SystemRelation = { schema, name, oid: oid ?? nextOid++, columns: cols.map(([n, t]) => ({ name: n, type: t })), rows };
  relations.set(`${schema}.${name}`, rel);
  byOid.set(rel.oid, rel);
}

export function systemRelation(schema: string, name: string): { kind: 'system'; schema: string; name: string; columns: OutputColumn[] } | undefined {
  const r = relations.get(`${schema}.${name}`);
  return r ? { kind: 'system', schema: r.schema, name: r.name, columns: r.columns } : undefined;
}
export function systemRelationOid(schema: string, name: string): number { return relations.get(`${schema}.${name}`)?.oid ?? 0; }
export function systemRelationByOid(oid: number): SystemRelation | undefined { return byOid.get(oid); }
export function systemRelationByName(qualified: string): SystemRelation | undefined { return relations.get(qualified); }
export function allSystemRelations(): SystemRelation[] { return [...relations.values()]; }

export { T, arrayOf };

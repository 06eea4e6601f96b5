// OIDs of objects Weir does not store separately but shows in pg_catalog: the index and the
// constraint behind each primary key, and column defaults. They are derived from the table's OID
// in ranges of their own, so they never collide with OIDs the catalog allocates (from 16384 up).

import type { RelationDef } from '../catalog.js';

const INDEX_BASE = 0x20000000;
const CONSTRAINT_BASE = 0x30000000;
const ATTRDEF_BASE = 0x40000000;

/** Well-known OIDs of PostgreSQL objects that Weir reports with the same numbers. */
export const HEAP_AM_OID = 2;
export const BTREE_AM_OID = 403;
export const DEFAULT_TABLESPACE_OID = 1663;
export const GLOBAL_TABLESPACE_OID = 1664;
export const DEFAULT_COLLATION_OID = 100;
export const C_COLLATION_OID = 950;
export const PG_CLASS_OID = 1259;
export const PG_NAMESPACE_OID = 2615;
export const PG_CONSTRAINT_OID = 2606;
export const PG_REWRITE_OID = 2618;

export function indexOid(rel: RelationDef): number { return INDEX_BASE + rel.oid; }
export function constraintOid(rel: RelationDef): number { return CONSTRAINT_BASE + rel.oid; }
export function attrdefOid(rel: RelationDef, attnum: number): number { return ATTRDEF_BASE + rel.oid * 64 + attnum; }
/** The OID of a view's `_RETURN` rule in pg_rewrite. */
export function rewriteOid(rel: RelationDef): number { return 0x38000000 + rel.oid; }

/** The table whose primary-key index has this OID, if any. */
export function tableOfIndex(oid: number, relations: readonly RelationDef[]): RelationDef | undefined {
  if (oid < INDEX_BASE || oid >= CONSTRAINT_BASE) return undefined;
  const rel = relations.find((r) => r.oid === oid - INDEX_BASE);
  return rel?.primaryKey?.length ? rel : undefined;
}
export function tableOfConstraint(oid: number, relations: readonly RelationDef[]): RelationDef | undefined {
  if (oid < CONSTRAINT_BASE || oid >= ATTRDEF_BASE) return undefined;
  const rel = relations.find((r) => r.oid === oid - CONSTRAINT_BASE);
  return rel?.primaryKey?.length ? rel : undefined;
}

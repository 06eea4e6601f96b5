// pg_namespace, pg_class, pg_attribute and the relations hanging off them (pg_attrdef, pg_index,
// pg_constraint, pg_description, pg_rewrite, pg_sequence, pg_depend), computed from Weir's catalog.
// A primary key shows as a unique btree index plus a 'p' constraint, as in PostgreSQL.

import { typeOid, typeLen, type DataType } from '../../types/datatype.js';
import { BOOTSTRAP_USER_OID, INFORMATION_SCHEMA_OID, PG_CATALOG_OID, type ColumnDef, type RelationDef } from '../catalog.js';
import type { Session } from '../../session/session.js';
import { allSystemRelations, defineCatalog, isSystemView, type RowObject } from './registry.js';
import { BTREE_AM_OID, HEAP_AM_OID, PG_CLASS_OID, PG_CONSTRAINT_OID, PG_NAMESPACE_OID, PG_REWRITE_OID, attrdefOid, constraintOid, indexOid, rewriteOid } from './oids.js';
import { typeStorage } from './pg-types.js';
import { defaultExpressionText } from './deparse.js';

export function schemaOid(s: Session, schema: string): number { return s.db.catalog.schema(schema)?.oid ?? 0; }
export function ownerOid(s: Session, user: string): number { return s.db.catalog.user(user)?.oid ?? BOOTSTRAP_USER_OID; }

export function relkind(r: RelationDef): string {
  switch (r.kind) {
    case 'table': return 'r';
    case 'view': return 'v';
    case 'materialized_view': return 'm';
    case 'sequence': return 'S';
    case 'source': case 'stream': case 'sink': return 'f';
  }
}

function pkName(r: RelationDef): string { return r.primaryKeyName ?? `${r.name}_pkey`; }
const hasPk = (r: RelationDef): boolean => !!r.primaryKey?.length;

defineCatalog('pg_namespace', (s) => s.db.catalog.schemas().map((n) => ({ oid: n.oid, nspname: n.name, nspowner: ownerOid(s, n.owner) })));

defineCatalog('pg_class', (s) => {
  const rows: RowObject[] = [];
  for (const r of s.db.catalog.relations()) {
    const rk = relkind(r);
    const base = { relnamespace: schemaOid(s, r.schema), relowner: ownerOid(s, r.owner), relpersistence: 'p', relispopulated: true };
    rows.push({
      ...base, oid: r.oid, relname: r.name, relam: rk === 'r' || rk === 'm' ? HEAP_AM_OID : 0, relfilenode: rk === 'v' ? 0 : r.oid,
      relpages: rk === 'S' ? 1 : 0, reltuples: rk === 'S' ? 1 : -1, relhasindex: hasPk(r), relkind: rk,
      relnatts: rk === 'S' ? 3 : r.columns.length, relhasrules: rk === 'v', relreplident: rk === 'r' || rk === 'm' ? 'd' : 'n',
    });
    if (hasPk(r)) {
      rows.push({
        ...base, oid: indexOid(r), relname: pkName(r), relam: BTREE_AM_OID, relfilenode: indexOid(r), relpages: 1, relkind: 'i',
        relnatts: r.primaryKey!.length, relreplident: 'n',
      });
    }
  }
  for (const sys of allSystemRelations()) {
    const view = isSystemView(sys);
    rows.push({
      oid: sys.oid, relname: sys.name, relnamespace: sys.schema === 'pg_catalog' ? PG_CATALOG_OID : INFORMATION_SCHEMA_OID, relowner: BOOTSTRAP_USER_OID,
      relam: view ? 0 : HEAP_AM_OID, relfilenode: view ? 0 : sys.oid, reltuples: -1, relpersistence: 'p', relkind: view ? 'v' : 'r',
      relnatts: sys.columns.length, relhasrules: view, relispopulated: true, relreplident: view ? 'n' : 'd',
    });
  }
  return rows;
});

function attribute(rel: number, name: string, t: DataType, num: number, notNull: boolean, hasDef: boolean): RowObject {
  const props = typeStorage(t.kind === 'array' ? 'array' : t.id);
  const len = typeLen(t);
  return {
    attrelid: rel, attname: name, atttypid: typeOid(t), attstattarget: -1, attlen: len, attnum: num, attndims: t.kind === 'array' ? 1 : 0,
    attcacheoff: -1, atttypmod: t.kind === 'scalar' ? t.typmod : -1, attbyval: len > 0 && len <= 8 && t.kind === 'scalar' && t.id !== 'name' && t.id !== 'interval' && t.id !== 'uuid',
    attalign: props.align, attstorage: props.storage, attcompression: '', attnotnull: notNull, atthasdef: hasDef, attidentity: '', attgenerated: '',
    attislocal: true, attcollation: t.kind === 'array' ? typeStorage(t.elem.id).collation : props.collation,
  };
}

defineCatalog('pg_attribute', (s) => {
  const rows: RowObject[] = [];
  for (const r of s.db.catalog.relations()) {
    if (r.kind === 'sequence') {
      const seqCols: ColumnDef[] = [{ name: 'last_value', type: { kind: 'scalar', id: 'int8', typmod: -1 }, notNull: true },
        { name: 'log_cnt', type: { kind: 'scalar', id: 'int8', typmod: -1 }, notNull: true }, { name: 'is_called', type: { kind: 'scalar', id: 'bool', typmod: -1 }, notNull: true }];
      seqCols.forEach((c, i) => rows.push(attribute(r.oid, c.name, c.type, i + 1, true, false)));
      continue;
    }
    r.columns.forEach((c, i) => rows.push(attribute(r.oid, c.name, c.type, i + 1, c.notNull, c.defaultSql !== undefined)));
    if (hasPk(r)) r.primaryKey!.forEach((ci, i) => rows.push({ ...attribute(indexOid(r), r.columns[ci].name, r.columns[ci].type, i + 1, false, false), attnotnull: false }));
  }
  for (const sys of allSystemRelations()) sys.columns.forEach((c, i) => rows.push(attribute(sys.oid, c.name, c.type, i + 1, false, false)));
  return rows;
});

defineCatalog('pg_attrdef', (s) => {
  const rows: RowObject[] = [];
  for (const r of s.db.catalog.relations()) {
    r.columns.forEach((c, i) => {
      if (c.defaultSql !== undefined) rows.push({ oid: attrdefOid(r, i + 1), adrelid: r.oid, adnum: i + 1, adbin: defaultExpressionText(c.defaultSql, c.type) });
    });
  }
  return rows;
});

defineCatalog('pg_index', (s) => s.db.catalog.relations().filter(hasPk).map((r) => {
  const keys = r.primaryKey!;
  return {
    indexrelid: indexOid(r), indrelid: r.oid, indnatts: keys.length, indnkeyatts: keys.length, indisunique: true, indisprimary: true,
    indimmediate: true, indisvalid: true, indisready: true, indislive: true, indkey: keys.map((k) => k + 1),
    indcollation: keys.map((k) => { const t = r.columns[k].type; return t.kind === 'scalar' ? typeStorage(t.id).collation : 0; }),
    indclass: keys.map(() => 0), indoption: keys.map(() => 0),
  };
}));

defineCatalog('pg_constraint', (s) => s.db.catalog.relations().filter(hasPk).map((r) => ({
  oid: constraintOid(r), conname: pkName(r), connamespace: schemaOid(s, r.schema), contype: 'p', convalidated: true, conrelid: r.oid,
  conindid: indexOid(r), confupdtype: ' ', confdeltype: ' ', confmatchtype: ' ', conislocal: true, connoinherit: true, conkey: r.primaryKey!.map((k) => k + 1),
})));

defineCatalog('pg_description', (s) => {
  const rows: RowObject[] = [];
  for (const r of s.db.catalog.relations()) {
    if (r.comment !== undefined) rows.push({ objoid: r.oid, classoid: PG_CLASS_OID, objsubid: 0, description: r.comment });
    r.columns.forEach((c, i) => {
      const d = r.columnComments?.[c.name];
      if (d !== undefined) rows.push({ objoid: r.oid, classoid: PG_CLASS_OID, objsubid: i + 1, description: d });
    });
  }
  return rows;
});

defineCatalog('pg_rewrite', (s) => s.db.catalog.relations().filter((r) => r.kind === 'view').map((r) => ({
  oid: rewriteOid(r), rulename: '_RETURN', ev_class: r.oid, ev_type: '1', ev_enabled: 'O', is_instead: true,
})));

/** The table column a serial sequence belongs to. */
function owningColumn(s: Session, seq: RelationDef): { table: RelationDef; attnum: number } | undefined {
  for (const r of s.db.catalog.relations()) {
    if (r.schema !== seq.schema) continue;
    const i = r.columns.findIndex((c) => c.sequence === seq.name);
    if (i >= 0) return { table: r, attnum: i + 1 };
  }
  return undefined;
}

defineCatalog('pg_sequence', (s) => s.db.catalog.relations().filter((r) => r.kind === 'sequence').map((r) => {
  const owner = owningColumn(s, r);
  const t = owner?.table.columns[owner.attnum - 1].type;
  const id = t?.kind === 'scalar' ? t.id : 'int8';
  const max = id === 'int4' ? 2147483647n : id === 'int2' ? 32767n : 9223372036854775807n;
  return { seqrelid: r.oid, seqtypid: id === 'int4' || id === 'int2' ? typeOid(t!) : 20, seqstart: 1n, seqincrement: 1n, seqmax: max, seqmin: 1n, seqcache: 1n, seqcycle: false };
}));

defineCatalog('pg_depend', (s) => {
  const rows: RowObject[] = [];
  for (const r of s.db.catalog.relations()) {
    rows.push({ classid: PG_CLASS_OID, objid: r.oid, refclassid: PG_NAMESPACE_OID, refobjid: schemaOid(s, r.schema), deptype: 'n' });
    if (r.kind === 'sequence') {
      const owner = owningColumn(s, r);
      if (owner) rows.push({ classid: PG_CLASS_OID, objid: r.oid, refclassid: PG_CLASS_OID, refobjid: owner.table.oid, refobjsubid: owner.attnum, deptype: 'a' });
    }
    if (r.kind === 'view') rows.push({ classid: PG_REWRITE_OID, objid: rewriteOid(r), refclassid: PG_CLASS_OID, refobjid: r.oid, deptype: 'i' });
    if (hasPk(r)) {
      for (const k of r.primaryKey!) rows.push({ classid: PG_CONSTRAINT_OID, objid: constraintOid(r), refclassid: PG_CLASS_OID, refobjid: r.oid, refobjsubid: k + 1, deptype: 'a' });
      rows.push({ classid: PG_CLASS_OID, objid: indexOid(r), refclassid: PG_CONSTRAINT_OID, refobjid: constraintOid(r), deptype: 'i' });
    }
  }
  return rows;
});

// pg_catalog relations, computed from Weir's catalog with the columns PostgreSQL 16 has (the ones
// drivers and tools read; the rest are present so that queries naming them bind).

import { TYPE_INFO, type ScalarTypeId, T, arrayOf, typeOid, typeLen, DataType } from '../../types/datatype.js';
import type { Row } from '../../types/value.js';
import { BOOTSTRAP_USER_OID, DATABASE_NAME, DATABASE_OID, INFORMATION_SCHEMA_OID, PG_CATALOG_OID, type RelationDef } from '../catalog.js';
import type { Session } from '../../session/session.js';
import { allSystemRelations, defineSystemRelation } from './registry.js';

const { oid, name, text, int2, int4, bool, char, float4, int8 } = { oid: T.oid, name: T.name, text: T.text, int2: T.int2, int4: T.int4, bool: T.bool, char: T.char, float4: T.float4, int8: T.int8 };

function schemaOid(s: Session, schema: string): number { return s.db.catalog.schema(schema)?.oid ?? 0; }
function ownerOid(s: Session, user: string): number { return s.db.catalog.user(user)?.oid ?? BOOTSTRAP_USER_OID; }

export function relkind(r: RelationDef): string {
  switch (r.kind) {
    case 'table': return 'r';
    case 'view': return 'v';
    case 'materialized_view': return 'm';
    case 'sequence': return 'S';
    case 'source': case 'stream': case 'sink': return 'f';
  }
}

defineSystemRelation('pg_catalog', 'pg_namespace', [['oid', oid], ['nspname', name], ['nspowner', oid], ['nspacl', arrayOf(T.text)]], (s) =>
  s.db.catalog.schemas().map((n) => [n.oid, n.name, ownerOid(s, n.owner), null]), 2615);

defineSystemRelation('pg_catalog', 'pg_class', [
  ['oid', oid], ['relname', name], ['relnamespace', oid], ['reltype', oid], ['reloftype', oid], ['relowner', oid], ['relam', oid],
  ['relfilenode', oid], ['reltablespace', oid], ['relpages', int4], ['reltuples', float4], ['relallvisible', int4], ['reltoastrelid', oid],
  ['relhasindex', bool], ['relisshared', bool], ['relpersistence', char], ['relkind', char], ['relnatts', int2], ['relchecks', int2],
  ['relhasrules', bool], ['relhastriggers', bool], ['relhassubclass', bool], ['relrowsecurity', bool], ['relforcerowsecurity', bool],
  ['relispopulated', bool], ['relreplident', char], ['relispartition', bool], ['relrewrite', oid], ['relfrozenxid', int4], ['relminmxid', int4],
  ['relacl', arrayOf(T.text)], ['reloptions', arrayOf(T.text)], ['relpartbound', text],
], (s) => {
  const rows: Row[] = [];
  for (const r of s.db.catalog.relations()) {
    const rk = relkind(r);
    const hasPk = !!r.primaryKey?.length;
    const count = r.kind === 'table' ? s.db.tables.table(r.oid)?.rows.size ?? 0 : 0;
    rows.push([r.oid, r.name, schemaOid(s, r.schema), 0, 0, ownerOid(s, r.owner), rk === 'r' || rk === 'm' ? 2 : 0, r.oid, 0, 0, count, 0, 0,
      hasPk, false, 'p', rk, r.columns.length, 0, rk === 'v', false, false, false, false, true, 'd', false, 0, 0, 0, null, null, null]);
    if (hasPk) {
      rows.push([r.oid + 1, r.primaryKeyName ?? `${r.name}_pkey`, schemaOid(s, r.schema), 0, 0, ownerOid(s, r.owner), 403, r.oid + 1, 0, 0, 0, 0, 0,
        false, false, 'p', 'i', r.primaryKey!.length, 0, false, false, false, false, false, true, 'n', false, 0, 0, 0, null, null, null]);
    }
  }
  for (const sys of allSystemRelations()) {
    rows.push([sys.oid, sys.name, sys.schema === 'pg_catalog' ? PG_CATALOG_OID : INFORMATION_SCHEMA_OID, 0, 0, BOOTSTRAP_USER_OID, 0, 0, 0, 0, 0, 0, 0,
      false, false, 'p', sys.schema === 'pg_catalog' ? 'r' : 'v', sys.columns.length, 0, false, false, false, false, false, true, 'n', false, 0, 0, 0, null, null, null]);
  }
  return rows;
}, 1259);

defineSystemRelation('pg_catalog', 'pg_attribute', [
  ['attrelid', oid], ['attname', name], ['atttypid', oid], ['attstattarget', int4], ['attlen', int2], ['attnum', int2], ['attndims', int4],
  ['attcacheoff', int4], ['atttypmod', int4], ['attbyval', bool], ['attalign', char], ['attstorage', char], ['attcompression', char],
  ['attnotnull', bool], ['atthasdef', bool], ['atthasmissing', bool], ['attidentity', char], ['attgenerated', char], ['attisdropped', bool],
  ['attislocal', bool], ['attinhcount', int4], ['attcollation', oid], ['attacl', arrayOf(T.text)], ['attoptions', arrayOf(T.text)],
  ['attfdwoptions', arrayOf(T.text)], ['attmissingval', text],
], (s) => {
  const rows: Row[] = [];
  const attr = (rel: number, n: string, t: DataType, num: number, notNull: boolean, hasDef: boolean): Row =>
    [rel, n, typeOid(t), -1, typeLen(t), num, t.kind === 'array' ? 1 : 0, -1, t.kind === 'scalar' ? t.typmod : -1, typeLen(t) > 0 && typeLen(t) <= 8,
      'i', 'p', '', notNull, hasDef, false, '', '', false, true, 0, isCollatable(t) ? 100 : 0, null, null, null, null];
  for (const r of s.db.catalog.relations()) {
    r.columns.forEach((c, i) => rows.push(attr(r.oid, c.name, c.type, i + 1, c.notNull, c.defaultSql !== undefined)));
    if (r.primaryKey?.length) r.primaryKey.forEach((ci, i) => rows.push(attr(r.oid + 1, r.columns[ci].name, r.columns[ci].type, i + 1, false, false)));
  }
  for (const sys of allSystemRelations()) sys.columns.forEach((c, i) => rows.push(attr(sys.oid, c.name, c.type, i + 1, false, false)));
  return rows;
}, 1249);

function isCollatable(t: DataType): boolean {
  const id = t.kind === 'array' ? t.elem.id : t.id;
  return id === 'text' || id === 'varchar' || id === 'bpchar' || id === 'name';
}

defineSystemRelation('pg_catalog', 'pg_type', [
  ['oid', oid], ['typname', name], ['typnamespace', oid], ['typowner', oid], ['typlen', int2], ['typbyval', bool], ['typtype', char],
  ['typcategory', char], ['typispreferred', bool], ['typisdefined', bool], ['typdelim', char], ['typrelid', oid], ['typsubscript', oid],
  ['typelem', oid], ['typarray', oid], ['typinput', T.regproc], ['typoutput', T.regproc], ['typreceive', T.regproc], ['typsend', T.regproc],
  ['typmodin', T.regproc], ['typmodout', T.regproc], ['typanalyze', T.regproc], ['typalign', char], ['typstorage', char], ['typnotnull', bool],
  ['typbasetype', oid], ['typtypmod', int4], ['typndims', int4], ['typcollation', oid], ['typdefaultbin', text], ['typdefault', text], ['typacl', arrayOf(T.text)],
], () => {
  const rows: Row[] = [];
  for (const id of Object.keys(TYPE_INFO) as ScalarTypeId[]) {
    const info = TYPE_INFO[id];
    const pgName = PG_TYPNAME[id] ?? id;
    const cat = info.category;
    rows.push([info.oid, pgName, PG_CATALOG_OID, BOOTSTRAP_USER_OID, info.len, info.len > 0 && info.len <= 8, cat === 'P' ? 'p' : 'b', cat,
      id === 'text' || id === 'float8' || id === 'bool' || id === 'timestamptz' || id === 'oid', true, ',', 0, 0, 0, info.arrayOid, 0, 0, 0, 0, 0, 0, 0,
      info.len === 8 ? 'd' : 'i', info.len === -1 ? 'x' : 'p', false, 0, -1, 0, isCollatable({ kind: 'scalar', id, typmod: -1 }) ? 100 : 0, null, null, null]);
    if (info.arrayOid) {
      rows.push([info.arrayOid, '_' + pgName, PG_CATALOG_OID, BOOTSTRAP_USER_OID, -1, false, 'b', 'A', false, true, ',', 0, 0, info.oid, 0, 0, 0, 0, 0, 0, 0, 0,
        'i', 'x', false, 0, -1, 0, 0, null, null, null]);
    }
  }
  return rows;
}, 1247);

const PG_TYPNAME: Partial<Record<ScalarTypeId, string>> = { any: 'any' };

defineSystemRelation('pg_catalog', 'pg_database', [
  ['oid', oid], ['datname', name], ['datdba', oid], ['encoding', int4], ['datlocprovider', char], ['datistemplate', bool], ['datallowconn', bool],
  ['datconnlimit', int4], ['datfrozenxid', int4], ['datminmxid', int4], ['dattablespace', oid], ['datcollate', text], ['datctype', text],
  ['daticulocale', text], ['daticurules', text], ['datcollversion', text], ['datacl', arrayOf(T.text)],
], () => [[DATABASE_OID, DATABASE_NAME, BOOTSTRAP_USER_OID, 6, 'c', false, true, -1, 0, 0, 1663, 'C', 'C', null, null, null, null]], 1262);

const roleCols: [string, DataType][] = [
  ['oid', oid], ['rolname', name], ['rolsuper', bool], ['rolinherit', bool], ['rolcreaterole', bool], ['rolcreatedb', bool], ['rolcanlogin', bool],
  ['rolreplication', bool], ['rolconnlimit', int4], ['rolpassword', text], ['rolvaliduntil', T.timestamptz], ['rolbypassrls', bool], ['rolconfig', arrayOf(T.text)],
];
defineSystemRelation('pg_catalog', 'pg_roles', roleCols, (s) => s.db.catalog.users().map((u) => [u.oid, u.name, u.superuser, true, u.superuser, u.superuser, u.canLogin, false, -1, '********', null, u.superuser, null]));
defineSystemRelation('pg_catalog', 'pg_authid', roleCols, (s) => s.db.catalog.users().map((u) => [u.oid, u.name, u.superuser, true, u.superuser, u.superuser, u.canLogin, false, -1, null, null, u.superuser, null]), 1260);
defineSystemRelation('pg_catalog', 'pg_user', [
  ['usename', name], ['usesysid', oid], ['usecreatedb', bool], ['usesuper', bool], ['userepl', bool], ['usebypassrls', bool], ['passwd', text], ['valuntil', T.timestamptz], ['useconfig', arrayOf(T.text)],
], (s) => s.db.catalog.users().filter((u) => u.canLogin).map((u) => [u.name, u.oid, u.superuser, u.superuser, false, u.superuser, '********', null, null]));

defineSystemRelation('pg_catalog', 'pg_settings', [
  ['name', text], ['setting', text], ['unit', text], ['category', text], ['short_desc', text], ['extra_desc', text], ['context', text], ['vartype', text],
  ['source', text], ['min_val', text], ['max_val', text], ['enumvals', arrayOf(T.text)], ['boot_val', text], ['reset_val', text], ['sourcefile', text], ['sourceline', int4], ['pending_restart', bool],
], (s) => s.settings.all().map((x) => [x.name, x.setting, null, 'Ungrouped', x.description, null, 'user', 'string', 'default', null, null, null, x.setting, x.setting, null, null, false]));

export { int8 };

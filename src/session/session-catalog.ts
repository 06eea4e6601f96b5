// The catalog as one session sees it: name lookup through search_path for the binder, and the
// catalog-dependent functions (regclass, obj_description, nextval …) for expressions.

import { SqlError, SqlState } from '../errors.js';
import type { RelationDef } from '../catalog/catalog.js';
import type { CatalogReader, ResolvedRelation } from '../sql/binder/catalog-reader.js';
import type { SessionFunctions } from '../plan/expr.js';
import { formatType, typeFromName, typeFromOid, typeOid } from '../types/datatype.js';
import { systemRelation, systemRelationByOid, systemRelationOid } from '../catalog/system/registry.js';
import { indexOid, tableOfConstraint, tableOfIndex } from '../catalog/system/oids.js';
import { primaryKeyConstraintDef, primaryKeyIndexDef, quoteIdent } from '../catalog/system/definitions.js';
import { procNameByOid, procOidByName } from '../catalog/system/pg-types.js';
import { viewDefinitionText } from '../catalog/system/view-def.js';
import type { Session } from './session.js';

export class SessionCatalog implements CatalogReader, SessionFunctions {
  constructor(private readonly s: Session) {}

  private get catalog() { return this.s.db.catalog; }

  searchPath(): string[] {
    const raw = this.s.settings.get('search_path') ?? 'public';
    const out: string[] = [];
    for (let part of raw.split(',')) {
      part = part.trim().replace(/^"(.*)"$/, '$1');
      if (part === '$user') part = this.s.info.user;
      if (this.catalog.schema(part)) out.push(part);
    }
    return out;
  }

  creationSchema(): string {
    const p = this.searchPath().filter((x) => x !== 'pg_catalog' && x !== 'information_schema');
    if (!p.length) throw new SqlError(SqlState.UndefinedSchema, 'no schema has been selected to create in');
    return p[0];
  }

  lookupRelation(schema: string | null, name: string): ResolvedRelation | undefined {
    if (schema) {
      const sys = systemRelation(schema, name);
      if (sys) return sys;
      const rel = this.catalog.relation(schema, name);
      return rel ? { kind: 'relation', rel } : undefined;
    }
    // pg_catalog is searched first unless it is placed in search_path explicitly.
    const sys = systemRelation('pg_catalog', name);
    if (sys) return sys;
    for (const sch of this.searchPath()) {
      const rel = this.catalog.relation(sch, name);
      if (rel) return { kind: 'relation', rel };
      if (sch === 'information_schema') { const s2 = systemRelation(sch, name); if (s2) return s2; }
    }
    return undefined;
  }

  relationByOid(oid: number): RelationDef | undefined { return this.catalog.relationByOid(oid); }

  /** Resolve a possibly qualified, possibly quoted relation name as ::regclass does. */
  resolveQualified(text: string): RelationDef | ResolvedRelation {
    const parts = splitQualified(text);
    const name = parts.pop()!;
    const schema = parts.pop() ?? null;
    const r = this.lookupRelation(schema, name);
    if (!r) throw new SqlError(SqlState.UndefinedTable, `relation "${text}" does not exist`);
    return r;
  }

  // ---- SessionFunctions ----
  currentSetting(name: string, missingOk: boolean): string | null {
    const v = this.s.settings.get(name);
    if (v === undefined) {
      if (missingOk) return null;
      throw new SqlError(SqlState.UndefinedObject, `unrecognized configuration parameter "${name}"`);
    }
    return v;
  }
  setConfig(name: string, value: string, isLocal: boolean): string {
    const r = this.s.settings.set(name, value, { local: isLocal });
    if (r.reportable) this.s.queueSettingsReport([r.name]);
    return this.s.settings.get(name) ?? value;
  }
  private sequence(name: string): RelationDef {
    const r = this.resolveQualified(name);
    if (!('kind' in r) || (r as RelationDef).kind !== 'sequence') {
      const rel = (r as ResolvedRelation).kind === 'relation' ? (r as { rel: RelationDef }).rel : (r as RelationDef);
      if (!rel || rel.kind !== 'sequence') throw new SqlError(SqlState.WrongObjectType, `"${name}" is not a sequence`);
      return rel;
    }
    return r as RelationDef;
  }
  private lastValues = new Map<number, bigint>();
  nextval(seq: string): bigint {
    const rel = this.sequence(seq);
    const v = this.s.db.sequenceNext(rel);
    this.lastValues.set(rel.oid, v);
    return v;
  }
  currval(seq: string): bigint {
    const rel = this.sequence(seq);
    const v = this.lastValues.get(rel.oid);
    if (v === undefined) throw new SqlError('55000', `currval of sequence "${rel.name}" is not yet defined in this session`);
    return v;
  }
  setval(seq: string, value: bigint, isCalled: boolean): bigint {
    const rel = this.sequence(seq);
    this.s.db.sequenceSet(rel, isCalled ? value + 1n : value);
    if (isCalled) this.lastValues.set(rel.oid, value);
    return value;
  }
  regclassIn(name: string): number {
    const parts = splitQualified(name);
    const rel = parts.length <= 3 ? this.lookupRelation(parts.length > 1 ? parts[parts.length - 2] : null, parts[parts.length - 1]) : undefined;
    if (rel) return rel.kind === 'relation' ? rel.rel.oid : systemRelationOid(rel.schema, rel.name);
    const index = this.findIndex(parts.length > 1 ? parts[parts.length - 2] : null, parts[parts.length - 1]);
    if (index) return indexOid(index);
    throw new SqlError(SqlState.UndefinedTable, `relation "${name}" does not exist`);
  }
  /** The table whose primary-key index has this name (indexes share the relation namespace). */
  private findIndex(schema: string | null, name: string): RelationDef | undefined {
    const schemas = schema ? [schema] : this.searchPath();
    for (const sch of schemas) {
      const r = this.catalog.relations().find((x) => x.schema === sch && x.primaryKey?.length && (x.primaryKeyName ?? `${x.name}_pkey`) === name);
      if (r) return r;
    }
    return undefined;
  }
  regclassOut(oid: number): string {
    const rel = this.catalog.relationByOid(oid);
    if (rel) return this.qualifyIfHidden(rel.schema, rel.name, this.tableIsVisible(oid));
    const table = tableOfIndex(oid, this.catalog.relations());
    if (table) {
      const name = table.primaryKeyName ?? `${table.name}_pkey`;
      return this.qualifyIfHidden(table.schema, name, this.findIndex(null, name)?.oid === table.oid);
    }
    const sys = systemRelationByOid(oid);
    if (sys) return this.qualifyIfHidden(sys.schema, sys.name, sys.schema === 'pg_catalog' || this.lookupRelation(null, sys.name)?.kind === 'system');
    return String(oid);
  }
  private qualifyIfHidden(schema: string, name: string, visible: boolean): string {
    return visible ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
  }
  regtypeOut(oid: number): string {
    const t = typeFromOid(oid);
    return t ? formatType(t) : String(oid);
  }
  regtypeIn(name: string): number {
    let n = name.trim().toLowerCase().replace(/^pg_catalog\./, '').replace(/\s+/g, ' ');
    let isArray = n.endsWith('[]');
    if (isArray) n = n.slice(0, -2).trim();
    if (n.startsWith('_') && typeFromName(n.slice(1))) { isArray = true; n = n.slice(1); }
    const m = /^([a-z ]+?)\s*\((\d+)(?:\s*,\s*(\d+))?\)$/.exec(n);
    const t = m ? typeFromName(m[1], [Number(m[2]), ...(m[3] ? [Number(m[3])] : [])]) : typeFromName(n === '"char"' ? '"char"' : n.replace(/^"(.*)"$/, '$1'));
    if (!t) throw new SqlError(SqlState.UndefinedObject, `type "${name}" does not exist`);
    return typeOid(isArray ? { kind: 'array', elem: t } : t);
  }
  regprocOut(oid: number): string { return procNameByOid(oid) ?? String(oid); }
  regprocIn(name: string): number {
    const oid = procOidByName(name.replace(/^pg_catalog\./, ''));
    if (oid === undefined) throw new SqlError(SqlState.UndefinedFunction, `function "${name}" does not exist`);
    return oid;
  }
  regnamespaceOut(oid: number): string { const n = this.catalog.schemaByOid(oid)?.name; return n === undefined ? String(oid) : quoteIdent(n); }
  regnamespaceIn(name: string): number {
    const n = splitQualified(name);
    const sch = n.length === 1 ? this.catalog.schema(n[0]) : undefined;
    if (!sch) throw new SqlError(SqlState.UndefinedSchema, `schema "${name}" does not exist`);
    return sch.oid;
  }
  userName(oid: number): string | null { return this.catalog.userByOid(oid)?.name ?? null; }
  currentUser(): string { return this.s.info.user; }
  backendPid(): number { return this.s.pid; }
  tableIsVisible(oid: number): boolean {
    const rel = this.catalog.relationByOid(oid);
    if (!rel) {
      const table = tableOfIndex(oid, this.catalog.relations());
      if (table) return this.findIndex(null, table.primaryKeyName ?? `${table.name}_pkey`)?.oid === table.oid;
      const sys = systemRelationByOid(oid);
      return sys !== undefined && (sys.schema === 'pg_catalog' || this.searchPath().includes(sys.schema));
    }
    const found = this.lookupRelation(null, rel.name);
    return found?.kind === 'relation' && found.rel.oid === oid;
  }
  objDescription(oid: number, catalog?: string): string | null {
    if (catalog !== undefined && catalog !== 'pg_class') return null;
    return this.catalog.relationByOid(oid)?.comment ?? null;
  }
  colDescription(oid: number, attnum: number): string | null {
    const rel = this.catalog.relationByOid(oid);
    const col = rel?.columns[attnum - 1];
    return col ? rel!.columnComments?.[col.name] ?? null : null;
  }
  indexDef(oid: number, column = 0): string | null {
    const rel = tableOfIndex(oid, this.catalog.relations());
    return rel ? primaryKeyIndexDef(rel, column) : null;
  }
  constraintDef(oid: number): string | null {
    const rel = tableOfConstraint(oid, this.catalog.relations());
    return rel ? primaryKeyConstraintDef(rel) : null;
  }
  viewDefinition(oid: number): string | null {
    const rel = this.catalog.relationByOid(oid);
    if (!rel?.query) return null;
    return viewDefinitionText(rel, this.catalog);
  }
  expr(text: string): string | null { return text; }
}

export function splitQualified(text: string): string[] {
  const parts: string[] = [];
  let cur = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') { if (quoted && text[i + 1] === '"') { cur += '"'; i++; } else quoted = !quoted; continue; }
    if (c === '.' && !quoted) { parts.push(cur); cur = ''; continue; }
    cur += quoted ? c : c.toLowerCase();
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

export { quoteIdent };

// The catalog as one session sees it: name lookup through search_path for the binder, and the
// catalog-dependent functions (regclass, obj_description, nextval …) for expressions.

import { SqlError, SqlState } from '../errors.js';
import type { RelationDef } from '../catalog/catalog.js';
import type { CatalogReader, ResolvedRelation } from '../sql/binder/catalog-reader.js';
import type { SessionFunctions } from '../plan/expr.js';
import { formatType, typeFromName, typeFromOid, typeOid } from '../types/datatype.js';
import { systemRelation, systemRelationByOid, systemRelationOid } from '../catalog/system/registry.js';
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
    const r = this.resolveQualified(name);
    if ('oid' in r) return (r as RelationDef).oid;
    const rr = r as ResolvedRelation;
    return rr.kind === 'relation' ? rr.rel.oid : systemRelationOid(rr.schema, rr.name);
  }
  regclassOut(oid: number): string {
    const rel = this.catalog.relationByOid(oid);
    if (rel) return this.searchPath().includes(rel.schema) && this.lookupRelation(null, rel.name)?.kind === 'relation' ? quoteIdent(rel.name) : `${quoteIdent(rel.schema)}.${quoteIdent(rel.name)}`;
    const sys = systemRelationByOid(oid);
    if (sys) return sys.schema === 'pg_catalog' ? sys.name : `${sys.schema}.${sys.name}`;
    return String(oid);
  }
  regtypeOut(oid: number): string {
    const t = typeFromOid(oid);
    return t ? formatType(t) : String(oid);
  }
  regtypeIn(name: string): number {
    const n = name.trim().toLowerCase().replace(/^pg_catalog\./, '');
    const isArray = n.endsWith('[]');
    const t = typeFromName(isArray ? n.slice(0, -2) : n);
    if (!t) throw new SqlError(SqlState.UndefinedObject, `type "${name}" does not exist`);
    return typeOid(isArray ? { kind: 'array', elem: t } : t);
  }
  regprocOut(oid: number): string { return String(oid); }
  regnamespaceOut(oid: number): string { return this.catalog.schemaByOid(oid)?.name ?? String(oid); }
  userName(oid: number): string | null { return this.catalog.userByOid(oid)?.name ?? null; }
  currentUser(): string { return this.s.info.user; }
  backendPid(): number { return this.s.pid; }
  tableIsVisible(oid: number): boolean {
    const rel = this.catalog.relationByOid(oid);
    if (!rel) return systemRelationByOid(oid) !== undefined;
    const found = this.lookupRelation(null, rel.name);
    return found?.kind === 'relation' && found.rel.oid === oid;
  }
  objDescription(oid: number): string | null { return this.catalog.relationByOid(oid)?.comment ?? null; }
  colDescription(oid: number, attnum: number): string | null {
    const rel = this.catalog.relationByOid(oid);
    const col = rel?.columns[attnum - 1];
    return col ? rel!.columnComments?.[col.name] ?? null : null;
  }
  indexDef(oid: number): string | null {
    const rel = this.catalog.relations().find((r) => r.oid + 1 === oid && r.primaryKey?.length);
    if (!rel) return null;
    return `CREATE UNIQUE INDEX ${rel.primaryKeyName ?? rel.name + '_pkey'} ON ${rel.schema}.${rel.name} USING btree (${rel.primaryKey!.map((i) => rel.columns[i].name).join(', ')})`;
  }
  constraintDef(oid: number): string | null {
    const rel = this.catalog.relations().find((r) => r.oid + 2 === oid && r.primaryKey?.length);
    if (!rel) return null;
    return `PRIMARY KEY (${rel.primaryKey!.map((i) => rel.columns[i].name).join(', ')})`;
  }
  viewDefinition(oid: number): string | null {
    const rel = this.catalog.relationByOid(oid);
    return rel?.query ? ' ' + rel.query + ';' : null;
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

export function quoteIdent(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) && !RESERVED.has(s) ? s : '"' + s.replace(/"/g, '""') + '"';
}
const RESERVED = new Set(['all', 'and', 'any', 'array', 'as', 'asc', 'case', 'cast', 'check', 'collate', 'column', 'constraint', 'create', 'default', 'desc', 'distinct', 'do', 'else', 'end', 'false', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'into', 'limit', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'primary', 'references', 'select', 'table', 'then', 'to', 'true', 'union', 'unique', 'user', 'using', 'when', 'where', 'with']);

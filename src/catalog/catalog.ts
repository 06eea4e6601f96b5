// The catalog: schemas, relations (tables, views, and later streaming objects) and users.
// It is one JSON document in the KV store, rewritten on every DDL statement (DDL is rare).

import { SqlError, SqlState } from '../errors.js';
import type { DataType } from '../types/datatype.js';
import type { KvStore } from '../storage/kv-store.js';

export interface ColumnDef {
  readonly name: string;
  readonly type: DataType;
  readonly notNull: boolean;
  /** Default expression as SQL text (re-parsed when used), e.g. `0` or `now()`. */
  readonly defaultSql?: string;
  /** For serial/identity columns: the name of the sequence that feeds the default. */
  readonly sequence?: string;
}

/** pg_class.relkind letters, plus the streaming kinds Weir adds. */
export type RelKind = 'table' | 'view' | 'materialized_view' | 'source' | 'sink' | 'stream' | 'sequence';

export interface RelationDef {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly kind: RelKind;
  readonly columns: ColumnDef[];
  /** Column indexes of the primary key, if any. */
  readonly primaryKey?: number[];
  readonly primaryKeyName?: string;
  /** For views and materialized views: the defining query. */
  readonly query?: string;
  /** The relations the query reads, as bound (catalogs written before this was kept have none). */
  readonly dependsOn?: readonly number[];
  /** Streaming objects: connector options from WITH (…). */
  readonly options?: Record<string, string>;
  readonly owner: string;
  comment?: string;
  columnComments?: Record<string, string>;
  /** Sequences: the next value to hand out. */
  nextValue?: string;
}

export interface SchemaDef { readonly oid: number; readonly name: string; readonly owner: string }
export interface UserDef {
  readonly oid: number;
  readonly name: string;
  readonly superuser: boolean;
  readonly canLogin: boolean;
  /** SCRAM-SHA-256 verifier in PostgreSQL's text form, if a password is set. */
  readonly scram?: string;
}

interface CatalogDoc {
  nextOid: number;
  schemas: SchemaDef[];
  relations: RelationDef[];
  users: UserDef[];
}

export const PG_CATALOG_OID = 11;
export const PUBLIC_OID = 2200;
export const INFORMATION_SCHEMA_OID = 13000;
export const BOOTSTRAP_USER_OID = 10;
export const DATABASE_OID = 5;
export const DATABASE_NAME = 'weir';
/** Schemas the system owns; user objects may not be created in them. */
export const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema'];

const CATALOG_KEY = 'meta/catalog';

export class Catalog {
  private doc: CatalogDoc;
  /** Bumped on every change so cached plans can tell they are stale. */
  version = 0;

  private constructor(private readonly kv: KvStore, doc: CatalogDoc) { this.doc = doc; }

  static async load(kv: KvStore, bootstrapUser: string): Promise<Catalog> {
    const text = await kv.get(CATALOG_KEY);
    if (text) return new Catalog(kv, JSON.parse(text) as CatalogDoc);
    const doc: CatalogDoc = {
      nextOid: 16384,
      schemas: [
        { oid: PG_CATALOG_OID, name: 'pg_catalog', owner: bootstrapUser },
        { oid: PUBLIC_OID, name: 'public', owner: bootstrapUser },
        { oid: INFORMATION_SCHEMA_OID, name: 'information_schema', owner: bootstrapUser },
      ],
      relations: [],
      users: [{ oid: BOOTSTRAP_USER_OID, name: bootstrapUser, superuser: true, canLogin: true }],
    };
    const c = new Catalog(kv, doc);
    await c.save();
    return c;
  }

  private async save(): Promise<void> {
    this.version++;
    await this.kv.write([{ type: 'put', key: CATALOG_KEY, value: JSON.stringify(this.doc) }]);
  }

  allocateOid(): number { return this.doc.nextOid++; }

  // ---- schemas ----
  schemas(): readonly SchemaDef[] { return this.doc.schemas; }
  schema(name: string): SchemaDef | undefined { return this.doc.schemas.find((s) => s.name === name); }
  schemaByOid(oid: number): SchemaDef | undefined { return this.doc.schemas.find((s) => s.oid === oid); }

  async createSchema(name: string, owner: string): Promise<void> {
    if (this.schema(name)) throw new SqlError(SqlState.DuplicateSchema, `schema "${name}" already exists`);
    this.doc.schemas.push({ oid: this.allocateOid(), name, owner });
    await this.save();
  }

  async dropSchema(name: string, cascade: boolean): Promise<string[]> {
    if (SYSTEM_SCHEMAS.includes(name)) throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop schema ${name} because it is required by the database system`);
    const rels = this.doc.relations.filter((r) => r.schema === name);
    if (rels.length && !cascade) {
      throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop schema ${name} because other objects depend on it`, {
        detail: rels.map((r) => `${kindLabel(r.kind)} ${r.schema}.${r.name} depends on schema ${name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    this.doc.relations = this.doc.relations.filter((r) => r.schema !== name);
    this.doc.schemas = this.doc.schemas.filter((s) => s.name !== name);
    await this.save();
    return rels.map((r) => String(r.oid));
  }

  // ---- relations ----
  relations(): readonly RelationDef[] { return this.doc.relations; }
  relation(schema: string, name: string): RelationDef | undefined {
    return this.doc.relations.find((r) => r.schema === schema && r.name === name);
  }
  relationByOid(oid: number): RelationDef | undefined { return this.doc.relations.find((r) => r.oid === oid); }

  async createRelation(def: Omit<RelationDef, 'oid'> & { oid?: number }): Promise<RelationDef> {
    if (!this.schema(def.schema)) throw new SqlError(SqlState.UndefinedSchema, `schema "${def.schema}" does not exist`);
    if (this.relation(def.schema, def.name)) throw new SqlError(SqlState.DuplicateTable, `relation "${def.name}" already exists`);
    const rel: RelationDef = { ...def, oid: def.oid ?? this.allocateOid() };
    this.doc.relations.push(rel);
    await this.save();
    return rel;
  }

  async replaceRelation(rel: RelationDef): Promise<void> {
    const i = this.doc.relations.findIndex((r) => r.oid === rel.oid);
    if (i < 0) throw new SqlError(SqlState.UndefinedTable, `relation "${rel.name}" does not exist`);
    this.doc.relations[i] = rel;
    await this.save();
  }

  async dropRelations(oids: readonly number[]): Promise<void> {
    const set = new Set(oids);
    this.doc.relations = this.doc.relations.filter((r) => !set.has(r.oid));
    await this.save();
  }

  /** Persist in-place changes to a relation (sequence counters, comments). */
  async touch(): Promise<void> { await this.save(); }

  // ---- users ----
  users(): readonly UserDef[] { return this.doc.users; }
  user(name: string): UserDef | undefined { return this.doc.users.find((u) => u.name === name); }
  userByOid(oid: number): UserDef | undefined { return this.doc.users.find((u) => u.oid === oid); }

  async createUser(u: Omit<UserDef, 'oid'>): Promise<void> {
    if (this.user(u.name)) throw new SqlError(SqlState.DuplicateObject, `role "${u.name}" already exists`);
    this.doc.users.push({ ...u, oid: this.allocateOid() });
    await this.save();
  }
  async alterUser(name: string, patch: Partial<Omit<UserDef, 'oid' | 'name'>>): Promise<void> {
    const i = this.doc.users.findIndex((u) => u.name === name);
    if (i < 0) throw new SqlError(SqlState.UndefinedObject, `role "${name}" does not exist`);
    this.doc.users[i] = { ...this.doc.users[i], ...patch };
    await this.save();
  }
  async dropUser(name: string): Promise<void> {
    if (!this.user(name)) throw new SqlError(SqlState.UndefinedObject, `role "${name}" does not exist`);
    this.doc.users = this.doc.users.filter((u) => u.name !== name);
    await this.save();
  }
}

export function kindLabel(kind: RelKind): string {
  switch (kind) {
    case 'table': return 'table';
    case 'view': return 'view';
    case 'materialized_view': return 'materialized view';
    case 'source': return 'source';
    case 'sink': return 'sink';
    case 'stream': return 'stream';
    case 'sequence': return 'sequence';
  }
}

// DDL: CREATE/DROP SCHEMA, TABLE, VIEW, MATERIALIZED VIEW, SEQUENCE, USER/ROLE; ALTER TABLE;
// TRUNCATE; CREATE INDEX (accepted; primary keys are the only indexes Weir keeps).

import { SqlError, SqlState } from '../../errors.js';
import { DataType, T } from '../../types/datatype.js';
import type { Row } from '../../types/value.js';
import { type ColumnDef, type RelationDef, SYSTEM_SCHEMAS, kindLabel } from '../../catalog/catalog.js';
import { dependentsOf } from '../../catalog/dependencies.js';
import { Node, nameList, nodeTag } from '../../sql/ast.js';
import type { ParsedStatement } from '../../sql/parser.js';
import { bindTypeName } from '../../sql/binder/type-name.js';
import { optimize } from '../../optimizer/optimizer.js';
import { makeScramVerifier } from '../../pgwire/scram.js';
import type { Session } from '../session.js';
import type { StatementResult } from '../result.js';
import { evalDefault } from './defaults.js';

const DDL = new Set(['CreateStmt', 'CreateSchemaStmt', 'DropStmt', 'ViewStmt', 'CreateRoleStmt', 'AlterRoleStmt', 'DropRoleStmt',
  'CreateTableAsStmt', 'TruncateStmt', 'AlterTableStmt', 'RenameStmt', 'CreateSeqStmt', 'IndexStmt', 'RefreshMatViewStmt', 'GrantStmt', 'GrantRoleStmt', 'AlterDefaultPrivilegesStmt', 'CreateExtensionStmt']);
export function isDdl(tag: string): boolean { return DDL.has(tag); }

function relName(rv: Node, s: Session): { schema: string; name: string } {
  const schema: string = rv.schemaname ?? s.catalogView.creationSchema();
  if (SYSTEM_SCHEMAS.includes(schema)) throw new SqlError(SqlState.InvalidSchemaName ?? '3F000', `permission denied to create "${schema}.${rv.relname}"`, { detail: 'System catalog modifications are currently disallowed.' });
  return { schema, name: rv.relname };
}

/** Source text of an expression starting at `location` (for column defaults shown by \d). */
export function exprText(stmt: ParsedStatement, location: number): string {
  const text = stmt.text;
  let i = location - stmt.offset;
  const start = i;
  let depth = 0;
  let quote: string | null = null;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quote) { if (c === quote) quote = null; continue; }
    if (c === "'" || c === '"') { quote = c; continue; }
    if (c === '(') depth++;
    else if (c === ')') { if (depth === 0) break; depth--; }
    else if (c === ',' && depth === 0) break;
    else if (depth === 0 && /\s/.test(c) && /^\s+(not\s+null|null|primary\s+key|unique|check|references|constraint|generated|collate)\b/i.test(text.slice(i))) break;
  }
  return text.slice(start, i).trim();
}

export async function executeDdl(s: Session, stmt: ParsedStatement): Promise<StatementResult> {
  const tag = nodeTag(stmt.node);
  const v = stmt.node[tag];
  const cat = s.db.catalog;
  switch (tag) {
    case 'CreateSchemaStmt': {
      if (v.if_not_exists && cat.schema(v.schemaname)) return notice('CREATE SCHEMA', `schema "${v.schemaname}" already exists, skipping`);
      await cat.createSchema(v.schemaname, s.info.user);
      return { kind: 'command', tag: 'CREATE SCHEMA' };
    }
    case 'CreateStmt': return createTable(s, stmt, v);
    case 'CreateSeqStmt': {
      const { schema, name } = relName(v.sequence, s);
      if (v.if_not_exists && cat.relation(schema, name)) return notice('CREATE SEQUENCE', `relation "${name}" already exists, skipping`);
      let start = 1n;
      for (const o of (v.options ?? []) as Node[]) if (o.DefElem.defname === 'start') start = BigInt(o.DefElem.arg.Integer?.ival ?? o.DefElem.arg.Float?.fval ?? 1);
      const rel = await cat.createRelation({ schema, name, kind: 'sequence', columns: [{ name: 'last_value', type: T.int8, notNull: true }], owner: s.info.user, nextValue: String(start) });
      s.db.sequenceSet(rel, start);
      return { kind: 'command', tag: 'CREATE SEQUENCE' };
    }
    case 'ViewStmt': {
      const { schema, name } = relName(v.view, s);
      const m = /\bAS\s+([\s\S]*)$/i.exec(stmt.text.slice(stmt.text.toLowerCase().indexOf(name.toLowerCase()) + name.length));
      const query = m ? m[1].trim().replace(/;\s*$/, '') : '';
      const binder = s.binder([]);
      const plan = binder.bindTopQuery(v.query.SelectStmt);
      const aliases = nameList(v.aliases);
      const columns: ColumnDef[] = plan.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type, notNull: false }));
      const existing = cat.relation(schema, name);
      if (existing) {
        if (!v.replace) throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`);
        if (existing.kind !== 'view') throw new SqlError(SqlState.WrongObjectType, `"${name}" is not a view`);
        await cat.replaceRelation({ ...existing, columns, query, dependsOn: [...binder.relationsRead] });
      } else {
        await cat.createRelation({ schema, name, kind: 'view', columns, query, dependsOn: [...binder.relationsRead], owner: s.info.user });
      }
      return { kind: 'command', tag: 'CREATE VIEW' };
    }
    case 'CreateTableAsStmt': return createTableAs(s, stmt, v);
    case 'RefreshMatViewStmt': {
      const r = s.catalogView.lookupRelation(v.relation.schemaname ?? null, v.relation.relname);
      if (!r || r.kind !== 'relation' || r.rel.kind !== 'materialized_view') throw new SqlError(SqlState.WrongObjectType, `"${v.relation.relname}" is not a materialized view`);
      await fillFromQuery(s, r.rel, r.rel.query!, true);
      return { kind: 'command', tag: 'REFRESH MATERIALIZED VIEW' };
    }
    case 'DropStmt': return drop(s, v);
    case 'CreateRoleStmt': {
      const opts = roleOptions(v.options);
      await cat.createUser({
        name: v.role, superuser: opts.superuser ?? false, canLogin: opts.login ?? v.stmt_type === 'ROLESTMT_USER',
        scram: opts.password ? makeScramVerifier(opts.password) : undefined,
      });
      return { kind: 'command', tag: v.stmt_type === 'ROLESTMT_USER' ? 'CREATE ROLE' : 'CREATE ROLE' };
    }
    case 'AlterRoleStmt': {
      const opts = roleOptions(v.options);
      const patch: Record<string, unknown> = {};
      if (opts.superuser !== undefined) patch.superuser = opts.superuser;
      if (opts.login !== undefined) patch.canLogin = opts.login;
      if (opts.password !== undefined) patch.scram = opts.password === null ? undefined : makeScramVerifier(opts.password);
      await cat.alterUser(v.role.rolename ?? v.role.RoleSpec?.rolename, patch);
      return { kind: 'command', tag: 'ALTER ROLE' };
    }
    case 'DropRoleStmt': {
      for (const r of v.roles as Node[]) {
        const name = r.RoleSpec.rolename;
        if (!cat.user(name) && v.missing_ok) continue;
        if (name === s.info.user) throw new SqlError('55006', 'current user cannot be dropped');
        await cat.dropUser(name);
      }
      return { kind: 'command', tag: 'DROP ROLE' };
    }
    case 'TruncateStmt': {
      for (const rv of v.relations as Node[]) {
        const rel = tableByRangeVar(s, rv.RangeVar);
        const o = s.tableOverlay(rel.oid);
        for (const [id] of [...o.entries()]) o.delete(id);
      }
      await s.commitTxn();
      return { kind: 'command', tag: 'TRUNCATE TABLE' };
    }
    case 'AlterTableStmt': return alterTable(s, stmt, v);
    case 'RenameStmt': return rename(s, v);
    case 'IndexStmt': {
      tableByRangeVar(s, v.relation);
      return { kind: 'command', tag: 'CREATE INDEX' };
    }
    case 'GrantStmt': return { kind: 'command', tag: v.is_grant ? 'GRANT' : 'REVOKE' };
    case 'GrantRoleStmt': return { kind: 'command', tag: v.is_grant ? 'GRANT ROLE' : 'REVOKE ROLE' };
    case 'AlterDefaultPrivilegesStmt': return { kind: 'command', tag: 'ALTER DEFAULT PRIVILEGES' };
    case 'CreateExtensionStmt': throw new SqlError(SqlState.FeatureNotSupported, `extension "${v.extname}" is not available`);
  }
  throw new SqlError(SqlState.FeatureNotSupported, `${tag} is not supported`);
}

function notice(tag: string, msg: string): StatementResult { return { kind: 'command', tag, notices: [msg] }; }

export function tableByRangeVar(s: Session, rv: Node): RelationDef {
  const r = s.catalogView.lookupRelation(rv.schemaname ?? null, rv.relname);
  if (!r) throw new SqlError(SqlState.UndefinedTable, `relation "${rv.schemaname ? rv.schemaname + '.' : ''}${rv.relname}" does not exist`, { position: rv.location >= 0 ? rv.location + 1 : undefined });
  if (r.kind !== 'relation' || r.rel.kind !== 'table') throw new SqlError(SqlState.WrongObjectType, `"${rv.relname}" is not a table`);
  return r.rel;
}

function roleOptions(options: Node[] | undefined): { password?: string | null; superuser?: boolean; login?: boolean } {
  const out: { password?: string | null; superuser?: boolean; login?: boolean } = {};
  for (const o of options ?? []) {
    const d = o.DefElem;
    const boolArg = d.arg?.Boolean ? d.arg.Boolean.boolval === true : d.arg?.Integer ? d.arg.Integer.ival !== 0 : true;
    if (d.defname === 'password') out.password = d.arg?.String?.sval ?? null;
    else if (d.defname === 'superuser') out.superuser = boolArg;
    else if (d.defname === 'canlogin') out.login = boolArg;
  }
  return out;
}

interface ColumnBuild { def: ColumnDef; serial?: 'int4' | 'int8' | 'int2' }

function columnFromDef(s: Session, stmt: ParsedStatement, cd: Node, pk: string[]): ColumnBuild {
  const tn = nameList(cd.typeName.names).filter((n) => n !== 'pg_catalog');
  const rawType = tn.join('.');
  const serial = rawType === 'serial' || rawType === 'serial4' ? 'int4' : rawType === 'bigserial' || rawType === 'serial8' ? 'int8' : rawType === 'smallserial' || rawType === 'serial2' ? 'int2' : undefined;
  const type: DataType = serial ? T[serial] : bindTypeName(cd.typeName);
  let notNull = !!serial;
  let defaultSql: string | undefined;
  for (const c of (cd.constraints ?? []) as Node[]) {
    const k = c.Constraint;
    switch (k.contype as string) {
      case 'CONSTR_NOTNULL': notNull = true; break;
      case 'CONSTR_NULL': break;
      case 'CONSTR_PRIMARY': notNull = true; pk.push(cd.colname); break;
      case 'CONSTR_DEFAULT': defaultSql = exprText(stmt, exprLocation(k.raw_expr) ?? k.location); break;
      case 'CONSTR_UNIQUE': break; // accepted; uniqueness is enforced only for primary keys
      case 'CONSTR_IDENTITY': notNull = true; return { def: { name: cd.colname, type, notNull }, serial: (type as { id: 'int4' }).id };
      case 'CONSTR_CHECK': throw new SqlError(SqlState.FeatureNotSupported, 'CHECK constraints are not supported');
      case 'CONSTR_FOREIGN': break; // accepted, not enforced
      default: break;
    }
  }
  return { def: { name: cd.colname, type, notNull, defaultSql }, serial };
}

function exprLocation(n: Node): number | undefined {
  if (!n || typeof n !== 'object') return undefined;
  let best: number | undefined;
  const walk = (x: Node) => {
    if (!x || typeof x !== 'object') return;
    if (typeof x.location === 'number' && x.location >= 0 && (best === undefined || x.location < best)) best = x.location;
    for (const v of Object.values(x)) if (v && typeof v === 'object') walk(v);
  };
  walk(n);
  return best;
}

async function createTable(s: Session, stmt: ParsedStatement, v: Node): Promise<StatementResult> {
  const { schema, name } = relName(v.relation, s);
  const cat = s.db.catalog;
  if (cat.relation(schema, name)) {
    if (v.if_not_exists) return notice('CREATE TABLE', `relation "${name}" already exists, skipping`);
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`);
  }
  const pk: string[] = [];
  const cols: ColumnBuild[] = [];
  let pkName: string | undefined;
  for (const e of (v.tableElts ?? []) as Node[]) {
    if (e.ColumnDef) {
      if (cols.some((c) => c.def.name === e.ColumnDef.colname)) throw new SqlError(SqlState.DuplicateColumn, `column "${e.ColumnDef.colname}" specified more than once`);
      cols.push(columnFromDef(s, stmt, e.ColumnDef, pk));
    } else if (e.Constraint) {
      const k = e.Constraint;
      if (k.contype === 'CONSTR_PRIMARY') {
        if (pk.length) throw new SqlError(SqlState.InvalidTableDefinition ?? '42P16', `multiple primary keys for table "${name}" are not allowed`);
        pk.push(...nameList(k.keys));
        pkName = k.conname;
      } else if (k.contype === 'CONSTR_CHECK') throw new SqlError(SqlState.FeatureNotSupported, 'CHECK constraints are not supported');
    } else if (e.TableLikeClause) throw new SqlError(SqlState.FeatureNotSupported, 'CREATE TABLE … LIKE is not supported');
  }
  const pkIdx = pk.map((p) => {
    const i = cols.findIndex((c) => c.def.name === p);
    if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${p}" named in key does not exist`);
    return i;
  });
  const columns = cols.map((c, i) => (pkIdx.includes(i) ? { ...c.def, notNull: true } : c.def));
  // serial columns get their own sequence, as in PostgreSQL.
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i];
    if (!c.serial) continue;
    const seqName = `${name}_${c.def.name}_seq`;
    const seq = await cat.createRelation({ schema, name: seqName, kind: 'sequence', columns: [{ name: 'last_value', type: T.int8, notNull: true }], owner: s.info.user, nextValue: '1' });
    s.db.sequenceSet(seq, 1n);
    columns[i] = { ...columns[i], defaultSql: `nextval('${schema === 'public' ? '' : schema + '.'}${seqName}'::regclass)`, sequence: seqName };
  }
  const rel = await cat.createRelation({
    schema, name, kind: 'table', columns, primaryKey: pkIdx.length ? pkIdx : undefined,
    primaryKeyName: pkIdx.length ? pkName ?? `${name}_pkey` : undefined, owner: s.info.user,
  });
  s.db.tables.create(rel.oid, columns.map((c) => c.type), rel.primaryKey);
  return { kind: 'command', tag: 'CREATE TABLE' };
}

async function createTableAs(s: Session, stmt: ParsedStatement, v: Node): Promise<StatementResult> {
  const into = v.into;
  const { schema, name } = relName(into.rel, s);
  const cat = s.db.catalog;
  const isMv = v.objtype === 'OBJECT_MATVIEW';
  if (cat.relation(schema, name)) {
    if (v.if_not_exists) return notice(isMv ? 'CREATE MATERIALIZED VIEW' : 'SELECT 0', `relation "${name}" already exists, skipping`);
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`);
  }
  const binder = s.binder([]);
  const plan = optimize(binder.bindTopQuery(v.query.SelectStmt));
  const aliases = nameList(into.colNames);
  const columns: ColumnDef[] = plan.columns.map((c, i) => ({ name: aliases[i] ?? c.name, type: c.type.kind === 'scalar' && c.type.id === 'unknown' ? T.text : c.type, notNull: false }));
  const m = /\bAS\s+([\s\S]*)$/i.exec(stmt.text.slice(stmt.text.toLowerCase().indexOf(name.toLowerCase()) + name.length));
  const query = m ? m[1].trim().replace(/;\s*$/, '').replace(/\s+WITH\s+(NO\s+)?DATA\s*$/i, '') : undefined;
  const rel = await cat.createRelation({ schema, name, kind: isMv ? 'materialized_view' : 'table', columns, owner: s.info.user, query: isMv ? query : undefined, dependsOn: isMv ? [...binder.relationsRead] : undefined });
  s.db.tables.create(rel.oid, columns.map((c) => c.type), undefined);
  const rows = v.into.skipData ? [] : s.runPlan(plan, []);
  const o = s.tableOverlay(rel.oid);
  for (const r of rows) o.insert(r);
  await s.commitTxn();
  return { kind: 'command', tag: isMv ? 'SELECT ' + rows.length : `SELECT ${rows.length}` };
}

async function fillFromQuery(s: Session, rel: RelationDef, query: string, replace: boolean): Promise<void> {
  const { parseSql } = await import('../../sql/parser.js');
  const [q] = parseSql(query);
  const plan = optimize(s.binder([]).bindTopQuery(q.node.SelectStmt));
  const rows: Row[] = s.runPlan(plan, []);
  const o = s.tableOverlay(rel.oid);
  if (replace) for (const [id] of [...o.entries()]) o.delete(id);
  for (const r of rows) o.insert(r);
  await s.commitTxn();
}

async function drop(s: Session, v: Node): Promise<StatementResult> {
  const cat = s.db.catalog;
  const cascade = v.behavior === 'DROP_CASCADE';
  const type: string = v.removeType;
  if (type === 'OBJECT_SCHEMA') {
    for (const o of v.objects as Node[]) {
      const name = o.String.sval;
      if (!cat.schema(name)) {
        if (v.missing_ok) continue;
        throw new SqlError(SqlState.UndefinedSchema, `schema "${name}" does not exist`);
      }
      const dropped = cat.relations().filter((r) => r.schema === name).map((r) => r.oid);
      if (cascade) for (const oid of dropped) s.db.streaming.drop(oid);
      await cat.dropSchema(name, cascade);
      for (const oid of dropped) await s.db.tables.drop(oid);
    }
    return { kind: 'command', tag: 'DROP SCHEMA' };
  }
  const kinds: Record<string, RelationDef['kind'][]> = {
    OBJECT_TABLE: ['table'], OBJECT_VIEW: ['view'], OBJECT_MATVIEW: ['materialized_view'], OBJECT_SEQUENCE: ['sequence'], OBJECT_INDEX: [],
  };
  const want = kinds[type];
  if (!want) throw new SqlError(SqlState.FeatureNotSupported, `DROP ${type.replace('OBJECT_', '')} is not supported`);
  const tagName = { OBJECT_TABLE: 'DROP TABLE', OBJECT_VIEW: 'DROP VIEW', OBJECT_MATVIEW: 'DROP MATERIALIZED VIEW', OBJECT_SEQUENCE: 'DROP SEQUENCE', OBJECT_INDEX: 'DROP INDEX' }[type]!;
  const notices: string[] = [];
  const toDrop: RelationDef[] = [];
  for (const o of v.objects as Node[]) {
    const names = nameList(o.List.items);
    const name = names.pop()!;
    const schema = names.pop() ?? null;
    if (type === 'OBJECT_INDEX') continue;
    const r = s.catalogView.lookupRelation(schema, name);
    if (!r || r.kind !== 'relation') {
      if (v.missing_ok) { notices.push(`${kindLabel(want[0])} "${name}" does not exist, skipping`); continue; }
      if (r?.kind === 'system') throw new SqlError('42501', `permission denied: "${name}" is a system catalog`);
      throw new SqlError(SqlState.UndefinedTable, `${kindLabel(want[0])} "${name}" does not exist`);
    }
    if (!want.includes(r.rel.kind)) {
      throw new SqlError(SqlState.WrongObjectType, `"${name}" is not a ${kindLabel(want[0])}`, { hint: `Use DROP ${kindLabel(r.rel.kind).toUpperCase()} to remove a ${kindLabel(r.rel.kind)}.` });
    }
    toDrop.push(r.rel);
  }
  // Dependents: views whose query mentions the relation's name.
  const all = new Map<number, RelationDef>();
  const visit = (rel: RelationDef) => {
    if (all.has(rel.oid)) return;
    all.set(rel.oid, rel);
    for (const d of dependents(s, rel)) {
      if (toDrop.some((t) => t.oid === d.oid)) continue;
      if (!cascade) {
        throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop ${kindLabel(rel.kind)} ${rel.name} because other objects depend on it`, {
          detail: `${kindLabel(d.kind)} ${d.name} depends on ${kindLabel(rel.kind)} ${rel.name}`, hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
        });
      }
      notices.push(`drop cascades to ${kindLabel(d.kind)} ${d.name}`);
      visit(d);
    }
    // Sequences owned by serial columns go with their table.
    for (const c of rel.columns) if (c.sequence) { const seq = s.db.catalog.relation(rel.schema, c.sequence); if (seq) all.set(seq.oid, seq); }
  };
  toDrop.forEach(visit);
  for (const oid of all.keys()) s.db.streaming.drop(oid);
  await cat.dropRelations([...all.keys()]);
  for (const oid of all.keys()) await s.db.tables.drop(oid);
  return { kind: 'command', tag: tagName, notices: notices.length ? notices : undefined };
}

function dependents(s: Session, rel: RelationDef): RelationDef[] { return dependentsOf(s.db.catalog.relations(), rel); }

async function alterTable(s: Session, stmt: ParsedStatement, v: Node): Promise<StatementResult> {
  const r = s.catalogView.lookupRelation(v.relation.schemaname ?? null, v.relation.relname);
  if (!r || r.kind !== 'relation') {
    if (v.missing_ok) return notice('ALTER TABLE', `relation "${v.relation.relname}" does not exist, skipping`);
    throw new SqlError(SqlState.UndefinedTable, `relation "${v.relation.relname}" does not exist`);
  }
  let rel = r.rel;
  for (const c of v.cmds as Node[]) {
    const cmd = c.AlterTableCmd;
    switch (cmd.subtype as string) {
      case 'AT_AddColumn': {
        const pk: string[] = [];
        const cb = columnFromDef(s, stmt, cmd.def.ColumnDef, pk);
        if (rel.columns.some((x) => x.name === cb.def.name)) {
          if (cmd.missing_ok) continue;
          throw new SqlError(SqlState.DuplicateColumn, `column "${cb.def.name}" of relation "${rel.name}" already exists`);
        }
        if (pk.length) throw new SqlError(SqlState.FeatureNotSupported, 'adding a primary key column is not supported');
        const fill = cb.def.defaultSql ? evalDefault(s, cb.def.defaultSql, cb.def.type) : null;
        if (fill === null && cb.def.notNull && (s.db.tables.table(rel.oid)?.rows.size ?? 0) > 0) {
          throw new SqlError(SqlState.NotNullViolation, `column "${cb.def.name}" of relation "${rel.name}" contains null values`);
        }
        rel = { ...rel, columns: [...rel.columns, cb.def] };
        await rewriteTable(s, rel, (row) => [...row, fill]);
        break;
      }
      case 'AT_DropColumn': {
        const i = rel.columns.findIndex((x) => x.name === cmd.name);
        if (i < 0) {
          if (cmd.missing_ok) continue;
          throw new SqlError(SqlState.UndefinedColumn, `column "${cmd.name}" of relation "${rel.name}" does not exist`);
        }
        if (rel.primaryKey?.includes(i)) throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop column ${cmd.name} of table ${rel.name} because other objects depend on it`);
        const pk = rel.primaryKey?.map((p) => (p > i ? p - 1 : p));
        rel = { ...rel, columns: rel.columns.filter((_, j) => j !== i), primaryKey: pk };
        await rewriteTable(s, rel, (row) => row.filter((_, j) => j !== i));
        break;
      }
      case 'AT_SetNotNull': case 'AT_DropNotNull': {
        const i = rel.columns.findIndex((x) => x.name === cmd.name);
        if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${cmd.name}" of relation "${rel.name}" does not exist`);
        const setNN = cmd.subtype === 'AT_SetNotNull';
        if (setNN) for (const row of s.db.tables.table(rel.oid)?.rows.values() ?? []) if (row[i] === null) throw new SqlError(SqlState.NotNullViolation, `column "${cmd.name}" of relation "${rel.name}" contains null values`);
        rel = { ...rel, columns: rel.columns.map((x, j) => (j === i ? { ...x, notNull: setNN } : x)) };
        await s.db.catalog.replaceRelation(rel);
        break;
      }
      case 'AT_ColumnDefault': {
        const i = rel.columns.findIndex((x) => x.name === cmd.name);
        if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${cmd.name}" of relation "${rel.name}" does not exist`);
        const d = cmd.def ? exprText(stmt, exprLocation(cmd.def) ?? 0) : undefined;
        rel = { ...rel, columns: rel.columns.map((x, j) => (j === i ? { ...x, defaultSql: d } : x)) };
        await s.db.catalog.replaceRelation(rel);
        break;
      }
      default:
        throw new SqlError(SqlState.FeatureNotSupported, `ALTER TABLE ${String(cmd.subtype).replace('AT_', '')} is not supported`);
    }
  }
  return { kind: 'command', tag: 'ALTER TABLE' };
}

async function rewriteTable(s: Session, rel: RelationDef, f: (r: Row) => Row): Promise<void> {
  const t = s.db.tables.table(rel.oid);
  const rows = t ? [...t.rows.values()].map(f) : [];
  await s.db.tables.drop(rel.oid);
  await s.db.catalog.replaceRelation(rel);
  s.db.tables.create(rel.oid, rel.columns.map((c) => c.type), rel.primaryKey);
  const o = s.tableOverlay(rel.oid);
  s.txn = null;
  const fresh = s.tableOverlay(rel.oid);
  void o;
  for (const r of rows) fresh.insert(r);
  await s.commitTxn();
}

async function rename(s: Session, v: Node): Promise<StatementResult> {
  const rv = v.relation;
  const r = s.catalogView.lookupRelation(rv.schemaname ?? null, rv.relname);
  if (!r || r.kind !== 'relation') throw new SqlError(SqlState.UndefinedTable, `relation "${rv.relname}" does not exist`);
  const rel = r.rel;
  if (v.renameType === 'OBJECT_COLUMN') {
    const i = rel.columns.findIndex((c) => c.name === v.subname);
    if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${v.subname}" does not exist`);
    if (rel.columns.some((c) => c.name === v.newname)) throw new SqlError(SqlState.DuplicateColumn, `column "${v.newname}" of relation "${rel.name}" already exists`);
    await s.db.catalog.replaceRelation({ ...rel, columns: rel.columns.map((c, j) => (j === i ? { ...c, name: v.newname } : c)) });
    return { kind: 'command', tag: 'ALTER TABLE' };
  }
  if (s.db.catalog.relation(rel.schema, v.newname)) throw new SqlError(SqlState.DuplicateTable, `relation "${v.newname}" already exists`);
  await s.db.catalog.replaceRelation({ ...rel, name: v.newname });
  return { kind: 'command', tag: rel.kind === 'view' ? 'ALTER VIEW' : 'ALTER TABLE' };
}

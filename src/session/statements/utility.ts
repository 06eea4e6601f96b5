// SET / SHOW / RESET, DISCARD, EXPLAIN, COMMENT and the statements Weir accepts as no-ops
// (ANALYZE, VACUUM, CHECKPOINT, CREATE INDEX on a primary key table …).

import { SqlError, SqlState } from '../../errors.js';
import { T } from '../../types/datatype.js';
import type { Datum } from '../../types/value.js';
import type { OutputColumn } from '../../plan/logical.js';
import { Node, nameList, nodeTag } from '../../sql/ast.js';
import type { ParsedStatement } from '../../sql/parser.js';
import { optimize } from '../../optimizer/optimizer.js';
import { explainPlan } from '../../plan/explain.js';
import type { Session } from '../session.js';
import type { StatementResult } from '../result.js';
import { bindDml } from './dml.js';

function settingValue(args: Node[] | undefined): string {
  return (args ?? []).map((a: Node) => {
    const c = a.A_Const ?? a.TypeCast?.arg?.A_Const;
    if (!c) return '';
    if (c.sval) return c.sval.sval;
    if (c.ival) return String(c.ival.ival ?? 0);
    if (c.ival !== undefined) return '0';
    if (c.fval) return c.fval.fval;
    if (c.boolval) return c.boolval.boolval ? 'on' : 'off';
    return '';
  }).join(', ');
}

/** Result columns of utility statements that return rows (SHOW, EXPLAIN). */
export function describeUtility(s: Session, stmt: ParsedStatement): OutputColumn[] | null {
  const tag = nodeTag(stmt.node);
  const v = stmt.node[tag];
  if (tag === 'VariableShowStmt') {
    if (v.name === 'all') return [{ name: 'name', type: T.text }, { name: 'setting', type: T.text }, { name: 'description', type: T.text }];
    return [{ name: showName(s, v.name), type: T.text }];
  }
  if (tag === 'ExplainStmt') return [{ name: 'QUERY PLAN', type: T.text }];
  if (tag === 'WeirStmt') {
    switch (v.kind) {
      case 'showJobs': return ['id', 'name', 'kind', 'status', 'error', 'started_at'].map((n, i) => ({ name: n, type: i === 0 ? T.int8 : T.text }));
      case 'showObjects': return [{ name: 'name', type: T.text }, { name: 'schema', type: T.text }];
      case 'explain': return [{ name: 'QUERY PLAN', type: T.text }];
    }
  }
  return null;
}

function showName(s: Session, name: string): string {
  if (name === 'timezone') return 'TimeZone';
  if (name === 'transaction_isolation') return 'transaction_isolation';
  return s.settings.known(name) ? s.settings.canonical(name) : name;
}

export async function executeUtility(s: Session, stmt: ParsedStatement, params: readonly Datum[]): Promise<StatementResult> {
  const tag = nodeTag(stmt.node);
  const v = stmt.node[tag];
  switch (tag) {
    case 'VariableSetStmt': {
      switch (v.kind as string) {
        case 'VAR_SET_VALUE': case 'VAR_SET_CURRENT': {
          let name: string = v.name;
          let value = settingValue(v.args);
          if (name === 'timezone' && v.args?.[0]?.TypeCast) value = settingValue(v.args);
          if (name === 'session_authorization' || name === 'role') return { kind: 'command', tag: 'SET' };
          if (name === 'names') name = 'client_encoding';
          const r = s.settings.set(name, value, { local: !!v.is_local });
          if (r.reportable) s.queueSettingsReport([r.name]);
          return { kind: 'command', tag: 'SET' };
        }
        case 'VAR_SET_DEFAULT': case 'VAR_RESET': {
          const r = s.settings.reset(v.name);
          if (r.reportable) s.queueSettingsReport([r.name]);
          return { kind: 'command', tag: v.kind === 'VAR_RESET' ? 'RESET' : 'SET' };
        }
        case 'VAR_RESET_ALL': s.queueSettingsReport(s.settings.resetAll()); return { kind: 'command', tag: 'RESET' };
        case 'VAR_SET_MULTI': return { kind: 'command', tag: 'SET' }; // SET TRANSACTION …: single isolation level
      }
      return { kind: 'command', tag: 'SET' };
    }
    case 'VariableShowStmt': {
      if (v.name === 'all') {
        return { kind: 'rows', columns: describeUtility(s, stmt)!, rows: s.settings.all().map((x) => [x.name, x.setting, x.description]), tag: 'SHOW' };
      }
      const val = s.settings.get(v.name === 'transaction_isolation' ? 'transaction_isolation' : v.name);
      if (val === undefined) throw new SqlError(SqlState.UndefinedObject, `unrecognized configuration parameter "${v.name}"`);
      return { kind: 'rows', columns: describeUtility(s, stmt)!, rows: [[val]], tag: 'SHOW' };
    }
    case 'DiscardStmt': s.queueSettingsReport(s.settings.resetAll()); return { kind: 'command', tag: 'DISCARD ALL' };
    case 'ExplainStmt': return explain(s, v, params);
    case 'CommentStmt': return comment(s, v);
    case 'VacuumStmt': return { kind: 'command', tag: v.is_vacuumcmd ? 'VACUUM' : 'ANALYZE' };
    case 'CheckPointStmt': return { kind: 'command', tag: 'CHECKPOINT' };
    case 'ListenStmt': return { kind: 'command', tag: 'LISTEN' };
    case 'UnlistenStmt': return { kind: 'command', tag: 'UNLISTEN' };
    case 'DeallocateStmt': return { kind: 'command', tag: 'DEALLOCATE' + (v.name ? '' : ' ALL') };
    case 'LockStmt': return { kind: 'command', tag: 'LOCK TABLE' };
  }
  throw new SqlError(SqlState.FeatureNotSupported, `${tag.replace(/Stmt$/, '')} is not supported`);
}

function explain(s: Session, v: Node, params: readonly Datum[]): StatementResult {
  const q = v.query;
  const tag = nodeTag(q);
  const binder = s.binder([]);
  let plan;
  if (tag === 'SelectStmt') plan = optimize(binder.bindTopQuery(q.SelectStmt));
  // EXPLAIN CREATE TABLE … AS SELECT explains its query, as in PostgreSQL.
  else if (tag === 'CreateTableAsStmt' && q.CreateTableAsStmt.query?.SelectStmt) plan = optimize(binder.bindTopQuery(q.CreateTableAsStmt.query.SelectStmt));
  else if (tag === 'InsertStmt' || tag === 'UpdateStmt' || tag === 'DeleteStmt') {
    const bound = bindDml(s, binder, { node: q, text: '', offset: 0 });
    plan = bound.source;
  } else throw new SqlError(SqlState.FeatureNotSupported, `EXPLAIN is not supported for ${tag.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()}`);
  void params;
  const lines = plan ? explainPlan(plan) : [tag.replace(/Stmt$/, '')];
  return { kind: 'rows', columns: [{ name: 'QUERY PLAN', type: T.text }], rows: lines.map((l) => [l]), tag: 'EXPLAIN' };
}

async function comment(s: Session, v: Node): Promise<StatementResult> {
  const c: string | null = v.comment ?? null;
  const names = v.object?.List ? nameList(v.object.List.items) : v.object?.String ? [v.object.String.sval] : [];
  if (v.objtype === 'OBJECT_TABLE' || v.objtype === 'OBJECT_VIEW' || v.objtype === 'OBJECT_MATVIEW') {
    const name = names.pop()!;
    const r = s.catalogView.lookupRelation(names.pop() ?? null, name);
    if (!r || r.kind !== 'relation') throw new SqlError(SqlState.UndefinedTable, `relation "${name}" does not exist`);
    r.rel.comment = c ?? undefined;
    await s.db.catalog.touch();
  } else if (v.objtype === 'OBJECT_COLUMN') {
    const col = names.pop()!;
    const name = names.pop()!;
    const r = s.catalogView.lookupRelation(names.pop() ?? null, name);
    if (!r || r.kind !== 'relation') throw new SqlError(SqlState.UndefinedTable, `relation "${name}" does not exist`);
    if (!r.rel.columns.some((x) => x.name === col)) throw new SqlError(SqlState.UndefinedColumn, `column "${col}" of relation "${name}" does not exist`);
    r.rel.columnComments = { ...(r.rel.columnComments ?? {}), [col]: c ?? '' };
    if (c === null) delete r.rel.columnComments[col];
    await s.db.catalog.touch();
  }
  return { kind: 'command', tag: 'COMMENT' };
}

// INSERT (VALUES, SELECT, DEFAULT, ON CONFLICT, RETURNING), UPDATE and DELETE on tables.

import { SqlError, SqlState } from '../../errors.js';
import { T, formatType } from '../../types/datatype.js';
import type { Datum, Row } from '../../types/value.js';
import { rowKey } from '../../types/value.js';
import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan, OutputColumn } from '../../plan/logical.js';
import type { RelationDef } from '../../catalog/catalog.js';
import { Node, nameList, nodeTag } from '../../sql/ast.js';
import type { ParsedStatement } from '../../sql/parser.js';
import type { Binder } from '../../sql/binder/binder.js';
import { bindExpr, coerce, coerceBool, constExpr } from '../../sql/binder/bind-expr.js';
import { bindQuery, targetName } from '../../sql/binder/bind-select.js';
import { bindFrom } from '../../sql/binder/bind-from.js';
import { commonType } from '../../functions/coerce.js';
import { Scope, type ScopeColumn } from '../../sql/binder/scope.js';
import { optimize } from '../../optimizer/optimizer.js';
import { compileExpr } from '../../executor/compile-expr.js';
import { runPlan } from '../../executor/run-plan.js';
import type { Session } from '../session.js';
import type { PreparedStatement, StatementResult } from '../result.js';
import { bindDefault } from './defaults.js';
import { tableByRangeVar } from './ddl.js';

export function isDml(tag: string): boolean { return tag === 'InsertStmt' || tag === 'UpdateStmt' || tag === 'DeleteStmt'; }

interface Returning { exprs: Expr[]; columns: OutputColumn[] }

export type BoundDml =
  | { kind: 'insert'; rel: RelationDef; source: LogicalPlan; onConflict: BoundOnConflict | null; returning: Returning | null }
  | { kind: 'update'; rel: RelationDef; predicate: Expr | null; sets: { index: number; expr: Expr }[]; returning: Returning | null; source?: undefined; from: LogicalPlan | null }
  | { kind: 'delete'; rel: RelationDef; predicate: Expr | null; returning: Returning | null; source?: undefined; from: LogicalPlan | null };

interface BoundOnConflict { action: 'nothing' | 'update'; sets: { index: number; expr: Expr }[]; where: Expr | null }

function tableScope(rel: RelationDef, alias: string | undefined): ScopeColumn[] {
  return rel.columns.map((c, i) => ({ qualifier: alias ?? rel.name, name: c.name, type: c.type, tableOid: rel.oid, attnum: i + 1 }));
}

function bindReturning(b: Binder, list: Node[] | undefined, scope: Scope): Returning | null {
  if (!list || list.length === 0) return null;
  const exprs: Expr[] = [];
  const columns: OutputColumn[] = [];
  for (const item of list) {
    const rt = item.ResTarget;
    const f = rt.val.ColumnRef ? nameList(rt.val.ColumnRef.fields) : [];
    if (f[f.length - 1] === '*') {
      scope.columns.forEach((c, i) => { exprs.push({ kind: 'column', type: c.type, index: i }); columns.push({ name: c.name, type: c.type, tableOid: c.tableOid, attnum: c.attnum }); });
      continue;
    }
    let e = bindExpr(b, rt.val, { scope, clause: 'RETURNING' });
    if (e.type.kind === 'scalar' && e.type.id === 'unknown') e = coerce(b, e, T.text);
    exprs.push(e);
    columns.push({ name: rt.name ?? targetName(rt.val), type: e.type });
  }
  return { exprs, columns };
}

function columnIndex(rel: RelationDef, name: string, position?: number): number {
  const i = rel.columns.findIndex((c) => c.name === name);
  if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${name}" of relation "${rel.name}" does not exist`, { position });
  return i;
}

function bindSets(b: Binder, rel: RelationDef, targets: Node[], scope: Scope): { index: number; expr: Expr }[] {
  const sets: { index: number; expr: Expr }[] = [];
  for (const t of targets) {
    const rt = t.ResTarget;
    let val: Node = rt.val;
    if (val?.MultiAssignRef) {
      // SET (a, b) = (x, y): each target takes its element of the row.
      const m = val.MultiAssignRef;
      if (!m.source?.RowExpr) throw new SqlError(SqlState.FeatureNotSupported, 'multiple-column UPDATE SET from a subquery is not supported');
      const items: Node[] = m.source.RowExpr.args ?? [];
      if (items.length !== m.ncolumns) throw new SqlError(SqlState.SyntaxError, 'number of columns does not match number of values');
      val = items[m.colno - 1];
    }
    const idx = columnIndex(rel, rt.name, rt.location + 1);
    if (sets.some((x) => x.index === idx)) throw new SqlError(SqlState.SyntaxError ?? '42601', `multiple assignments to same column "${rt.name}"`);
    const col = rel.columns[idx];
    const expr = val.SetToDefault
      ? (col.defaultSql ? bindDefault(b, col.defaultSql, col.type) : constExpr(null, col.type))
      : coerce(b, bindExpr(b, val, { scope, clause: 'UPDATE' }), col.type, 'assignment', rt.location + 1);
    sets.push({ index: idx, expr });
  }
  return sets;
}

export function bindDml(s: Session, b: Binder, stmt: ParsedStatement): BoundDml {
  const tag = nodeTag(stmt.node);
  const v = stmt.node[tag];
  if (v.withClause) throw new SqlError(SqlState.FeatureNotSupported, 'WITH on INSERT/UPDATE/DELETE is not supported');
  const rel = tableByRangeVar(s, v.relation);
  const alias: string | undefined = v.relation.alias?.aliasname;
  let scope = new Scope(tableScope(rel, alias), null);
  if (tag === 'InsertStmt') return bindInsert(s, b, v, rel, scope);
  // UPDATE … FROM and DELETE … USING: expressions see the target row followed by a row of the
  // other relations, and the target row qualifies when some such pair satisfies WHERE.
  const others: Node[] | undefined = tag === 'UpdateStmt' ? v.fromClause : v.usingClause;
  let from: LogicalPlan | null = null;
  if (others?.length) {
    const f = bindFrom(b, others, new Scope([], null));
    const clash = f.columns.find((c) => c.qualifier !== null && c.qualifier === (alias ?? rel.name));
    if (clash) throw new SqlError('42712', `table name "${clash.qualifier}" specified more than once`);
    from = optimize(f.plan);
    scope = new Scope([...scope.columns, ...f.columns], null);
  }
  const predicate = v.whereClause ? coerceBool(b, bindExpr(b, v.whereClause, { scope, clause: 'WHERE' }), 'WHERE') : null;
  const returning = bindReturning(b, (v.returningClause?.exprs ?? v.returningList), scope);
  if (tag === 'UpdateStmt') return { kind: 'update', rel, predicate, sets: bindSets(b, rel, v.targetList, scope), returning, from };
  return { kind: 'delete', rel, predicate, returning, from };
}

function bindInsert(s: Session, b: Binder, v: Node, rel: RelationDef, scope: Scope): BoundDml {
  let targetCols: number[] = v.cols ? (v.cols as Node[]).map((c) => columnIndex(rel, c.ResTarget.name, c.ResTarget.location + 1)) : rel.columns.map((_, i) => i);
  // Without a column list, PostgreSQL fills the first N columns from N expressions; the rest get defaults.
  const implicitTargets = (n: number) => { if (!v.cols && n < targetCols.length) targetCols = targetCols.slice(0, n); };
  if (new Set(targetCols).size !== targetCols.length) throw new SqlError(SqlState.DuplicateColumn, 'column specified more than once');
  const defaultFor = (i: number): Expr => {
    const c = rel.columns[i];
    return c.defaultSql ? bindDefault(b, c.defaultSql, c.type) : constExpr(null, c.type);
  };
  let source: LogicalPlan;
  const columns: OutputColumn[] = rel.columns.map((c) => ({ name: c.name, type: c.type }));
  const sel = v.selectStmt?.SelectStmt;
  if (!sel) {
    source = { kind: 'values', rows: [rel.columns.map((_, i) => defaultFor(i))], columns };
  } else if (sel.valuesLists && !sel.sortClause && !sel.limitCount && (!sel.op || sel.op === 'SETOP_NONE')) {
    const lists: Node[][] = (sel.valuesLists as Node[]).map((l) => l.List.items);
    if (lists.some((l) => l.length !== lists[0].length)) throw new SqlError(SqlState.SyntaxError, 'VALUES lists must all be the same length');
    implicitTargets(lists[0].length);
    for (const items of lists) {
      if (items.length > targetCols.length) throw new SqlError(SqlState.SyntaxError, 'INSERT has more expressions than target columns');
      if (items.length < targetCols.length) throw new SqlError(SqlState.SyntaxError, 'INSERT has more target columns than expressions');
    }
    // Columns whose expressions are all untyped literals take the target column's type directly.
    const ctx = { scope: new Scope([], null), clause: 'VALUES' };
    const bound = lists.map((items) => items.map((n, j) => (n.SetToDefault ? null : bindExpr(b, n, ctx))));
    const rows = bound.map((items) => {
      const row: Expr[] = rel.columns.map((_, i) => defaultFor(i));
      items.forEach((e, j) => {
        const ci = targetCols[j];
        row[ci] = e === null ? defaultFor(ci) : coerce(b, e, rel.columns[ci].type, 'assignment', undefined);
      });
      return row;
    });
    void commonType;
    source = { kind: 'values', rows, columns };
  } else {
    const q = bindQuery(b, v.selectStmt, new Scope([], null));
    implicitTargets(q.columns.length);
    if (q.columns.length > targetCols.length) throw new SqlError(SqlState.SyntaxError, 'INSERT has more expressions than target columns');
    if (q.columns.length < targetCols.length) throw new SqlError(SqlState.SyntaxError, 'INSERT has more target columns than expressions');
    const exprs: Expr[] = rel.columns.map((_, i) => defaultFor(i));
    targetCols.forEach((ci, j) => {
      const t = q.columns[j].type;
      const col: Expr = { kind: 'column', type: t, index: j };
      try {
        exprs[ci] = coerce(b, col, rel.columns[ci].type, 'assignment');
      } catch {
        throw new SqlError(SqlState.DatatypeMismatch, `column "${rel.columns[ci].name}" is of type ${formatType(rel.columns[ci].type)} but expression is of type ${formatType(t)}`, { hint: 'You will need to rewrite or cast the expression.' });
      }
    });
    source = { kind: 'project', input: optimize(q), exprs, columns };
  }
  let onConflict: BoundOnConflict | null = null;
  const oc = v.onConflictClause;
  if (oc) {
    if (!rel.primaryKey?.length) throw new SqlError(SqlState.InvalidColumnReference ?? '42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
    if (oc.infer?.indexElems) {
      const names = (oc.infer.indexElems as Node[]).map((e) => e.IndexElem.name);
      const pkNames = rel.primaryKey.map((i) => rel.columns[i].name);
      if (names.length !== pkNames.length || !names.every((n) => pkNames.includes(n))) {
        throw new SqlError(SqlState.InvalidColumnReference ?? '42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
      }
    }
    if (oc.action === 'ONCONFLICT_NOTHING') onConflict = { action: 'nothing', sets: [], where: null };
    else {
      // SET expressions see the existing row and the proposed one as EXCLUDED.
      const excl: ScopeColumn[] = rel.columns.map((c) => ({ qualifier: 'excluded', name: c.name, type: c.type }));
      const ocScope = new Scope([...scope.columns, ...excl], null);
      const sets = bindSets(b, rel, oc.targetList, ocScope);
      const where = oc.whereClause ? coerceBool(b, bindExpr(b, oc.whereClause, { scope: ocScope, clause: 'WHERE' }), 'WHERE') : null;
      onConflict = { action: 'update', sets, where };
    }
  }
  return { kind: 'insert', rel, source, onConflict, returning: bindReturning(b, (v.returningClause?.exprs ?? v.returningList), scope) };
}

function checkRow(rel: RelationDef, row: Row): void {
  for (let i = 0; i < rel.columns.length; i++) {
    if (row[i] === null && rel.columns[i].notNull) {
      throw new SqlError(SqlState.NotNullViolation, `null value in column "${rel.columns[i].name}" of relation "${rel.name}" violates not-null constraint`, {
        detail: `Failing row contains (${row.map((d) => (d === null ? 'null' : String(d))).join(', ')}).`,
      });
    }
  }
}

function uniqueViolation(rel: RelationDef, row: Row): SqlError {
  const cols = rel.primaryKey!.map((i) => rel.columns[i].name).join(', ');
  const vals = rel.primaryKey!.map((i) => String(row[i])).join(', ');
  return new SqlError(SqlState.UniqueViolation, `duplicate key value violates unique constraint "${rel.primaryKeyName ?? rel.name + '_pkey'}"`, { detail: `Key (${cols})=(${vals}) already exists.` });
}

export function executeDml(s: Session, p: PreparedStatement, params: readonly Datum[]): StatementResult {
  const b = s.binder(p.paramTypes);
  const bound = bindDml(s, b, p.stmt!);
  const ctx = s.execContext(params);
  const o = s.tableOverlay(bound.rel.oid);
  const rel = bound.rel;
  const pk = rel.primaryKey;
  const ret = bound.returning ? bound.returning.exprs.map((e) => compileExpr(e, ctx)) : null;
  const returned: Row[] = [];
  const emit = (r: Row) => { if (ret) returned.push(ret.map((f) => f(r))); };
  let count = 0;
  if (bound.kind === 'insert') {
    const rows = runPlan(bound.source, ctx);
    const oc = bound.onConflict;
    const sets = oc?.sets.map((x) => ({ index: x.index, f: compileExpr(x.expr, ctx) })) ?? [];
    const where = oc?.where ? compileExpr(oc.where, ctx) : null;
    const touched = new Set<number>();
    for (const row of rows) {
      ctx.tick();
      checkRow(rel, row);
      if (pk) {
        const existing = o.lookupPk(rowKey(row, pk));
        if (existing !== undefined) {
          if (!oc) throw uniqueViolation(rel, row);
          if (oc.action === 'nothing') continue;
          if (touched.has(existing)) throw new SqlError(SqlState.CardinalityViolation, 'ON CONFLICT DO UPDATE command cannot affect row a second time', { hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.' });
          const old = o.get(existing)!;
          const both = old.concat(row);
          if (where && where(both) !== true) continue;
          const next = old.slice();
          for (const st of sets) next[st.index] = st.f(both);
          checkRow(rel, next);
          if (rowKey(next, pk) !== rowKey(old, pk) && o.lookupPk(rowKey(next, pk)) !== undefined) throw uniqueViolation(rel, next);
          o.update(existing, next);
          touched.add(existing);
          emit(next);
          count++;
          continue;
        }
      }
      const id = o.insert(row);
      touched.add(id);
      emit(row);
      count++;
    }
    return finish(bound, `INSERT 0 ${count}`, returned);
  }
  const pred = bound.predicate ? compileExpr(bound.predicate, ctx) : null;
  // Each match is the table row id, the table row, and the row expressions see: the table row,
  // followed by the first row of FROM/USING it pairs with (PostgreSQL picks an arbitrary one).
  const matches: [number, Row, Row][] = [];
  const others = bound.from ? runPlan(bound.from, ctx) : null;
  for (const [id, row] of o.entries()) {
    ctx.tick();
    if (!others) { if (!pred || pred(row) === true) matches.push([id, row, row]); continue; }
    for (const other of others) {
      const both = row.concat(other);
      if (!pred || pred(both) === true) { matches.push([id, row, both]); break; }
    }
  }
  if (bound.kind === 'delete') {
    for (const [id, , seen] of matches) { o.delete(id); emit(seen); count++; }
    return finish(bound, `DELETE ${count}`, returned);
  }
  const sets = bound.sets.map((x) => ({ index: x.index, f: compileExpr(x.expr, ctx) }));
  const updates: [number, Row, Row, Row][] = [];
  for (const [id, row, seen] of matches) {
    const next = row.slice();
    for (const st of sets) next[st.index] = st.f(seen);
    checkRow(rel, next);
    updates.push([id, row, next, seen.length > row.length ? next.concat(seen.slice(row.length)) : next]);
  }
  if (pk) {
    // Key changes are checked against the table after all updates, so `SET id = id + 1` works.
    const moving = new Set(updates.map(([id]) => id));
    const newKeys = new Map<string, number>();
    for (const [id, , next] of updates) {
      const k = rowKey(next, pk);
      const other = o.lookupPk(k);
      if ((other !== undefined && !moving.has(other)) || newKeys.has(k)) throw uniqueViolation(rel, next);
      newKeys.set(k, id);
    }
  }
  for (const [id, , next, returnedRow] of updates) { o.update(id, next); emit(returnedRow); count++; }
  return finish(bound, `UPDATE ${count}`, returned);
}

function finish(bound: BoundDml, tag: string, rows: Row[]): StatementResult {
  if (bound.returning) return { kind: 'rows', columns: bound.returning.columns, rows, tag };
  return { kind: 'command', tag };
}

// FROM clause: tables, views (inlined), CTE references, system catalogs, subqueries,
// table functions, window table functions (TUMBLE/HOP, bind-window-tvf.ts) and joins.

import { SqlError, SqlState } from '../../errors.js';
import { T } from '../../types/datatype.js';
import type { Datum } from '../../types/value.js';
import type { Expr } from '../../plan/expr.js';
import type { JoinType, LogicalPlan, OutputColumn } from '../../plan/logical.js';
import { commonType } from '../../functions/coerce.js';
import { parseSql } from '../parser.js';
import { Node, nameList, nodeTag } from '../ast.js';
import type { Binder } from './binder.js';
import { bindExpr, coerce, coerceBool } from './bind-expr.js';
import { bindQuery, renameColumns } from './bind-select.js';
import { Scope, type ScopeColumn } from './scope.js';
import { setReturningFunction, setReturningType } from './set-returning.js';
import { bindWindowTvf, windowTvfKind } from './bind-window-tvf.js';
import { bindSourceWatermark } from './bind-watermark.js';

export interface FromResult { readonly plan: LogicalPlan; readonly columns: ScopeColumn[] }

export function bindFrom(b: Binder, items: Node[], scope: Scope): FromResult {
  let acc: FromResult | undefined;
  for (const item of items) {
    const r = bindFromItem(b, item, scope);
    acc = acc ? crossJoin(acc, r) : r;
  }
  return acc!;
}

function crossJoin(l: FromResult, r: FromResult): FromResult {
  return {
    plan: { kind: 'join', joinType: 'cross', left: l.plan, right: r.plan, condition: null, columns: [...l.plan.columns, ...r.plan.columns] },
    columns: [...l.columns, ...r.columns],
  };
}

export function aliasNames(alias: Node | undefined): { name?: string; cols: string[] } {
  if (!alias) return { cols: [] };
  return { name: alias.aliasname, cols: nameList(alias.colnames) };
}

export function scopeOf(plan: LogicalPlan, qualifier: string | null): ScopeColumn[] {
  return plan.columns.map((c) => ({ qualifier, name: c.name, type: c.type, tableOid: c.tableOid, attnum: c.attnum }));
}

function bindFromItem(b: Binder, item: Node, scope: Scope): FromResult {
  const tag = nodeTag(item);
  const v = item[tag];
  switch (tag) {
    case 'RangeVar': return bindRangeVar(b, v, scope);
    case 'RangeSubselect': {
      if (v.lateral) throw new SqlError(SqlState.FeatureNotSupported, 'LATERAL is not supported');
      const a = aliasNames(v.alias);
      // A derived table sees the same outer scopes as the query it sits in.
      let plan = bindQuery(b, v.subquery, new Scope([], scope.parent));
      if (a.cols.length) plan = renameColumns(plan, a.cols);
      return { plan, columns: scopeOf(plan, a.name ?? null) };
    }
    case 'JoinExpr': return bindJoin(b, v, scope);
    case 'RangeFunction': return bindRangeFunction(b, v, scope);
    default:
      throw new SqlError(SqlState.FeatureNotSupported, `unsupported FROM item ${tag}`);
  }
}

export function bindRangeVar(b: Binder, v: Node, scope: Scope): FromResult {
  const name: string = v.relname;
  const schema: string | null = v.schemaname ?? null;
  const a = aliasNames(v.alias);
  const qualifier = a.name ?? name;
  if (!schema) {
    const cte = scope.findCte(name);
    if (cte) {
      let plan: LogicalPlan = { kind: 'cteRef', cte, columns: cte.plan.columns };
      if (a.cols.length) plan = renameColumns(plan, a.cols);
      return { plan, columns: scopeOf(plan, qualifier) };
    }
  }
  const rel = b.catalog.lookupRelation(schema, name);
  if (!rel) {
    throw new SqlError(SqlState.UndefinedTable, `relation "${schema ? schema + '.' : ''}${name}" does not exist`, { position: v.location + 1 });
  }
  if (rel.kind !== 'system') b.relationsRead.add(rel.rel.oid);
  let plan: LogicalPlan;
  if (rel.kind === 'system') {
    plan = { kind: 'systemScan', table: `${rel.schema}.${rel.name}`, columns: rel.columns };
  } else if (rel.rel.kind === 'view') {
    const [stmt] = parseSql(rel.rel.query!);
    plan = bindQuery(b, stmt.node, new Scope([], null));
    plan = renameColumns(plan, rel.rel.columns.map((c) => c.name));
  } else {
    const r = rel.rel;
    const columns = r.columns.map((c, i) => ({ name: c.name, type: c.type, tableOid: r.oid, attnum: i + 1 }));
    const watermark = r.kind === 'source' ? bindSourceWatermark(b, columns, r.options, r.name) : undefined;
    plan = { kind: 'scan', tableOid: r.oid, columns, primaryKey: r.primaryKey, ...(watermark ? { watermark } : {}) };
  }
  if (a.cols.length) plan = renameColumns(plan, a.cols);
  return { plan, columns: scopeOf(plan, qualifier) };
}

function bindRangeFunction(b: Binder, v: Node, scope: Scope): FromResult {
  if (v.lateral) throw new SqlError(SqlState.FeatureNotSupported, 'LATERAL is not supported');
  const fnNode = v.functions[0].List.items[0];
  const fc = fnNode.FuncCall;
  if (!fc) throw new SqlError(SqlState.FeatureNotSupported, 'unsupported function in FROM');
  const windowTvf = windowTvfKind(fc.funcname);
  if (windowTvf) return bindWindowTvf(b, windowTvf, v, fc, scope);
  const fname = nameList(fc.funcname).pop()!.toLowerCase();
  const args: Expr[] = ((fc.args ?? []) as Node[]).map((x) => bindExpr(b, x, { scope: new Scope([], scope.parent), clause: 'functions in FROM' }));
  const a = aliasNames(v.alias);
  const fn = setReturningFunction(fname);
  let columns: OutputColumn[];
  let plan: LogicalPlan;
  if (fn) {
    const sig = setReturningType(fname, args.map((x) => x.type));
    const cargs = args.map((x, i) => coerce(b, x, sig.argTypes[i] ?? x.type));
    // A function returning composite rows (_pg_expandarray) gives one column per field.
    const fields = sig.type.kind === 'scalar' ? sig.type.fields : undefined;
    columns = fields ? fields.map((f, i) => ({ name: a.cols[i] ?? f.name, type: f.type }))
      : [{ name: a.cols[0] ?? (a.name && !a.cols.length ? a.name : fname), type: sig.type }];
    if (v.ordinality) columns.push({ name: a.cols[columns.length] ?? 'ordinality', type: T.int8 });
    const ord = !!v.ordinality;
    plan = {
      kind: 'tableFunction', name: fname, args: cargs, columns,
      fn: function* (vals) {
        let i = 1;
        for (const x of fn(vals)) {
          const row = fields ? [...(x as Datum[])] : [x];
          if (ord) row.push(BigInt(i++));
          yield row;
        }
      },
    };
  } else {
    // A scalar function in FROM yields one row.
    const e = b.bindSpecialFunction(fname, args, { scope, clause: 'FROM' }) ?? bindExpr(b, fnNode, { scope: new Scope([], scope.parent), clause: 'FROM' });
    columns = [{ name: a.cols[0] ?? a.name ?? fname, type: e.type }];
    plan = { kind: 'project', input: { kind: 'values', rows: [[]], columns: [] }, exprs: [e], columns };
  }
  return { plan, columns: scopeOf(plan, a.name ?? fname) };
}

function bindJoin(b: Binder, v: Node, scope: Scope): FromResult {
  const left = bindFromItem(b, v.larg, scope);
  const right = bindFromItem(b, v.rarg, scope);
  const jt: JoinType = v.jointype === 'JOIN_LEFT' ? 'left' : v.jointype === 'JOIN_RIGHT' ? 'right' : v.jointype === 'JOIN_FULL' ? 'full' : 'inner';
  const columns = [...left.columns, ...right.columns];
  const joinScope = new Scope(columns, scope.parent);
  joinScope.ctes.forEach(() => undefined);
  let condition: Expr | null = null;
  let usingNames: string[] = nameList(v.usingClause);
  if (v.isNatural) {
    const ln = left.columns.filter((c) => !c.hidden).map((c) => c.name);
    usingNames = right.columns.filter((c) => !c.hidden && ln.includes(c.name)).map((c) => c.name);
  }
  let outCols = columns;
  let plan: LogicalPlan;
  if (usingNames.length) {
    const conds: Expr[] = [];
    const merged: { name: string; l: number; r: number }[] = [];
    for (const n of usingNames) {
      const li = new Scope(left.columns, null).resolve(null, n);
      const ri = new Scope(right.columns, null).resolve(null, n);
      if (li === undefined) throw new SqlError(SqlState.UndefinedColumn, `column "${n}" specified in USING clause does not exist in left table`);
      if (ri === undefined) throw new SqlError(SqlState.UndefinedColumn, `column "${n}" specified in USING clause does not exist in right table`);
      const t = commonType([left.columns[li].type, right.columns[ri].type], 'JOIN/USING');
      const l: Expr = coerce(b, { kind: 'column', type: left.columns[li].type, index: li }, t);
      const r: Expr = coerce(b, { kind: 'column', type: right.columns[ri].type, index: left.columns.length + ri }, t);
      conds.push(b.equals(l, r));
      merged.push({ name: n, l: li, r: left.columns.length + ri });
    }
    condition = conds.length === 1 ? conds[0] : { kind: 'and', type: T.bool, args: conds };
    plan = { kind: 'join', joinType: jt, left: left.plan, right: right.plan, condition, columns: [...left.plan.columns, ...right.plan.columns] };
    // Output: merged USING columns first (COALESCE for FULL/RIGHT), then the rest; the originals stay reachable by qualifier.
    const exprs: Expr[] = [];
    outCols = [];
    for (const m of merged) {
      const lc = columns[m.l], rc = columns[m.r];
      const t = commonType([lc.type, rc.type], 'JOIN/USING');
      const le = coerce(b, { kind: 'column', type: lc.type, index: m.l }, t), re = coerce(b, { kind: 'column', type: rc.type, index: m.r }, t);
      exprs.push(jt === 'full' ? { kind: 'coalesce', type: t, args: [le, re] } : jt === 'right' ? re : le);
      outCols.push({ qualifier: null, name: m.name, type: t });
    }
    columns.forEach((c, i) => {
      const isMerged = merged.some((m) => m.l === i || m.r === i);
      exprs.push({ kind: 'column', type: c.type, index: i });
      outCols.push(isMerged ? { ...c, hidden: true } : c);
    });
    // The merged column is also visible under each side's qualifier.
    plan = { kind: 'project', input: plan, exprs, columns: outCols.map((c) => ({ name: c.name, type: c.type, tableOid: c.tableOid, attnum: c.attnum })) };
    if (v.alias) outCols = outCols.map((c) => ({ ...c, qualifier: v.alias.aliasname }));
    return { plan, columns: outCols };
  }
  if (v.quals) condition = coerceBool(b, bindExpr(b, v.quals, { scope: joinScope, clause: 'JOIN conditions' }), 'JOIN/ON');
  plan = { kind: 'join', joinType: v.quals || jt !== 'inner' ? jt : 'cross', left: left.plan, right: right.plan, condition, columns: [...left.plan.columns, ...right.plan.columns] };
  if (v.alias) outCols = outCols.map((c) => ({ ...c, qualifier: v.alias.aliasname }));
  return { plan, columns: outCols };
}

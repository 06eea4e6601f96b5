// SELECT (and VALUES, UNION/INTERSECT/EXCEPT, WITH) → logical plan.
// Order of evaluation: FROM → WHERE → GROUP BY/aggregates → HAVING → windows → select list →
// DISTINCT → ORDER BY → LIMIT/OFFSET, as in PostgreSQL.

import { SqlError, SqlState } from '../../errors.js';
import { DataType, T } from '../../types/datatype.js';
import type { Expr, SortSpec } from '../../plan/expr.js';
import type { AggCall, CteDef, LogicalPlan, OutputColumn, WindowCall } from '../../plan/logical.js';
import { commonType } from '../../functions/coerce.js';
import { Node, constInt, nameList, nodeTag } from '../ast.js';
import { type Binder, sortSpec } from './binder.js';
import { type ExprCtx, bindExpr, coerce, coerceBool } from './bind-expr.js';
import { bindFrom } from './bind-from.js';
import { exprKey, mapExpr } from './expr-key.js';
import { regroupOuterRefs } from './grouped-outer-refs.js';
import { GROUPING_CALL, bindGroupingCall, expandGroupBy, groupingSetsPlan } from './grouping-sets.js';
import { Scope, type ScopeColumn } from './scope.js';
import { setReturningFunction } from './set-returning.js';

export function bindQuery(b: Binder, n: Node, scope: Scope): LogicalPlan {
  const s = n.SelectStmt ?? n;
  if (s.withClause) bindWith(b, s.withClause, scope);
  if (s.intoClause) throw new SqlError(SqlState.FeatureNotSupported, 'SELECT INTO is not supported; use CREATE TABLE … AS');
  if (s.lockingClause) { /* FOR UPDATE/SHARE: single-writer engine, nothing to lock */ }
  let plan: LogicalPlan;
  if (s.op && s.op !== 'SETOP_NONE') {
    plan = bindSetOp(b, s, scope);
    plan = applyOrderLimit(b, plan, s, scope);
  } else if (s.valuesLists) {
    plan = bindValues(b, s.valuesLists, scope);
    plan = applyOrderLimit(b, plan, s, scope);
  } else {
    plan = bindSelect(b, s, scope);
  }
  return plan;
}

function bindWith(b: Binder, w: Node, scope: Scope): void {
  for (const c of w.ctes as Node[]) {
    const cte = c.CommonTableExpr;
    const name: string = cte.ctename;
    const aliases = nameList(cte.aliascolnames);
    const def: CteDef = { name, id: b.cteCounter++, plan: undefined as unknown as LogicalPlan };
    const q = cte.ctequery.SelectStmt;
    if (w.recursive && q && q.op === 'SETOP_UNION' && referencesName(q.rarg, name)) {
      const anchor = bindQuery(b, q.larg, new Scope([], scope));
      const columns = anchor.columns.map((col, i) => ({ ...col, name: aliases[i] ?? col.name }));
      def.plan = { kind: 'values', rows: [], columns };
      // The recursive term sees the CTE as the working table with the anchor's columns.
      scope.ctes.set(name, def);
      const step = bindQuery(b, q.rarg, new Scope([], scope));
      if (step.columns.length !== columns.length) throw new SqlError(SqlState.SyntaxError, `each UNION query must have the same number of columns`);
      const stepCast = castColumns(b, step, columns.map((c2) => c2.type));
      def.recursive = { anchor, step: stepCast, all: !!q.all };
      def.plan = { kind: 'cteRef', cte: def, columns };
      continue;
    }
    let plan = bindQuery(b, cte.ctequery, new Scope([], scope));
    if (aliases.length) plan = renameColumns(plan, aliases);
    def.plan = plan;
    scope.ctes.set(name, def);
  }
}

function referencesName(n: Node, name: string): boolean {
  return JSON.stringify(n).includes(`"relname":${JSON.stringify(name)}`);
}

export function renameColumns(plan: LogicalPlan, names: string[]): LogicalPlan {
  if (names.length > plan.columns.length) throw new SqlError(SqlState.InvalidColumnReference ?? '42P10', `table has ${plan.columns.length} columns available but ${names.length} columns specified`);
  const columns = plan.columns.map((c, i) => ({ ...c, name: names[i] ?? c.name }));
  return { ...plan, columns } as LogicalPlan;
}

function castColumns(b: Binder, plan: LogicalPlan, types: DataType[], literal: boolean[] = []): LogicalPlan {
  if (plan.columns.every((c, i) => JSON.stringify(c.type) === JSON.stringify(types[i]))) return plan;
  // A column that was an untyped literal converts as the literal would (its text is parsed).
  const exprs = plan.columns.map((c, i) => coerce(b, { kind: 'column', type: c.type, index: i }, types[i], literal[i] ? 'explicit' : 'implicit'));
  return { kind: 'project', input: plan, exprs, columns: plan.columns.map((c, i) => ({ name: c.name, type: types[i] })) };
}

function bindValues(b: Binder, lists: Node[], scope: Scope): LogicalPlan {
  const ctx: ExprCtx = { scope, clause: 'VALUES' };
  const rows = lists.map((l) => (l.List.items as Node[]).map((x) => bindExpr(b, x, ctx)));
  const width = rows[0].length;
  if (rows.some((r) => r.length !== width)) throw new SqlError(SqlState.SyntaxError, 'VALUES lists must all be the same length');
  const types = Array.from({ length: width }, (_, i) => commonType(rows.map((r) => r[i].type), 'VALUES'));
  const coerced = rows.map((r) => r.map((e, i) => coerce(b, e, types[i])));
  return { kind: 'values', rows: coerced, columns: types.map((t, i) => ({ name: `column${i + 1}`, type: t })) };
}

function bindSetOp(b: Binder, s: Node, scope: Scope): LogicalPlan {
  // Each branch is a query at this level: same outer scope, and it sees this level's WITH.
  const branchScope = () => { const bs = new Scope([], scope.parent); for (const [k, v] of scope.ctes) bs.ctes.set(k, v); return bs; };
  const left = bindQuery(b, s.larg, branchScope());
  const right = bindQuery(b, s.rarg, branchScope());
  const opName = s.op === 'SETOP_UNION' ? 'union' : s.op === 'SETOP_INTERSECT' ? 'intersect' : 'except';
  if (left.columns.length !== right.columns.length) {
    throw new SqlError(SqlState.SyntaxError, `each ${opName.toUpperCase()} query must have the same number of columns`);
  }
  // Untyped literals ('a', NULL) take the other branch's type, as in PostgreSQL's select_common_type.
  const ll = untypedLiteralColumns(s.larg), rl = untypedLiteralColumns(s.rarg);
  const typeOf = (c: { type: DataType }, lit: boolean) => (lit ? T.unknown : c.type);
  const types = left.columns.map((c, i) => commonType([typeOf(c, ll[i]), typeOf(right.columns[i], rl[i])], opName.toUpperCase()));
  const l = castColumns(b, left, types, ll), r = castColumns(b, right, types, rl);
  return { kind: 'setop', op: opName, all: !!s.all, left: l, right: r, columns: left.columns.map((c, i) => ({ name: c.name, type: types[i] })) };
}

/** Which output columns of a plain SELECT branch are bare string literals or NULL. */
function untypedLiteralColumns(n: Node): boolean[] {
  const s = n.SelectStmt ?? n; // set-operation branches arrive unwrapped
  if (!s || (s.op && s.op !== 'SETOP_NONE') || s.valuesLists || s.groupClause || s.distinctClause) return [];
  return ((s.targetList ?? []) as Node[]).map((t) => {
    const c = t.ResTarget?.val?.A_Const;
    return !!c && (c.isnull === true || c.sval !== undefined);
  });
}

/** ORDER BY / LIMIT on a set operation or VALUES: only output columns can be named. */
function applyOrderLimit(b: Binder, plan: LogicalPlan, s: Node, scope: Scope): LogicalPlan {
  if (s.sortClause) {
    const outScope = new Scope(plan.columns.map((c) => ({ qualifier: null, name: c.name, type: c.type })), scope.parent);
    const keys = (s.sortClause as Node[]).map((sb) => {
      const ord = constInt(sb.SortBy.node);
      if (ord !== undefined && sb.SortBy.node.A_Const) {
        if (ord < 1 || ord > plan.columns.length) throw new SqlError(SqlState.InvalidColumnReference ?? '42P10', `ORDER BY position ${ord} is not in select list`);
        return sortSpec({ kind: 'column', type: plan.columns[ord - 1].type, index: ord - 1 }, sb.SortBy);
      }
      return b.bindSortBy(sb.SortBy, { scope: outScope, clause: 'ORDER BY' });
    });
    plan = { kind: 'sort', input: plan, keys, columns: plan.columns };
  }
  return applyLimit(b, plan, s, scope);
}

function applyLimit(b: Binder, plan: LogicalPlan, s: Node, scope: Scope): LogicalPlan {
  if (!s.limitCount && !s.limitOffset) return plan;
  const ctx: ExprCtx = { scope: new Scope([], scope.parent), clause: 'LIMIT' };
  const lim = s.limitCount && !(s.limitCount.A_Const?.isnull) ? coerce(b, bindExpr(b, s.limitCount, ctx), T.int8) : null;
  const off = s.limitOffset ? coerce(b, bindExpr(b, s.limitOffset, ctx), T.int8) : null;
  return { kind: 'limit', input: plan, limit: lim, offset: off, columns: plan.columns };
}

interface TargetItem { expr: Expr; name: string; tableOid?: number; attnum?: number }

function bindSelect(b: Binder, s: Node, scope: Scope): LogicalPlan {
  b.setNamedWindows(s.windowClause);
  // FROM
  let plan: LogicalPlan;
  if (s.fromClause && s.fromClause.length) {
    const from = bindFrom(b, s.fromClause, scope);
    plan = from.plan;
    scope.columns = from.columns;
  } else {
    plan = { kind: 'values', rows: [[]], columns: [] };
    scope.columns = [];
  }
  const inputScopeCols = scope.columns;
  // WHERE
  if (s.whereClause) {
    const pred = coerceBool(b, bindExpr(b, s.whereClause, { scope, clause: 'WHERE' }), 'WHERE');
    plan = { kind: 'filter', input: plan, predicate: pred, columns: plan.columns };
  }
  // Select list, HAVING, ORDER BY — bound over the input, collecting aggregates and windows.
  const aggs: AggCall[] = [];
  const windows: WindowCall[] = [];
  const ctx: ExprCtx = { scope, aggs, windows, clause: 'SELECT' };
  const targets = expandTargets(b, s.targetList ?? [], ctx);
  const having = s.havingClause ? coerceBool(b, bindExpr(b, s.havingClause, { scope, aggs, clause: 'HAVING' }), 'HAVING') : null;

  // ORDER BY: output ordinal, output name, or an expression over the input.
  const sortItems: { spec: SortSpec; target?: number }[] = [];
  for (const sb of (s.sortClause ?? []) as Node[]) {
    const node = sb.SortBy.node;
    const ord = node.A_Const ? constInt(node) : undefined;
    if (ord !== undefined) {
      if (ord < 1 || ord > targets.length) throw new SqlError(SqlState.InvalidColumnReference ?? '42P10', `ORDER BY position ${ord} is not in select list`, { position: node.A_Const.location + 1 });
      sortItems.push({ spec: sortSpec(targets[ord - 1].expr, sb.SortBy), target: ord - 1 });
      continue;
    }
    const fields = node.ColumnRef ? nameList(node.ColumnRef.fields) : [];
    if (fields.length === 1) {
      const matches = targets.map((t, i) => (t.name === fields[0] ? i : -1)).filter((i) => i >= 0);
      if (matches.length >= 1 && (matches.length === 1 || matches.every((i) => exprKey(targets[i].expr) === exprKey(targets[matches[0]].expr)))) {
        sortItems.push({ spec: sortSpec(targets[matches[0]].expr, sb.SortBy), target: matches[0] });
        continue;
      }
    }
    sortItems.push({ spec: b.bindSortBy(sb.SortBy, { ...ctx, clause: 'ORDER BY' }) });
  }

  const distinctOn = s.distinctClause && s.distinctClause.length && Object.keys(s.distinctClause[0]).length
    ? (s.distinctClause as Node[]).map((d) => {
      const o = d.A_Const ? constInt(d) : undefined;
      return o !== undefined ? targets[o - 1].expr : bindExpr(b, d, { ...ctx, clause: 'DISTINCT ON' });
    })
    : null;

  // GROUP BY
  const groupNodes: Node[] = s.groupClause ?? [];
  const grouped = groupNodes.length > 0 || aggs.length > 0 || having !== null;
  let rewrite = (e: Expr): Expr => e;
  if (grouped) {
    const spec = expandGroupBy(groupNodes, (g) => {
      const ord = g.A_Const ? constInt(g) : undefined;
      if (ord !== undefined) {
        if (ord < 1 || ord > targets.length) throw new SqlError(SqlState.InvalidColumnReference ?? '42P10', `GROUP BY position ${ord} is not in select list`);
        return targets[ord - 1].expr;
      }
      const fields = g.ColumnRef ? nameList(g.ColumnRef.fields) : [];
      // A bare name that is not an input column may name an output column.
      if (fields.length === 1 && scope.resolve(null, fields[0]) === undefined) {
        const t = targets.find((x) => x.name === fields[0]);
        if (t) return t.expr;
      }
      return bindExpr(b, g, { scope, clause: 'GROUP BY' });
    });
    const groupBy = spec.keys;
    const keys = groupBy.map(exprKey);
    for (const gexpr of groupBy) if (containsAggOrWindow(gexpr)) throw new SqlError(SqlState.GroupingError, 'aggregate functions are not allowed in GROUP BY');
    const nGroups = groupBy.length;
    // Functional dependency: grouping by a table's primary key makes all its columns groupable.
    const pkGroupedQualifiers = b.primaryKeyQualifiers(inputScopeCols, groupBy);
    const aggColumns: OutputColumn[] = [
      // An expression key takes the name of the select item it is (GROUP BY 1), for EXPLAIN's sake.
      ...groupBy.map((g, i) => ({ name: g.kind === 'column' ? inputScopeCols[g.index].name : targets.find((t) => exprKey(t.expr) === keys[i])?.name ?? `?group${i}?`, type: g.type })),
      ...aggs.map((a, i) => ({ name: `?agg${i}?`, type: a.type })),
    ];
    plan = spec.sets ? groupingSetsPlan(plan, spec, aggs, aggColumns) : { kind: 'aggregate', input: plan, groupBy, aggs, columns: aggColumns };
    const groupingIdColumn = spec.sets ? nGroups + aggs.length : null;
    const extraGroupCols: number[] = [];
    const groupKeyOf = (ix: number) => { const k = groupBy.findIndex((g) => g.kind === 'column' && g.index === ix); return k < 0 ? undefined : k; };
    const columnName = (ix: number) => `${inputScopeCols[ix].qualifier ? inputScopeCols[ix].qualifier + '.' : ''}${inputScopeCols[ix].name}`;
    rewrite = (e: Expr): Expr => mapExpr(e, (x) => {
      if (x.kind === 'aggref') return { kind: 'column', type: x.type, index: nGroups + x.index };
      if (x.kind === 'call' && x.name === GROUPING_CALL) return bindGroupingCall(x, groupBy, groupingIdColumn);
      if ((x.kind === 'subquery' || x.kind === 'insubquery') && x.correlated) regroupOuterRefs(x.plan, groupKeyOf, columnName);
      const k = keys.indexOf(exprKey(x));
      if (k >= 0) return { kind: 'column', type: x.type, index: k };
      if (x.kind === 'column') {
        const col = inputScopeCols[x.index];
        if (col.qualifier && pkGroupedQualifiers.has(col.qualifier)) {
          // Carry the dependent column through the aggregate as an extra grouping key.
          extraGroupCols.push(x.index);
          return { kind: 'column', type: x.type, index: -1 - x.index };
        }
        throw new SqlError(SqlState.GroupingError, `column "${col.qualifier ? col.qualifier + '.' : ''}${col.name}" must appear in the GROUP BY clause or be used in an aggregate function`);
      }
      return undefined;
    });
    // Rewrite everything evaluated above the aggregate.
    for (const t of targets) t.expr = rewrite(t.expr);
    for (const si of sortItems) si.spec = { ...si.spec, expr: rewrite(si.spec.expr) };
    const havingR = having ? rewrite(having) : null;
    for (let i = 0; i < windows.length; i++) windows[i] = rewriteWindow(windows[i], rewrite);
    const distinctR = distinctOn?.map(rewrite) ?? null;
    if (extraGroupCols.length && spec.sets) {
      const col = inputScopeCols[extraGroupCols[0]];
      throw new SqlError(SqlState.GroupingError, `column "${col.qualifier ? col.qualifier + '.' : ''}${col.name}" must appear in the GROUP BY clause or be used in an aggregate function`);
    }
    if (extraGroupCols.length) {
      // Add the functionally dependent columns as grouping keys (they do not change the groups).
      const uniq = [...new Set(extraGroupCols)];
      const agg = plan as Extract<LogicalPlan, { kind: 'aggregate' }>;
      const newGroupBy = [...groupBy, ...uniq.map((ix) => ({ kind: 'column' as const, type: inputScopeCols[ix].type, index: ix }))];
      const shift = uniq.length;
      const fix = (e: Expr): Expr => mapExpr(e, (x) => {
        if (x.kind !== 'column') return undefined;
        if (x.index < 0) return { ...x, index: nGroups + uniq.indexOf(-1 - x.index) };
        if (x.index >= nGroups) return { ...x, index: x.index + shift };
        return x;
      });
      plan = {
        ...agg, groupBy: newGroupBy,
        columns: [...agg.columns.slice(0, nGroups), ...uniq.map((ix) => ({ name: inputScopeCols[ix].name, type: inputScopeCols[ix].type })), ...agg.columns.slice(nGroups)],
      };
      for (const t of targets) t.expr = fix(t.expr);
      for (const si of sortItems) si.spec = { ...si.spec, expr: fix(si.spec.expr) };
      for (let i = 0; i < windows.length; i++) windows[i] = rewriteWindow(windows[i], fix);
      if (havingR) plan = { kind: 'filter', input: plan, predicate: fix(havingR), columns: plan.columns };
      if (distinctR) distinctR.splice(0, distinctR.length, ...distinctR.map(fix));
      return finishSelect(b, s, scope, plan, targets, sortItems, windows, distinctR);
    }
    if (havingR) plan = { kind: 'filter', input: plan, predicate: havingR, columns: plan.columns };
    return finishSelect(b, s, scope, plan, targets, sortItems, windows, distinctR);
  }
  return finishSelect(b, s, scope, plan, targets, sortItems, windows, distinctOn);
}

function rewriteWindow(w: WindowCall, f: (e: Expr) => Expr): WindowCall {
  return {
    ...w,
    args: w.args.map(f),
    partitionBy: w.partitionBy.map(f),
    orderBy: w.orderBy.map((o) => ({ ...o, expr: f(o.expr) })),
    agg: w.agg ? { ...w.agg, args: w.agg.args.map(f), filter: w.agg.filter ? f(w.agg.filter) : null } : undefined,
  };
}

function containsAggOrWindow(e: Expr): boolean {
  let found = false;
  mapExpr(e, (x) => { if (x.kind === 'aggref' || x.kind === 'windowref') found = true; return undefined; });
  return found;
}

function finishSelect(
  b: Binder, s: Node, scope: Scope, plan: LogicalPlan, targets: TargetItem[],
  sortItems: { spec: SortSpec; target?: number }[], windows: WindowCall[], distinctOn: Expr[] | null,
): LogicalPlan {
  // Windows
  if (windows.length) {
    const base = plan.columns.length;
    plan = { kind: 'window', input: plan, calls: windows, columns: [...plan.columns, ...windows.map((w, i) => ({ name: `?window${i}?`, type: w.type }))] };
    const wr = (e: Expr): Expr => mapExpr(e, (x) => (x.kind === 'windowref' ? { kind: 'column', type: x.type, index: base + x.index } : undefined));
    for (const t of targets) t.expr = wr(t.expr);
    for (const si of sortItems) si.spec = { ...si.spec, expr: wr(si.spec.expr) };
    if (distinctOn) distinctOn = distinctOn.map(wr);
  }
  for (const t of targets) assertNoPlaceholders(t.expr);

  // Projection: targets, then hidden sort keys that are not targets.
  const exprs = targets.map((t) => t.expr);
  const columns: OutputColumn[] = targets.map((t) => ({ name: t.name, type: t.expr.type, tableOid: t.tableOid, attnum: t.attnum }));
  const isDistinct = !!s.distinctClause;
  const keys: SortSpec[] = [];
  for (const si of sortItems) {
    let idx = si.target;
    if (idx === undefined) {
      const k = exprKey(si.spec.expr);
      idx = exprs.findIndex((e) => exprKey(e) === k);
      if (idx < 0) {
        if (isDistinct && !distinctOn) throw new SqlError(SqlState.InvalidColumnReference ?? '42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list');
        exprs.push(si.spec.expr);
        columns.push({ name: '?sort?', type: si.spec.expr.type });
        idx = exprs.length - 1;
      }
    }
    keys.push({ ...si.spec, expr: { kind: 'column', type: exprs[idx].type, index: idx } });
  }
  // SRFs in the select list (generate_series, unnest) expand rows.
  const srf = extractSrfs(exprs);
  let distinctKeys: Expr[] | null = null;
  if (distinctOn) {
    distinctKeys = distinctOn.map((d) => {
      const k = exprKey(d);
      let idx = exprs.findIndex((e) => exprKey(e) === k);
      if (idx < 0) { exprs.push(d); columns.push({ name: '?distinct?', type: d.type }); idx = exprs.length - 1; }
      return { kind: 'column', type: d.type, index: idx } as Expr;
    });
  }
  plan = srf
    ? { kind: 'projectSet', input: plan, exprs, srfs: srf, columns }
    : { kind: 'project', input: plan, exprs, columns };
  const visible = targets.length;
  if (isDistinct) {
    if (distinctKeys) {
      // DISTINCT ON: sort by the ON keys first (then the ORDER BY), keep the first row per key.
      plan = { kind: 'sort', input: plan, keys: keys.length ? keys : distinctKeys.map((e) => ({ expr: e, desc: false, nullsFirst: false })), columns };
      plan = { kind: 'distinct', input: plan, on: distinctKeys, columns };
    } else {
      plan = { kind: 'distinct', input: plan, on: null, columns };
      if (keys.length) plan = { kind: 'sort', input: plan, keys, columns };
    }
  } else if (keys.length) plan = { kind: 'sort', input: plan, keys, columns };
  plan = applyLimit(b, plan, s, scope);
  if (columns.length > visible) {
    const vis = columns.slice(0, visible);
    plan = { kind: 'project', input: plan, exprs: vis.map((c, i) => ({ kind: 'column', type: c.type, index: i })), columns: vis };
  }
  return plan;
}

function assertNoPlaceholders(e: Expr): void {
  mapExpr(e, (x) => {
    if (x.kind === 'aggref' || x.kind === 'windowref') throw new SqlError(SqlState.InternalError, 'unresolved aggregate placeholder');
    return undefined;
  });
}

function extractSrfs(exprs: Expr[]): Extract<LogicalPlan, { kind: 'projectSet' }>['srfs'] | null {
  const srfs: Extract<LogicalPlan, { kind: 'projectSet' }>['srfs'] = [];
  exprs.forEach((e, i) => {
    if (e.kind === 'call' && e.name.startsWith('srf:')) {
      const fn = setReturningFunction(e.name.slice(4));
      if (fn) srfs.push({ index: i, fn: (args) => fn(args), args: e.args });
    }
  });
  return srfs.length ? srfs : null;
}

/** Expand `*` and `t.*`, bind each target, and name it as PostgreSQL would. */
function expandTargets(b: Binder, list: Node[], ctx: ExprCtx): TargetItem[] {
  const out: TargetItem[] = [];
  for (const item of list) {
    const rt = item.ResTarget;
    const val = rt.val;
    if (val.ColumnRef) {
      const fields = nameList(val.ColumnRef.fields);
      if (fields[fields.length - 1] === '*') {
        const q = fields.length > 1 ? fields[fields.length - 2] : null;
        let any = false;
        ctx.scope.columns.forEach((c: ScopeColumn, i) => {
          if (q === null ? c.hidden : c.qualifier !== q) return;
          any = true;
          out.push({ expr: { kind: 'column', type: c.type, index: i, name: c.name }, name: c.name, tableOid: c.tableOid, attnum: c.attnum });
        });
        if (!any && q !== null) throw new SqlError(SqlState.UndefinedTable, `missing FROM-clause entry for table "${q}"`, { position: val.ColumnRef.location + 1 });
        if (!any && q === null && ctx.scope.columns.length === 0) throw new SqlError(SqlState.SyntaxError, 'SELECT * with no tables specified is not valid');
        continue;
      }
    }
    let expr = bindExpr(b, val, ctx);
    if (expr.type.kind === 'scalar' && expr.type.id === 'unknown') expr = coerce(b, expr, T.text);
    const src = expr.kind === 'column' ? ctx.scope.columns[expr.index] : undefined;
    out.push({ expr, name: rt.name ?? targetName(val), tableOid: src?.tableOid, attnum: src?.attnum });
  }
  return out;
}

/** The column name PostgreSQL gives an unaliased select-list expression (FigureColname). */
export function targetName(n: Node): string {
  const tag = nodeTag(n);
  const v = n[tag];
  switch (tag) {
    case 'ColumnRef': { const f = nameList(v.fields); return f[f.length - 1]; }
    case 'FuncCall': { const f = nameList(v.funcname); return f[f.length - 1]; }
    case 'TypeCast': {
      const inner = targetName(v.arg);
      // A name from an inner cast is weak: the outer cast's type name wins, as in FigureColname.
      if (inner !== '?column?' && !v.arg.TypeCast) return inner;
      const names = nameList(v.typeName.names);
      const tn = names[names.length - 1];
      return ({ int4: 'int4', int8: 'int8', bool: 'bool', float8: 'float8', varchar: 'varchar', bpchar: 'bpchar' } as Record<string, string>)[tn] ?? tn;
    }
    case 'A_Indirection': {
      // `(expr).field` is named after the field, as in PostgreSQL.
      const last = (v.indirection as Node[])[v.indirection.length - 1];
      return last?.String ? last.String.sval : targetName(v.arg);
    }
    case 'CaseExpr': return v.defresult && targetName(v.defresult) !== '?column?' ? targetName(v.defresult) : 'case';
    case 'CoalesceExpr': return 'coalesce';
    case 'MinMaxExpr': return v.op === 'IS_GREATEST' ? 'greatest' : 'least';
    case 'SubLink':
      if (v.subLinkType === 'EXISTS_SUBLINK') return 'exists';
      if (v.subLinkType === 'ARRAY_SUBLINK') return 'array';
      if (v.subLinkType === 'EXPR_SUBLINK') {
        const t = v.subselect.SelectStmt?.targetList?.[0]?.ResTarget;
        return t ? t.name ?? targetName(t.val) : '?column?';
      }
      return '?column?';
    case 'A_ArrayExpr': return 'array';
    case 'RowExpr': return 'row';
    case 'GroupingFunc': return 'grouping';
    case 'A_Expr': return v.kind === 'AEXPR_NULLIF' ? 'nullif' : '?column?';
    case 'SQLValueFunction': {
      const m: Record<string, string> = {
        SVFOP_CURRENT_DATE: 'current_date', SVFOP_CURRENT_TIMESTAMP: 'current_timestamp', SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
        SVFOP_CURRENT_TIME: 'current_time', SVFOP_CURRENT_TIME_N: 'current_time', SVFOP_LOCALTIMESTAMP: 'localtimestamp', SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
        SVFOP_LOCALTIME: 'localtime', SVFOP_LOCALTIME_N: 'localtime', SVFOP_CURRENT_USER: 'current_user', SVFOP_USER: 'current_user',
        SVFOP_SESSION_USER: 'session_user', SVFOP_CURRENT_ROLE: 'current_role', SVFOP_CURRENT_CATALOG: 'current_catalog', SVFOP_CURRENT_SCHEMA: 'current_schema',
      };
      return m[v.op] ?? '?column?';
    }
    default: return '?column?';
  }
}

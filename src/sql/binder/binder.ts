// The binder turns a parsed statement into a typed logical plan: it resolves names against the
// catalog, infers parameter types, and applies PostgreSQL's coercion rules.

import { SqlError, SqlState } from '../../errors.js';
import { DataType, T } from '../../types/datatype.js';
import type { TextContext } from '../../types/text-io.js';
import type { EvalContext, Expr, SortSpec } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import type { Node } from '../ast.js';
import type { CatalogReader } from './catalog-reader.js';
import { Scope, type ScopeColumn } from './scope.js';
import { resolveBinaryOp } from '../../functions/operators.js';
import { type ExprCtx, bindExpr, coerce } from './bind-expr.js';
import { bindQuery } from './bind-select.js';
import { bindSpecialFunction } from './special-functions.js';
import { walkPlanExprs } from './plan-walk.js';

export class Binder {
  /** Types of $1…$n: given by the client, or inferred from use (unknown until then). */
  private readonly params: DataType[];
  private windowDefs = new Map<string, Node>();
  cteCounter = 0;
  /** Every catalog relation the bound statement reads (views and what they read included): what
   * a view defined by it depends on. */
  readonly relationsRead = new Set<number>();

  constructor(
    readonly catalog: CatalogReader,
    paramTypes: readonly DataType[],
    private readonly evalCtx: EvalContext,
    private readonly dbName: string,
  ) {
    this.params = [...paramTypes];
  }

  paramType(i: number): DataType {
    if (i >= 65535) throw new SqlError(SqlState.SyntaxError, `there is no parameter $${i + 1}`);
    while (this.params.length <= i) this.params.push(T.unknown);
    return this.params[i];
  }
  setParamType(i: number, t: DataType): void {
    this.paramType(i);
    if (this.params[i].kind === 'scalar' && (this.params[i] as { id: string }).id === 'unknown') this.params[i] = t;
  }
  /** Final parameter types: any still unknown are text, as PostgreSQL resolves them. */
  paramTypes(): DataType[] { return this.params.map((t) => (t.kind === 'scalar' && t.id === 'unknown' ? T.text : t)); }

  evalContext(): EvalContext { return this.evalCtx; }
  textContext(): TextContext { return { timeZone: this.evalCtx.timeZone, names: this.evalCtx.session }; }
  databaseName(): string { return this.dbName; }

  namedWindow(name: string): Node | undefined { return this.windowDefs.get(name); }
  setNamedWindows(defs: Node[] | undefined): void {
    for (const d of defs ?? []) this.windowDefs.set(d.WindowDef.name, d.WindowDef);
  }

  /** Bind a complete query (SELECT, VALUES, set operation) at the top level. */
  bindTopQuery(n: Node): LogicalPlan { return bindQuery(this, n, new Scope([], null)); }

  /** Bind a subquery in an expression; it can see the enclosing scopes (correlation). */
  bindSubquery(n: Node, outer: Scope): { plan: LogicalPlan; correlated: boolean } {
    const plan = bindQuery(this, n, new Scope([], outer));
    return { plan, correlated: isCorrelated(plan) };
  }

  bindSortBy(s: Node, ctx: ExprCtx): SortSpec {
    const expr = bindExpr(this, s.node, ctx);
    return sortSpec(expr, s);
  }

  bindSpecialFunction(name: string, args: Expr[], ctx: ExprCtx, position?: number): Expr | undefined {
    return bindSpecialFunction(this, name, args, ctx, position);
  }

  /** `l = r` with the usual operator resolution. */
  equals(l: Expr, r: Expr): Expr {
    const res = resolveBinaryOp('=', l.type, r.type);
    return { kind: 'call', type: T.bool, name: '=', args: [coerce(this, l, res.left), coerce(this, r, res.right)], impl: res.impl, strict: true };
  }

  /**
   * Qualifiers of FROM items whose whole primary key is grouped by: their other columns are
   * functionally dependent on the group and may be selected without aggregation.
   */
  primaryKeyQualifiers(cols: readonly ScopeColumn[], groupBy: readonly Expr[]): Set<string> {
    const out = new Set<string>();
    const grouped = new Set(groupBy.filter((g) => g.kind === 'column').map((g) => (g as { index: number }).index));
    const byQualifier = new Map<string, number[]>();
    cols.forEach((c, i) => { if (c.qualifier && c.tableOid) byQualifier.set(c.qualifier, [...(byQualifier.get(c.qualifier) ?? []), i]); });
    for (const [q, idxs] of byQualifier) {
      const rel = this.catalog.relationByOid(cols[idxs[0]].tableOid!);
      if (!rel?.primaryKey?.length) continue;
      const pkIdx = rel.primaryKey.map((attIdx) => idxs.find((i) => cols[i].attnum === attIdx + 1));
      if (pkIdx.every((i) => i !== undefined && grouped.has(i))) out.add(q);
    }
    return out;
  }

  /** Wrap a one-column plan in a projection casting its column (for `x IN (SELECT …)` coercion). */
  castPlanColumn(plan: LogicalPlan, to: DataType): LogicalPlan {
    const col: Expr = { kind: 'column', type: plan.columns[0].type, index: 0 };
    return { kind: 'project', input: plan, exprs: [coerce(this, col, to)], columns: [{ name: plan.columns[0].name, type: to }] };
  }
}

export function sortSpec(expr: Expr, s: Node): SortSpec {
  const desc = s.sortby_dir === 'SORTBY_DESC';
  if (s.sortby_dir === 'SORTBY_USING') throw new SqlError(SqlState.FeatureNotSupported, 'ORDER BY USING is not supported');
  const nullsFirst = s.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : s.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
  return { expr, desc, nullsFirst };
}

/** A subquery is correlated if any expression in it refers outside itself. */
function isCorrelated(plan: LogicalPlan): boolean {
  let found = false;
  walkPlanExprs(plan, (e, depth) => { if (e.kind === 'outer' && e.depth > depth) found = true; });
  return found;
}

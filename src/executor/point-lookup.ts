// Primary-key point get for a scan annotated by the primary_key_lookup rule: evaluate the key
// values, look the key up in the table's primary-key index (through the transaction's overlay, so
// uncommitted changes of this transaction are seen), and return that row or none.
//
// runPointQuery answers the usual shapes — such a scan, or the one-row VALUES of a SELECT without
// FROM, under at most a filter and a projection — in one call, without the row iterators and
// compiled closures a general plan is run with.

import type { Expr } from '../plan/expr.js';
import type { LogicalPlan } from '../plan/logical.js';
import type { Datum, Row } from '../types/value.js';
import { datumKey } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';

type ScanPlan = Extract<LogicalPlan, { kind: 'scan' }>;
type FilterPlan = Extract<LogicalPlan, { kind: 'filter' }>;
type ProjectPlan = Extract<LogicalPlan, { kind: 'project' }>;

/**
 * The rows of `project? (filter? (key-lookup scan | one-row VALUES))`, as the general executor
 * would produce them, or null for any other plan (or when the key lookup does not apply).
 */
export function runPointQuery(plan: LogicalPlan, ctx: ExecContext): Row[] | null {
  let node = plan;
  let project: ProjectPlan | null = null, filter: FilterPlan | null = null;
  if (node.kind === 'project') { project = node; node = node.input; }
  if (node.kind === 'filter') { filter = node; node = node.input; }
  let rows: Row[] | null;
  if (node.kind === 'scan' && node.keyLookup) rows = lookupByPrimaryKey(node, ctx);
  else if (node.kind === 'values' && node.rows.length === 1) rows = [node.rows[0].map((e) => evaluate(e, EMPTY, ctx))];
  else return null;
  if (!rows?.length) return rows;
  let row = rows[0];
  if (filter && evaluate(filter.predicate, row, ctx) !== true) return [];
  if (project) {
    const exprs = project.exprs;
    const out: Row = new Array(exprs.length);
    for (let i = 0; i < exprs.length; i++) out[i] = evaluate(exprs[i], row, ctx);
    row = out;
  }
  return [row];
}

/**
 * An expression's value for one row: columns, constants, parameters and strict calls directly
 * (arguments left to right, NULL as soon as one is NULL, as compiled calls do); anything else
 * through compileExpr.
 */
function evaluate(e: Expr, row: Row, ctx: ExecContext): Datum {
  switch (e.kind) {
    case 'column': return row[e.index];
    case 'const': return e.value;
    case 'param': return ctx.params[e.index] ?? null;
    case 'call': {
      if (!e.strict) break;
      const n = e.args.length;
      const vals = new Array<Datum>(n);
      for (let i = 0; i < n; i++) {
        const v = evaluate(e.args[i], row, ctx);
        if (v === null) return null;
        vals[i] = v;
      }
      return e.impl(vals, ctx.evalCtx);
    }
    default: break;
  }
  return compileExpr(e, ctx)(row);
}

const EMPTY: Row = [];

/**
 * The rows of `scan` whose primary key equals its `keyLookup` values, or null when the lookup does
 * not apply (no annotation, or the table's key is not the one the plan was made for): the caller
 * then scans the whole table.
 */
export function lookupByPrimaryKey(scan: ScanPlan, ctx: ExecContext): Row[] | null {
  const values = scan.keyLookup;
  if (!values) return null;
  const table = ctx.tables.table(scan.tableOid);
  const pk = table.pk;
  if (!pk || !sameColumns(pk, scan.primaryKey)) return null;
  // Same key text as the index: rowKey() of the key columns (one column: its datumKey).
  let key = '';
  for (let i = 0; i < values.length; i++) {
    const v = keyValue(values[i], ctx);
    if (v === null) return []; // `pk = NULL` is never true, and key columns are NOT NULL
    key = values.length === 1 ? datumKey(v) : key + datumKey(v) + '\u0002';
  }
  const rowId = table.lookupPk(key);
  if (rowId === undefined) return [];
  const row = table.get(rowId);
  return row ? [row] : [];
}

function keyValue(e: Expr, ctx: ExecContext): Datum {
  if (e.kind === 'const') return e.value;
  if (e.kind === 'param') return ctx.params[e.index] ?? null;
  return compileExpr(e, ctx)(EMPTY);
}

function sameColumns(a: readonly number[], b: readonly number[] | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

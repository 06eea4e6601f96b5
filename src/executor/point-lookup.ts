// Primary-key point get for a scan annotated by the primary_key_lookup rule: evaluate the key
// values, look the key up in the table's primary-key index (through the transaction's overlay, so
// uncommitted changes of this transaction are seen), and return that row or none.

import type { Expr } from '../plan/expr.js';
import type { LogicalPlan } from '../plan/logical.js';
import type { Datum, Row } from '../types/value.js';
import { datumKey } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';

type ScanPlan = Extract<LogicalPlan, { kind: 'scan' }>;

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

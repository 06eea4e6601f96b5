// A source's `WATERMARK FOR col AS expr`, bound over the source's columns. CREATE SOURCE checks it
// and keeps its text in the relation's options; every scan of the source binds it again (as a view's
// query is), so the stream planner can put the watermark filter after the source.

import { SqlError, SqlState } from '../../errors.js';
import type { Expr } from '../../plan/expr.js';
import type { OutputColumn } from '../../plan/logical.js';
import { formatType } from '../../types/datatype.js';
import { parseSql } from '../parser.js';
import { walkExpr } from './expr-key.js';
import type { Binder } from './binder.js';
import { bindExpr } from './bind-expr.js';
import { Scope } from './scope.js';

export const WATERMARK_COLUMN_OPTION = 'weir.watermark_column';
export const WATERMARK_EXPR_OPTION = 'weir.watermark_expr';

const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'date']);

/** The bound watermark of a source relation with these options, if it declares one. */
export function bindSourceWatermark(b: Binder, columns: readonly OutputColumn[], options: Record<string, string> | undefined, relName: string): { column: number; expr: Expr } | undefined {
  const name = options?.[WATERMARK_COLUMN_OPTION];
  const sql = options?.[WATERMARK_EXPR_OPTION];
  if (name === undefined || sql === undefined) return undefined;
  const column = columns.findIndex((c) => c.name === name);
  if (column < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${name}" named in WATERMARK does not exist`);
  const type = columns[column].type;
  if (type.kind !== 'scalar' || !TIME_TYPES.has(type.id)) {
    throw new SqlError(SqlState.DatatypeMismatch, `the WATERMARK column "${name}" must be of type timestamp, timestamp with time zone or date, but it is ${formatType(type)}`);
  }
  const stmts = parseSql(`SELECT ${sql}`);
  const target = stmts.length === 1 ? stmts[0].node.SelectStmt?.targetList : undefined;
  if (!target || target.length !== 1 || stmts[0].node.SelectStmt.fromClause) throw new SqlError(SqlState.SyntaxError, `WATERMARK FOR ${name} AS needs one expression, not "${sql}"`);
  const scope = new Scope(columns.map((c) => ({ qualifier: relName, name: c.name, type: c.type })), null);
  const bound = bindExpr(b, target[0].ResTarget.val, { scope, clause: 'WATERMARK' });
  walkExpr(bound, (x) => {
    if (x.kind === 'subquery' || x.kind === 'insubquery' || x.kind === 'param' || (x.kind === 'call' && x.volatile)) {
      throw new SqlError(SqlState.FeatureNotSupported, 'a WATERMARK expression must be a deterministic expression over the source\'s columns');
    }
  });
  const bt = bound.type;
  // Compared with the column's values as they are (µs, or days for a date): the types must agree.
  if (bt.kind !== 'scalar' || bt.id !== type.id) {
    throw new SqlError(SqlState.DatatypeMismatch, `the WATERMARK expression must be of the column's type ${formatType(type)}, but it is ${formatType(bt)}`, { hint: type.id === 'date' ? `Write it as ${name} - 1.` : `Write it as ${name} - INTERVAL '5' SECOND.` });
  }
  return { column, expr: bound };
}

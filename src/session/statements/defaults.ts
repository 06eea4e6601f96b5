// Column defaults are kept as SQL text; they are bound (and cached) when a statement needs them.

import { DataType } from '../../types/datatype.js';
import type { Datum } from '../../types/value.js';
import type { Expr } from '../../plan/expr.js';
import { parseSql } from '../../sql/parser.js';
import type { Binder } from '../../sql/binder/binder.js';
import { bindExpr, coerce } from '../../sql/binder/bind-expr.js';
import { Scope } from '../../sql/binder/scope.js';
import { compileExpr } from '../../executor/compile-expr.js';
import type { Session } from '../session.js';

export function bindDefault(b: Binder, sql: string, type: DataType): Expr {
  const [stmt] = parseSql(`SELECT ${sql}`);
  const target = stmt.node.SelectStmt.targetList[0].ResTarget.val;
  return coerce(b, bindExpr(b, target, { scope: new Scope([], null), clause: 'DEFAULT expressions' }), type, 'assignment');
}

export function evalDefault(s: Session, sql: string, type: DataType): Datum {
  const e = bindDefault(s.binder([]), sql, type);
  return compileExpr(e, s.execContext([]))([]);
}

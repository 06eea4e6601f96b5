// Field selection `(expr).field` on a composite value: a `record` with a known shape, such as the
// rows of information_schema._pg_expandarray that pgjdbc's getPrimaryKeys reads.

import { SqlError, SqlState } from '../../errors.js';
import { formatType } from '../../types/datatype.js';
import type { Datum } from '../../types/value.js';
import type { Expr } from '../../plan/expr.js';
import { srfFieldName } from './set-returning.js';

export function bindFieldSelection(e: Expr, field: string): Expr {
  const fields = e.type.kind === 'scalar' ? e.type.fields : undefined;
  const at = fields ? fields.findIndex((f) => f.name === field) : -1;
  if (!fields || at < 0) {
    const what = fields ? `column "${field}" not found in data type ${formatType(e.type)}` : `column notation .${field} applied to type ${formatType(e.type)}, which is not a composite type`;
    throw new SqlError(fields ? SqlState.UndefinedColumn : SqlState.WrongObjectType, what);
  }
  const type = fields[at].type;
  // A set-returning call stays a top-level set-returning call, now yielding just this field.
  if (e.kind === 'call' && e.name.startsWith('srf:')) {
    const name = srfFieldName(e.name.slice(4), field);
    if (name) return { ...e, name: 'srf:' + name, type };
  }
  return { kind: 'call', type, name: `field:${field}`, args: [e], strict: true, impl: (a) => (a[0] as Datum[])[at] ?? null };
}

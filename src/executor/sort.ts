// Row comparators for ORDER BY, with ASC/DESC and NULLS FIRST/LAST.

import type { SortSpec } from '../plan/expr.js';
import type { Row } from '../types/value.js';
import { compareDatum } from '../types/value.js';
import type { ExecContext } from './context.js';
import { compileExpr } from './compile-expr.js';

export function compileSort(keys: readonly SortSpec[], ctx: ExecContext): (a: Row, b: Row) => number {
  const parts = keys.map((k) => ({ f: compileExpr(k.expr, ctx), dir: k.desc ? -1 : 1, nullsFirst: k.nullsFirst }));
  // Fast path: sort keys that are plain columns need no evaluation.
  const cols = keys.every((k) => k.expr.kind === 'column') ? keys.map((k) => (k.expr as { index: number }).index) : null;
  return (a, b) => {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      const x = cols ? a[cols[i]] : p.f(a), y = cols ? b[cols[i]] : p.f(b);
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === p.nullsFirst ? -1 : 1;
      }
      const c = compareDatum(x, y);
      if (c) return c * p.dir;
    }
    return 0;
  };
}

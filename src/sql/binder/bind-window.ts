// OVER (PARTITION BY … ORDER BY … frame) clauses.

import { SqlError, SqlState } from '../../errors.js';
import { T } from '../../types/datatype.js';
import type { SortSpec } from '../../plan/expr.js';
import type { FrameBound, WindowFrame } from '../../plan/logical.js';
import type { Node } from '../ast.js';
import type { Binder } from './binder.js';
import { type ExprCtx, bindExpr, coerce } from './bind-expr.js';

// PostgreSQL's FRAMEOPTION_* bits.
const NONDEFAULT = 0x1, RANGE = 0x2, ROWS = 0x4, GROUPS = 0x8, BETWEEN = 0x10;
const START_UNBOUNDED_PRECEDING = 0x20, START_CURRENT_ROW = 0x200, START_OFFSET_PRECEDING = 0x800, START_OFFSET_FOLLOWING = 0x2000;
const END_UNBOUNDED_FOLLOWING = 0x100, END_CURRENT_ROW = 0x400, END_OFFSET_PRECEDING = 0x1000, END_OFFSET_FOLLOWING = 0x4000;
const START_UNBOUNDED_FOLLOWING = 0x80, END_UNBOUNDED_PRECEDING = 0x40;

export function bindWindowSpec(b: Binder, w: Node, ctx: ExprCtx): { partitionBy: ReturnType<typeof bindExpr>[]; orderBy: SortSpec[]; frame: WindowFrame } {
  const wd = w.WindowDef ?? w;
  if (wd.name || wd.refname) {
    const named = b.namedWindow(wd.name ?? wd.refname);
    if (!named) throw new SqlError(SqlState.UndefinedObject, `window "${wd.name ?? wd.refname}" does not exist`);
    return bindWindowSpec(b, { ...named, ...(wd.orderClause ? { orderClause: wd.orderClause } : {}), name: undefined, refname: undefined }, ctx);
  }
  const inner: ExprCtx = { ...ctx, windows: undefined, clause: 'window definitions' };
  const partitionBy = ((wd.partitionClause ?? []) as Node[]).map((p) => bindExpr(b, p, inner));
  const orderBy = ((wd.orderClause ?? []) as Node[]).map((s) => b.bindSortBy(s.SortBy, inner));
  const opts: number = wd.frameOptions ?? 0;
  let frame: WindowFrame;
  if (!(opts & NONDEFAULT)) {
    // Default frame: RANGE UNBOUNDED PRECEDING to CURRENT ROW (the whole partition without ORDER BY).
    frame = { mode: 'range', start: { kind: 'unbounded_preceding' }, end: orderBy.length ? { kind: 'current_row' } : { kind: 'unbounded_following' } };
  } else {
    const mode = opts & ROWS ? 'rows' : opts & GROUPS ? 'groups' : 'range';
    const off = (n: Node | undefined) => (n ? coerce(b, bindExpr(b, n, inner), mode === 'range' ? T.float8 : T.int8) : undefined);
    const start: FrameBound = opts & START_UNBOUNDED_PRECEDING ? { kind: 'unbounded_preceding' }
      : opts & START_CURRENT_ROW ? { kind: 'current_row' }
        : opts & START_OFFSET_PRECEDING ? { kind: 'preceding', offset: off(wd.startOffset) }
          : opts & START_OFFSET_FOLLOWING ? { kind: 'following', offset: off(wd.startOffset) }
            : opts & START_UNBOUNDED_FOLLOWING ? { kind: 'unbounded_following' } : { kind: 'unbounded_preceding' };
    const end: FrameBound = !(opts & BETWEEN) ? { kind: 'current_row' }
      : opts & END_UNBOUNDED_FOLLOWING ? { kind: 'unbounded_following' }
        : opts & END_CURRENT_ROW ? { kind: 'current_row' }
          : opts & END_OFFSET_PRECEDING ? { kind: 'preceding', offset: off(wd.endOffset) }
            : opts & END_OFFSET_FOLLOWING ? { kind: 'following', offset: off(wd.endOffset) }
              : opts & END_UNBOUNDED_PRECEDING ? { kind: 'unbounded_preceding' } : { kind: 'current_row' };
    frame = { mode, start, end };
    void RANGE;
  }
  return { partitionBy, orderBy, frame };
}

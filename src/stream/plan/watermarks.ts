// Which columns of a stream carry a watermark (RisingWave's watermark derivation). Event time
// starts at a watermark filter (a source's WATERMARK FOR) and travels through operators that keep
// its order: filters and exchanges pass it, a projection passes it to every output that is a
// non-decreasing function of the watermarked column alone (the column itself, TUMBLE's
// window_start / window_end, `t ± interval`, date_trunc), HOP derives window_start and
// window_end, an aggregation passes it to the group key it closes groups by, a union keeps the columns every
// input has, a join whose keys include a pair watermarked on both sides passes the smaller
// watermark to both key columns, an inner interval join passes one to each time column bounded
// by the other side's (plan/interval-join.ts). Other joins and Top-N end it. The operators apply the same rules at run time, with
// `monotoneColumn` shared between the two.

import type { Expr } from '../../plan/expr.js';
import type { StreamNode } from './stream-plan.js';

/** Scalar types on which `+ constant` keeps order. */
const ORDERED = new Set(['timestamp', 'timestamptz', 'date', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric']);
/** Casts that keep order whatever the time zone: a date's midnight, a timestamp's date. (timestamp ↔
 * timestamptz do not: local time repeats and skips an hour where daylight saving changes.) */
const ORDERED_CASTS = new Set(['date>timestamp', 'date>timestamptz', 'timestamp>date']);

function typeId(e: Expr): string | null { return e.type.kind === 'scalar' ? e.type.id : null; }

/**
 * The input column `e` is a non-decreasing function of, when it reads no other column and calls
 * nothing else but constants (so it can be evaluated on the watermark alone); else null.
 */
export function monotoneColumn(e: Expr): number | null {
  switch (e.kind) {
    case 'column': return e.index;
    case 'cast': return ORDERED_CASTS.has(`${typeId(e.arg)}>${typeId(e)}`) ? monotoneColumn(e.arg) : null;
    case 'call': {
      const a = e.args;
      const consts = (xs: readonly Expr[]) => xs.every((x) => x.kind === 'const');
      switch (e.name) {
        case 'tumble_start': case 'tumble_end': return consts(a.slice(1)) ? monotoneColumn(a[0]) : null;
        case 'date_trunc': return a.length >= 2 && consts([a[0], ...a.slice(2)]) ? monotoneColumn(a[1]) : null;
        case 'date_bin': return a.length === 3 && consts([a[0], a[2]]) ? monotoneColumn(a[1]) : null;
        case '+':
          if (!ORDERED.has(typeId(e) ?? '') || a.length !== 2) return null;
          if (a[1].kind === 'const') return monotoneColumn(a[0]);
          if (a[0].kind === 'const') return monotoneColumn(a[1]);
          return null;
        case '-': return ORDERED.has(typeId(e) ?? '') && a.length === 2 && a[1].kind === 'const' ? monotoneColumn(a[0]) : null;
        default: return null;
      }
    }
    default: return null;
  }
}

/** The output columns of `n` that carry a watermark, ascending. */
export function watermarkColumns(n: StreamNode): number[] {
  switch (n.op) {
    case 'tableSource': case 'connectorSource': case 'values': return [];
    case 'watermarkFilter': return [n.column];
    case 'filter': case 'exchange': case 'materialize': case 'sink': return watermarkColumns(n.input);
    case 'project': {
      const inWm = new Set(watermarkColumns(n.input));
      const out: number[] = [];
      n.exprs.forEach((e, j) => { const c = monotoneColumn(e); if (c !== null && inWm.has(c)) out.push(j); });
      return out;
    }
    case 'hopWindow': {
      const inWm = watermarkColumns(n.input);
      const c = monotoneColumn(n.time);
      const w = n.input.columns.length;
      return c !== null && inWm.includes(c) ? [...inWm, w, w + 1] : inWm;
    }
    // Only the window key (the first watermarked group key): groups close by it alone.
    case 'hashAgg': return n.window ? [n.window.key] : [];
    case 'localAgg': return n.window !== undefined ? [n.window] : [];
    case 'union': {
      const [first, ...rest] = n.inputs.map(watermarkColumns);
      return first.filter((c) => rest.every((r) => r.includes(c)));
    }
    case 'hashJoin': {
      if (n.window) return [n.window.leftColumn, n.left.columns.length + n.window.rightColumn];
      // An inner interval join: a time column whose partner is bounded from the other side (IntervalExpiry.outputWatermarks).
      const iv = n.joinType === 'inner' ? n.interval : undefined;
      if (!iv) return [];
      return [...(iv.hi !== null ? [iv.leftColumn] : []), ...(iv.lo !== null ? [n.left.columns.length + iv.rightColumn] : [])];
    }
    case 'semiJoin': case 'topN': return [];
    // Rows go out once the watermark on the column passes them: that watermark goes on, no other.
    case 'eowcBuffer': return [n.column];
  }
}

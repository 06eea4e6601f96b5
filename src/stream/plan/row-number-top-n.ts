// Recognises `ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)` filtered by `rn <= n` (or `rn < n`,
// `rn = 1`) as a streaming Top-N per partition; `rn = 1` is deduplication.

import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { splitConjuncts, joinConjuncts } from '../../plan/conjuncts.js';
import type { TopNSpec } from '../operators/top-n.js';

export interface RowNumberTopN {
  /** The window's input, which the Top-N reads. */
  readonly input: LogicalPlan;
  readonly spec: TopNSpec;
  /** The projection between filter and window (re-applied over the Top-N's output), if any. */
  readonly project: Extract<LogicalPlan, { kind: 'project' }> | null;
  /** Conjuncts of the filter other than the row-number bound. */
  readonly rest: Expr | null;
}

export function matchRowNumberTopN(filter: Extract<LogicalPlan, { kind: 'filter' }>): RowNumberTopN | null {
  let project: Extract<LogicalPlan, { kind: 'project' }> | null = null;
  let w = filter.input;
  if (w.kind === 'project') { project = w; w = w.input; }
  if (w.kind !== 'window' || w.calls.length !== 1 || w.calls[0].fn !== 'row_number') return null;
  const call = w.calls[0];
  const rnIndex = w.input.columns.length; // the window appends its column after its input's
  // The filter sees either the window's columns or the projection's.
  const rnCol = project ? project.exprs.findIndex((e) => e.kind === 'column' && e.index === rnIndex) : rnIndex;
  if (rnCol < 0) return null;
  if (project && !project.exprs.every((e) => e.kind === 'column')) return null;
  let limit: number | null = null;
  const rest: Expr[] = [];
  for (const c of splitConjuncts(filter.predicate)) {
    const bound: number | null = limit === null ? rowNumberBound(c, rnCol) : null;
    if (bound !== null) limit = bound; else rest.push(c);
  }
  if (limit === null) return null;
  const cols = (es: readonly Expr[]) => (es.every((e) => e.kind === 'column') ? es.map((e) => (e as { index: number }).index) : null);
  const partitionBy = cols(call.partitionBy);
  const orderIdx = cols(call.orderBy.map((o) => o.expr));
  if (!partitionBy || !orderIdx) return null;
  return {
    input: w.input, project, rest: joinConjuncts(rest),
    spec: { partitionBy, orderBy: call.orderBy.map((o, i) => ({ index: orderIdx[i], desc: o.desc, nullsFirst: o.nullsFirst })), limit, offset: 0, withRowNumber: true },
  };
}

/** `rn <= k` → k, `rn < k` → k - 1, `rn = 1` → 1, also with the constant on the left. */
function rowNumberBound(c: Expr, rn: number): number | null {
  if (c.kind !== 'call' || c.args.length !== 2) return null;
  let [a, b] = c.args;
  let op = c.name;
  const flip: Record<string, string> = { '<=': '>=', '<': '>', '>=': '<=', '>': '<', '=': '=' };
  if (b.kind === 'column' && b.index === rn && a.kind === 'const') { [a, b] = [b, a]; op = flip[op] ?? op; }
  if (!(a.kind === 'column' && a.index === rn) || b.kind !== 'const' || b.value === null) return null;
  const k = Number(b.value as number | bigint);
  if (op === '<=') return k;
  if (op === '<') return k - 1;
  if (op === '=' && k === 1) return 1;
  return null;
}

// AND-trees ↔ lists of conjuncts, shared by the optimizer rules and the join executor.

import type { Expr } from './expr.js';

export function splitConjuncts(e: Expr): Expr[] {
  if (e.kind === 'and') return e.args.flatMap(splitConjuncts);
  return [e];
}

export function joinConjuncts(parts: Expr[]): Expr | null {
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0];
  return { kind: 'and', type: parts[0].type, args: parts };
}

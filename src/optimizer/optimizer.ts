// The optimizer driver: applies each rule to the plan tree, bottom-up, until nothing changes.
// Rules live one per file in ./rules and only improve a plan, never change its meaning.

import type { LogicalPlan } from '../plan/logical.js';
import { foldConstants } from './rules/fold-constants.js';

export interface Rule {
  readonly name: string;
  /** Rewrite one node (its inputs are already rewritten); return it unchanged if nothing applies. */
  apply(plan: LogicalPlan): LogicalPlan;
}

export const DEFAULT_RULES: readonly Rule[] = [foldConstants];

export function optimize(plan: LogicalPlan, rules: readonly Rule[] = DEFAULT_RULES): LogicalPlan {
  for (let pass = 0; pass < 8; pass++) {
    const next = rewrite(plan, rules);
    if (next === plan) return plan;
    plan = next;
  }
  return plan;
}

function rewrite(plan: LogicalPlan, rules: readonly Rule[]): LogicalPlan {
  let p = mapInputs(plan, (c) => rewrite(c, rules));
  for (const r of rules) p = r.apply(p);
  return p;
}

export function mapInputs(plan: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  switch (plan.kind) {
    case 'join': case 'setop': {
      const l = f(plan.left), r = f(plan.right);
      return l === plan.left && r === plan.right ? plan : { ...plan, left: l, right: r };
    }
    default:
      if ('input' in plan) {
        const i = f(plan.input);
        return i === plan.input ? plan : ({ ...plan, input: i } as LogicalPlan);
      }
      return plan;
  }
}

// The optimizer driver: applies each rule to the plan tree, bottom-up, until nothing changes.
// Rules live one per file in ./rules and only improve a plan, never change its meaning.

import type { LogicalPlan } from '../plan/logical.js';
import { foldConstants } from './rules/fold-constants.js';
import { primaryKeyLookup } from './rules/primary-key-lookup.js';
import { decorrelatePredicateSubquery } from './rules/decorrelate-predicate-subquery.js';
import { pushDownFilter } from './rules/push-down-filter.js';
import { eliminateLimit } from './rules/eliminate-limit.js';
import { mergeProjections } from './rules/merge-projections.js';
import { pruneProjection } from './rules/prune-projection.js';
import { extractJoinCondition } from './rules/extract-join-condition.js';

export interface Rule {
  readonly name: string;
  /** Rewrite one node (its inputs are already rewritten); return it unchanged if nothing applies. */
  apply(plan: LogicalPlan): LogicalPlan;
  /** Set for rules that need the whole tree (what the root reads): `apply` gets the root once. */
  readonly wholePlan?: boolean;
}

// Subqueries become joins first, so their filters push down too; primary_key_lookup wants the
// filters already sitting on their scans.
export const DEFAULT_RULES: readonly Rule[] = [decorrelatePredicateSubquery, foldConstants, pushDownFilter, eliminateLimit, mergeProjections, primaryKeyLookup];

/** Run once after DEFAULT_RULES settle: pruning and key extraction want the final join shapes. */
export const FINAL_RULES: readonly Rule[] = [pruneProjection, extractJoinCondition];

export function optimize(plan: LogicalPlan, rules: readonly Rule[] = DEFAULT_RULES, finalRules: readonly Rule[] = rules === DEFAULT_RULES ? FINAL_RULES : []): LogicalPlan {
  for (let pass = 0; pass < 8; pass++) {
    const next = rewrite(plan, rules);
    if (next === plan) break;
    plan = next;
  }
  for (const r of finalRules) plan = r.wholePlan ? r.apply(plan) : rewrite(plan, [r]);
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

// extract_join_condition: split a join's condition into equi-join keys (`l.a = r.b`, each side an
// expression over one input) and the residual predicate, and record the keys on the join node
// (`equiKeys`; `condition` then holds only the residual). The batch hash join and the stream hash
// join both read keys through `joinKeys`, so they agree on what is a key.
//
// It runs once after the other rules (they move conjuncts into and out of conditions), and
// leaves joins without an equality alone (the batch engine uses a nested loop for those).

import type { LogicalPlan } from '../../plan/logical.js';
import { joinConjuncts } from '../../plan/conjuncts.js';
import { extractEquiKeys } from '../../plan/join-keys.js';
import type { Rule } from '../optimizer.js';

export const extractJoinCondition: Rule = {
  name: 'extract_join_condition',
  apply(plan: LogicalPlan): LogicalPlan {
    if (plan.kind !== 'join' || plan.equiKeys || !plan.condition) return plan;
    const keys = extractEquiKeys(plan.condition, plan.left.columns.length);
    if (!keys.left.length) return plan;
    return { ...plan, equiKeys: { left: keys.left, right: keys.right }, condition: joinConjuncts(keys.rest) };
  },
};

import { describe, expect, it } from 'vitest';
import { optimize } from '../optimizer.js';
import { decorrelatePredicateSubquery } from './decorrelate-predicate-subquery.js';
import { and, col, filter, lit, op, project, scan, show } from '../test-plans.js';
import { T } from '../../types/datatype.js';
import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { resolveBinaryOp } from '../../functions/operators.js';

const a = scan(1, ['a_id', 'a_x']);
const b = scan(2, ['b_id', 'b_y']);
const outer = (index: number, depth = 1): Expr => ({ kind: 'outer', type: T.int4, depth, index });
const exists = (plan: LogicalPlan, negate = false): Expr => {
  const e: Expr = { kind: 'subquery', type: T.bool, mode: 'exists', plan, correlated: true };
  return negate ? { kind: 'not', type: T.bool, arg: e } : e;
};
const inSub = (left: Expr, plan: LogicalPlan, opName = '='): Expr => ({ kind: 'insubquery', type: T.bool, left, plan, all: false, cmp: resolveBinaryOp(opName, T.int4, T.int4).impl, correlated: false, op: opName });
const run = (p: LogicalPlan) => optimize(p, [decorrelatePredicateSubquery], []);

describe('decorrelate_predicate_subquery', () => {
  it('turns correlated EXISTS into a semi join on the correlation, keeping local conjuncts in the subquery', () => {
    const sub = project(filter(b, and(op('=', col(0), outer(0)), op('>', col(1), lit(3)), op('<', col(1), outer(1)))), [lit(1)]);
    const p = filter(a, and(exists(sub), op('>', col(1), lit(0))));
    expect(show(run(p))).toBe([
      'Filter: (a_x > 0)',
      '  ->  Semi Join: ((b_id = a_id) AND (b_y < a_x))',
      '    ->  Scan (oid 1) [a_id, a_x]',
      '    ->  Filter: (b_y > 3)',
      '      ->  Scan (oid 2) [b_id, b_y]',
    ].join('\n'));
  });

  it('turns NOT EXISTS into an anti join and IN into a semi join', () => {
    const sub = filter(b, op('=', outer(0), col(1)));
    expect(show(run(filter(a, exists(sub, true)))).split('\n')[0]).toBe('Anti Join: (a_id = b_y)');
    expect(show(run(filter(a, inSub(col(1), project(b, [col(0)]))))).split('\n')[0]).toBe('Semi Join: (a_x = b_id)');
  });

  it('leaves NOT IN, non-equality IN, LIMIT 0 and outer references it cannot remove alone', () => {
    const notIn = filter(a, { kind: 'not', type: T.bool, arg: inSub(col(1), project(b, [col(0)])) });
    expect(run(notIn)).toBe(notIn);
    const lt = filter(a, inSub(col(1), project(b, [col(0)]), '<'));
    expect(run(lt)).toBe(lt);
    const limit0: LogicalPlan = { kind: 'limit', input: filter(b, op('=', col(0), outer(0))), limit: lit(0, T.int8), offset: null, columns: b.columns };
    const p0 = filter(a, exists(limit0));
    expect(run(p0)).toBe(p0);
    // The correlation only in the select list (not in WHERE): nothing to join on.
    const noKey = filter(a, exists(project(filter(b, op('>', col(1), outer(1))), [outer(0)])));
    expect(run(noKey)).toBe(noKey);
    // A deeper subquery refers to the outer row: moving the subquery would break it.
    const nested = filter(b, and(op('=', col(0), outer(0)), exists(filter(a, op('=', col(0), outer(1, 2))))));
    const deep = filter(a, exists(nested));
    expect(run(deep)).toBe(deep);
  });
});

import { describe, expect, it } from 'vitest';
import { optimize } from '../optimizer.js';
import { extractJoinCondition } from './extract-join-condition.js';
import { joinKeys } from '../../plan/join-keys.js';
import { and, col, join, op, scan, show } from '../test-plans.js';
import type { LogicalPlan } from '../../plan/logical.js';

const a = scan(1, ['a_id', 'a_x']);
const b = scan(2, ['b_id', 'b_y']);

describe('extract_join_condition', () => {
  it('records equi-join keys over each input and keeps the rest as the residual filter', () => {
    const p = join('left', a, b, and(op('=', col(2), col(0)), op('<', col(1), col(3)), op('=', op('+', col(1), col(0)), col(3))));
    const out = optimize(p, [], [extractJoinCondition]) as Extract<LogicalPlan, { kind: 'join' }>;
    expect(show(out).split('\n')[0]).toBe('Left Join: keys [a_id = b_id, (a_x + a_id) = b_y] filter (a_x < b_y)');
    // Both engines read the same keys before and after the rule.
    const before = joinKeys(p as Extract<LogicalPlan, { kind: 'join' }>), after = joinKeys(out);
    expect(after.left.map((e) => show({ kind: 'project', input: a, exprs: [e], columns: [{ name: 'k', type: e.type }] }))).toEqual(before.left.map((e) => show({ kind: 'project', input: a, exprs: [e], columns: [{ name: 'k', type: e.type }] })));
    expect(after.rest).toHaveLength(1);
    expect(after.right).toEqual(before.right);
  });

  it('leaves joins without an equality between the sides alone', () => {
    const p = join('inner', a, b, op('<', col(0), col(2)));
    expect(optimize(p, [], [extractJoinCondition])).toBe(p);
    const q = join('inner', a, b, op('=', col(0), col(1)));
    expect(optimize(q, [], [extractJoinCondition])).toBe(q);
  });
});

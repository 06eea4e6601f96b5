import { describe, expect, it } from 'vitest';
import { optimize } from '../optimizer.js';
import { mergeProjections } from './merge-projections.js';
import { col, lit, op, project, scan, show } from '../test-plans.js';
import { T } from '../../types/datatype.js';
import type { Expr } from '../../plan/expr.js';

const a = scan(1, ['a_id', 'a_x']);

describe('merge_projections', () => {
  it('substitutes the inner expressions into the outer projection', () => {
    const p = project(project(a, [op('+', col(1), lit(1)), col(0)], ['x1', 'id']), [col(1), op('*', col(0), lit(2))], ['id', 'x2']);
    const out = optimize(p, [mergeProjections], []);
    expect(show(out)).toBe(['Project: a_id, ((a_x + 1) * 2)', '  ->  Scan (oid 1) [a_id, a_x]'].join('\n'));
    expect(out.columns.map((c) => c.name)).toEqual(['id', 'x2']);
  });
  it('does not duplicate a computed expression read twice, nor move a volatile one', () => {
    const twice = project(project(a, [op('+', col(1), lit(1))]), [op('*', col(0), col(0))]);
    expect(optimize(twice, [mergeProjections], [])).toBe(twice);
    const rnd: Expr = { kind: 'call', type: T.float8, name: 'random', args: [], impl: () => Math.random(), strict: false, volatile: true };
    const vol = project(project(a, [rnd]), [col(0)]);
    expect(optimize(vol, [mergeProjections], [])).toBe(vol);
  });
});

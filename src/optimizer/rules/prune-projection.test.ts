import { describe, expect, it } from 'vitest';
import { optimize } from '../optimizer.js';
import { pruneProjection } from './prune-projection.js';
import { col, countBy, filter, hopWindow, join, lit, op, project, scan, show } from '../test-plans.js';
import { T } from '../../types/datatype.js';
import type { LogicalPlan } from '../../plan/logical.js';

const prune = (p: LogicalPlan) => optimize(p, [], [pruneProjection]);
const a = scan(1, ['a_id', 'a_x', 'a_wide']);
const b = scan(2, ['b_id', 'b_y', 'b_wide']);

describe('prune_projection', () => {
  it('narrows each join input to the columns read above the join or by its condition', () => {
    const p = project(join('inner', a, b, op('=', col(0), col(3))), [col(1), col(4)]);
    expect(show(prune(p))).toBe([
      'Project: a_x, b_y',
      '  ->  Inner Join: (a_id = b_id)',
      '    ->  Project: a_id, a_x',
      '      ->  Scan (oid 1) [a_id, a_x, a_wide]',
      '    ->  Project: b_id, b_y',
      '      ->  Scan (oid 2) [b_id, b_y, b_wide]',
    ].join('\n'));
  });

  it('keeps filter columns below the filter and renumbers the predicate', () => {
    const p = project(filter(join('left', a, b, op('=', col(0), col(3))), op('>', col(5), lit(1))), [col(1)]);
    const out = prune(p);
    expect(show(out)).toBe([
      'Project: a_x',
      '  ->  Filter: (b_wide > 1)',
      '    ->  Left Join: (a_id = b_id)',
      '      ->  Project: a_id, a_x',
      '        ->  Scan (oid 1) [a_id, a_x, a_wide]',
      '      ->  Project: b_id, b_wide',
      '        ->  Scan (oid 2) [b_id, b_y, b_wide]',
    ].join('\n'));
    expect(out.columns.map((c) => c.name)).toEqual(['a_x']);
  });

  it('drops aggregate calls and projected expressions no one reads', () => {
    const agg = countBy(project(a, [col(0), col(1), op('+', col(2), lit(1))], ['id', 'x', 'w1']), 0, [1, 2]);
    const p = project(agg, [col(0), col(2)]);
    expect(show(prune(p))).toBe([
      'Project: id, sum_x',
      '  ->  Aggregate: group by [id] aggs [sum(x)]',
      '    ->  Project: a_id, a_x',
      '      ->  Scan (oid 1) [a_id, a_x, a_wide]',
    ].join('\n'));
  });

  it('narrows the input of a HOP window to the columns read above it and its time column', () => {
    // a_x is the time; above the window only a_id and window_start are read.
    const p = project(hopWindow(a, 1, 2, 10), [col(0), col(3, T.timestamp)]);
    const out = prune(p);
    expect(show(out)).toBe([
      'Project: a_id, window_start',
      '  ->  HopWindow: time a_x slide 00:00:02 size 00:00:10',
      '    ->  Project: a_id, a_x',
      '      ->  Scan (oid 1) [a_id, a_x, a_wide]',
    ].join('\n'));
    expect(out.kind === 'project' && out.input.columns.map((c) => c.name)).toEqual(['a_id', 'a_x', 'window_start', 'window_end']);
  });

  it('keeps only the condition\'s columns of a semi join\'s right side', () => {
    const p = join('semi', a, b, op('=', col(0), col(4)));
    expect(show(prune(p))).toBe([
      'Semi Join: (a_id = b_y)',
      '  ->  Scan (oid 1) [a_id, a_x, a_wide]',
      '  ->  Project: b_y',
      '    ->  Scan (oid 2) [b_id, b_y, b_wide]',
    ].join('\n'));
  });

  it('leaves a node with a subquery and everything below it as it is', () => {
    const sub: LogicalPlan = project(filter(b, op('=', col(0), { kind: 'outer', type: T.int4, depth: 1, index: 2 })), [col(1)]);
    const p = project(filter(join('inner', a, b, op('=', col(0), col(3))), { kind: 'subquery', type: T.bool, mode: 'exists', plan: sub, correlated: true }), [col(1)]);
    const out = prune(p);
    expect(show(out)).toBe(show(p));
  });

  it('changes nothing when every column is used', () => {
    const p = join('inner', a, b, op('=', col(0), col(3)));
    expect(prune(p)).toBe(p);
  });
});

import { describe, expect, it } from 'vitest';
import { optimize } from '../optimizer.js';
import { pushDownFilter } from './push-down-filter.js';
import { and, or, col, countBy, filter, hopWindow, isNotNull, join, lit, op, project, scan, show } from '../test-plans.js';

const push = (p: Parameters<typeof show>[0]) => show(optimize(p, [pushDownFilter], []));
const a = scan(1, ['a_id', 'a_x']);
const b = scan(2, ['b_id', 'b_y']);

describe('push_down_filter', () => {
  it('moves conjuncts over the input\'s columns below a HOP window; those over the window stay above', () => {
    const p = filter(hopWindow(a, 1, 2, 10), and(op('>', col(0), lit(5)), isNotNull(col(2))));
    expect(push(p)).toBe([
      'Filter: window_start IS NOT NULL',
      '  ->  HopWindow: time a_x slide 00:00:02 size 00:00:10',
      '    ->  Filter: (a_id > 5)',
      '      ->  Scan (oid 1) [a_id, a_x]',
    ].join('\n'));
  });

  it('turns a cross join with an equality into an inner join and pushes one-sided conjuncts into the inputs', () => {
    const p = filter(join('cross', a, b), and(op('=', col(0), col(2)), op('>', col(1), lit(5)), op('<', col(3), lit(9))));
    expect(push(p)).toBe([
      'Inner Join: (a_id = b_id)',
      '  ->  Filter: (a_x > 5)',
      '    ->  Scan (oid 1) [a_id, a_x]',
      '  ->  Filter: (b_y < 9)',
      '    ->  Scan (oid 2) [b_id, b_y]',
    ].join('\n'));
  });

  it('pushes into the preserved side of a left join only; the padded side keeps the filter above', () => {
    // b_y IS NULL keeps the NULL-padded rows: it must stay above the join.
    const p = filter(join('left', a, b, op('=', col(0), col(2))), and(op('>', col(1), lit(5)), { kind: 'isnull', type: col(0).type, arg: col(3), negate: false }));
    expect(push(p)).toBe([
      'Filter: b_y IS NULL',
      '  ->  Left Join: (a_id = b_id)',
      '    ->  Filter: (a_x > 5)',
      '      ->  Scan (oid 1) [a_id, a_x]',
      '    ->  Scan (oid 2) [b_id, b_y]',
    ].join('\n'));
  });

  it('turns a left join into an inner join under a WHERE that rejects the padded row', () => {
    const p = filter(join('left', a, b, op('=', col(0), col(2))), op('=', col(3), lit(1)));
    expect(push(p)).toBe([
      'Inner Join: (a_id = b_id)',
      '  ->  Scan (oid 1) [a_id, a_x]',
      '  ->  Filter: (b_y = 1)',
      '    ->  Scan (oid 2) [b_id, b_y]',
    ].join('\n'));
  });

  it('narrows a full join to a left join when only the right padding is rejected', () => {
    const p = filter(join('full', a, b, op('=', col(0), col(2))), isNotNull(col(3)));
    expect(push(p)).toMatch(/^Right Join/);
    const q = filter(join('full', a, b, op('=', col(0), col(2))), isNotNull(col(1)));
    expect(push(q)).toMatch(/^Left Join/);
  });

  it('moves ON conjuncts into the non-preserved side of an outer join, never the preserved one', () => {
    const p = join('left', a, b, and(op('=', col(0), col(2)), op('>', col(1), lit(1)), op('>', col(3), lit(2))));
    expect(push(p)).toBe([
      'Left Join: ((a_id = b_id) AND (a_x > 1))',
      '  ->  Scan (oid 1) [a_id, a_x]',
      '  ->  Filter: (b_y > 2)',
      '    ->  Scan (oid 2) [b_id, b_y]',
    ].join('\n'));
  });

  it('keeps an anti join\'s ON conjunct over the left row in the join (it decides matches)', () => {
    const p = join('anti', a, b, and(op('=', col(0), col(2)), op('>', col(1), lit(1))));
    expect(push(p)).toBe(show(p));
  });

  it('substitutes through projections and moves conjuncts on grouping keys below the aggregate', () => {
    const agg = countBy(project(a, [col(0), op('+', col(1), lit(1))], ['id', 'x1']), 1);
    const p = filter(agg, and(op('>', col(0), lit(3)), op('>', col(1), lit(10))));
    expect(push(p)).toBe([
      'Filter: (count > 10)',
      '  ->  Aggregate: group by [x1] aggs [count_star()]',
      '    ->  Project: a_id, (a_x + 1)',
      '      ->  Filter: ((a_x + 1) > 3)',
      '        ->  Scan (oid 1) [a_id, a_x]',
    ].join('\n'));
  });

  it('makes a full join inner when WHERE compares both sides (padded rows give NULL)', () => {
    const p = filter(join('full', a, b, op('=', col(0), col(2))), op('=', col(1), col(3)));
    expect(push(p)).toMatch(/^Inner Join: \(\(a_id = b_id\) AND \(a_x = b_y\)\)/);
  });

  it('leaves a full join under a filter that keeps padded rows unchanged', () => {
    const p = filter(join('full', a, b, op('=', col(0), col(2))), or(op('=', col(1), lit(1)), op('=', col(3), lit(1))));
    const out = optimize(p, [pushDownFilter], []);
    expect(out).toBe(p);
  });
});

import { describe, expect, it } from 'vitest';
import { optimize } from '../optimizer.js';
import { eliminateLimit } from './eliminate-limit.js';
import { lit, scan, show } from '../test-plans.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { T } from '../../types/datatype.js';

const a = scan(1, ['a_id']);
const limit = (l: number | null, o: number | null): LogicalPlan => ({ kind: 'limit', input: a, limit: lit(l, T.int8), offset: o === null ? null : lit(o, T.int8), columns: a.columns });

describe('eliminate_limit', () => {
  it('removes LIMIT NULL / ALL without an offset', () => {
    expect(optimize(limit(null, null), [eliminateLimit], [])).toBe(a);
    expect(optimize(limit(null, 0), [eliminateLimit], [])).toBe(a);
  });
  it('replaces LIMIT 0 by an empty relation with the same columns', () => {
    const out = optimize(limit(0, 3), [eliminateLimit], []);
    expect(show(out)).toBe('Values (0 rows)');
    expect(out.columns).toEqual(a.columns);
  });
  it('keeps real limits and offsets', () => {
    const p = limit(5, null), q = limit(null, 2);
    expect(optimize(p, [eliminateLimit], [])).toBe(p);
    expect(optimize(q, [eliminateLimit], [])).toBe(q);
  });
});

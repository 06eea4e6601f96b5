// primary_key_lookup on hand-built plans, compared as EXPLAIN text.

import { describe, expect, it } from 'vitest';
import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan, OutputColumn } from '../../plan/logical.js';
import { explainPlan } from '../../plan/explain.js';
import { type DataType, T } from '../../types/datatype.js';
import { comparisonImpl } from '../../functions/operators.js';
import { optimize } from '../optimizer.js';
import { primaryKeyLookup } from './primary-key-lookup.js';

const cols = (spec: [string, DataType][]): OutputColumn[] => spec.map(([name, type]) => ({ name, type }));
const ACCOUNTS = cols([['aid', T.int4], ['bid', T.int4], ['abalance', T.int4]]);

function scan(columns: OutputColumn[], primaryKey?: number[]): LogicalPlan {
  return { kind: 'scan', tableOid: 16384, columns, primaryKey };
}
const col = (index: number, type: DataType = T.int4): Expr => ({ kind: 'column', index, type });
const lit = (value: number | string, type: DataType = T.int4): Expr => ({ kind: 'const', value, type });
const param = (index: number, type: DataType = T.int4): Expr => ({ kind: 'param', index, type });
const cast = (arg: Expr, type: DataType): Expr => ({ kind: 'cast', arg, type, explicit: false });
const op = (name: string, l: Expr, r: Expr): Expr => ({ kind: 'call', name, args: [l, r], type: T.bool, impl: comparisonImpl(name)!, strict: true });
const and = (...args: Expr[]): Expr => ({ kind: 'and', args, type: T.bool });
const or = (...args: Expr[]): Expr => ({ kind: 'or', args, type: T.bool });
const filter = (input: LogicalPlan, predicate: Expr): LogicalPlan => ({ kind: 'filter', input, predicate, columns: input.columns });

const explain = (p: LogicalPlan) => explainPlan(p).join('\n');
const applied = (p: LogicalPlan) => explain(primaryKeyLookup.apply(p));

describe('primary_key_lookup', () => {
  it('turns pk = constant over a scan into a key lookup, keeping the filter', () => {
    expect(applied(filter(scan(ACCOUNTS, [0]), op('=', col(0), lit(42))))).toBe([
      'Filter: (aid = 42)',
      '  ->  Key Lookup (oid 16384) [aid, bid, abalance] primary key (aid) = (42)',
    ].join('\n'));
  });

  it('accepts the constant on the left and a parameter among other conjuncts', () => {
    expect(applied(filter(scan(ACCOUNTS, [0]), op('=', lit(7), col(0))))).toContain('primary key (aid) = (7)');
    expect(applied(filter(scan(ACCOUNTS, [0]), and(op('>', col(2), lit(0)), op('=', col(0), param(0)))))).toBe([
      'Filter: ((abalance > 0) AND (aid = $1))',
      '  ->  Key Lookup (oid 16384) [aid, bid, abalance] primary key (aid) = ($1)',
    ].join('\n'));
  });

  it('needs every column of a composite key, and orders the values as the key', () => {
    const t = scan(ACCOUNTS, [1, 0]);
    expect(applied(filter(t, op('=', col(0), lit(1))))).toBe(explain(filter(t, op('=', col(0), lit(1)))));
    expect(applied(filter(t, and(op('=', col(0), lit(1)), op('=', col(1), lit(2)))))).toContain('primary key (bid, aid) = (2, 1)');
  });

  it('leaves plans alone when the key is not fixed to one row-independent value', () => {
    const t = scan(ACCOUNTS, [0]);
    for (const pred of [
      op('>', col(0), lit(1)),
      op('=', col(0), col(1)),
      or(op('=', col(0), lit(1)), op('=', col(0), lit(2))),
      op('=', col(1), lit(1)),
    ]) {
      expect(applied(filter(t, pred))).toBe(explain(filter(t, pred)));
    }
    // A table without a primary key.
    const noKey = filter(scan(ACCOUNTS), op('=', col(0), lit(1)));
    expect(applied(noKey)).toBe(explain(noKey));
  });

  it('looks through widening casts of the key column only', () => {
    const t = scan(ACCOUNTS, [0]);
    expect(applied(filter(t, op('=', cast(col(0), T.int8), lit(5, T.int8))))).toContain('Key Lookup');
    const wide = scan(cols([['id', T.int8]]), [0]);
    const narrowing = filter(wide, op('=', cast(col(0, T.int8), T.int4), lit(5)));
    expect(applied(narrowing)).toBe(explain(narrowing));
  });

  it('does not use keys whose equality is not exact string equality (character(n))', () => {
    const t = scan(cols([['code', T.bpchar]]), [0]);
    const p = filter(t, op('=', col(0, T.bpchar), lit('ab', T.bpchar)));
    expect(applied(p)).toBe(explain(p));
    const text = scan(cols([['code', T.text]]), [0]);
    expect(applied(filter(text, op('=', col(0, T.text), lit('ab', T.text))))).toContain("primary key (code) = ('ab')");
  });

  it('fires inside a larger plan through the optimizer driver', () => {
    const plan: LogicalPlan = {
      kind: 'project', input: filter(scan(ACCOUNTS, [0]), op('=', col(0), param(0))),
      exprs: [col(2)], columns: [ACCOUNTS[2]],
    };
    expect(explain(optimize(plan))).toMatch(/Key Lookup \(oid 16384\) \[.*\] primary key \(aid\) = \(\$1\)/);
  });
});

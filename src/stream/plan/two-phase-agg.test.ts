import { describe, expect, it } from 'vitest';
import { T, type DataType } from '../../types/datatype.js';
import type { AggCall } from '../../plan/logical.js';
import type { AggInput } from '../operators/aggregate/hash-agg.js';
import { type ChangelogKind, type StreamNode, explainStream } from './stream-plan.js';
import { twoPhaseAgg } from './two-phase-agg.js';

const call = (kind: AggCall['kind'], type: DataType = T.int4, distinct = false): AggCall => ({ kind, args: kind === 'count_star' ? [] : [{ kind: 'column', type, index: 1 }], distinct, filter: null, orderBy: [], type: T.int8 });
const agg = (c: AggCall): AggInput => ({ call: c, args: c.kind === 'count_star' ? [] : [1] });

function plan(aggs: AggInput[], changelog: ChangelogKind = 'retract', groupBy = [0]): StreamNode {
  const src: StreamNode = { op: 'tableSource', id: 1, columns: [{ name: 'k', type: T.int4 }, { name: 'v', type: T.int4 }], changelog, tableOid: 1, name: 't' };
  const ex: StreamNode = { op: 'exchange', id: 2, columns: src.columns, changelog, input: src, distribution: groupBy.length ? { kind: 'hash', keys: groupBy } : { kind: 'single' } };
  const cols = [...groupBy.map(() => ({ name: 'k', type: T.int4 })), ...aggs.map((a) => ({ name: a.call.kind, type: T.int8 }))];
  const hashAgg: StreamNode = { op: 'hashAgg', id: 3, columns: cols, changelog: 'upsert', input: ex, groupBy, aggs };
  return { op: 'materialize', id: 4, columns: cols, changelog: 'upsert', input: hashAgg, targetOid: 9, name: 'v' };
}

const shape = (n: StreamNode) => explainStream(n).map((l) => l.replace(/ {2}\{.*\}$/, '')).join('\n');

describe('twoPhaseAgg', () => {
  it('splits decomposable aggregates into a local agg before the exchange and a global agg after it', () => {
    const out = twoPhaseAgg(plan([agg(call('count_star')), agg(call('sum')), agg(call('avg', T.numeric)), agg(call('bool_or', T.bool))]));
    expect(shape(out)).toBe([
      'StreamMaterialize v',
      '  └─ StreamHashAgg (global) group=[0] aggs=[count_star, sum, avg, bool_or]',
      '    └─ StreamExchange hash[0]',
      '      └─ StreamLocalAgg group=[0] aggs=[count_star, sum, avg, bool_or]',
      '        └─ StreamTableScan t',
    ].join('\n'));
    const local = (out as Extract<StreamNode, { op: 'materialize' }>).input;
    if (local.op !== 'hashAgg') throw new Error('expected the global agg');
    // Partial columns: key, Δrows, count, (sum, n), (sum, n), (trues, falses).
    expect(local.input.columns.map((c) => c.name)).toEqual(['k', '_rows', '_agg0_p0', '_agg1_p0', '_agg1_p1', '_agg2_p0', '_agg2_p1', '_agg3_p0', '_agg3_p1']);
    expect(local.rowCountColumn).toBe(1);
    expect(local.aggs.map((a) => a.merge)).toEqual(['count', 'sum', 'sum', 'bool']);
    expect(new Set([out, local, local.input, ...(local.input.op === 'exchange' ? [local.input.input] : [])].map((n) => n.id)).size).toBe(4);
  });

  it('uses a single exchange for an aggregate without GROUP BY', () => {
    const out = twoPhaseAgg(plan([agg(call('count', T.int4))], 'retract', []));
    expect(shape(out)).toContain('StreamExchange single\n      └─ StreamLocalAgg group=[]');
  });

  it('splits min/max only over append-only input', () => {
    expect(shape(twoPhaseAgg(plan([agg(call('max'))], 'append-only')))).toContain('StreamLocalAgg');
    const retracting = plan([agg(call('max'))], 'retract');
    expect(twoPhaseAgg(retracting)).toBe(retracting);
  });

  it('keeps count(DISTINCT), float sums and collecting aggregates single-phase', () => {
    for (const c of [call('count', T.int4, true), call('sum', T.float8), call('avg', T.float4), call('string_agg', T.text)]) {
      const p = plan([agg(call('count_star')), agg(c)]);
      expect(twoPhaseAgg(p)).toBe(p);
    }
  });
});

// Small hand-built stream plans for the graph unit tests (not used by the server).

import { T } from '../../types/datatype.js';
import type { Distribution, StreamNode } from '../plan/stream-plan.js';

const cols = (...names: string[]) => names.map((name) => ({ name, type: T.int4 }));
let nextId = 100;

export function tableSource(name: string, ...columns: string[]): StreamNode {
  return { op: 'tableSource', id: nextId++, columns: cols(...columns), changelog: 'retract', tableOid: 1, name };
}
export function connectorSource(name: string, ...columns: string[]): StreamNode {
  return { op: 'connectorSource', id: nextId++, columns: cols(...columns), changelog: 'append-only', sourceOid: 2, name, connector: 'datagen', options: {} };
}
export function filter(input: StreamNode): StreamNode {
  return { op: 'filter', id: nextId++, columns: input.columns, changelog: input.changelog, input, predicate: { kind: 'const', type: T.bool, value: true } };
}
export function project(input: StreamNode): StreamNode {
  return { op: 'project', id: nextId++, columns: input.columns, changelog: input.changelog, input, exprs: input.columns.map((c, index) => ({ kind: 'column', type: c.type, index })) };
}
export function exchange(input: StreamNode, distribution: Distribution): StreamNode {
  return { op: 'exchange', id: nextId++, columns: input.columns, changelog: input.changelog, input, distribution };
}
export function hashAgg(input: StreamNode, groupBy: number[]): StreamNode {
  return { op: 'hashAgg', id: nextId++, columns: cols(...groupBy.map((g) => input.columns[g].name), 'count'), changelog: 'upsert', upsertKey: groupBy.map((_, i) => i), input, groupBy, aggs: [] };
}
export function join(left: StreamNode, right: StreamNode, lk: number, rk: number): StreamNode {
  return {
    op: 'hashJoin', id: nextId++, columns: [...left.columns, ...right.columns], changelog: 'retract', joinType: 'inner', residual: null,
    left: exchange(left, { kind: 'hash', keys: [lk] }), right: exchange(right, { kind: 'hash', keys: [rk] }),
    leftKeys: [{ kind: 'column', type: T.int4, index: lk }], rightKeys: [{ kind: 'column', type: T.int4, index: rk }],
  };
}
export function union(...inputs: StreamNode[]): StreamNode {
  return { op: 'union', id: nextId++, columns: inputs[0].columns, changelog: 'retract', inputs };
}
export function materialize(input: StreamNode, name = 'v'): StreamNode {
  return { op: 'materialize', id: 0, columns: input.columns, changelog: input.changelog, upsertKey: input.upsertKey, input, targetOid: 9, name };
}

/** bids (connector) ⋈ auctions (table) on auction = id, grouped by the auction: the shape of a
 * typical join + aggregate view. */
export function joinAggPlan(): StreamNode {
  const bids = project(filter(connectorSource('bids', 'auction', 'price')));
  const auctions = tableSource('auctions', 'id', 'seller');
  const j = project(join(bids, auctions, 0, 0));
  return materialize(hashAgg(exchange(j, { kind: 'hash', keys: [3] }), [3]));
}

// Logical plan → stream plan. Each logical node maps to its incremental counterpart (TUMBLE is a
// projection already; HOP becomes the stateless hopWindow operator); exchanges
// are placed where data must be partitioned, and each node's changelog kind is derived from its
// inputs. Queries that cannot run incrementally are rejected with SQLSTATE 0A000 naming the operator.
//
// Exchanges (they become partitioners when the plan is lowered to a job graph, src/stream/graph/):
//   hash on the group keys before a hash aggregate (DISTINCT, UNION) — unless its input is hashed
//   on some of them already (plan/distribution.ts) —, on the join keys before
//   both sides of a join, on the partition keys before a partitioned Top-N; single before a
//   global aggregate (no GROUP BY) and an unpartitioned Top-N, which must see every row.
// The result is not gathered: a materialize or sink runs in the subtasks of the operator below it.
// Every subtask writes its own keys, and the changes of one row always come from the same subtask
// in order, so parallel writers leave the same view as one writer would.

import { SqlError, SqlState } from '../../errors.js';
import { remapColumns } from '../../optimizer/plan-util.js';
import { T } from '../../types/datatype.js';
import type { Expr } from '../../plan/expr.js';
import type { LogicalPlan, OutputColumn } from '../../plan/logical.js';
import type { RelationDef } from '../../catalog/catalog.js';
import { joinKeys } from '../../plan/join-keys.js';
import { splitConjuncts } from '../../plan/conjuncts.js';
import { walkExpr } from '../../sql/binder/expr-key.js';
import type { AggInput } from '../operators/aggregate/hash-agg.js';
import type { ChangelogKind, Distribution, StreamNode } from './stream-plan.js';
import { matchRowNumberTopN } from './row-number-top-n.js';
import { asSemiJoin } from './subquery-to-join.js';
import { groupDistributionKey } from './distribution.js';
import { watermarkColumns } from './watermarks.js';
import { joinIntervalOf } from './interval-join.js';
import { EMIT_ON_WINDOW_CLOSE_OPTION, emitOnWindowClose } from './emit-on-window-close.js';
import { markUnusedSourceColumns } from './unused-source-columns.js';

/** A join key pair watermarked on both sides closes join keys (the first such pair). */
function joinWindowOf(lk: { node: StreamNode; keyCols: number[] }, rk: { node: StreamNode; keyCols: number[] }): { window?: { leftColumn: number; rightColumn: number } } {
  const l = new Set(watermarkColumns(lk.node)), r = new Set(watermarkColumns(rk.node));
  const i = lk.keyCols.findIndex((c, j) => l.has(c) && r.has(rk.keyCols[j]));
  return i >= 0 ? { window: { leftColumn: lk.keyCols[i], rightColumn: rk.keyCols[i] } } : {};
}

/** A group key with a watermark closes groups (the first such key). */
function windowOf(input: StreamNode, groupBy: readonly number[]): { window?: { key: number; emitOnClose: false } } {
  const wm = new Set(watermarkColumns(input));
  const key = groupBy.findIndex((c) => wm.has(c));
  return key >= 0 ? { window: { key, emitOnClose: false } } : {};
}

export interface StreamPlannerContext {
  relation(oid: number): RelationDef | undefined;
}

export class StreamPlanner {
  private nextId = 1;
  constructor(private readonly ctx: StreamPlannerContext) {}

  private id(): number { return this.nextId++; }

  /** The stream plan of a maintained relation's query, under its options (EMIT ON WINDOW CLOSE). */
  planQuery(p: LogicalPlan, options: Record<string, string> | undefined): StreamNode {
    const n = markUnusedSourceColumns(this.plan(p));
    return options?.[EMIT_ON_WINDOW_CLOSE_OPTION] === 'true' ? emitOnWindowClose(n, () => this.id()) : n;
  }

  plan(p: LogicalPlan): StreamNode {
    switch (p.kind) {
      case 'scan': {
        const rel = this.ctx.relation(p.tableOid);
        if (!rel) throw new SqlError(SqlState.UndefinedTable, `relation with OID ${p.tableOid} does not exist`);
        if (rel.kind === 'source') {
          const source: StreamNode = { op: 'connectorSource', id: this.id(), columns: p.columns, changelog: 'append-only', sourceOid: rel.oid, name: rel.name, connector: rel.options?.connector ?? '', options: rel.options ?? {} };
          if (!p.watermark) return source;
          checkExprs([p.watermark.expr], 'WATERMARK');
          return { op: 'watermarkFilter', id: this.id(), columns: p.columns, changelog: 'append-only', input: source, column: p.watermark.column, expr: p.watermark.expr };
        }
        // Tables and materialized views feed their changes (after an initial snapshot); a stream
        // only ever gains rows, so a stream over it is append-only too (ksqlDB's chains of streams).
        if (rel.kind === 'stream') return { op: 'tableSource', id: this.id(), columns: p.columns, changelog: 'append-only', tableOid: rel.oid, name: rel.name };
        const key = rel.primaryKey ?? streamKeyOf(rel);
        return { op: 'tableSource', id: this.id(), columns: p.columns, changelog: key ? 'upsert' : 'retract', upsertKey: key, tableOid: rel.oid, name: rel.name };
      }
      case 'values':
        return { op: 'values', id: this.id(), columns: p.columns, changelog: 'append-only', rows: p.rows };
      case 'filter': return this.filter(p);
      case 'project': {
        checkExprs(p.exprs, 'SELECT');
        const input = this.plan(p.input);
        const upsertKey = projectedKey(input.upsertKey, p.exprs);
        const changelog: ChangelogKind = input.changelog === 'append-only' ? 'append-only' : upsertKey ? input.changelog : 'retract';
        return { op: 'project', id: this.id(), columns: p.columns, changelog, upsertKey, input, exprs: p.exprs };
      }
      case 'aggregate': return this.aggregate(p);
      case 'hopWindow': {
        checkExprs([p.time], 'HOP');
        const input = this.plan(p.input);
        // A row appears once per window: the input's key identifies an output row only with window_start.
        const upsertKey = input.upsertKey ? [...input.upsertKey, p.input.columns.length] : undefined;
        const changelog: ChangelogKind = input.changelog === 'append-only' ? 'append-only' : upsertKey ? input.changelog : 'retract';
        return { op: 'hopWindow', id: this.id(), columns: p.columns, changelog, upsertKey, input, time: p.time, slide: p.slide, size: p.size, offset: p.offset };
      }
      case 'join': return this.join(p);
      case 'sort': return this.plan(p.input); // a view's rows have no order; ORDER BY only matters with LIMIT
      case 'limit': return this.topN(p);
      case 'distinct': {
        if (p.on) throw unsupported('DISTINCT ON');
        const input = this.plan(p.input);
        const groupBy = p.columns.map((_, i) => i);
        return this.hashAgg(input, groupBy, [], p.columns);
      }
      case 'setop': {
        if (p.op !== 'union') throw unsupported(p.op.toUpperCase());
        const left = this.plan(p.left), right = this.plan(p.right);
        const changelog: ChangelogKind = left.changelog === 'append-only' && right.changelog === 'append-only' ? 'append-only' : 'retract';
        const u: StreamNode = { op: 'union', id: this.id(), columns: p.columns, changelog, inputs: [left, right] };
        return p.all ? u : this.hashAgg(u, p.columns.map((_, i) => i), [], p.columns);
      }
      case 'cteRef':
        if (p.cte.recursive) throw unsupported('WITH RECURSIVE');
        return this.plan(p.cte.plan);
      case 'window': throw unsupported('window functions other than ROW_NUMBER() filtered by rn <= n', 'Use ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) with WHERE rn <= N for Top-N and deduplication.');
      case 'tableFunction': return { op: 'values', id: this.id(), columns: p.columns, changelog: 'append-only', rows: [...p.fn([])].map((r) => r.map((v, i) => ({ kind: 'const' as const, type: p.columns[i].type, value: v }))) };
      case 'systemScan': throw unsupported(`reading the system catalog ${p.table}`);
      case 'projectSet': throw unsupported('set-returning functions in the select list');
    }
  }

  private filter(p: Extract<LogicalPlan, { kind: 'filter' }>): StreamNode {
    const topN = matchRowNumberTopN(p);
    if (topN) {
      const input = this.plan(topN.input);
      const ex = this.exchange(input, topN.spec.partitionBy.length ? { kind: 'hash', keys: topN.spec.partitionBy } : { kind: 'single' });
      const cols = [...topN.input.columns, { name: 'row_number', type: T.int8 }];
      let node: StreamNode = { op: 'topN', id: this.id(), columns: cols, changelog: 'retract', input: ex, spec: topN.spec };
      if (topN.project) node = { op: 'project', id: this.id(), columns: topN.project.columns, changelog: 'retract', input: node, exprs: topN.project.exprs };
      if (topN.rest) {
        checkExprs([topN.rest], 'WHERE');
        node = { op: 'filter', id: this.id(), columns: p.columns, changelog: 'retract', input: node, predicate: topN.rest };
      }
      return node;
    }
    // IN / EXISTS / NOT EXISTS conjuncts become semi/anti joins below the remaining filter.
    let input: StreamNode | null = null;
    const rest: Expr[] = [];
    for (const c of splitConjuncts(p.predicate)) {
      const sj = asSemiJoin(c);
      if (!sj) { rest.push(c); continue; }
      const left: StreamNode = input ?? this.plan(p.input);
      const right = this.plan(sj.right);
      const lk = this.keyProjection(left, sj.leftKeys), rk = this.keyProjection(right, sj.rightKeys);
      const semi: StreamNode = {
        op: 'semiJoin', id: this.id(), columns: lk.node.columns, changelog: 'retract', anti: sj.anti,
        left: this.exchange(lk.node, { kind: 'hash', keys: lk.keyCols }), right: this.exchange(rk.node, { kind: 'hash', keys: rk.keyCols }),
        leftKeys: lk.keyCols.map((i) => ({ kind: 'column' as const, type: lk.node.columns[i].type, index: i })),
        rightKeys: rk.keyCols.map((i) => ({ kind: 'column' as const, type: rk.node.columns[i].type, index: i })), residual: null,
      };
      // Computed key columns are dropped again after the join.
      input = lk.node === left ? { ...semi, columns: p.input.columns } as StreamNode
        : { op: 'project', id: this.id(), columns: p.input.columns, changelog: 'retract', input: semi, exprs: p.input.columns.map((c, i) => ({ kind: 'column' as const, type: c.type, index: i })) };
    }
    const base = input ?? this.plan(p.input);
    if (!rest.length) return base;
    const predicate = rest.length === 1 ? rest[0] : { kind: 'and' as const, type: T.bool, args: rest };
    checkExprs([predicate], 'WHERE');
    // A filter drops rows but never changes a key: the input's key still identifies each row.
    return { op: 'filter', id: this.id(), columns: p.columns, changelog: base.changelog, upsertKey: base.upsertKey, input: base, predicate };
  }

  private exchange(input: StreamNode, distribution: Distribution): StreamNode {
    return { op: 'exchange', id: this.id(), columns: input.columns, changelog: input.changelog, upsertKey: input.upsertKey, input, distribution };
  }

  private hashAgg(input: StreamNode, groupBy: number[], aggs: AggInput[], columns: OutputColumn[]): StreamNode {
    const upsertKey = groupBy.map((_, i) => i);
    // Input already hashed on some of the group keys (a join on them below): no shuffle needed.
    const distributionKey = groupDistributionKey(input, groupBy);
    const extra = {
      ...(input.changelog === 'append-only' ? { appendOnlyInput: true } : {}),
      ...windowOf(input, groupBy),
    };
    if (distributionKey) return { op: 'hashAgg', id: this.id(), columns, changelog: 'upsert', upsertKey, input, groupBy, aggs, distributionKey, ...extra };
    const ex = this.exchange(input, groupBy.length ? { kind: 'hash', keys: groupBy } : { kind: 'single' });
    return { op: 'hashAgg', id: this.id(), columns, changelog: 'upsert', upsertKey, input: ex, groupBy, aggs, ...extra };
  }

  private aggregate(p: Extract<LogicalPlan, { kind: 'aggregate' }>): StreamNode {
    if (p.groupingSets) throw unsupported('GROUPING SETS');
    // Project group keys, aggregate arguments, FILTER flags and ORDER BY keys into columns.
    const input = this.plan(p.input);
    const exprs: Expr[] = [];
    const cols: OutputColumn[] = [];
    const add = (e: Expr, name: string): number => { exprs.push(e); cols.push({ name, type: e.type }); return exprs.length - 1; };
    const groupBy = p.groupBy.map((g, i) => add(g, p.columns[i].name));
    const aggs: AggInput[] = p.aggs.map((a, i) => ({
      call: a,
      args: a.args.map((e, j) => add(e, `agg${i}_arg${j}`)),
      filter: a.filter ? add(a.filter, `agg${i}_filter`) : undefined,
      orderBy: a.orderBy.length ? a.orderBy.map((o, j) => add(o.expr, `agg${i}_order${j}`)) : undefined,
    }));
    checkExprs(exprs, 'GROUP BY');
    const proj: StreamNode = { op: 'project', id: this.id(), columns: cols, changelog: input.changelog === 'append-only' ? 'append-only' : 'retract', input, exprs };
    return this.hashAgg(proj, groupBy, aggs, p.columns);
  }

  private join(p: Extract<LogicalPlan, { kind: 'join' }>): StreamNode {
    const left = this.plan(p.left), right = this.plan(p.right);
    const keys = joinKeys(p);
    if (keys.left.length === 0) throw unsupported(`${p.joinType === 'cross' ? 'CROSS JOIN' : 'a join without an equality condition'}`, 'Streaming joins need at least one equality between the two sides.');
    const residual = keys.rest.length ? (keys.rest.length === 1 ? keys.rest[0] : { kind: 'and' as const, type: T.bool, args: keys.rest }) : null;
    if (residual) checkExprs([residual], 'JOIN');
    // Keys are evaluated over each side's own rows; exchanges hash on them. Keys that are
    // expressions (a cast, `a + 1`) are computed into extra columns after each side's own.
    const lk = this.keyProjection(left, keys.left), rk = this.keyProjection(right, keys.right);
    const lw = left.columns.length, lExtra = lk.node.columns.length - lw, rExtra = rk.node.columns.length - right.columns.length;
    // The residual was bound over (left, right); right columns move past the left's extra keys.
    const res = residual && lExtra ? remapColumns(residual, (i) => (i >= lw ? i + lExtra : i)) : residual;
    const keyRefs = (k: { node: StreamNode; keyCols: number[] }) => k.keyCols.map((c) => ({ kind: 'column' as const, type: k.node.columns[c].type, index: c }));
    const leftIn = this.exchange(lk.node, { kind: 'hash', keys: lk.keyCols }), rightIn = this.exchange(rk.node, { kind: 'hash', keys: rk.keyCols });
    let node: StreamNode;
    if (p.joinType === 'semi' || p.joinType === 'anti') {
      // Decorrelated IN / EXISTS / NOT EXISTS (optimizer rule decorrelate_predicate_subquery).
      node = {
        op: 'semiJoin', id: this.id(), columns: lk.node.columns, changelog: 'retract', anti: p.joinType === 'anti',
        left: leftIn, right: rightIn, leftKeys: keyRefs(lk), rightKeys: keyRefs(rk), residual: res,
      };
    } else {
      const jt = p.joinType === 'cross' ? 'inner' : p.joinType;
      const changelog: ChangelogKind = jt === 'inner' && left.changelog === 'append-only' && right.changelog === 'append-only' ? 'append-only' : 'retract';
      const windowed = joinWindowOf(lk, rk);
      // Flink's interval join: a join whose condition bounds one side's event time by the other's
      // forgets rows the watermarks have passed (plan/interval-join.ts says why that is safe for
      // retracting inputs too). A windowed join already cleans by its window.
      const interval = windowed.window ? null : joinIntervalOf(res, lk.node.columns.length, new Set(watermarkColumns(lk.node)), new Set(watermarkColumns(rk.node)));
      node = {
        op: 'hashJoin', id: this.id(), columns: [...lk.node.columns, ...rk.node.columns], changelog,
        left: leftIn, right: rightIn, joinType: jt, leftKeys: keyRefs(lk), rightKeys: keyRefs(rk), residual: res,
        ...windowed, ...(interval ? { interval } : {}),
      };
    }
    if (!lExtra && !rExtra) return { ...node, columns: p.columns } as StreamNode;
    // Drop the computed key columns again: the join's output is the logical plan's.
    const keep = p.columns.map((_, i) => (i < lw ? i : i + lExtra));
    return { op: 'project', id: this.id(), columns: p.columns, changelog: node.changelog === 'append-only' ? 'append-only' : 'retract', input: node, exprs: keep.map((i, j) => ({ kind: 'column' as const, type: p.columns[j].type, index: i })) };
  }

  /** Make every key a column of the input: plain columns as they are, expressions appended. */
  private keyProjection(input: StreamNode, keys: Expr[]): { node: StreamNode; keyCols: number[] } {
    if (keys.every((k) => k.kind === 'column')) return { node: input, keyCols: keys.map((k) => (k as { index: number }).index) };
    checkExprs(keys, 'JOIN');
    const width = input.columns.length;
    const exprs: Expr[] = input.columns.map((c, i) => ({ kind: 'column', type: c.type, index: i }));
    const columns = [...input.columns];
    const keyCols = keys.map((k) => {
      if (k.kind === 'column') return k.index;
      exprs.push(k);
      columns.push({ name: `?join_key${columns.length - width}?`, type: k.type });
      return exprs.length - 1;
    });
    const node: StreamNode = { op: 'project', id: this.id(), columns, changelog: input.changelog, upsertKey: input.upsertKey, input, exprs };
    return { node, keyCols };
  }

  private topN(p: Extract<LogicalPlan, { kind: 'limit' }>): StreamNode {
    let inner = p.input;
    const constInt = (e: Expr | null): number | null => {
      if (!e) return null;
      if (e.kind !== 'const' || e.value === null) throw unsupported('LIMIT/OFFSET with parameters or expressions');
      return Number(e.value as bigint | number);
    };
    const limit = constInt(p.limit) ?? Infinity;
    const offset = constInt(p.offset) ?? 0;
    let order: { index: number; desc: boolean; nullsFirst: boolean }[] = [];
    if (inner.kind === 'sort') {
      order = inner.keys.map((k) => {
        if (k.expr.kind !== 'column') throw unsupported('ORDER BY expressions in a streaming Top-N');
        return { index: k.expr.index, desc: k.desc, nullsFirst: k.nullsFirst };
      });
      inner = inner.input;
    } else if (Number.isFinite(limit)) throw unsupported('LIMIT without ORDER BY');
    const input = this.plan(inner);
    const ex = this.exchange(input, { kind: 'single' });
    return { op: 'topN', id: this.id(), columns: p.columns, changelog: 'retract', input: ex, spec: { partitionBy: [], orderBy: order, limit, offset, withRowNumber: false } };
  }
}

function unsupported(what: string, hint?: string): SqlError {
  return new SqlError(SqlState.FeatureNotSupported, `${what} is not supported in streaming queries`, { hint });
}

/** Streaming expressions must be deterministic and free of subqueries (not yet decorrelated). */
function checkExprs(exprs: readonly Expr[], clause: string): void {
  for (const e of exprs) {
    walkExpr(e, (x) => {
      if (x.kind === 'subquery' || x.kind === 'insubquery') throw unsupported(`subqueries in ${clause}`, 'Rewrite the subquery as a join.');
      if (x.kind === 'call' && x.volatile) throw unsupported(`the volatile function ${x.name}() in ${clause}`);
      if (x.kind === 'call' && (x.name === 'now' || x.name === 'current_user' || x.name === 'current_schema')) throw unsupported(`${x.name}() in ${clause}`);
      if (x.kind === 'param') throw unsupported(`parameters in ${clause}`);
    });
  }
}

export { splitConjuncts };

/** The key of a projection's output: where every input key column is passed through unchanged. */
function projectedKey(key: readonly number[] | undefined, exprs: readonly Expr[]): number[] | undefined {
  if (!key) return undefined;
  const out: number[] = [];
  for (const k of key) {
    const at = exprs.findIndex((e) => e.kind === 'column' && e.index === k);
    if (at < 0) return undefined;
    out.push(at);
  }
  return out;
}

/** Option under which a materialized view records the key its query guarantees (views over views keep it). */
export const STREAM_KEY_OPTION = 'weir.stream_key';

function streamKeyOf(rel: { options?: Record<string, string> }): number[] | undefined {
  const v = rel.options?.[STREAM_KEY_OPTION];
  return v ? v.split(',').map(Number) : undefined;
}

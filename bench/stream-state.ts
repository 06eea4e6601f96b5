// Micro benchmark of the stateful stream operators (hash aggregation with min/max retraction,
// hash join, semi join, Top-N): feeds synthetic changelog chunks straight into one operator and
// prints one JSON line per case: rows per CPU second (best of 3) and the heap the state holds.
//
//   node --expose-gc --import tsx bench/stream-state.ts [rows=200000]

import { ExecContext } from '../src/executor/context.js';
import { T } from '../src/types/datatype.js';
import type { Row } from '../src/types/value.js';
import type { AggCall } from '../src/plan/logical.js';
import { type Chunk, Op } from '../src/stream/chunk.js';
import type { Output, StreamOperator } from '../src/stream/operators/operator.js';
import { HashAggOperator } from '../src/stream/operators/aggregate/hash-agg.js';
import { HashJoinOperator } from '../src/stream/operators/hash-join.js';
import { SemiJoinOperator } from '../src/stream/operators/semi-join.js';
import { TopNOperator } from '../src/stream/operators/top-n.js';

const N = Number(process.argv[2] ?? 200_000);
const CHUNK = 1024;
const ctx = new ExecContext([], { timeZone: 'UTC', statementTime: 0, session: null as never }, { table: () => { throw new Error('no tables'); } }, { rows: () => [] }, () => false);
const sink: Output = { emit: () => undefined };
const call = (kind: AggCall['kind'], type = T.int4): AggCall => ({ kind, args: kind === 'count_star' ? [] : [{ kind: 'column', type, index: 1 }], distinct: false, filter: null, orderBy: [], type: T.int8 });

/** Insert `n` rows (key = i % keys), then retract every third one; a barrier every 8 chunks. */
function drive(op: StreamOperator, n: number, keys: number, input = 0): void {
  let ops: Op[] = [], rows: Row[] = [], chunks = 0;
  const flush = () => {
    if (!rows.length) return;
    op.processChunk({ ops, rows } satisfies Chunk, input, sink);
    ops = []; rows = [];
    if (++chunks % 8 === 0) op.processBarrier({ epoch: chunks }, sink);
  };
  const row = (i: number): Row => [i % keys, (i * 7919) % 1000, i];
  for (let i = 0; i < n; i++) { ops.push(Op.Insert); rows.push(row(i)); if (rows.length === CHUNK) flush(); }
  for (let i = 0; i < n; i += 3) { ops.push(Op.Delete); rows.push(row(i)); if (rows.length === CHUNK) flush(); }
  flush();
  op.processBarrier({ epoch: chunks + 1 }, sink);
}

/** Best of `REPEAT` runs, in CPU time (the machine is shared: wall time is mostly other jobs). */
const REPEAT = Number(process.env.WEIR_BENCH_REPEAT ?? 3);
let live: StreamOperator | null = null;

function measure(name: string, make: () => StreamOperator, run: (op: StreamOperator) => void, rowsTouched: number): void {
  run(make()); // warm-up
  let best = Infinity, heapMB = 0;
  for (let i = 0; i < REPEAT; i++) {
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const c0 = process.cpuUsage();
    const op = make();
    run(op);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
    live = op; // keep the operator (its state) reachable through the collection below
    global.gc?.();
    // Later repetitions can reuse heap the collector has not returned: keep the largest growth.
    heapMB = Math.max(heapMB, (process.memoryUsage().heapUsed - heap0) / 2 ** 20);
    live = null;
  }
  console.log(JSON.stringify({ bench: name, rows: rowsTouched, cpuMs: Math.round(best), rowsPerCpuSec: Math.round(rowsTouched / (best / 1000)), stateHeapMB: global.gc ? Number(heapMB.toFixed(1)) : null }));
}

const total = N + Math.ceil(N / 3);
measure('hash_agg count/sum (1000 groups)', () => new HashAggOperator([0], [{ call: call('count_star'), args: [] }, { call: call('sum'), args: [1] }], 'UTC'), (op) => drive(op, N, 1000), total);
measure('hash_agg min/max retract (1000 groups)', () => new HashAggOperator([0], [{ call: call('min'), args: [1] }, { call: call('max'), args: [1] }], 'UTC'), (op) => drive(op, N, 1000), total);
measure('hash_agg count (100k groups)', () => new HashAggOperator([0], [{ call: call('count_star'), args: [] }], 'UTC'), (op) => drive(op, N, 100_000), total);
const key = [{ kind: 'column' as const, type: T.int4, index: 0 }];
measure('hash_join inner (10k keys, both sides)', () => new HashJoinOperator('inner', key, key, null, 3, 3, ctx), (op) => { drive(op, N / 2, 10_000, 1); drive(op, N / 2, 10_000, 0); }, total);
measure('hash_join left (10k keys)', () => new HashJoinOperator('left', key, key, null, 3, 3, ctx), (op) => { drive(op, N / 2, 10_000, 0); drive(op, N / 2, 20_000, 1); }, total);
measure('semi_join (10k keys)', () => new SemiJoinOperator(false, key, key, null, ctx), (op) => { drive(op, N / 2, 10_000, 0); drive(op, N / 2, 20_000, 1); }, total);
measure('top_n 10 per partition (1000 partitions)', () => new TopNOperator({ partitionBy: [0], orderBy: [{ index: 1, desc: true, nullsFirst: true }], limit: 10, offset: 0, withRowNumber: false }), (op) => drive(op, N, 1000), total);

// Two-phase aggregation: the rows the exchange carries and the CPU of local + global against the
// single-phase HashAgg, over the same changelog (1000 groups, a barrier every 8 chunks).
{
  const aggs = [{ call: call('count_star'), args: [] }, { call: call('sum'), args: [1] }];
  let shipped = 0;
  const counting = (op: StreamOperator): StreamOperator => ({
    processChunk(c, i, out) { op.processChunk(c, i, { emit: (x) => { shipped += x.rows.length; out.emit(x); } }); },
    processBarrier(b, out) { op.processBarrier(b, { emit: (x) => { shipped += x.rows.length; out.emit(x); } }); },
  });
  const { LocalAggOperator } = await import('../src/stream/operators/aggregate/local-agg.js');
  const { partialKind } = await import('../src/stream/operators/aggregate/partial.js');
  const kinds = aggs.map((a) => partialKind(a.call, false)!);
  /** LocalAgg → (exchange) → global HashAgg, as one operator for the harness. */
  const twoPhase = (): StreamOperator => {
    const local = counting(new LocalAggOperator([0], aggs, kinds));
    const global = new HashAggOperator([0], [{ call: aggs[0].call, args: [2], merge: 'count' }, { call: aggs[1].call, args: [3, 4], merge: 'sum' }], 'UTC', { rowCountColumn: 1 });
    return {
      processChunk(c, i, out) { local.processChunk(c, i, { emit: (x) => global.processChunk(x, 0, out) }); },
      processBarrier(b, out) { local.processBarrier(b, { emit: (x) => global.processChunk(x, 0, out) }); global.processBarrier(b, out); },
    };
  };
  measure('two_phase_agg count/sum: local + global (1000 groups)', twoPhase, (op) => drive(op, N, 1000), total);
  shipped = 0;
  drive(twoPhase(), N, 1000);
  console.log(JSON.stringify({ bench: 'two_phase_agg exchange rows', inputRows: total, singlePhaseExchangeRows: total, twoPhaseExchangeRows: shipped }));
}

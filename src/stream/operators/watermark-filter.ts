// Where event time starts: the operator after a source declared with `WATERMARK FOR col AS expr`
// (RisingWave's WatermarkFilter, Flink's watermark generator). Row by row, a row whose `col` is
// below the current watermark is late and dropped; otherwise the watermark rises to `expr` of the
// row if that is higher. After the chunk, a risen watermark goes downstream. Deciding per row, not
// per chunk, makes what is dropped independent of how rows were batched, so a replay after
// recovery drops exactly what the first run dropped.
//
// The watermark is state: a restored filter resumes from it (a crash does not let rows through
// that were late before). When rescaling merges several old subtasks' watermarks, the smallest
// wins: rows the other subtasks would have dropped may come through, never the reverse — and
// operators downstream still drop rows behind their own watermark. At the end of a bounded
// source the watermark becomes +Infinity, which closes every window (Flink's MAX_WATERMARK).
//
// Per partition (Flink's per-split watermarks): rows from a source that reads several partitions
// come tagged with theirs (Chunk.origin). Each partition then has a watermark of its own, and the
// subtask's is the smallest over the partitions it owns — so a partition that runs ahead does not
// make another's rows late. A partition that has delivered nothing for the source's
// scan.watermark.idle-timeout stops counting until it delivers again. Which rows are late then
// depends on how the partitions' reads interleave, as it does in Flink.

import type { Expr } from '../../plan/expr.js';
import type { Row } from '../../types/value.js';
import { compileExpr, type Compiled } from '../../executor/compile-expr.js';
import type { ExecContext } from '../../executor/context.js';
import type { Chunk, Op, PartitionOrigin } from '../chunk.js';
import type { StateBackend, StateTable } from '../state/keyed-state.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import type { Barrier, KeyOwnership, Output, StreamOperator } from './operator.js';

export class WatermarkFilterOperator implements StreamOperator {
  private readonly expr: Compiled;
  /** This subtask's watermark under key `subtask` (null: none yet); after a rescale, the old subtasks' too. */
  private readonly saved: StateTable<number | null>;
  private watermark = -Infinity;
  /** What the state holds for this subtask (undefined: nothing written yet). */
  private savedValue: number | undefined = undefined;
  /** Per partition: its watermark, when it last delivered rows, and what the state holds for it. */
  private readonly partitions = new Map<number, { wm: number; seenAt: number; saved: number | undefined }>();
  /** Partition watermarks read back at a restore, taken up as their partitions show up. */
  private readonly restoredPartitions = new Map<number, number>();
  /** Restored partitions not yet checked against the ones this subtask owns. */
  private unpruned = false;

  constructor(
    private readonly column: number, expr: Expr, ctx: ExecContext, private readonly subtask: number, state: StateBackend = new MemoryStateBackend(),
    /** The source's scan.watermark.idle-timeout (0: partitions never go idle). */
    private readonly idleTimeoutMs = 0,
    private readonly now: () => number = Date.now,
  ) {
    this.expr = compileExpr(expr, ctx);
    this.saved = state.table<number | null>('watermark', { resident: true });
  }

  get current(): number { return this.watermark; }

  restoreState(_owns: KeyOwnership): void {
    // An old subtask that had no watermark yet (null) counts as -Infinity: its rows were all on time.
    let min = Infinity;
    for (const [k, v] of [...this.saved.entries()]) {
      if (k.startsWith(PARTITION_PREFIX)) {
        // Each instance keeps its partitions under keys of its own: rescaled, several old subtasks
        // may have held a partition (one since it moved away), and the highest is the newest.
        const p = Number(k.slice(PARTITION_PREFIX.length, k.includes('/') ? k.indexOf('/') : undefined));
        if (v !== null) this.restoredPartitions.set(p, Math.max(v, this.restoredPartitions.get(p) ?? -Infinity));
        this.saved.delete(k);
        continue;
      }
      const w = v ?? -Infinity;
      if (w < min) min = w;
      if (k !== String(this.subtask)) this.saved.delete(k);
    }
    this.watermark = min === Infinity ? -Infinity : min;
    this.savedValue = undefined;
    this.save();
    for (const [p, w] of this.restoredPartitions) this.saved.put(this.partitionKey(p), w);
    this.unpruned = this.restoredPartitions.size > 0;
    this.saved.commit();
  }

  processChunk(chunk: Chunk, _input: number, out: Output): void {
    // Rows of one partition (a Kafka subtask's): its watermark rises, and the subtask's with it
    // as far as the other partitions' smallest allows. Without partitions there are no others.
    const origin = chunk.origin;
    const now = origin ? this.now() : 0;
    const own = origin ? this.partitionOf(origin, now) : null;
    const others = origin ? this.othersMin(origin, now) : Infinity;
    const { ops, rows } = chunk;
    const col = this.column;
    const before = this.watermark;
    let wm = before, mine = own ? own.wm : before;
    // The partitions' smallest may have risen without a row of this one (another went idle, or
    // their watermarks came back from a checkpoint).
    if (own) { const c = mine < others ? mine : others; if (c > wm) wm = c; }
    let keptOps: Op[] | null = null, keptRows: Row[] | null = null;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const t = r[col] as number | null;
      if (t !== null && t < wm) {
        // The first late row: copy what came before it, then keep copying survivors.
        if (!keptRows) { keptOps = ops.slice(0, i); keptRows = rows.slice(0, i); }
        continue;
      }
      if (keptRows) { keptOps!.push(ops[i]); keptRows.push(r); }
      const w = this.expr(r);
      if (w !== null && (w as number) > mine) {
        mine = w as number;
        const combined = mine < others ? mine : others;
        if (combined > wm) wm = combined;
      }
    }
    if (own) own.wm = mine;
    this.watermark = wm;
    if (!keptRows) out.emit(origin ? { ops, rows } : chunk);
    else if (keptRows.length) out.emit({ ops: keptOps!, rows: keptRows });
    if (wm > before) out.emitWatermark?.({ column: col, value: wm });
  }

  /** A partition's state, created when it first shows up (from a restored watermark, if any). */
  private partition(p: number, now: number): { wm: number; seenAt: number; saved: number | undefined } {
    let s = this.partitions.get(p);
    if (!s) { s = { wm: this.restoredPartitions.get(p) ?? -Infinity, seenAt: now, saved: undefined }; this.partitions.set(p, s); }
    return s;
  }

  private partitionKey(p: number): string { return `${PARTITION_PREFIX}${p}/${this.subtask}`; }

  /** The partition the rows came from, marked as heard from now. */
  private partitionOf(origin: PartitionOrigin, now: number): { wm: number; seenAt: number; saved: number | undefined } {
    if (this.unpruned) {
      // Restored partitions this subtask does not own are another's now: forget them.
      this.unpruned = false;
      for (const p of [...this.restoredPartitions.keys()]) {
        if (!origin.owned.includes(p)) { this.restoredPartitions.delete(p); this.saved.delete(this.partitionKey(p)); }
      }
    }
    const own = this.partition(origin.partition, now);
    own.seenAt = now;
    return own;
  }

  /** The other owned partitions' smallest watermark, leaving out those idle for the timeout. */
  private othersMin(origin: PartitionOrigin, now: number): number {
    let min = Infinity;
    for (const p of origin.owned) {
      if (p === origin.partition) continue;
      const s = this.partition(p, now);
      if (this.idleTimeoutMs > 0 && now - s.seenAt >= this.idleTimeoutMs) continue;
      if (s.wm < min) min = s.wm;
    }
    return min;
  }

  /** Written once per epoch, not per chunk: the checkpoint holds the value at the barrier. */
  processBarrier(_b: Barrier, _out: Output): void {
    this.save();
    for (const [p, s] of this.partitions) {
      if (s.wm === s.saved || !Number.isFinite(s.wm)) continue;
      this.saved.put(this.partitionKey(p), s.wm);
      s.saved = s.wm;
    }
  }

  private save(): void {
    // The end-of-input +Infinity is not saved (JSON has no Infinity): a restored ended source ends
    // again. -Infinity (no row yet) is saved as null, so a rescaled restore counts this subtask.
    if (this.watermark === this.savedValue || this.watermark === Infinity) return;
    this.saved.put(String(this.subtask), this.watermark === -Infinity ? null : this.watermark);
    this.savedValue = this.watermark;
  }

  endInput(out: Output): void {
    if (this.watermark === Infinity) return;
    this.watermark = Infinity;
    out.emitWatermark?.({ column: this.column, value: Infinity });
  }
}

/** State keys of partition watermarks (the subtask's own is its number). */
const PARTITION_PREFIX = 'p';

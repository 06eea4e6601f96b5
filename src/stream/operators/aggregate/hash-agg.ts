// Streaming hash aggregation with retraction. Input columns are already projected so that group
// keys, aggregate arguments, FILTER flags and ORDER BY keys are plain column positions. Changes
// are applied as they arrive; on each barrier every group touched since the last one emits its
// change: +I for a new group, -U/+U for a changed result, -D when its last row was retracted.
// Without GROUP BY there is exactly one group, present even over no rows (as in PostgreSQL).
// Groups and the min/max multisets are keyed state (src/stream/state), so a checkpoint can write
// just the groups an epoch changed; a group is written packed (agg-group.ts).
//
// Windowed (a group key carries a watermark, plan/watermarks.ts): when the watermark passes a
// group's window the group is closed — its pending change is emitted and its state dropped; with
// EMIT ON WINDOW CLOSE nothing is emitted before that and the group's final row is emitted then
// (append-only output). Rows for windows already closed are late and ignored.

import type { AggCall } from '../../../plan/logical.js';
import type { Datum, Row } from '../../../types/value.js';
import { datumEquals, rowKey } from '../../../types/value.js';
import { ChunkBuilder, type Chunk, Op, isRetraction } from '../../chunk.js';
import type { Barrier, KeyOwnership, Output, StreamOperator, Watermark } from '../operator.js';
import type { AggWindow } from '../../plan/stream-plan.js';
import { WindowIndex } from '../window-index.js';
import { type AggState, type MinputEntry, createAggState, usesMinputScope } from './agg-state.js';
import { recordChange, type StateBackend, type StateTable } from '../../state/keyed-state.js';
import { MemoryStateBackend } from '../../state/memory-state.js';
import { type PartialKind, createMergeState } from './partial.js';
import { AggGroup as Group, PackedAggGroup, type SavedAggGroup, restoreAggState, savedClassName } from './agg-group.js';

export interface AggInput {
  readonly call: AggCall;
  /** Column positions of the arguments in the input row. */
  readonly args: readonly number[];
  /** Column holding the FILTER (WHERE …) result, if any. */
  readonly filter?: number;
  /** Columns holding the ORDER BY keys inside the call, if any. */
  readonly orderBy?: readonly number[];
  /** Global phase of a two-phase aggregation: `args` are the columns of this kind of partial
   * state (partial.ts), merged instead of aggregated. */
  readonly merge?: PartialKind;
}

export interface HashAggOptions {
  readonly state?: StateBackend;
  /** Global phase: the input column holding each partial row's Δrows (else every row counts 1). */
  readonly rowCountColumn?: number;
  /** The input arrives hashed on these group keys only (indices into groupBy): rescaling assigns groups by them. */
  readonly distributionKey?: readonly number[];
  /** The planner proved the input never retracts (min/max then keep no multiset). */
  readonly appendOnlyInput?: boolean;
  /** The group key whose watermark closes groups, and whether results wait for it. */
  readonly window?: AggWindow;
}

export class HashAggOperator implements StreamOperator {
  /** Groups by key; min/max multisets in `minput`, one scope per group and call. */
  private readonly groups: StateTable<Group>;
  private readonly minput: StateTable<MinputEntry>;
  private readonly dirty = new Set<Group>();
  private readonly global: boolean;
  private readonly extremes: readonly number[];

  private readonly rowCol: number;
  private readonly distributionKey: readonly number[] | null;
  private readonly appendOnlyInput: boolean;
  /** Windowed: the window key (index into groupBy) and its input column, and the index of groups
   * by window (which also knows below what everything was closed). */
  private readonly windowKey: number;
  private readonly windowCol: number;
  private readonly emitOnClose: boolean;
  private readonly windows: WindowIndex | null;
  /** Per call, the array its argument values are passed in (refilled per row: no array per row). */
  private readonly argScratch: Datum[][];

  constructor(private readonly groupBy: readonly number[], private readonly aggs: readonly AggInput[], private readonly timeZone: string, opts: HashAggOptions = {}) {
    const state = opts.state ?? new MemoryStateBackend();
    this.rowCol = opts.rowCountColumn ?? -1;
    this.distributionKey = opts.distributionKey ?? null;
    this.appendOnlyInput = opts.appendOnlyInput ?? false;
    this.windowKey = opts.window?.key ?? -1;
    this.windowCol = opts.window ? groupBy[opts.window.key] : -1;
    this.emitOnClose = opts.window?.emitOnClose ?? false;
    this.windows = opts.window ? new WindowIndex(state) : null;
    this.argScratch = aggs.map((a) => new Array<Datum>(a.args.length).fill(null));
    // A spilled group comes back as plain fields (revive); its min/max multisets spill with it.
    this.groups = state.table<Group>('groups', {
      revive: (k, saved) => this.revive(k, saved),
      onSpill: (k) => { for (const j of this.extremes) this.minput.spillScope(minputScope(k, j)); },
    });
    this.minput = state.table<MinputEntry>('minput');
    this.global = groupBy.length === 0;
    // Calls that may have a multiset in the minput table (min/max, incremental DISTINCT): one scope
    // per group. Over append-only input min/max have none, except in groups restored from a
    // checkpoint taken before that was known (see revive).
    this.extremes = aggs.map((a, j) => (usesMinputScope(a.call) ? j : -1)).filter((j) => j >= 0);
    if (this.global) {
      // The single global group exists from the start, so its first output is the empty result.
      const g = this.newGroup([], '');
      this.record(g);
      this.dirty.add(g);
    }
  }

  restoreState(owns: KeyOwnership): void {
    // Groups come back live when first read (the table's revive), so a restore touches none of
    // them — unless rescaling, which keeps only the groups this subtask owns.
    this.dirty.clear();
    this.windows?.restoreCutoff();
    if (owns && !this.global) {
      for (const [k, g] of [...this.groups.entries()]) {
        if (owns(this.ownershipKey(g.key))) continue;
        this.groups.delete(k);
        for (const j of this.extremes) this.minput.dropScope(minputScope(k, j));
      }
      if (this.windows) this.windows.rebuild([...this.groups.entries()].map(([k, g]) => ({ key: k, window: g.key[this.windowKey] as number | null })));
    }
    this.groups.commit();
    this.minput.commit();
  }

  /** The values a hash exchange routed the group's rows by. */
  private ownershipKey(key: Datum[]): Datum[] {
    const d = this.distributionKey;
    return d ? d.map((i) => key[i]) : key;
  }

  /** A live group from its checkpointed or spilled form (aggregate states get fresh objects). */
  private revive(k: string, saved: unknown): Group {
    const d = saved instanceof PackedAggGroup ? saved.unpack(this.groupBy.length, this.aggs.length) : fromJson(saved);
    const g = this.newGroup(d.key, k);
    g.rows = d.rows;
    g.emitted = d.emitted;
    d.states.forEach((s, j) => {
      // A min/max group checkpointed with its multiset keeps using it (its scope holds the values).
      if (savedClassName(s) === 'ExtremeState' && g.states[j].constructor.name !== 'ExtremeState') g.states[j] = createAggState(this.aggs[j].call, this.timeZone, () => this.minput.scope(minputScope(k, j)));
      restoreAggState(g.states[j], s);
    });
    return g;
  }

  private newGroup(key: Datum[], k: string): Group {
    const states = this.aggs.map((a, j) => (a.merge && a.merge !== 'extreme'
      ? createMergeState(a.call, a.merge)
      : createAggState(a.call, this.timeZone, () => this.minput.scope(minputScope(k, j)), this.appendOnlyInput || a.merge === 'extreme')));
    return new Group(k, key, states);
  }

  processChunk(chunk: Chunk, _input: number, _out: Output): void {
    const { ops, rows } = chunk;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const sign: 1 | -1 = isRetraction(ops[i]) ? -1 : 1;
      if (this.windows) {
        const w = r[this.windowCol] as number | null;
        if (w !== null && w < this.windows.closedBelow) continue; // late: its window was closed
      }
      const k = this.global ? '' : rowKey(r, this.groupBy);
      let g = this.groups.get(k);
      if (!g) {
        g = this.newGroup(this.groupBy.map((c) => r[c]), k);
        this.record(g);
        this.windows?.add(r[this.windowCol] as number | null, k);
      }
      g.rows += this.rowCol < 0 ? sign : sign * (r[this.rowCol] as number);
      for (let j = 0; j < this.aggs.length; j++) {
        const a = this.aggs[j];
        if (a.filter !== undefined && r[a.filter] !== true) continue;
        const args = this.argScratch[j], cols = a.args;
        for (let c = 0; c < cols.length; c++) args[c] = r[cols[c]];
        g.states[j].apply(args, sign, a.orderBy?.map((c) => r[c]));
      }
      this.dirty.add(g);
    }
  }

  processBarrier(_b: Barrier, out: Output): void {
    this.windows?.saveCutoff();
    if (this.dirty.size === 0) return;
    const b = new ChunkBuilder();
    for (const g of this.dirty) this.settle(g, b, out, !this.emitOnClose);
    this.dirty.clear();
    const c = b.take();
    if (c) out.emit(c);
  }

  /** Emit the group's change since its last output (when `emit`), and record its state. */
  private settle(g: Group, b: ChunkBuilder, out: Output, emit: boolean): void {
    const alive = this.global || g.rows > 0;
    if (emit) this.emitChange(g, alive, b, out);
    if (alive) this.record(g);
    else this.dropGroup(g);
  }

  /** Record the group (changed in place) for the next checkpoint, once per checkpoint rather than at
   * every epoch (re-putting dirty groups at every epoch was ~0.35 s of q4's TaskManagers in a 35 s
   * run through Kafka at a 10 s interval). */
  private record(g: Group): void { recordChange(this.groups, g.k, g); }

  private emitChange(g: Group, alive: boolean, b: ChunkBuilder, out: Output): void {
    const flush = (c: Chunk | null) => { if (c) out.emit(c); };
    const next: Row | null = alive ? this.resultRow(g) : null;
    const prev = g.emitted;
    if (prev && next) {
      if (!sameRow(prev, next)) { flush(b.push(Op.UpdateDelete, prev)); flush(b.push(Op.UpdateInsert, next)); }
    } else if (next) flush(b.push(Op.Insert, next));
    else if (prev) flush(b.push(Op.Delete, prev));
    g.emitted = next;
  }

  private resultRow(g: Group): Row { return [...g.key, ...g.states.map((s) => s.result())]; }

  /** The group's state goes (and, unless its window was just closed, its index entry). */
  private dropGroup(g: Group, closing = false): void {
    this.groups.delete(g.k);
    for (const j of this.extremes) this.minput.dropScope(minputScope(g.k, j));
    if (!closing) this.windows?.remove(g.key[this.windowKey] as number | null, g.k);
  }

  processWatermark(wm: Watermark, _input: number, out: Output): void {
    if (this.windows && wm.column === this.windowCol && wm.value > this.windows.closedBelow) {
      const b = new ChunkBuilder();
      for (const { groups } of this.windows.closeBelow(wm.value)) {
        for (const k of groups) {
          const g = this.groups.get(k);
          if (!g) continue;
          // Closing: the final row (EMIT ON WINDOW CLOSE), or the change not emitted yet.
          if (this.emitOnClose) {
            if (g.rows > 0) { const c = b.push(Op.Insert, this.resultRow(g)); if (c) out.emit(c); }
          } else if (this.dirty.has(g)) this.emitChange(g, g.rows > 0, b, out);
          this.dirty.delete(g);
          this.dropGroup(g, true);
        }
      }
      const c = b.take();
      if (c) out.emit(c);
    }
    // Only the window key's watermark goes on: the groups below it are closed and emitted. Another
    // watermarked group key's groups are not closed by it, and may still change below it.
    if (this.windows && wm.column === this.windowCol) out.emitWatermark?.({ column: this.windowKey, value: wm.value });
  }
}

/** A group as checkpoints before the packed form wrote it: the state codec's JSON of its fields. */
function fromJson(saved: unknown): SavedAggGroup {
  const d = saved as { key: Datum[]; rows: number; states: unknown[]; emitted: Row | null };
  return { key: d.key, rows: d.rows, emitted: d.emitted, states: d.states.map((json) => ({ json })) };
}

/** The minput scope of aggregate call `j` in the group with key `k`. */
function minputScope(k: string, j: number): string { return `${j}:${k}`; }

function sameRow(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x === y) continue;
    if (x === null || y === null || !datumEquals(x, y)) return false;
    // Equal numerics with different scales (1.0 vs 1.00) print differently: treat as changed.
    if (typeof x === 'object' && String(x) !== String(y)) return false;
  }
  return true;
}

export { sameRow };

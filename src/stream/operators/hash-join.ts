// Streaming equi-join with state on both sides (inner, left, right and full outer). Each side
// keeps its rows by join key; for outer joins every row also counts its matches ("degree"), so
// the NULL-padded row is emitted when the first match disappears and retracted when one appears.
// Both sides' rows are keyed state (src/stream/state): one entry per join key, its rows packed
// into the side's byte arena from the second on (join-rows.ts).
//
// Windowed (RisingWave's window join): when one pair of join keys carries a watermark on both
// sides (window_start = window_start), no row of either side can arrive below the smaller of the
// two watermarks, so every join key below it is closed: both sides' rows for it are dropped, and
// that watermark goes on, on both key columns of the output.
//
// Interval (Flink's interval join): a join whose condition bounds one side's
// event time by the other's drops rows no future row can meet (interval-expiry.ts). An outer side's
// NULL-padded row went out when its row arrived and is retracted by its first match, so a row that
// leaves unmatched leaves that row final.

import type { Expr } from '../../plan/expr.js';
import type { Datum, Row } from '../../types/value.js';
import { concatRows, datumKey } from '../../types/value.js';
import { compileExpr, type Compiled } from '../../executor/compile-expr.js';
import type { ExecContext } from '../../executor/context.js';
import { ChunkBuilder, type Chunk, Op, isRetraction } from '../chunk.js';
import type { Barrier, KeyOwnership, Output, StreamOperator, Watermark } from './operator.js';
import { WindowIndex } from './window-index.js';
import { IntervalExpiry } from './interval-expiry.js';
import { JoinRows, JoinRowsCursor, JoinRowsTable } from './join-rows.js';
import type { JoinInterval } from '../plan/interval-join.js';
import type { StateBackend, StateTable } from '../state/keyed-state.js';
import { MemoryStateBackend } from '../state/memory-state.js';

export type StreamJoinType = 'inner' | 'left' | 'right' | 'full';

const NO_ROWS = new JoinRows(false);

class Side {
  readonly rows: JoinRowsTable;
  readonly byKey: StateTable<JoinRows>;
  constructor(state: StateBackend, name: string, readonly keyFs: Compiled[], readonly width: number, readonly outer: boolean) {
    this.rows = new JoinRowsTable(state, name, outer);
    this.byKey = this.rows.table;
  }

  /** The join key's values (NULLs included): what the hash exchange routed the row by. */
  keyValues(row: Row): Datum[] { return this.keyFs.map((f) => f(row)); }

  key(row: Row): string | null {
    let k = '';
    for (const f of this.keyFs) { const v = f(row); if (v === null) return null; k += datumKey(v) + '\u0002'; }
    return k;
  }
}

/** The windowed key pair: input columns of each side and the output columns they become. */
export interface JoinWindow { readonly leftColumn: number; readonly rightColumn: number }

export class HashJoinOperator implements StreamOperator {
  private readonly left: Side;
  private readonly right: Side;
  private readonly residual: Compiled | null;
  private readonly nullsL: Row;
  private readonly nullsR: Row;
  /** Rows whose key has a NULL, as checkpoints before they went stateless hold them: only redistributed on rescale. */
  private readonly nullKeyed: [StateTable<JoinRows>, StateTable<JoinRows>];
  /** Walks the other side's rows of a probed key. */
  private readonly cursor = new JoinRowsCursor();
  /** Windowed: each side's index of join keys by window, its watermark, and the join's. */
  private readonly windows: [WindowIndex, WindowIndex] | null;
  private readonly sideWatermarks = [-Infinity, -Infinity];
  private readonly sideIdle = [false, false];
  /** Interval join: each side's rows leave when the other side's watermark passes them. */
  private readonly expiry: IntervalExpiry | null;
  /** The output watermarks an inner interval join has sent, on its left and right time columns. */
  private readonly intervalOut = [-Infinity, -Infinity];

  constructor(
    private readonly joinType: StreamJoinType, leftKeys: readonly Expr[], rightKeys: readonly Expr[], residual: Expr | null,
    private readonly leftWidth: number, rightWidth: number, ctx: ExecContext, state: StateBackend = new MemoryStateBackend(),
    private readonly window: JoinWindow | null = null,
    private readonly interval: JoinInterval | null = null,
  ) {
    this.left = new Side(state, 'left', leftKeys.map((e) => compileExpr(e, ctx)), leftWidth, joinType === 'left' || joinType === 'full');
    this.right = new Side(state, 'right', rightKeys.map((e) => compileExpr(e, ctx)), rightWidth, joinType === 'right' || joinType === 'full');
    this.nullKeyed = [
      new JoinRowsTable(state, 'left_null_keys', this.left.outer).table,
      new JoinRowsTable(state, 'right_null_keys', this.right.outer).table,
    ];
    this.residual = residual ? compileExpr(residual, ctx) : null;
    this.nullsL = new Array<Datum>(leftWidth).fill(null);
    this.nullsR = new Array<Datum>(rightWidth).fill(null);
    this.windows = window ? [new WindowIndex(state, 'left_windows'), new WindowIndex(state, 'right_windows')] : null;
    this.expiry = interval && !window ? new IntervalExpiry(state, interval) : null;
  }

  /** The window value of a row of side `input`, or null (not windowed, or a NULL time). */
  private windowOf(input: number, row: Row): number | null {
    if (!this.window) return null;
    return row[input === 0 ? this.window.leftColumn : this.window.rightColumn] as number | null;
  }

  processChunk(chunk: Chunk, input: number, out: Output): void {
    const b = new ChunkBuilder();
    const emit = (op: Op, row: Row) => { const c = b.push(op, row); if (c) out.emit(c); };
    const [self, other] = input === 0 ? [this.left, this.right] : [this.right, this.left];
    const concat = input === 0 ? (s: Row, o: Row) => concatRows(s, o) : (s: Row, o: Row) => concatRows(o, s);
    const padded = input === 0 ? (s: Row) => concatRows(s, this.nullsR) : (s: Row) => concatRows(this.nullsL, s);
    const otherPadded = input === 0 ? (o: Row) => concatRows(this.nullsL, o) : (o: Row) => concatRows(o, this.nullsR);
    for (let i = 0; i < chunk.rows.length; i++) {
      const row = chunk.rows[i];
      const insert = !isRetraction(chunk.ops[i]);
      const w = this.windowOf(input, row);
      if (w !== null && w < this.windows![0].closedBelow) continue; // its window was closed on both sides: late
      const k = self.key(row);
      if (k === null) {
        // Never matches, so it needs no state: only outer sides see it, padded, and its retraction
        // takes back the same padded row.
        if (self.outer) emit(insert ? Op.Insert : Op.Delete, padded(row));
        continue;
      }
      const matches = other.byKey.get(k) ?? NO_ROWS;
      let degree = 0;
      const m = this.cursor.reset(matches);
      while (m.next()) {
        const mrow = m.row;
        const joined = concat(row, mrow);
        if (this.residual && this.residual(joined) !== true) continue;
        degree++;
        if (!other.outer) emit(insert ? Op.Insert : Op.Delete, joined);
        else if (insert) {
          if (m.degree === 0) emit(Op.Delete, otherPadded(mrow));
          m.setDegree(m.degree + 1);
          emit(Op.Insert, joined);
        } else {
          emit(Op.Delete, joined);
          m.setDegree(m.degree - 1);
          if (m.degree === 0) emit(Op.Insert, otherPadded(mrow));
        }
      }
      // The other side's degrees changed: record its rows for the next checkpoint.
      if (degree && other.outer) other.rows.record(k, matches);
      if (insert && this.expiry?.expired(input, row)) {
        // Late: it met what is stored, but no row to come can meet it; an outer side's stays unmatched.
        if (self.outer && degree === 0) emit(Op.Insert, padded(row));
        continue;
      }
      if (insert) {
        if (self.rows.add(k, row, degree) && w !== null) this.windows![input].add(w, k);
        this.expiry?.added(input, row, k);
        if (self.outer && degree === 0) emit(Op.Insert, padded(row));
      } else {
        if (self.rows.remove(k, row) && w !== null) this.windows![input].remove(w, k);
        if (self.outer && degree === 0) emit(Op.Delete, padded(row));
      }
    }
    const c = b.take();
    if (c) out.emit(c);
  }

  /** Joins emit as they go; a windowed one records its cutoff (with its left index) for the checkpoint. */
  processBarrier(_b: Barrier, _out: Output): void { this.windows?.[0].saveCutoff(); this.expiry?.save(); }

  processWatermark(wm: Watermark, input: number, out: Output): void {
    if (this.expiry?.watches(input, wm.column)) {
      this.expiry.advance(input, wm.value, [this.left.byKey, this.right.byKey]);
      if (this.joinType === 'inner') this.emitIntervalWatermarks(this.expiry, out);
      return;
    }
    const win = this.window;
    if (!win || wm.column !== (input === 0 ? win.leftColumn : win.rightColumn)) return;
    if (wm.value <= this.sideWatermarks[input]) return;
    this.sideWatermarks[input] = wm.value;
    this.advance(out);
  }

  /** An inner interval join's output is append-only, and its time columns have watermarks of their
   * own (IntervalExpiry.outputWatermarks). An outer one's retracts padded rows of any age: none. */
  private emitIntervalWatermarks(expiry: IntervalExpiry, out: Output): void {
    const [l, r] = expiry.outputWatermarks(this.sideIdle);
    const iv = this.interval!;
    if (l > this.intervalOut[0]) { this.intervalOut[0] = l; out.emitWatermark?.({ column: iv.leftColumn, value: l }); }
    if (r > this.intervalOut[1]) { this.intervalOut[1] = r; out.emitWatermark?.({ column: this.leftWidth + iv.rightColumn, value: r }); }
  }

  /** A side all of whose channels are idle does not hold the join's watermark back (Flink's valve). */
  processInputIdle(input: number, idle: boolean, out: Output): void {
    if (this.expiry && this.joinType === 'inner') { this.sideIdle[input] = idle; this.emitIntervalWatermarks(this.expiry, out); return; }
    if (!this.window) return;
    this.sideIdle[input] = idle;
    if (idle) this.advance(out);
  }

  private advance(out: Output): void {
    const win = this.window!;
    const sides = [0, 1].filter((s) => !this.sideIdle[s]);
    if (!sides.length) return;
    const both = Math.min(...sides.map((s) => this.sideWatermarks[s]));
    // Both indexes close at the same cutoff; the left one records it for checkpoints.
    if (both <= this.windows![0].closedBelow) return;
    const tables = [this.left.byKey, this.right.byKey];
    this.windows!.forEach((index, s) => {
      for (const { groups } of index.closeBelow(both)) for (const k of groups) tables[s].delete(k);
    });
    out.emitWatermark?.({ column: win.leftColumn, value: both });
    out.emitWatermark?.({ column: this.left.width + win.rightColumn, value: both });
  }

  /** Rescaling: keep the rows whose join key this subtask owns (the state is plain data otherwise). */
  restoreState(owns: KeyOwnership): void {
    this.windows?.[0].restoreCutoff();
    if (!owns) { this.expiry?.restore([this.left.byKey, this.right.byKey], false); return; }
    const sides: [Side, StateTable<JoinRows>][] = [[this.left, this.left.byKey], [this.right, this.right.byKey], [this.left, this.nullKeyed[0]], [this.right, this.nullKeyed[1]]];
    for (const [side, table] of sides) {
      for (const [k, list] of [...table.entries()]) if (!owns(side.keyValues(list.firstRow()))) table.delete(k);
      table.commit();
    }
    this.expiry?.restore([this.left.byKey, this.right.byKey], true);
    // The window indexes list the keys that are left.
    this.windows?.forEach((index, s) => {
      const table = s === 0 ? this.left.byKey : this.right.byKey;
      index.rebuild([...table.entries()].map(([k, list]) => ({ key: k, window: this.windowOf(s, list.firstRow()) })));
    });
  }
}

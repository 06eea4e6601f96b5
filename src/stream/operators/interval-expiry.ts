// The state cleanup of an interval join (plan/interval-join.ts): with lo ≤ r.t − l.t ≤ hi, a
// stored left row can meet no future right row once the right side's watermark passes l.t + hi,
// and a right row no future left row once the left side's passes r.t − lo. Each side indexes its
// join keys by when their rows expire, in buckets of EXPIRY_BUCKET (a WindowIndex per side, so
// the index is checkpointed and a watermark touches only the buckets it closes); a closing bucket
// drops the rows of its keys that expired, and keys left without rows.

import type { Row } from '../../types/value.js';
import type { StateBackend, StateTable } from '../state/keyed-state.js';
import type { JoinInterval } from '../plan/interval-join.js';
import { WindowIndex } from './window-index.js';
import type { JoinRows } from './join-rows.js';

/** Expiry times are grouped by the second (microseconds). */
const EXPIRY_BUCKET = 1_000_000;

/** The bucket an expiry time falls in: the end of its second, so a bucket closes only once all its rows expired. */
function bucketOf(expiry: number): number { return Math.ceil(expiry / EXPIRY_BUCKET) * EXPIRY_BUCKET; }


export class IntervalExpiry {
  private readonly indexes: [WindowIndex, WindowIndex];
  private readonly watermarks = [-Infinity, -Infinity];

  constructor(state: StateBackend, private readonly interval: JoinInterval) {
    this.indexes = [new WindowIndex(state, 'left_expiry'), new WindowIndex(state, 'right_expiry')];
  }

  /** When a row of side `side` can no longer match (null: never, or a NULL time). */
  private expiryOf(side: number, row: Row): number | null {
    const { leftColumn, rightColumn, lo, hi } = this.interval;
    const t = row[side === 0 ? leftColumn : rightColumn] as number | null;
    if (t === null) return null;
    if (side === 0) return hi === null ? null : t + hi;
    return lo === null ? null : t - lo;
  }

  /** A row of side `side` was stored under join key `key`. */
  added(side: number, row: Row, key: string): void {
    const e = this.expiryOf(side, row);
    if (e !== null) this.indexes[side].add(bucketOf(e), key);
  }

  /** A row of side `side` that arrives already out of reach of the other side's watermark (late): it
   * meets the rows stored now but is not kept for rows to come. */
  expired(side: number, row: Row): boolean {
    const e = this.expiryOf(side, row);
    return e !== null && e < this.watermarks[1 - side];
  }

  /** Is `column` of input `side` the time column the interval reads? */
  watches(side: number, column: number): boolean {
    return column === (side === 0 ? this.interval.leftColumn : this.interval.rightColumn);
  }

  /** Input `side`'s watermark rose to `value`: the other side's rows that expired leave `tables[other]`. */
  advance(side: number, value: number, tables: readonly [StateTable<JoinRows>, StateTable<JoinRows>]): void {
    if (value <= this.watermarks[side]) return;
    this.watermarks[side] = value;
    const other = 1 - side;
    const table = tables[other];
    for (const { groups } of this.indexes[other].closeBelow(value)) {
      for (const k of groups) {
        const list = table.get(k);
        if (!list) continue; // retracted meanwhile
        const before = list.count;
        const left = list.retain((row) => { const x = this.expiryOf(other, row); return x === null || x >= value; });
        if (left === before) continue; // its other rows expire later
        if (left) table.put(k, list); else table.delete(k);
      }
    }
  }

  /**
   * An inner join's output watermarks, for its left and right time columns (-Infinity: none). A
   * joined row pairs a row still to come on one side with any row of the other: l.t ≥ W_l when
   * the left one is new, l.t ≥ r.t − hi ≥ W_r − hi when the right one is; likewise r.t. An idle
   * side holds nothing back (Flink's valve): only the other side's rows are counted on to come —
   * should it wake up, its rows may pair below what went out, as in Flink.
   */
  outputWatermarks(idle: readonly boolean[]): [number, number] {
    const [wl, wr] = this.watermarks, { lo, hi } = this.interval;
    if (idle[0] && idle[1]) return [-Infinity, -Infinity];
    const left = hi === null ? -Infinity : idle[0] ? wr - hi : idle[1] ? wl : Math.min(wl, wr - hi);
    const right = lo === null ? -Infinity : idle[1] ? wl + lo : idle[0] ? wr : Math.min(wr, wl + lo);
    return [left, right];
  }

  /** At a barrier: the indexes' cutoffs go into the checkpoint. */
  save(): void { for (const i of this.indexes) i.saveCutoff(); }

  /** After a restore; rescaled (`rebuilt`), the indexes list exactly the rows each side kept. */
  restore(tables: readonly [StateTable<JoinRows>, StateTable<JoinRows>], rebuilt: boolean): void {
    this.indexes.forEach((index, side) => {
      index.restoreCutoff();
      if (!rebuilt) return;
      const entries: { window: number | null; key: string }[] = [];
      for (const [k, list] of tables[side].entries()) {
        for (const row of list.rows()) { const x = this.expiryOf(side, row); if (x !== null) entries.push({ window: bucketOf(x), key: k }); }
      }
      index.rebuild(entries);
    });
  }
}

// Which groups of a windowed aggregation (or join keys of a windowed join) belong to which window,
// so that a watermark can close the windows behind it without scanning every group. A state table of its own (checkpointed with
// the groups, never spilled): one top-level entry per live window (its value), and a scope per
// window listing its groups' keys. Live windows are few — those the watermark has not passed.
//
// It also keeps the cutoff — everything below it was closed — as state: a restored operator must
// still treat rows of windows it closed (and emitted) before the crash as late, or a row that
// arrives late after the restore would open such a window again and emit it twice.

import { randomUUID } from 'node:crypto';
import type { StateBackend, StateTable } from '../state/keyed-state.js';

export class WindowIndex {
  private readonly table: StateTable<number>;
  /** The cutoff, under a key of this instance's own: after rescaling, several old ones are restored. */
  private readonly cutoffs: StateTable<number>;
  private readonly cutoffKey = randomUUID().slice(0, 8);
  private savedCutoff = -Infinity;
  /** Every window below this was closed. */
  closedBelow = -Infinity;

  constructor(state: StateBackend, name = 'windows') {
    this.table = state.table<number>(name, { resident: true });
    this.cutoffs = state.table<number>(`${name}_closed_below`, { resident: true });
  }

  /** At a barrier: record the cutoff for the checkpoint (+Infinity, a bounded input's end, is not saved). */
  saveCutoff(): void {
    if (this.closedBelow === this.savedCutoff || !Number.isFinite(this.closedBelow)) return;
    this.cutoffs.put(this.cutoffKey, this.closedBelow);
    this.savedCutoff = this.closedBelow;
  }

  /**
   * After a restore: the highest restored cutoff (rescaled, several subtasks' — a window any of
   * them closed was emitted, so its rows stay late), kept under this instance's key from now on.
   */
  restoreCutoff(): void {
    let max = -Infinity;
    for (const [k, v] of [...this.cutoffs.entries()]) { if (v > max) max = v; this.cutoffs.delete(k); }
    this.closedBelow = max;
    this.savedCutoff = -Infinity;
    this.saveCutoff();
  }

  /** A new group (or join key) with window value `w`. A NULL window never closes — until the
   * input ends (+Infinity), when its groups close with the rest. */
  add(w: number | null, groupKey: string): void {
    const name = windowName(w);
    if (this.table.get(name) === undefined) this.table.put(name, w ?? NULL_WINDOW);
    this.table.scope(name).put(groupKey, 1);
  }

  /** The group left before its window closed (its last row was retracted). */
  remove(w: number | null, groupKey: string): void { this.table.scope(windowName(w)).delete(groupKey); }

  /** Take out every window below `watermark`, oldest first, with its groups' keys. */
  closeBelow(watermark: number): { window: number | null; groups: string[] }[] {
    if (watermark > this.closedBelow) this.closedBelow = watermark;
    const closing: number[] = [];
    for (const w of this.table.values()) if (w === NULL_WINDOW ? watermark === Infinity : w < watermark) closing.push(w);
    closing.sort((a, b) => a - b);
    return closing.map((w) => {
      const window = w === NULL_WINDOW ? null : w;
      const name = windowName(window);
      const groups = [...this.table.scope(name).entries()].map(([k]) => k);
      this.table.dropScope(name);
      this.table.delete(name);
      return { window, groups };
    });
  }

  /** Rescaling kept only some groups: index exactly those. */
  rebuild(groups: Iterable<{ window: number | null; key: string }>): void {
    for (const [name] of [...this.table.entries()]) { this.table.dropScope(name); this.table.delete(name); }
    for (const g of groups) this.add(g.window, g.key);
  }
}

/** The index's value for the NULL window: above every time, so it sorts last (saved as JSON, not Infinity). */
const NULL_WINDOW = Number.MAX_VALUE;

function windowName(w: number | null): string { return w === null ? 'null' : String(w); }

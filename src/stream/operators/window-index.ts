// Which groups of a windowed aggregation (or join keys of a windowed join) belong to which window,
// so that a watermark can close the windows behind it without scanning every group. A state table of its own (checkpointed with
// the groups, never spilled): one top-level entry per live window (its value), and a scope per
// window listing its groups' keys. Live windows are few — those the watermark has not passed.

import type { StateBackend, StateTable } from '../state/keyed-state.js';

export class WindowIndex {
  private readonly table: StateTable<number>;

  constructor(state: StateBackend, name = 'windows') {
    this.table = state.table<number>(name, { resident: true });
  }

  /** A new group (or join key) with window value `w` (null windows never close and are not indexed). */
  add(w: number, groupKey: string): void {
    const name = String(w);
    if (this.table.get(name) === undefined) this.table.put(name, w);
    this.table.scope(name).put(groupKey, 1);
  }

  /** The group left before its window closed (its last row was retracted). */
  remove(w: number, groupKey: string): void { this.table.scope(String(w)).delete(groupKey); }

  /** Take out every window below `watermark`, oldest first, with its groups' keys. */
  closeBelow(watermark: number): { window: number; groups: string[] }[] {
    const closing: number[] = [];
    for (const w of this.table.values()) if (w < watermark) closing.push(w);
    closing.sort((a, b) => a - b);
    return closing.map((w) => {
      const name = String(w);
      const groups = [...this.table.scope(name).entries()].map(([k]) => k);
      this.table.dropScope(name);
      this.table.delete(name);
      return { window: w, groups };
    });
  }

  /** Rescaling kept only some groups: index exactly those. */
  rebuild(groups: Iterable<{ window: number | null; key: string }>): void {
    for (const [name] of [...this.table.entries()]) { this.table.dropScope(name); this.table.delete(name); }
    for (const g of groups) if (g.window !== null) this.add(g.window, g.key);
  }
}

// Positions of generated sources: the index of the next record a split will produce. Split i of
// n produces records i, i+n, i+2n, … so positions of one split are ≡ i (mod n).
//
// Rescaling (a checkpoint restored at another parallelism) cannot move such a position to another
// split: what the old splits produced is not a prefix (split 0 may be ahead of split 1). So a
// rescaled split starts at its first index and skips every index an earlier layout of splits
// produced — index x was produced under layout (n, p) iff x < p[x mod n] — until it passes them
// all. Its position carries those layouts (`before`) until then, so a crash or another rescale in
// between loses nothing and repeats nothing.

import { SqlError, SqlState } from '../../errors.js';
import type { SourcePosition, SourceSplit } from './source-reader.js';

/** The positions of `count` splits at a checkpoint. */
export interface SplitLayout { readonly count: number; readonly positions: readonly number[] }

/** A position after rescaling: continue at `next` (-1: the split's first index), skipping what `before` produced. */
export interface RescaledSplitPosition { readonly next: number; readonly before: readonly SplitLayout[] }

export function checkSplit(split: SourceSplit): void {
  if (!Number.isInteger(split.count) || split.count < 1 || !Number.isInteger(split.index) || split.index < 0 || split.index >= split.count) {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid source split ${split.index} of ${split.count}`);
  }
}

function isLayout(l: unknown): l is SplitLayout {
  const x = l as SplitLayout;
  return typeof l === 'object' && l !== null && Number.isInteger(x.count) && x.count >= 1 && Array.isArray(x.positions)
    && x.positions.length === x.count && x.positions.every((p) => Number.isSafeInteger(p) && p >= 0);
}

/** Is this a generated source's position (plain or rescaled)? */
export function isSplitPosition(p: SourcePosition): boolean {
  if (typeof p === 'number') return true;
  const r = p as unknown as RescaledSplitPosition;
  return typeof p === 'object' && p !== null && !Array.isArray(p) && typeof r.next === 'number' && Array.isArray(r.before) && r.before.every(isLayout);
}

/** What every new split starts from when the old splits (in split order) stopped at `old`. */
export function rescaledSplitPosition(old: readonly SourcePosition[]): RescaledSplitPosition {
  const nexts = old.map((p) => (typeof p === 'number' ? p : (p as unknown as RescaledSplitPosition).next));
  const before: SplitLayout[] = [{ count: old.length, positions: nexts }];
  const seen = new Set([JSON.stringify(before[0])]);
  for (const p of old) {
    if (typeof p === 'number') continue;
    for (const l of (p as unknown as RescaledSplitPosition).before) {
      const k = JSON.stringify(l);
      if (!seen.has(k)) { seen.add(k); before.push(l); }
    }
  }
  return { next: -1, before };
}

/** The index a split produces next, past whatever earlier layouts produced. */
export class SplitCursor {
  next: number;
  private before: readonly SplitLayout[] = [];
  /** Past this index no earlier layout produced anything. */
  private horizon = 0;

  constructor(private readonly split: SourceSplit) {
    checkSplit(split);
    this.next = split.index;
  }

  /** Move to the next index this split must produce. */
  advance(): void {
    this.next += this.split.count;
    if (this.before.length) this.skipProduced();
  }

  position(): SourcePosition {
    return this.before.length ? ({ next: this.next, before: this.before } as unknown as SourcePosition) : this.next;
  }

  seek(position: SourcePosition): void {
    const { index, count } = this.split;
    const bad = () => new SqlError(SqlState.InvalidParameterValue, `position ${JSON.stringify(position)} does not belong to source split ${index} of ${count}`);
    if (!isSplitPosition(position)) throw bad();
    const r: RescaledSplitPosition = typeof position === 'number' ? { next: position, before: [] } : position as unknown as RescaledSplitPosition;
    const next = r.next < 0 ? index : r.next;
    if (!Number.isSafeInteger(next) || next < 0 || next % count !== index) throw bad();
    this.next = next;
    this.before = r.before;
    this.horizon = Math.max(0, ...r.before.flatMap((l) => l.positions));
    this.skipProduced();
  }

  private skipProduced(): void {
    const step = this.split.count;
    while (this.next < this.horizon && this.producedBefore(this.next)) this.next += step;
    if (this.next >= this.horizon) this.before = [];
  }

  private producedBefore(x: number): boolean {
    for (const l of this.before) if (x < l.positions[x % l.count]) return true;
    return false;
  }
}

// Streaming Top-N per partition (ORDER BY … LIMIT n in a view, and ROW_NUMBER() … WHERE rn <= n,
// which includes deduplication as n = 1). Each partition keeps all its rows in sort order; on a
// barrier, partitions touched since the last one recompute their top rows and emit the
// difference from what they emitted before (with row numbers when the query selects them).

import type { SortSpec } from '../../plan/expr.js';
import type { Row } from '../../types/value.js';
import { compareDatum, datumKey, rowKey } from '../../types/value.js';
import { ChunkBuilder, type Chunk, Op, isRetraction } from '../chunk.js';
import type { Barrier, KeyOwnership, Output, StreamOperator } from './operator.js';
import type { StateBackend, StateTable } from '../state/keyed-state.js';
import { MemoryStateBackend } from '../state/memory-state.js';

interface Partition { rows: Row[]; emitted: Row[] }

export interface TopNSpec {
  readonly partitionBy: readonly number[];
  /** Sort keys over input columns (column expressions only). */
  readonly orderBy: readonly { index: number; desc: boolean; nullsFirst: boolean }[];
  readonly limit: number;
  readonly offset: number;
  /** Append the 1-based row number as an extra output column. */
  readonly withRowNumber: boolean;
}

export class TopNOperator implements StreamOperator {
  /** Partitions by key: all their rows in sort order and the rows last emitted. */
  private readonly parts: StateTable<Partition>;
  private readonly dirty = new Set<string>();
  private readonly cmp: (a: Row, b: Row) => number;

  constructor(private readonly spec: TopNSpec, state: StateBackend = new MemoryStateBackend()) {
    this.parts = state.table('partitions');
    const keys = spec.orderBy;
    this.cmp = (a, b) => {
      for (const k of keys) {
        const x = a[k.index], y = b[k.index];
        if (x === null || y === null) { if (x === y) continue; return (x === null) === k.nullsFirst ? -1 : 1; }
        const c = compareDatum(x, y);
        if (c) return k.desc ? -c : c;
      }
      // Ties are broken by the whole row, so the chosen rows do not depend on arrival order.
      for (let i = 0; i < a.length; i++) {
        const x = a[i], y = b[i];
        if (x === y) continue;
        if (x === null) return 1;
        if (y === null) return -1;
        const c = compareDatum(x, y);
        if (c) return c;
      }
      return 0;
    };
  }

  processChunk(chunk: Chunk, _input: number, _out: Output): void {
    for (let i = 0; i < chunk.rows.length; i++) {
      const r = chunk.rows[i];
      const k = this.spec.partitionBy.length ? rowKey(r, this.spec.partitionBy) : '';
      let p = this.parts.get(k);
      if (!p) { p = { rows: [], emitted: [] }; this.parts.put(k, p); }
      const pos = this.search(p.rows, r);
      if (isRetraction(chunk.ops[i])) {
        if (pos < p.rows.length && this.cmp(p.rows[pos], r) === 0) p.rows.splice(pos, 1);
      } else p.rows.splice(pos, 0, r);
      this.dirty.add(k);
    }
  }

  /** First index whose row sorts at or after `r`. */
  private search(rows: Row[], r: Row): number {
    let lo = 0, hi = rows.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.cmp(rows[mid], r) < 0) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** Rescaling: keep the partitions this subtask owns. */
  restoreState(owns: KeyOwnership): void {
    if (!owns || !this.spec.partitionBy.length) return;
    for (const [k, p] of [...this.parts.entries()]) {
      const row = p.rows[0] ?? p.emitted[0];
      if (row && !owns(this.spec.partitionBy.map((c) => row[c]))) this.parts.delete(k);
    }
    this.parts.commit();
  }

  processBarrier(_b: Barrier, out: Output): void {
    if (!this.dirty.size) return;
    const b = new ChunkBuilder();
    const push = (op: Op, r: Row) => { const c = b.push(op, r); if (c) out.emit(c); };
    const { offset, limit, withRowNumber } = this.spec;
    for (const k of this.dirty) {
      const p = this.parts.get(k)!;
      const top = p.rows.slice(offset, offset + limit).map((r, i) => (withRowNumber ? [...r, BigInt(offset + i + 1)] : r));
      // Multiset difference between what was emitted and the new top rows.
      const before = new Map<string, Row[]>();
      for (const r of p.emitted) { const key = r.map(datumKey).join('\u0001'); (before.get(key) ?? before.set(key, []).get(key)!).push(r); }
      const added: Row[] = [];
      for (const r of top) {
        const key = r.map(datumKey).join('\u0001');
        const list = before.get(key);
        if (list && list.length) list.pop(); else added.push(r);
      }
      for (const list of before.values()) for (const r of list) push(Op.Delete, r);
      for (const r of added) push(Op.Insert, r);
      p.emitted = top;
      // Record the partition's change for the next checkpoint once per epoch.
      if (p.rows.length === 0) this.parts.delete(k); else this.parts.put(k, p);
    }
    this.dirty.clear();
    const c = b.take();
    if (c) out.emit(c);
  }
}

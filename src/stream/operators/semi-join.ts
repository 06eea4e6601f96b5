// Streaming semi and anti joins (IN / EXISTS and NOT EXISTS subqueries turned into joins). Each
// left row counts its matches on the right; a semi join shows the row while the count is
// positive, an anti join while it is zero, and both emit exactly the transitions. Rows of both
// sides are keyed state (src/stream/state).

import type { Expr } from '../../plan/expr.js';
import type { Row } from '../../types/value.js';
import { compareDatum, datumKey } from '../../types/value.js';
import { compileExpr, type Compiled } from '../../executor/compile-expr.js';
import type { ExecContext } from '../../executor/context.js';
import { ChunkBuilder, type Chunk, Op, isRetraction } from '../chunk.js';
import type { Barrier, KeyOwnership, Output, StreamOperator } from './operator.js';
import type { StateBackend, StateTable } from '../state/keyed-state.js';
import { MemoryStateBackend } from '../state/memory-state.js';

interface Entry { readonly row: Row; degree: number }

function keyOf(fs: Compiled[], row: Row): string | null {
  let k = '';
  for (const f of fs) { const v = f(row); if (v === null) return null; k += datumKey(v) + '\u0002'; }
  return k;
}

function sameRow(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] === null || b[i] === null || compareDatum(a[i], b[i]) !== 0) return false;
  }
  return true;
}

export class SemiJoinOperator implements StreamOperator {
  /** Left rows by key with their match counts, right rows by key, left rows with a NULL key. */
  private readonly left: StateTable<Entry[]>;
  private readonly right: StateTable<Row[]>;
  private readonly nullLeft: StateTable<Row[]>;
  private readonly lk: Compiled[];
  private readonly rk: Compiled[];
  private readonly residual: Compiled | null;

  constructor(private readonly anti: boolean, leftKeys: readonly Expr[], rightKeys: readonly Expr[], residual: Expr | null, ctx: ExecContext, state: StateBackend = new MemoryStateBackend()) {
    this.left = state.table('left');
    this.right = state.table('right');
    this.nullLeft = state.table('left_null_keys');
    this.lk = leftKeys.map((e) => compileExpr(e, ctx));
    this.rk = rightKeys.map((e) => compileExpr(e, ctx));
    this.residual = residual ? compileExpr(residual, ctx) : null;
  }

  private visible(degree: number): boolean { return this.anti ? degree === 0 : degree > 0; }

  processChunk(chunk: Chunk, input: number, out: Output): void {
    const b = new ChunkBuilder();
    const emit = (op: Op, row: Row) => { const c = b.push(op, row); if (c) out.emit(c); };
    for (let i = 0; i < chunk.rows.length; i++) {
      const row = chunk.rows[i];
      const insert = !isRetraction(chunk.ops[i]);
      if (input === 0) {
        const k = keyOf(this.lk, row);
        if (k === null) {
          // A NULL key never matches: visible only in an anti join.
          // Kept by the whole row: NULL-keyed rows are only ever looked up to be retracted.
          const rk = row.map(datumKey).join('\u0001');
          const list = this.nullLeft.get(rk);
          if (insert) { if (list) list.push(row); this.nullLeft.put(rk, list ?? [row]); }
          else if (list) { list.pop(); if (!list.length) this.nullLeft.delete(rk); else this.nullLeft.put(rk, list); }
          if (this.anti) emit(insert ? Op.Insert : Op.Delete, row);
          continue;
        }
        const degree = this.degreeOf(row, this.right.get(k));
        if (insert) {
          const list = this.left.get(k);
          const e = { row, degree };
          if (list) list.push(e);
          this.left.put(k, list ?? [e]);
        } else {
          const list = this.left.get(k);
          const j = list ? list.findIndex((e) => sameRow(e.row, row)) : -1;
          if (j >= 0) { list!.splice(j, 1); if (!list!.length) this.left.delete(k); else this.left.put(k, list!); }
        }
        if (this.visible(degree)) emit(insert ? Op.Insert : Op.Delete, row);
        continue;
      }
      const k = keyOf(this.rk, row);
      if (k === null) continue;
      if (insert) { const l = this.right.get(k); if (l) l.push(row); this.right.put(k, l ?? [row]); }
      else {
        const l = this.right.get(k);
        const j = l ? l.findIndex((r) => sameRow(r, row)) : -1;
        if (j >= 0) { l!.splice(j, 1); if (!l!.length) this.right.delete(k); else this.right.put(k, l!); }
      }
      const lefts = this.left.get(k);
      if (!lefts) continue;
      let changed = false;
      for (const e of lefts) {
        if (this.residual && this.residual(e.row.concat(row)) !== true) continue;
        const before = this.visible(e.degree);
        e.degree += insert ? 1 : -1;
        changed = true;
        const after = this.visible(e.degree);
        if (before !== after) emit(after ? Op.Insert : Op.Delete, e.row);
      }
      if (changed) this.left.put(k, lefts); // degrees changed: record for the next checkpoint
    }
    const c = b.take();
    if (c) out.emit(c);
  }

  /** How many right rows match `row` (all of them without a residual). */
  private degreeOf(row: Row, rights: Row[] | undefined): number {
    if (!rights) return 0;
    if (!this.residual) return rights.length;
    let n = 0;
    for (const r of rights) if (this.residual(row.concat(r)) === true) n++;
    return n;
  }

  processBarrier(_b: Barrier, _out: Output): void { /* emits as it goes */ }

  /** Rescaling: keep the rows whose key this subtask owns. */
  restoreState(owns: KeyOwnership): void {
    if (!owns) return;
    const keyOfLeft = (row: Row) => this.lk.map((f) => f(row)), keyOfRight = (row: Row) => this.rk.map((f) => f(row));
    for (const [k, list] of [...this.left.entries()]) if (!owns(keyOfLeft(list[0].row))) this.left.delete(k);
    for (const [k, list] of [...this.nullLeft.entries()]) if (!owns(keyOfLeft(list[0]))) this.nullLeft.delete(k);
    for (const [k, list] of [...this.right.entries()]) if (!owns(keyOfRight(list[0]))) this.right.delete(k);
    for (const t of [this.left, this.nullLeft, this.right]) t.commit();
  }
}

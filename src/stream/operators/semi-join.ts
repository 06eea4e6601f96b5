// Streaming semi and anti joins (IN / EXISTS and NOT EXISTS subqueries turned into joins). Each
// left row counts its matches on the right; a semi join shows the row while the count is
// positive, an anti join while it is zero, and both emit exactly the transitions. Rows of both
// sides are keyed state (src/stream/state), kept per key as a join keeps them (join-rows.ts): the
// left rows with their counts as degrees.

import type { Expr } from '../../plan/expr.js';
import type { Row } from '../../types/value.js';
import { concatRows, datumKey } from '../../types/value.js';
import { compileExpr, type Compiled } from '../../executor/compile-expr.js';
import type { ExecContext } from '../../executor/context.js';
import { ChunkBuilder, type Chunk, Op, isRetraction } from '../chunk.js';
import type { Barrier, KeyOwnership, Output, StreamOperator } from './operator.js';
import type { StateBackend, StateTable } from '../state/keyed-state.js';
import { MemoryStateBackend } from '../state/memory-state.js';
import { JoinRowsCursor, JoinRowsTable, type JoinRows } from './join-rows.js';

function keyOf(fs: Compiled[], row: Row): string | null {
  let k = '';
  for (const f of fs) { const v = f(row); if (v === null) return null; k += datumKey(v) + '\u0002'; }
  return k;
}

export class SemiJoinOperator implements StreamOperator {
  /** Left rows by key with their match counts, right rows by key, left rows with a NULL key. */
  private readonly left: JoinRowsTable;
  private readonly right: JoinRowsTable;
  private readonly cursor = new JoinRowsCursor();
  private readonly nullLeft: StateTable<Row[]>;
  private readonly lk: Compiled[];
  private readonly rk: Compiled[];
  private readonly residual: Compiled | null;

  constructor(private readonly anti: boolean, leftKeys: readonly Expr[], rightKeys: readonly Expr[], residual: Expr | null, ctx: ExecContext, state: StateBackend = new MemoryStateBackend()) {
    this.left = new JoinRowsTable(state, 'left', true);
    this.right = new JoinRowsTable(state, 'right', false);
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
        const degree = this.degreeOf(row, this.right.table.get(k));
        if (insert) this.left.add(k, row, degree);
        else this.left.remove(k, row);
        if (this.visible(degree)) emit(insert ? Op.Insert : Op.Delete, row);
        continue;
      }
      const k = keyOf(this.rk, row);
      if (k === null) continue;
      if (insert) this.right.add(k, row);
      else this.right.remove(k, row);
      const lefts = this.left.table.get(k);
      if (!lefts) continue;
      let changed = false;
      for (const e = this.cursor.reset(lefts); e.next();) {
        if (this.residual && this.residual(concatRows(e.row, row)) !== true) continue;
        const before = this.visible(e.degree);
        e.setDegree(e.degree + (insert ? 1 : -1));
        changed = true;
        const after = this.visible(e.degree);
        if (before !== after) emit(after ? Op.Insert : Op.Delete, e.row);
      }
      if (changed) this.left.record(k, lefts); // degrees changed: record for the next checkpoint
    }
    const c = b.take();
    if (c) out.emit(c);
  }

  /** How many right rows match `row` (all of them without a residual). */
  private degreeOf(row: Row, rights: JoinRows | undefined): number {
    if (!rights) return 0;
    if (!this.residual) return rights.count;
    let n = 0;
    for (const r = this.cursor.reset(rights); r.next();) if (this.residual(concatRows(row, r.row)) === true) n++;
    return n;
  }

  processBarrier(_b: Barrier, _out: Output): void { /* emits as it goes */ }

  /** Rescaling: keep the rows whose key this subtask owns. */
  restoreState(owns: KeyOwnership): void {
    if (!owns) return;
    const keyOfLeft = (row: Row) => this.lk.map((f) => f(row)), keyOfRight = (row: Row) => this.rk.map((f) => f(row));
    const [left, right] = [this.left.table, this.right.table];
    for (const [k, list] of [...left.entries()]) if (!owns(keyOfLeft(list.firstRow()))) left.delete(k);
    for (const [k, list] of [...this.nullLeft.entries()]) if (!owns(keyOfLeft(list[0]))) this.nullLeft.delete(k);
    for (const [k, list] of [...right.entries()]) if (!owns(keyOfRight(list.firstRow()))) right.delete(k);
    for (const t of [left, this.nullLeft, right]) t.commit();
  }
}

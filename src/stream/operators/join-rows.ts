// What a streaming join keeps under one join key of one side: its rows, and for an outer side each
// row's degree (how many rows of the other side it matches; its NULL-padded row is out while that
// is 0). Most join keys hold one row (a primary key, an auction): that row stays a live array.
// From the second row on they are packed into bytes (row-pack.ts): a key of Nexmark q4's bid side
// holds every bid of its auction, and as arrays each bid was three or four heap objects that every
// scavenge copied and every full collection marked; packed they are a few dozen bytes outside the
// JS heap, and a checkpoint writes them without encoding row by row.
//
// Packed rows live in blocks of the operator's ByteArena (byte-arena.ts), given back when the state
// table deletes or spills the key (the `release` option of tableOptions).
//
// Packed layout: per row, for an outer side a 4-byte little-endian degree, then the packed row.
// Checkpoints store the packed form (state-codec's "$p"); checkpoints from before it hold arrays of
// rows, or of `{ row, degree }` for an outer side, which `fromStored` reads.

import type { Row } from '../../types/value.js';
import { compareDatum } from '../../types/value.js';
import { packRow, packedBytes, RowReader } from '../state/row-pack.js';
import { registerBinaryStateKind, type BinaryStateValue } from '../checkpoint/state-codec.js';
import { ByteArena, MAX_BLOCK, blockSize } from '../state/byte-arena.js';
import { recordChange, type StateBackend, type StateTable, type TableOptions } from '../state/keyed-state.js';

/** Equal as SQL values (the retraction of a row finds the row stored for it). */
export function sameRow(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] === null || b[i] === null || compareDatum(a[i], b[i]) !== 0) return false;
  }
  return true;
}

const KIND = 'join-rows';
const KIND_DEGREES = 'join-rows+degrees';

export class JoinRows implements BinaryStateValue {
  /** The only row, while the key never held a second one (then `bytes` is null). */
  private single: Row | null = null;
  private singleDegree = 0;
  /** The packed rows: `bytes[base, base + end)`, room up to `base + cap`. In an arena block
   * (`addr` ≥ 0) `bytes` is the block's page; otherwise an array of their own. */
  private bytes: Uint8Array | null = null;
  private base = 0;
  private cap = 0;
  private addr = -1;
  private end = 0;
  private n = 0;
  /** The table generation in which this value was last put (JoinRowsTable.record). */
  recorded = -1;

  /** `degrees`: an outer side's rows, each with its degree. `arena`: where packed rows go (none:
   * arrays of their own, as a value decoded outside an operator keeps them). */
  constructor(readonly degrees: boolean, private arena: ByteArena | null = null) {}

  get count(): number { return this.n; }
  get stateKind(): string { return this.degrees ? KIND_DEGREES : KIND; }

  add(row: Row, degree = 0): void {
    if (this.n === 0 && this.bytes === null) { this.single = row; this.singleDegree = degree; this.n = 1; return; }
    if (this.single !== null) { const s = this.single; this.single = null; this.append(s, this.singleDegree); }
    this.append(row, degree);
    this.n++;
  }

  private append(row: Row, degree: number): void {
    const len = packRow(row);
    const need = this.end + len + (this.degrees ? 4 : 0);
    if (need > this.cap) this.grow(need);
    const b = this.bytes!;
    let at = this.base + this.end;
    if (this.degrees) { writeU32(b, at, degree); at += 4; }
    copy(packedBytes(), 0, b, at, len);
    this.end = need;
  }

  /** Moves the packed rows to room for `need` bytes: a block twice as large, or an array of their own. */
  private grow(need: number): void {
    const old = this.bytes, oldBase = this.base, oldAddr = this.addr, oldCap = this.cap;
    if (this.arena !== null && need <= MAX_BLOCK) {
      this.addr = this.arena.alloc(need);
      this.bytes = this.arena.pageOf(this.addr);
      this.base = this.arena.offsetOf(this.addr);
      this.cap = blockSize(need);
    } else {
      this.cap = Math.max(64, need * 2);
      this.bytes = new Uint8Array(this.cap);
      this.base = 0;
      this.addr = -1;
    }
    if (old !== null) copy(old, oldBase, this.bytes, this.base, this.end);
    if (oldAddr >= 0) this.arena!.release(oldAddr, oldCap);
  }

  /** The key was deleted or spilled: its block goes back to the arena (at most once). */
  release(): void {
    if (this.addr >= 0) this.arena!.release(this.addr, this.cap);
    this.addr = -1;
    this.bytes = null;
    this.single = null;
    this.base = this.cap = this.end = this.n = 0;
  }

  /** A value decoded outside the operator (a restore, a spilled key read back) moves into `arena`. */
  adopt(arena: ByteArena): this {
    if (this.arena !== null) return this; // in an arena already (values decoded outside have none)
    this.arena = arena;
    if (this.bytes !== null && this.end > 0) this.grow(this.end); // copies the rows into a block
    return this;
  }

  /** The first row (rescaling routes a key by it). */
  firstRow(): Row {
    if (this.single !== null) return this.single;
    const r = reader.at(this.bytes!, this.base + (this.degrees ? 4 : 0));
    return r.row();
  }

  /** Every row, decoded (restore and tests; the join reads through a JoinRowsCursor). */
  rows(): Row[] {
    const out: Row[] = [];
    for (const c = scratch.reset(this); c.next();) out.push(c.row);
    return out;
  }

  /** Removes one row equal to `row`; false if there is none. */
  remove(row: Row): boolean {
    for (const c = scratch.reset(this); c.next();) {
      if (!sameRow(c.row, row)) continue;
      this.cut(c);
      return true;
    }
    return false;
  }

  /** Keeps only the rows `keep` accepts; returns how many are left. */
  retain(keep: (row: Row) => boolean): number {
    for (const c = scratch.reset(this); c.next();) if (!keep(c.row)) { this.cut(c); c.back(); }
    return this.n;
  }

  /** Removes the row the cursor is on. */
  private cut(c: JoinRowsCursor): void {
    this.n--;
    if (this.single !== null) { this.single = null; return; }
    this.bytes!.copyWithin(this.base + c.start, this.base + c.stop, this.base + this.end);
    this.end -= c.stop - c.start;
  }

  stateBytes(): Uint8Array {
    if (this.single === null) return this.bytes === null ? new Uint8Array(0) : this.bytes.subarray(this.base, this.base + this.end);
    // One row: packed on the spot (the codec copies the bytes out at once).
    const len = packRow(this.single);
    if (!this.degrees) return packedBytes().subarray(0, len);
    const out = new Uint8Array(len + 4);
    writeU32(out, 0, this.singleDegree);
    copy(packedBytes(), 0, out, 4, len);
    return out;
  }

  /** A checkpoint's bytes (stateBytes) as rows again, in an array of their own (see adopt). */
  static fromBytes(bytes: Uint8Array, degrees: boolean): JoinRows {
    const rows = new JoinRows(degrees);
    rows.bytes = bytes;
    rows.end = rows.cap = bytes.length;
    const r = reader.at(bytes, 0);
    while (r.pos < bytes.length) { if (degrees) r.pos += 4; r.skipRow(); rows.n++; }
    return rows;
  }

  /** Rows as checkpoints before packing stored them: arrays of rows, or of `{ row, degree }` for an outer side. */
  static fromStored(stored: readonly unknown[], degrees: boolean, arena: ByteArena | null): JoinRows {
    const rows = new JoinRows(degrees, arena);
    for (const s of stored) {
      if (Array.isArray(s)) rows.add(s as Row, 0);
      else { const e = s as { row: Row; degree: number }; rows.add(e.row, e.degree); }
    }
    return rows;
  }

  /** A state table's options: decoded values move into `arena` (older checkpoints' arrays are
   * converted), and a value the table deletes or spills gives its block back. */
  static tableOptions(degrees: boolean, arena: ByteArena): TableOptions<JoinRows> {
    return {
      revive: (_key, decoded) => (decoded instanceof JoinRows ? decoded.adopt(arena) : JoinRows.fromStored(decoded as unknown[], degrees, arena)),
      release: (rows) => rows.release(),
    };
  }

  /** Moves `c` to the next row (see JoinRowsCursor.next). */
  step(c: JoinRowsCursor): boolean {
    if (c.done) return false;
    if (this.single !== null) {
      if (c.onSingle) { c.done = true; return false; }
      c.onSingle = true;
      c.row = this.single;
      c.degree = this.singleDegree;
      return true;
    }
    if (this.bytes === null || c.stop >= this.end) { c.done = true; return false; }
    c.start = c.stop;
    const r = c.reader.at(this.bytes, this.base + c.start);
    if (this.degrees) { c.degree = readU32(this.bytes, r.pos); r.pos += 4; }
    c.row = r.row();
    c.stop = r.pos - this.base;
    return true;
  }

  /** Sets the degree of the row `c` is on. */
  setDegree(c: JoinRowsCursor, degree: number): void {
    c.degree = degree;
    if (this.single !== null) this.singleDegree = degree;
    else writeU32(this.bytes!, this.base + c.start, degree);
  }
}

/** One side's rows by join key: a state table, and the arena their packed bytes live in. */
export class JoinRowsTable {
  readonly table: StateTable<JoinRows>;
  private readonly arena = new ByteArena();

  /** `degrees`: an outer side's (or a semi join's left) rows, each with its degree. */
  constructor(state: StateBackend, name: string, readonly degrees: boolean) {
    this.table = state.table(name, JoinRows.tableOptions(degrees, this.arena));
  }

  /** Stores `row` under join key `k`; true if the key is new. */
  add(k: string, row: Row, degree = 0): boolean {
    const list = this.table.get(k);
    const rows = list ?? new JoinRows(this.degrees, this.arena);
    rows.add(row, degree);
    this.record(k, rows);
    return list === undefined;
  }

  /** Record `rows` (changed in place) for the next checkpoint (once per checkpoint: recordChange). */
  record(k: string, rows: JoinRows): void { recordChange(this.table, k, rows); }

  /** Removes one row equal to `row` from key `k`, and the key with its last row; true if the key went. */
  remove(k: string, row: Row): boolean {
    const list = this.table.get(k);
    if (!list?.remove(row)) return false;
    if (list.count) { this.record(k, list); return false; }
    this.table.delete(k);
    return true;
  }
}

registerBinaryStateKind(KIND, (bytes) => JoinRows.fromBytes(bytes, false));
registerBinaryStateKind(KIND_DEGREES, (bytes) => JoinRows.fromBytes(bytes, true));

const reader = new RowReader();

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff; b[at + 1] = (v >>> 8) & 0xff; b[at + 2] = (v >>> 16) & 0xff; b[at + 3] = (v >>> 24) & 0xff;
}

function copy(from: Uint8Array, fromAt: number, to: Uint8Array, toAt: number, len: number): void {
  if (len <= 64) for (let i = 0; i < len; i++) to[toAt + i] = from[fromAt + i];
  else if (from === to) to.copyWithin(toAt, fromAt, fromAt + len);
  else to.set(from.subarray(fromAt, fromAt + len), toAt);
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/**
 * Walks one key's rows, decoding each as it goes; an outer side's degrees are read and written in
 * place. One cursor serves a whole operator (no iterator object per probe). Its fields are the
 * walk's state, for JoinRows to move: read `row` and `degree`.
 */
export class JoinRowsCursor {
  row: Row = [];
  degree = 0;
  /** Where the current row (with its degree) starts and ends in the packed bytes. */
  start = 0;
  stop = 0;
  onSingle = false;
  done = true;
  readonly reader = new RowReader();
  private rows: JoinRows | null = null;

  reset(rows: JoinRows): this {
    this.rows = rows;
    this.onSingle = false;
    this.done = rows.count === 0;
    this.start = this.stop = 0;
    return this;
  }

  next(): boolean { return this.rows!.step(this); }

  /** The row the cursor is on was removed: the next one starts where it started. */
  back(): void { this.stop = this.start; if (this.onSingle) this.done = true; }

  /** Sets the degree of the row the cursor is on. */
  setDegree(degree: number): void { this.rows!.setDegree(this, degree); }
}

/** The cursor of rows(), remove() and retain(), which walk one key at a time (never nested). */
const scratch = new JoinRowsCursor();

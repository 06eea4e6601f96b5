// Chunks packed for the trip between threads. Structured clone would lose the prototypes of
// Numeric and Interval and copy every row as an object graph, so a chunk travels packed:
//
// - Columns whose values are all numbers (or NULL) — ids, prices, timestamps (microseconds),
//   counts — go into one Float64Array (row-major, with a NULL mask only if a NULL occurs): no
//   number is formatted as text and parsed back, and a typed array crosses the port as one copy.
// - The other columns travel as one JSON text of rows, where plain values (strings, booleans,
//   finite numbers, null) stay as they are and the rest are tagged arrays: ["b", int8],
//   ["n", unscaled, scale] or ["N"] for NaN, ["i", months, days, micros], ["x", hex],
//   ["f", "NaN" | "Infinity" | "-Infinity"], ["a", …items]. A chunk with no numeric column is
//   just the text `[ops, rows]`.
//
// Self-describing, so a channel needs no column types and the same codec serves every edge.

import type { Chunk, Op } from '../chunk.js';
import type { Datum, Row } from '../../types/value.js';
import { Numeric } from '../../types/numeric.js';
import { Interval } from '../../types/datetime.js';

type Json = null | boolean | number | string | Json[];

/** A chunk with typed columns: numbers in `num`, int8 values in `big`, the others in `rest`. */
export interface ColumnarPack {
  readonly ops: Uint8Array;
  /** Per column: NUMBER, INT8 or OTHER. */
  readonly kinds: Uint8Array;
  /** The NUMBER columns' values, row-major. */
  readonly num: Float64Array | null;
  /** The INT8 columns' values, row-major. */
  readonly big: BigInt64Array | null;
  /** rows × width: 1 where a typed column's value is NULL; null when none is. */
  readonly nulls: Uint8Array | null;
  /** The OTHER columns' rows as JSON (the tagged encoding), or null when there are none. */
  readonly rest: string | null;
}

const OTHER = 0, NUMBER = 1, INT8 = 2, UNDECIDED = 3;
const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n;

/** One packed chunk: what crosses a MessagePort (a string or typed array is copied in one memcpy). */
export type PackedChunk = string | ColumnarPack;

function enc(d: Datum): Json {
  switch (typeof d) {
    case 'number': return Number.isFinite(d) ? d : ['f', String(d)];
    case 'string': case 'boolean': return d;
    case 'bigint': return ['b', d.toString()];
    case 'object':
      if (d === null) return null;
      if (d instanceof Numeric) return d.nan ? ['N'] : ['n', d.unscaled.toString(), d.scale];
      if (d instanceof Interval) return ['i', d.months, d.days, d.micros];
      if (d instanceof Uint8Array) return ['x', Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex')];
      if (Array.isArray(d)) { const a: Json[] = ['a']; for (const x of d) a.push(enc(x)); return a; }
  }
  throw new Error(`cannot encode a streaming value of type ${typeof d}`);
}

function dec(j: Json): Datum {
  if (j === null || typeof j !== 'object') return j;
  switch (j[0]) {
    case 'b': return BigInt(j[1] as string);
    case 'n': return new Numeric(BigInt(j[1] as string), j[2] as number);
    case 'N': return Numeric.NaN;
    case 'i': return new Interval(j[1] as number, j[2] as number, j[3] as number);
    case 'x': return Buffer.from(j[1] as string, 'hex');
    case 'f': return Number(j[1]);
    case 'a': { const out: Datum[] = new Array(j.length - 1); for (let i = 1; i < j.length; i++) out[i - 1] = dec(j[i]); return out; }
  }
  throw new Error(`malformed packed value ${JSON.stringify(j)}`);
}

function isPlain(d: Datum): boolean {
  return d === null || typeof d === 'string' || typeof d === 'boolean' || (typeof d === 'number' && Number.isFinite(d));
}

/** Rows as JSON text, values tagged where JSON cannot carry them. */
function jsonRows(rows: readonly Row[]): Json[][] | readonly Row[] {
  // Rows of plain values are JSON already: stringify them in place, no copy.
  let r = 0;
  outer: for (; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < row.length; c++) if (!isPlain(row[c])) break outer;
  }
  if (r === rows.length) return rows;
  const out: Json[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const enc1: Json[] = new Array(row.length);
    for (let c = 0; c < row.length; c++) { const d = row[c]; enc1[c] = isPlain(d) ? (d as Json) : enc(d); }
    out[i] = enc1;
  }
  return out;
}

/** Decode tagged values in place; plain values are already what they were. */
function parseRows(rows: Json[][]): Row[] {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < row.length; c++) {
      const j = row[c];
      if (j !== null && typeof j === 'object') (row as Datum[])[c] = dec(j);
    }
  }
  return rows as Row[];
}

export function packChunk(chunk: Chunk): PackedChunk {
  const { ops, rows } = chunk;
  const n = rows.length;
  const w = n ? rows[0].length : 0;
  // Which columns hold only numbers (or only int8 bigints), NULLs aside?
  const kinds = new Uint8Array(w).fill(UNDECIDED);
  let others = 0;
  for (let i = 0; i < n && others < w; i++) {
    const row = rows[i];
    for (let c = 0; c < w; c++) {
      const kind = kinds[c];
      if (kind === OTHER) continue;
      const v = row[c];
      if (v === null) continue;
      const is = typeof v === 'number' ? NUMBER : typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX ? INT8 : OTHER;
      if (kind === UNDECIDED && is !== OTHER) kinds[c] = is;
      else if (kind !== is) { kinds[c] = OTHER; others++; }
    }
  }
  if (others === w) return JSON.stringify([ops, jsonRows(rows)]);
  let kn = 0, kb = 0;
  for (let c = 0; c < w; c++) {
    if (kinds[c] === UNDECIDED) kinds[c] = NUMBER; // only NULLs
    if (kinds[c] === NUMBER) kn++; else if (kinds[c] === INT8) kb++;
  }
  const num = kn ? new Float64Array(n * kn) : null;
  const big = kb ? new BigInt64Array(n * kb) : null;
  let nulls: Uint8Array | null = null;
  for (let i = 0, an = 0, ab = 0; i < n; i++) {
    const row = rows[i];
    for (let c = 0; c < w; c++) {
      const kind = kinds[c];
      if (kind === OTHER) continue;
      const v = row[c];
      if (v === null) (nulls ??= new Uint8Array(n * w))[i * w + c] = 1;
      else if (kind === NUMBER) num![an] = v as number;
      else big![ab] = v as bigint;
      if (kind === NUMBER) an++; else ab++;
    }
  }
  let rest: string | null = null;
  if (kn + kb < w) {
    const other: Row[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i], o: Datum[] = [];
      for (let c = 0; c < w; c++) if (kinds[c] === OTHER) o.push(row[c]);
      other[i] = o;
    }
    rest = JSON.stringify(jsonRows(other));
  }
  return { ops: Uint8Array.from(ops), kinds, num, big, nulls, rest };
}

export function unpackChunk(packed: PackedChunk): Chunk {
  if (typeof packed === 'string') {
    const parsed = JSON.parse(packed) as [Op[], Json[][]];
    return { ops: parsed[0], rows: parseRows(parsed[1]) };
  }
  const { kinds, num, big, nulls } = packed;
  const n = packed.ops.length, w = kinds.length;
  const ops: Op[] = new Array(n);
  for (let i = 0; i < n; i++) ops[i] = packed.ops[i] as Op;
  const rest = packed.rest === null ? null : parseRows(JSON.parse(packed.rest) as Json[][]);
  const rows: Row[] = new Array(n);
  for (let i = 0, an = 0, ab = 0; i < n; i++) {
    const row: Datum[] = [];
    const other = rest === null ? null : rest[i];
    for (let c = 0, o = 0; c < w; c++) {
      const kind = kinds[c];
      if (kind === OTHER) { row.push(other![o++]); continue; }
      const isNull = nulls !== null && nulls[i * w + c] === 1;
      if (kind === NUMBER) { row.push(isNull ? null : num![an]); an++; }
      else { row.push(isNull ? null : big![ab]); ab++; }
    }
    rows[i] = row;
  }
  return { ops, rows };
}

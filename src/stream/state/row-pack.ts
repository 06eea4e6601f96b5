// Rows packed into bytes, for state that keeps many rows per key (a join side's rows under one
// join key). A row held as a JS array is an array, its backing store and a heap object per bigint
// or non-small number — objects every scavenge copies while they are young and every full
// collection marks. Packed, a key's rows are one byte array whose backing store lies outside the
// JS heap, and a checkpoint writes them as they are. Rows are decoded as they are read.
//
// A row: varint column count, then each value as a tag byte and its bytes:
//   0 NULL · 1 false · 2 true
//   3 number, an integer of magnitude below 2^28: zigzag varint · 4 any other number: float64
//   5 bigint of magnitude below 2^28: zigzag varint · 6 other int64: 8 bytes
//   (little-endian; below 2^28 a varint takes at most 4 bytes and 32-bit arithmetic, beyond it
//   it saves little over the 8-byte word)
//   7 text: varint UTF-8 length, UTF-8 · 8 anything else (numeric, interval, bytea, arrays, wider
//     bigints): varint length, the UTF-8 of its checkpoint JSON (state-codec.ts)
// Varints are little-endian base 128, up to 4 bytes.

import { INT8_MAX, INT8_MIN, type Datum, type Row } from '../../types/value.js';
import { decodeStateValue, encodeStateValue } from '../checkpoint/state-codec.js';
import { Int8Cache } from '../connectors/int8-cache.js';

const enum Tag { Null = 0, False = 1, True = 2, Int = 3, Float = 4, BigSmall = 5, Big64 = 6, Text = 7, Json = 8 }

/** Integers below this in magnitude are varints. */
const SMALL = 2 ** 28;
const SMALL_BIG = 2n ** 28n;

/** Eight bytes through which floats and int64s pass (typed arrays need aligned offsets). */
const word = new Uint8Array(8);
const wordF64 = new Float64Array(word.buffer);
const wordI64 = new BigInt64Array(word.buffer);
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const int8s = new Int8Cache();

/** The bytes of the last packed row (valid until the next `packRow`). */
let scratch = new Uint8Array(256);
let at = 0;

function room(n: number): void {
  if (at + n <= scratch.length) return;
  const grown = new Uint8Array(Math.max(scratch.length * 2, at + n));
  grown.set(scratch.subarray(0, at));
  scratch = grown;
}

/** `z` < 2^32 (a length, or a zigzag value below 2^29). */
function writeVarint(z: number): void {
  room(5);
  while (z >= 128) { scratch[at++] = (z & 127) | 128; z >>>= 7; }
  scratch[at++] = z;
}

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);

function writeWord(tag: Tag): void {
  room(9);
  scratch[at++] = tag;
  for (let i = 0; i < 8; i++) scratch[at++] = word[i];
}

function writeText(tag: Tag, s: string): void {
  room(1);
  scratch[at++] = tag;
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) { ascii = false; break; }
  if (ascii) {
    writeVarint(s.length);
    room(s.length);
    for (let i = 0; i < s.length; i++) scratch[at++] = s.charCodeAt(i);
    return;
  }
  const bytes = utf8.encode(s);
  writeVarint(bytes.length);
  room(bytes.length);
  scratch.set(bytes, at);
  at += bytes.length;
}

function writeDatum(v: Datum): void {
  switch (typeof v) {
    case 'number':
      if (Number.isInteger(v) && v < SMALL && v > -SMALL && !Object.is(v, -0)) { room(1); scratch[at++] = Tag.Int; writeVarint(zigzag(v)); return; }
      wordF64[0] = v;
      writeWord(Tag.Float);
      return;
    case 'bigint':
      if (v < SMALL_BIG && v > -SMALL_BIG) { room(1); scratch[at++] = Tag.BigSmall; writeVarint(zigzag(Number(v))); return; }
      if (v >= INT8_MIN && v <= INT8_MAX) { wordI64[0] = v; writeWord(Tag.Big64); return; }
      break;
    case 'string': writeText(Tag.Text, v); return;
    case 'boolean': room(1); scratch[at++] = v ? Tag.True : Tag.False; return;
  }
  if (v === null) { room(1); scratch[at++] = Tag.Null; return; }
  writeText(Tag.Json, encodeStateValue(v));
}

/** Packs `row`; returns its length in bytes, which `packedBytes()` then holds from offset 0. */
export function packRow(row: Row): number {
  at = 0;
  writeVarint(row.length);
  for (let i = 0; i < row.length; i++) writeDatum(row[i]);
  return at;
}

/** The bytes of the row `packRow` packed last (the array is reused: copy them out). */
export function packedBytes(): Uint8Array { return scratch; }

/** Reads packed rows from a byte array, from `pos` on. */
export class RowReader {
  bytes: Uint8Array = new Uint8Array(0);
  pos = 0;

  at(bytes: Uint8Array, pos: number): this { this.bytes = bytes; this.pos = pos; return this; }

  private varint(): number {
    const b = this.bytes;
    let x = b[this.pos++];
    if (x < 128) return x;
    let n = x & 127, shift = 7;
    do { x = b[this.pos++]; n |= (x & 127) << shift; shift += 7; } while (x >= 128);
    return n >>> 0;
  }

  private signed(): number { const z = this.varint(); return z & 1 ? -(z + 1) / 2 : z / 2; }

  private toWord(): void { for (let i = 0; i < 8; i++) word[i] = this.bytes[this.pos++]; }

  private text(): string {
    const n = this.varint(), b = this.bytes, start = this.pos;
    this.pos += n;
    // Short ASCII text char by char (below 13 characters V8 copies a concatenation into a flat
    // string; longer ones would build a chain of cons strings, slower than the decoder).
    if (n <= 12) {
      let s = '';
      for (let i = start; i < start + n; i++) { const c = b[i]; if (c > 127) return fromUtf8.decode(b.subarray(start, start + n)); s += String.fromCharCode(c); }
      return s;
    }
    return fromUtf8.decode(b.subarray(start, start + n));
  }

  private datum(): Datum {
    switch (this.bytes[this.pos++] as Tag) {
      case Tag.Null: return null;
      case Tag.False: return false;
      case Tag.True: return true;
      case Tag.Int: return this.signed();
      case Tag.Float: this.toWord(); return wordF64[0];
      case Tag.BigSmall: { const n = this.signed(); return n >= 0 ? int8s.get(n) : BigInt(n); }
      case Tag.Big64: this.toWord(); return wordI64[0];
      case Tag.Text: return this.text();
      case Tag.Json: return decodeStateValue(this.text()) as Datum;
      default: throw new Error(`packed row: unknown value tag ${this.bytes[this.pos - 1]} at byte ${this.pos - 1}`);
    }
  }

  /** The row at `pos`; `pos` moves past it. */
  row(): Row {
    const n = this.varint();
    const row = new Array<Datum>(n);
    for (let i = 0; i < n; i++) row[i] = this.datum();
    return row;
  }

  /** Moves `pos` past the row there without decoding it. */
  skipRow(): void {
    const n = this.varint();
    for (let i = 0; i < n; i++) {
      switch (this.bytes[this.pos++] as Tag) {
        case Tag.Null: case Tag.False: case Tag.True: break;
        case Tag.Int: case Tag.BigSmall: this.varint(); break;
        case Tag.Float: case Tag.Big64: this.pos += 8; break;
        case Tag.Text: case Tag.Json: { const n = this.varint(); this.pos += n; break; }
        default: throw new Error(`packed row: unknown value tag ${this.bytes[this.pos - 1]} at byte ${this.pos - 1}`);
      }
    }
  }
}

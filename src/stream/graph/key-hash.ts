// A stable 32-bit hash of a row's key columns, for hash exchanges: the same key always reaches the
// same subtask, in any thread and any process. Called once per row, so it walks values in place
// (no key strings are built) and only allocates for int8 values beyond 2^53 and for numerics.
//
// Values that compare equal (compareDatum) hash equal, whatever their runtime representation:
//   integers (int2/int4/int8, integral numeric and float, date, timestamps) hash like Java's
//   Integer.hashCode (the value itself) inside the int32 range and like Long.hashCode outside it;
//   other floats and numerics hash like Java's Double.hashCode of the nearest double;
//   text like Java's String.hashCode (over UTF-16 code units); booleans 1231/1237;
//   bytea like Arrays.hashCode(byte[]); intervals by their comparable length in microseconds;
//   arrays and multi-column keys combine element hashes as Arrays.hashCode does (31 * h + e, from 1);
//   NULL is 0. A single-column key hashes to its value's hash, so an int key k has hash k.

import { Numeric } from '../../types/numeric.js';
import { Interval } from '../../types/datetime.js';
import type { Datum, Row } from '../../types/value.js';

const TWO_32 = 4294967296;
const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n;

// Scratch space to read a double's bits without allocating.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1, HI = LITTLE_ENDIAN ? 1 : 0;

/** Java's Long.hashCode of an integral number inside the int64 range: low word xor high word. */
function hashIntegralNumber(v: number): number {
  if (v >= -0x80000000 && v <= 0x7fffffff) return v | 0;
  const hi = Math.floor(v / TWO_32);
  return ((v - hi * TWO_32) ^ hi) | 0;
}

const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER), SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

function hashBigInt(v: bigint): number {
  // Most int8 values fit a double exactly: hash them without creating intermediate bigints.
  if (v >= SAFE_MIN && v <= SAFE_MAX) return hashIntegralNumber(Number(v));
  if (v < INT64_MIN || v > INT64_MAX) return hashDouble(Number(v));
  return (Number(BigInt.asUintN(32, v)) ^ Number(BigInt.asIntN(32, v >> 32n))) | 0;
}

/** Java's Double.hashCode (with every NaN the same); integral doubles hash as integers. */
function hashDouble(v: number): number {
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return hashIntegralNumber(v === 0 ? 0 : v);
  f64[0] = Number.isNaN(v) ? NaN : v;
  return (u32[LO] ^ u32[HI]) | 0;
}

function hashNumeric(n: Numeric): number {
  if (n.nan) return hashDouble(NaN);
  if (n.scale <= 0) return hashBigInt(n.unscaled * 10n ** BigInt(-n.scale));
  const pow = 10n ** BigInt(n.scale);
  if (n.unscaled % pow === 0n) return hashBigInt(n.unscaled / pow);
  return hashDouble(n.toNumber());
}

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The hash of one value; see the file comment for how each type hashes. */
export function hashDatum(v: Datum): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'number': return Number.isInteger(v) ? hashIntegralNumber(v === 0 ? 0 : v) : hashDouble(v);
    case 'bigint': return hashBigInt(v);
    case 'string': return hashString(v);
    case 'boolean': return v ? 1231 : 1237;
  }
  if (v instanceof Numeric) return hashNumeric(v);
  if (v instanceof Interval) return hashDouble(v.totalMicros());
  if (v instanceof Uint8Array) {
    let h = 1;
    for (let i = 0; i < v.length; i++) h = (Math.imul(h, 31) + ((v[i] << 24) >> 24)) | 0;
    return h;
  }
  let h = 1;
  for (const e of v) h = (Math.imul(h, 31) + hashDatum(e)) | 0;
  return h;
}

/** The hash of the key columns `keys` of `row`: the value's hash for one column, combined for more. */
export function hashKey(row: Row, keys: readonly number[]): number {
  if (keys.length === 1) return hashDatum(row[keys[0]]);
  let h = 1;
  for (let i = 0; i < keys.length; i++) h = (Math.imul(h, 31) + hashDatum(row[keys[i]])) | 0;
  return h;
}

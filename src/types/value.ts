// Runtime representation of SQL values (a Datum) and the comparison every operator shares.
//   bool → boolean; int2/int4/float4/float8/oid → number; int8 → bigint (exact 64-bit);
//   numeric → Numeric; text-like, uuid, json, jsonb → string; bytea → Uint8Array;
//   date → days (number); time/timestamp/timestamptz → microseconds (number);
//   interval → Interval; arrays → Datum[]; SQL NULL → null.

import { Numeric } from './numeric.js';
import { Interval } from './datetime.js';

export type Datum = null | boolean | number | bigint | string | Uint8Array | Numeric | Interval | Datum[];
export type Row = Datum[];

export const INT8_MIN = -(2n ** 63n);
export const INT8_MAX = 2n ** 63n - 1n;

/** Total order used by ORDER BY, GROUP BY and DISTINCT. NULL handling is the caller's. */
export function compareDatum(a: Datum, b: Datum): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  switch (typeof a) {
    case 'number':
      if (typeof b === 'number') {
        if (a < b) return -1;
        if (a > b) return 1;
        // NaN sorts above everything, as in PostgreSQL.
        if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
        if (Number.isNaN(b)) return -1;
        return 0;
      }
      if (typeof b === 'bigint') return cmpMixed(a, b);
      if (b instanceof Numeric) return Numeric.fromNumber(a).cmp(b);
      break;
    case 'bigint':
      if (typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
      if (typeof b === 'number') return -cmpMixed(b, a);
      if (b instanceof Numeric) return new Numeric(a, 0).cmp(b);
      break;
    case 'string':
      if (typeof b === 'string') return compareText(a, b);
      break;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'object':
      if (a instanceof Numeric) {
        if (b instanceof Numeric) return a.cmp(b);
        if (typeof b === 'bigint') return a.cmp(new Numeric(b, 0));
        if (typeof b === 'number') return a.cmp(Numeric.fromNumber(b));
      }
      if (a instanceof Interval && b instanceof Interval) return a.cmp(b);
      if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
      if (Array.isArray(a) && Array.isArray(b)) {
        const n = Math.min(a.length, b.length);
        for (let i = 0; i < n; i++) { const c = compareDatum(a[i], b[i]); if (c) return c; }
        return a.length - b.length;
      }
  }
  const sa = String(a), sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Text order of the C collation (lc_collate = C): by code point, as UTF-8 bytes compare.
 * JavaScript's `<` compares UTF-16 units, which puts U+E000–U+FFFF after astral characters;
 * only that case needs the fix-up, at the first differing unit.
 */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const lt = a < b;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return lt ? -1 : 1;
  const x = a.charCodeAt(i), y = b.charCodeAt(i);
  if (x < 0xd800 || y < 0xd800) return lt ? -1 : 1;
  const rank = (u: number) => (u >= 0xe000 ? u - 0x800 : u + 0x2000); // surrogates above U+FFFF's units
  return rank(x) < rank(y) ? -1 : 1;
}

function cmpMixed(a: number, b: bigint): number {
  if (Number.isNaN(a)) return 1;
  if (!Number.isFinite(a)) return a > 0 ? 1 : -1;
  const ai = Math.trunc(a);
  const bi = BigInt(ai);
  if (bi < b) return -1;
  if (bi > b) return 1;
  return a > ai ? 1 : a < ai ? -1 : 0;
}

export function datumEquals(a: Datum, b: Datum): boolean { return compareDatum(a, b) === 0; }

/** A string key for hashing rows in GROUP BY / DISTINCT / joins. Equal datums give equal keys. */
export function datumKey(d: Datum): string {
  if (d === null) return '\u0000N';
  switch (typeof d) {
    case 'number': return Object.is(d, -0) ? 'n0' : 'n' + d;
    case 'bigint': return 'n' + d.toString();
    case 'string': return 's' + d;
    case 'boolean': return d ? 'bt' : 'bf';
    default:
      if (d instanceof Numeric) {
        const t = d.trimTrailingZeros();
        return 'n' + t.toString();
      }
      if (d instanceof Interval) return 'i' + d.totalMicros();
      if (d instanceof Uint8Array) return 'x' + Buffer.from(d).toString('hex');
      if (Array.isArray(d)) return '[' + d.map(datumKey).join('\u0001') + ']';
      return 'o' + String(d);
  }
}

export function rowKey(row: Row, cols: readonly number[]): string {
  if (cols.length === 1) return datumKey(row[cols[0]]);
  let k = '';
  for (let i = 0; i < cols.length; i++) k += datumKey(row[cols[i]]) + '\u0002';
  return k;
}

/**
 * `a` followed by `b`, as a new row. A join builds one per match: Array.prototype.concat takes
 * its generic path (spreadable checks, element-kind transitions) and costs 3–4× this loop.
 */
export function concatRows(a: Row, b: Row): Row {
  const n = a.length, m = b.length;
  const out = new Array<Datum>(n + m);
  for (let i = 0; i < n; i++) out[i] = a[i];
  for (let j = 0; j < m; j++) out[n + j] = b[j];
  return out;
}

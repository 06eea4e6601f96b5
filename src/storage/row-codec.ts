// Rows ↔ JSON text for LevelDB values. Types that JSON cannot carry exactly are tagged by column
// type: int8 and numeric as decimal strings, bytea as hex, intervals as [months, days, micros].

import type { DataType } from '../types/datatype.js';
import type { Datum, Row } from '../types/value.js';
import { Numeric } from '../types/numeric.js';
import { Interval } from '../types/datetime.js';

type Json = null | boolean | number | string | Json[];

function encodeDatum(d: Datum, t: DataType): Json {
  if (d === null) return null;
  if (t.kind === 'array') return (d as Datum[]).map((x) => encodeDatum(x, t.elem));
  switch (t.id) {
    case 'int8': return (d as bigint).toString();
    case 'numeric': return (d as Numeric).toString();
    case 'bytea': return Buffer.from(d as Uint8Array).toString('hex');
    case 'interval': { const iv = d as Interval; return [iv.months, iv.days, iv.micros]; }
    case 'float4': case 'float8': case 'date': case 'timestamp': case 'timestamptz': {
      const n = d as number;
      return Number.isFinite(n) ? n : String(n); // NaN and ±Infinity are not JSON numbers
    }
    default: return d as Json;
  }
}

function decodeDatum(j: Json, t: DataType): Datum {
  if (j === null) return null;
  if (t.kind === 'array') return (j as Json[]).map((x) => decodeDatum(x, t.elem));
  switch (t.id) {
    case 'int8': return BigInt(j as string);
    case 'numeric': return Numeric.parse(j as string);
    case 'bytea': return Buffer.from(j as string, 'hex');
    case 'interval': { const a = j as number[]; return new Interval(a[0], a[1], a[2]); }
    case 'float4': case 'float8': case 'date': case 'timestamp': case 'timestamptz':
      return typeof j === 'string' ? Number(j) : (j as number);
    default: return j as Datum;
  }
}

export function encodeRow(row: Row, types: readonly DataType[]): string {
  const out: Json[] = new Array(row.length);
  for (let i = 0; i < row.length; i++) out[i] = encodeDatum(row[i], types[i]);
  return JSON.stringify(out);
}

export function decodeRow(text: string, types: readonly DataType[]): Row {
  const arr = JSON.parse(text) as Json[];
  const out: Row = new Array(types.length);
  for (let i = 0; i < types.length; i++) out[i] = i < arr.length ? decodeDatum(arr[i], types[i]) : null;
  return out;
}

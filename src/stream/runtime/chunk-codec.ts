// Chunks packed for the trip between threads. Structured clone would lose the prototypes of
// Numeric and Interval and copy every row as an object graph, so a chunk travels as one JSON
// text instead: `[ops, rows]` where plain values (numbers, strings, booleans, null) stay as they
// are and the rest are tagged arrays: ["b", int8], ["n", unscaled, scale] or ["N"] for NaN,
// ["i", months, days, micros], ["x", hex], ["f", "NaN" | "Infinity" | "-Infinity"], ["a", …items].
// Self-describing, so a channel needs no column types and the same codec serves every edge.

import type { Chunk, Op } from '../chunk.js';
import type { Datum, Row } from '../../types/value.js';
import { Numeric } from '../../types/numeric.js';
import { Interval } from '../../types/datetime.js';

type Json = null | boolean | number | string | Json[];

/** One packed chunk: what crosses a MessagePort (strings are copied in one memcpy). */
export type PackedChunk = string;

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

export function packChunk(chunk: Chunk): PackedChunk {
  const rows = chunk.rows;
  // Rows of plain values are JSON already: stringify them in place, no copy.
  let r = 0;
  outer: for (; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < row.length; c++) if (!isPlain(row[c])) break outer;
  }
  if (r === rows.length) return JSON.stringify([chunk.ops, rows]);
  const out: Json[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const enc1: Json[] = new Array(row.length);
    for (let c = 0; c < row.length; c++) { const d = row[c]; enc1[c] = isPlain(d) ? (d as Json) : enc(d); }
    out[i] = enc1;
  }
  return JSON.stringify([chunk.ops, out]);
}

export function unpackChunk(packed: PackedChunk): Chunk {
  const parsed = JSON.parse(packed) as [Op[], Json[][]];
  const rows = parsed[1];
  // Decode tagged values in place; plain values are already what they were.
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < row.length; c++) {
      const j = row[c];
      if (j !== null && typeof j === 'object') (row as Datum[])[c] = dec(j);
    }
  }
  return { ops: parsed[0], rows: rows as Row[] };
}

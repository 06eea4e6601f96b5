// Binary wire format (typsend/typrecv) for the types drivers ask for in binary: PostgreSQL's
// epoch is 2000-01-01; numeric is base-10000 digit groups; arrays carry dimensions and element OIDs.

import { SqlError, SqlState } from '../errors.js';
import { DataType, ScalarType, TYPE_INFO } from './datatype.js';
import type { Datum } from './value.js';
import { Numeric, applyNumericTypmod, pow10 } from './numeric.js';
import { Interval } from './datetime.js';
import { canonicalJsonb, TextContext, formatText, parseText } from './text-io.js';

const PG_EPOCH_DAYS = 10957;
const PG_EPOCH_US = 946684800000000;

export function encodeBinary(d: Datum, t: DataType, ctx: TextContext): Buffer {
  if (t.kind === 'array') return encodeArray(d as Datum[], t.elem, ctx);
  switch (t.id) {
    case 'bool': return Buffer.from([d ? 1 : 0]);
    case 'int2': { const b = Buffer.alloc(2); b.writeInt16BE(d as number); return b; }
    case 'int4': { const b = Buffer.alloc(4); b.writeInt32BE(d as number); return b; }
    case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace': { const b = Buffer.alloc(4); b.writeUInt32BE((d as number) >>> 0); return b; }
    case 'int8': { const b = Buffer.alloc(8); b.writeBigInt64BE(d as bigint); return b; }
    case 'float4': { const b = Buffer.alloc(4); b.writeFloatBE(d as number); return b; }
    case 'float8': { const b = Buffer.alloc(8); b.writeDoubleBE(d as number); return b; }
    case 'numeric': return encodeNumeric(d as Numeric);
    case 'bytea': return Buffer.from(d as Uint8Array);
    case 'date': { const b = Buffer.alloc(4); const v = d as number; b.writeInt32BE(v === Infinity ? 0x7fffffff : v === -Infinity ? -0x80000000 : v - PG_EPOCH_DAYS); return b; }
    case 'time': { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(d as number)); return b; }
    case 'timestamp': case 'timestamptz': {
      const b = Buffer.alloc(8);
      const v = d as number;
      b.writeBigInt64BE(v === Infinity ? 0x7fffffffffffffffn : v === -Infinity ? -0x8000000000000000n : BigInt(v - PG_EPOCH_US));
      return b;
    }
    case 'interval': { const iv = d as Interval; const b = Buffer.alloc(16); b.writeBigInt64BE(BigInt(iv.micros)); b.writeInt32BE(iv.days, 8); b.writeInt32BE(iv.months, 12); return b; }
    case 'uuid': return Buffer.from((d as string).replace(/-/g, ''), 'hex');
    case 'jsonb': return Buffer.concat([Buffer.from([1]), Buffer.from(d as string, 'utf8')]);
    default: return Buffer.from(formatText(d, t, ctx) ?? '', 'utf8');
  }
}

function encodeNumeric(n: Numeric): Buffer {
  if (n.nan) { const b = Buffer.alloc(8); b.writeUInt16BE(0xc000, 4); return b; }
  const neg = n.unscaled < 0n;
  const abs = neg ? -n.unscaled : n.unscaled;
  // Pad the fractional part to a multiple of 4 digits, then split into base-10000 groups.
  const fracPad = (4 - (n.scale % 4)) % 4;
  const scaled = abs * pow10(fracPad);
  let digits = scaled.toString();
  const fracGroups = (n.scale + fracPad) / 4;
  const totalLen = Math.ceil(digits.length / 4) * 4;
  digits = digits.padStart(Math.max(totalLen, (fracGroups + 1) * 4), '0');
  const groups: number[] = [];
  for (let i = 0; i < digits.length; i += 4) groups.push(parseInt(digits.slice(i, i + 4), 10));
  let weight = groups.length - fracGroups - 1;
  while (groups.length && groups[0] === 0) { groups.shift(); weight--; }
  while (groups.length && groups[groups.length - 1] === 0) groups.pop();
  if (!groups.length) weight = 0;
  const b = Buffer.alloc(8 + groups.length * 2);
  b.writeInt16BE(groups.length, 0);
  b.writeInt16BE(weight, 2);
  b.writeUInt16BE(neg ? 0x4000 : 0, 4);
  b.writeInt16BE(n.scale, 6);
  groups.forEach((g, i) => b.writeInt16BE(g, 8 + i * 2));
  return b;
}

function decodeNumeric(b: Buffer): Numeric {
  const ndigits = b.readInt16BE(0), weight = b.readInt16BE(2), sign = b.readUInt16BE(4), dscale = b.readInt16BE(6);
  if (sign === 0xc000) return Numeric.NaN;
  if (b.length < 8 + ndigits * 2) throw insufficient();
  let v = 0n;
  for (let i = 0; i < ndigits; i++) v = v * 10000n + BigInt(b.readInt16BE(8 + i * 2));
  // v currently represents digits with the last group at weight (weight - ndigits + 1).
  const lastWeight = weight - ndigits + 1;
  let n = lastWeight >= 0 ? new Numeric(v * pow10(lastWeight * 4), 0) : new Numeric(v, -lastWeight * 4);
  n = n.withScale(dscale);
  return sign === 0x4000 ? n.neg() : n;
}

/** Dimensions of a (possibly nested) array value: [3] for {1,2,3}, [2,2] for {{1,2},{3,4}}. */
function arrayDims(items: Datum[]): number[] {
  const dims: number[] = [];
  let level: Datum = items;
  while (Array.isArray(level)) {
    dims.push(level.length);
    if (!level.length) break;
    level = level[0];
  }
  return dims[0] === 0 ? [] : dims;
}

function flattenArray(items: Datum[]): Datum[] {
  const out: Datum[] = [];
  for (const x of items) if (Array.isArray(x)) out.push(...flattenArray(x)); else out.push(x);
  return out;
}

function encodeArray(items: Datum[], elem: ScalarType, ctx: TextContext): Buffer {
  const dims = arrayDims(items);
  const flat = dims.length > 1 ? flattenArray(items) : items;
  const head = Buffer.alloc(12 + dims.length * 8);
  head.writeInt32BE(dims.length, 0);
  head.writeInt32BE(flat.some((x) => x === null) ? 1 : 0, 4);
  head.writeUInt32BE(TYPE_INFO[elem.id].oid, 8);
  dims.forEach((n, i) => { head.writeInt32BE(n, 12 + i * 8); head.writeInt32BE(1, 16 + i * 8); });
  const parts: Buffer[] = [head];
  for (const x of flat) {
    if (x === null) { const l = Buffer.alloc(4); l.writeInt32BE(-1); parts.push(l); continue; }
    const body = encodeBinary(x, elem, ctx);
    const l = Buffer.alloc(4); l.writeInt32BE(body.length);
    parts.push(l, body);
  }
  return Buffer.concat(parts);
}

// PostgreSQL's errors for a malformed binary value: too few bytes is 08P01 (the message ran out),
// bytes left over is 22P03; both are ordinary errors, the session goes on.
const insufficient = () => new SqlError(SqlState.ProtocolViolation, 'insufficient data left in message');

function need(b: Buffer, n: number, t: string): void {
  if (b.length < n) throw insufficient();
  if (b.length > n) throw new SqlError('22P03', `incorrect binary data format in bind parameter (type ${t})`);
}

export function decodeBinary(b: Buffer, t: DataType, ctx: TextContext): Datum {
  if (t.kind === 'array') return decodeArray(b, t.elem, ctx);
  switch (t.id) {
    case 'bool': need(b, 1, 'boolean'); return b[0] !== 0;
    case 'int2': need(b, 2, 'smallint'); return b.readInt16BE(0);
    case 'int4': need(b, 4, 'integer'); return b.readInt32BE(0);
    case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace': need(b, 4, 'oid'); return b.readUInt32BE(0);
    case 'int8': need(b, 8, 'bigint'); return b.readBigInt64BE(0);
    case 'float4': need(b, 4, 'real'); return b.readFloatBE(0);
    case 'float8': need(b, 8, 'double precision'); return b.readDoubleBE(0);
    case 'numeric': if (b.length < 8) need(b, 8, 'numeric'); return applyNumericTypmod(decodeNumeric(b), t.typmod);
    case 'bytea': return Buffer.from(b);
    case 'date': { need(b, 4, 'date'); const v = b.readInt32BE(0); return v === 0x7fffffff ? Infinity : v === -0x80000000 ? -Infinity : v + PG_EPOCH_DAYS; }
    case 'time': need(b, 8, 'time'); return Number(b.readBigInt64BE(0));
    case 'timestamp': case 'timestamptz': {
      need(b, 8, 'timestamp');
      const v = b.readBigInt64BE(0);
      return v === 0x7fffffffffffffffn ? Infinity : v === -0x8000000000000000n ? -Infinity : Number(v) + PG_EPOCH_US;
    }
    case 'interval': need(b, 16, 'interval'); return new Interval(b.readInt32BE(12), b.readInt32BE(8), Number(b.readBigInt64BE(0)));
    case 'uuid': { need(b, 16, 'uuid'); const h = b.toString('hex'); return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`; }
    case 'jsonb': if (b[0] !== 1) throw new SqlError(SqlState.InternalError, `unsupported jsonb version number ${b[0] ?? 0}`); return canonicalJsonb(JSON.parse(b.subarray(1).toString('utf8')));
    default: return parseText(b.toString('utf8'), t, ctx);
  }
}

function decodeArray(b: Buffer, elem: ScalarType, ctx: TextContext): Datum[] {
  if (b.length < 12) throw insufficient();
  const ndim = b.readInt32BE(0);
  if (ndim === 0) return [];
  if (ndim < 0 || ndim > 6) throw new SqlError('22P03', `invalid number of dimensions: ${ndim}`);
  if (b.length < 12 + ndim * 8) throw insufficient();
  if (b.readUInt32BE(8) !== TYPE_INFO[elem.id].oid) throw new SqlError(SqlState.DatatypeMismatch, 'wrong element type');
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const n = b.readInt32BE(12 + i * 8);
    if (n < 0) throw new SqlError('22P03', 'invalid array dimension');
    dims.push(n);
  }
  let off = 12 + ndim * 8;
  const total = dims.reduce((a, n) => a * n, 1);
  const flat: Datum[] = [];
  for (let i = 0; i < total; i++) {
    if (off + 4 > b.length) throw insufficient();
    const len = b.readInt32BE(off); off += 4;
    if (len === -1) { flat.push(null); continue; }
    if (len < 0 || off + len > b.length) throw insufficient();
    flat.push(decodeBinary(b.subarray(off, off + len), elem, ctx));
    off += len;
  }
  // Rebuild the nesting from the innermost dimension out.
  let level: Datum[] = flat;
  for (let d = dims.length - 1; d > 0; d--) {
    const next: Datum[] = [];
    for (let i = 0; i < level.length; i += dims[d]) next.push(level.slice(i, i + dims[d]));
    level = next;
  }
  return level;
}

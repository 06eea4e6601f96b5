// Text input and output of every type, as PostgreSQL's typinput/typoutput functions print them.

import { SqlError, SqlState } from '../errors.js';
import { DataType, ScalarType, formatType } from './datatype.js';
import { Datum, INT8_MAX, INT8_MIN } from './value.js';
import { Numeric, applyNumericTypmod } from './numeric.js';
import {
  Interval, formatDate, formatInterval, formatTimeOfDay, formatTimestamp, formatTimestamptz,
  parseDate, parseInterval, parseTime, parseTimestamp, parseTimestamptz,
} from './datetime.js';
import { formatFloat4, formatFloat8 } from './float-format.js';

/** Names of OIDs for the text form of regclass, regtype, regproc and regnamespace (from the session's catalog). */
export interface OidNames {
  regclassOut(oid: number): string; regclassIn(name: string): number;
  regtypeOut(oid: number): string; regtypeIn(name: string): number;
  regprocOut(oid: number): string; regprocIn(name: string): number;
  regnamespaceOut(oid: number): string; regnamespaceIn(name: string): number;
}

export interface TextContext { timeZone: string; names?: OidNames }
export const UTC_CONTEXT: TextContext = { timeZone: 'UTC' };

export function formatText(d: Datum, t: DataType, ctx: TextContext): string | null {
  if (d === null) return null;
  if (t.kind === 'array') return formatArray(d as Datum[], t.elem, ctx);
  switch (t.id) {
    case 'bool': return d ? 't' : 'f';
    case 'float4': return formatFloat4(d as number);
    case 'float8': return formatFloat8(d as number);
    case 'bytea': return '\\x' + Buffer.from(d as Uint8Array).toString('hex');
    case 'date': return formatDate(d as number);
    case 'time': return formatTimeOfDay(d as number);
    case 'timestamp': return formatTimestamp(d as number);
    case 'timestamptz': return formatTimestamptz(d as number, ctx.timeZone);
    case 'interval': return formatInterval(d as Interval);
    case 'regclass': return ctx.names ? ctx.names.regclassOut(d as number) : String(d);
    case 'regtype': return ctx.names ? ctx.names.regtypeOut(d as number) : String(d);
    case 'regproc': return ctx.names ? ctx.names.regprocOut(d as number) : String(d);
    case 'regnamespace': return ctx.names ? ctx.names.regnamespaceOut(d as number) : String(d);
    case 'record': if (t.fields && Array.isArray(d)) return formatRecord(d, t, ctx); return String(d);
    default: return String(d);
  }
}

/** record_out: `(a,b)`, a NULL field empty, quoted when empty or holding a delimiter, quote or space. */
function formatRecord(values: Datum[], t: ScalarType, ctx: TextContext): string {
  const parts = values.map((v, i) => {
    if (v === null) return '';
    const s = formatText(v, t.fields![i].type, ctx)!;
    return s === '' || /[(),"\\\s]/.test(s) ? '"' + s.replace(/["\\]/g, '$&$&') + '"' : s;
  });
  return '(' + parts.join(',') + ')';
}

function formatArray(items: Datum[], elem: ScalarType, ctx: TextContext): string {
  const parts = items.map((v) => {
    if (v === null) return 'NULL';
    if (Array.isArray(v)) return formatArray(v, elem, ctx);
    const s = formatText(v, elem, ctx)!;
    if (s === '' || /[{}",\\\s]/.test(s) || /^null$/i.test(s)) return '"' + s.replace(/["\\]/g, '\\$&') + '"';
    return s;
  });
  return '{' + parts.join(',') + '}';
}

function invalid(type: string, text: string): SqlError {
  return new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type ${type}: "${text}"`);
}

export function parseIntText(text: string, bits: 16 | 32): number {
  const s = text.trim();
  if (!/^[+-]?\d+$/.test(s)) throw invalid(bits === 16 ? 'smallint' : 'integer', text);
  const v = Number(s);
  const lim = bits === 16 ? 32768 : 2147483648;
  if (v < -lim || v >= lim) throw new SqlError(SqlState.NumericValueOutOfRange, `value "${text}" is out of range for type ${bits === 16 ? 'smallint' : 'integer'}`);
  return v;
}

export function parseInt8Text(text: string): bigint {
  const s = text.trim();
  if (!/^[+-]?\d+$/.test(s)) throw invalid('bigint', text);
  const v = BigInt(s);
  if (v < INT8_MIN || v > INT8_MAX) throw new SqlError(SqlState.NumericValueOutOfRange, `value "${text}" is out of range for type bigint`);
  return v;
}

export function parseFloatText(text: string, type: 'real' | 'double precision'): number {
  const s = text.trim().toLowerCase();
  if (s === 'nan') return NaN;
  if (s === 'infinity' || s === '+infinity' || s === 'inf' || s === '+inf') return Infinity;
  if (s === '-infinity' || s === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) throw invalid(type, text);
  const v = Number(s);
  if (!Number.isFinite(v)) throw new SqlError(SqlState.NumericValueOutOfRange, `"${text}" is out of range for type ${type}`);
  return type === 'real' ? Math.fround(v) : v;
}

export function parseBool(text: string): boolean {
  const s = text.trim().toLowerCase();
  if (['t', 'true', 'y', 'yes', 'on', '1'].includes(s)) return true;
  if (['f', 'false', 'n', 'no', 'off', '0'].includes(s)) return false;
  throw invalid('boolean', text);
}

export function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) {
    const hex = text.slice(2);
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw invalid('bytea', text);
    return Buffer.from(hex, 'hex');
  }
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') { for (const b of Buffer.from(c, 'utf8')) out.push(b); continue; }
    if (text[i + 1] === '\\') { out.push(92); i++; continue; }
    const oct = text.slice(i + 1, i + 4);
    if (!/^[0-3][0-7]{2}$/.test(oct)) throw invalid('bytea', text);
    out.push(parseInt(oct, 8)); i += 3;
  }
  return Uint8Array.from(out);
}

const UUID_RE = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;
export function parseUuid(text: string): string {
  const m = UUID_RE.exec(text.trim());
  if (!m) throw invalid('uuid', text);
  return `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase();
}

export function parseJson(text: string, type: 'json' | 'jsonb'): string {
  let v: unknown;
  try { v = JSON.parse(text); } catch { throw invalid(type, text); }
  return type === 'json' ? text : canonicalJsonb(v);
}

/** jsonb's output: keys sorted by length then bytes, duplicates dropped, `", "` and `": "` separators. */
export function canonicalJsonb(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(canonicalJsonb).join(', ') + ']';
  const keys = Object.keys(v as object).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return '{' + keys.map((k) => JSON.stringify(k) + ': ' + canonicalJsonb((v as Record<string, unknown>)[k])).join(', ') + '}';
}

export function checkCharLength(s: string, t: ScalarType, explicit: boolean): string {
  if (t.typmod < 0) return t.id === 'bpchar' ? s : s;
  const max = t.typmod - 4;
  const len = [...s].length;
  if (len > max) {
    const trimmed = [...s].slice(0, max).join('');
    // Explicit casts truncate; assignments only allow trailing spaces to be dropped.
    if (explicit || /^ *$/.test([...s].slice(max).join(''))) return t.id === 'bpchar' ? trimmed : trimmed;
    throw new SqlError(SqlState.StringDataRightTruncation, `value too long for type ${formatType(t)}`);
  }
  return t.id === 'bpchar' ? s + ' '.repeat(max - len) : s;
}

export function parseText(text: string, t: DataType, ctx: TextContext): Datum {
  if (t.kind === 'array') return parseArrayText(text, t.elem, ctx);
  switch (t.id) {
    case 'bool': return parseBool(text);
    case 'int2': return parseIntText(text, 16);
    case 'int4': return parseIntText(text, 32);
    case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace': {
      const s = text.trim();
      if (/^\d+$/.test(s)) return Number(s);
      // Names resolve through the session's catalog (regclass: relations on search_path, …).
      if (ctx.names && t.id !== 'oid') return t.id === 'regclass' ? ctx.names.regclassIn(s) : t.id === 'regtype' ? ctx.names.regtypeIn(s) : t.id === 'regproc' ? ctx.names.regprocIn(s) : ctx.names.regnamespaceIn(s);
      throw invalid(t.id, text);
    }
    case 'int8': return parseInt8Text(text);
    case 'float4': return parseFloatText(text, 'real');
    case 'float8': return parseFloatText(text, 'double precision');
    case 'numeric': return applyNumericTypmod(Numeric.parse(text), t.typmod);
    case 'text': case 'name': case 'unknown': return text;
    case 'varchar': case 'bpchar': return checkCharLength(text, t, false);
    case 'char': return text.slice(0, 1);
    case 'bytea': return parseBytea(text);
    case 'date': return parseDate(text);
    case 'time': return parseTime(text);
    case 'timestamp': return parseTimestamp(text);
    case 'timestamptz': return parseTimestamptz(text, ctx.timeZone);
    case 'interval': return parseInterval(text);
    case 'uuid': return parseUuid(text);
    case 'json': return parseJson(text, 'json');
    case 'jsonb': return parseJson(text, 'jsonb');
    default: return text;
  }
}

/** Parse `{1,2,NULL,"a b"}` array literals (one dimension, nested braces for more). */
export function parseArrayText(text: string, elem: ScalarType, ctx: TextContext): Datum[] {
  let i = 0;
  const s = text.trim();
  const fail = () => invalid(formatType(elem) + '[]', text);
  function parseLevel(): Datum[] {
    if (s[i] !== '{') throw fail();
    i++;
    const out: Datum[] = [];
    if (s[i] === '}') { i++; return out; }
    for (;;) {
      while (s[i] === ' ') i++;
      if (s[i] === '{') out.push(parseLevel());
      else if (s[i] === '"') {
        i++;
        let v = '';
        while (i < s.length && s[i] !== '"') { if (s[i] === '\\') i++; v += s[i++]; }
        if (s[i] !== '"') throw fail();
        i++;
        out.push(parseText(v, elem, ctx));
      } else {
        const start = i;
        while (i < s.length && s[i] !== ',' && s[i] !== '}') i++;
        const raw = s.slice(start, i).trim();
        if (raw === '') throw fail();
        out.push(/^null$/i.test(raw) ? null : parseText(raw, elem, ctx));
      }
      while (s[i] === ' ') i++;
      if (s[i] === ',') { i++; continue; }
      if (s[i] === '}') { i++; return out; }
      throw fail();
    }
  }
  const r = parseLevel();
  if (i !== s.length) throw fail();
  return r;
}

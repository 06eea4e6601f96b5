// String functions (PostgreSQL's "String Functions and Operators").

import { createHash } from 'node:crypto';
import { SqlError, SqlState } from '../errors.js';
import { DataType, T, isString } from '../types/datatype.js';
import { Datum } from '../types/value.js';
import { formatText } from '../types/text-io.js';
import { compileRegex } from './pattern.js';
import { registerFunction, signature } from './registry.js';

const t = T.text, i4 = T.int4;
const chars = (s: string) => [...s];

registerFunction(['length', 'char_length', 'character_length'], signature([t], i4, (a) => chars(a[0] as string).length));
registerFunction('length', signature([T.bytea], i4, (a) => (a[0] as Uint8Array).length));
registerFunction('octet_length', signature([t], i4, (a) => Buffer.byteLength(a[0] as string)));
registerFunction('bit_length', signature([t], i4, (a) => Buffer.byteLength(a[0] as string) * 8));
// Case mapping follows the database's C locale (lc_ctype): only ASCII letters change, as in PostgreSQL.
const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
const asciiUpper = (s: string) => s.replace(/[a-z]+/g, (m) => m.toUpperCase());
registerFunction('lower', signature([t], t, (a) => asciiLower(a[0] as string)));
registerFunction('upper', signature([t], t, (a) => asciiUpper(a[0] as string)));
registerFunction('initcap', signature([t], t, (a) => asciiLower(a[0] as string).replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, p, c) => p + c.toUpperCase())));
registerFunction('reverse', signature([t], t, (a) => chars(a[0] as string).reverse().join('')));
registerFunction('ascii', signature([t], i4, (a) => (a[0] as string).codePointAt(0) ?? 0));
registerFunction('chr', signature([i4], t, (a) => {
  const c = a[0] as number;
  if (c === 0) throw new SqlError('54000', 'null character not permitted');
  return String.fromCodePoint(c);
}));
registerFunction('md5', signature([t], t, (a) => createHash('md5').update(a[0] as string).digest('hex')));
registerFunction('repeat', signature([t, i4], t, (a) => (a[0] as string).repeat(Math.max(0, a[1] as number))));
registerFunction('replace', signature([t, t, t], t, (a) => (a[1] === '' ? (a[0] as string) : (a[0] as string).split(a[1] as string).join(a[2] as string))));
registerFunction('translate', signature([t, t, t], t, (a) => {
  const from = chars(a[1] as string), to = chars(a[2] as string);
  return chars(a[0] as string).map((c) => { const i = from.indexOf(c); return i < 0 ? c : i < to.length ? to[i] : ''; }).join('');
}));

function substr(s: string, start: number, len?: number): string {
  const cs = chars(s);
  if (len !== undefined && len < 0) throw new SqlError('22011', 'negative substring length not allowed');
  let from = start - 1;
  let to = len === undefined ? cs.length : from + len;
  if (from < 0) from = 0;
  if (to < from) to = from;
  return cs.slice(from, to).join('');
}
registerFunction(['substr', 'substring'], signature([t, i4, i4], t, (a) => substr(a[0] as string, a[1] as number, a[2] as number | undefined), { minArgs: 2 }));
registerFunction('substring', signature([t, t], t, (a) => {
  const m = compileRegex(a[1] as string, '').exec(a[0] as string);
  if (!m) return null;
  return m.length > 1 ? m[1] ?? null : m[0];
}));
registerFunction('left', signature([t, i4], t, (a) => { const cs = chars(a[0] as string), n = a[1] as number; return (n >= 0 ? cs.slice(0, n) : cs.slice(0, Math.max(0, cs.length + n))).join(''); }));
registerFunction('right', signature([t, i4], t, (a) => { const cs = chars(a[0] as string), n = a[1] as number; return (n >= 0 ? cs.slice(Math.max(0, cs.length - n)) : cs.slice(-n)).join(''); }));
registerFunction(['strpos', 'position'], signature([t, t], i4, (a) => { const i = (a[0] as string).indexOf(a[1] as string); return i < 0 ? 0 : chars((a[0] as string).slice(0, i)).length + 1; }));
registerFunction('starts_with', signature([t, t], T.bool, (a) => (a[0] as string).startsWith(a[1] as string)));
registerFunction('split_part', signature([t, t, i4], t, (a) => {
  const parts = (a[1] as string) === '' ? [a[0] as string] : (a[0] as string).split(a[1] as string);
  const n = a[2] as number;
  if (n === 0) throw new SqlError(SqlState.InvalidParameterValue, 'field position must not be zero');
  const idx = n > 0 ? n - 1 : parts.length + n;
  return parts[idx] ?? '';
}));

function pad(left: boolean) {
  return signature([t, i4, t], t, (a) => {
    const s = chars(a[0] as string), n = a[1] as number, fill = chars(a.length > 2 ? (a[2] as string) : ' ');
    if (n <= s.length) return s.slice(0, Math.max(0, n)).join('');
    if (fill.length === 0) return s.join('');
    const padding: string[] = [];
    while (padding.length < n - s.length) padding.push(fill[padding.length % fill.length]);
    return left ? padding.join('') + s.join('') : s.join('') + padding.join('');
  }, { minArgs: 2 });
}
registerFunction('lpad', pad(true));
registerFunction('rpad', pad(false));

function trimmer(mode: 'both' | 'leading' | 'trailing') {
  return signature([t, t], t, (a) => {
    const set = new Set(chars(a.length > 1 ? (a[1] as string) : ' '));
    const cs = chars(a[0] as string);
    let s = 0, e = cs.length;
    if (mode !== 'trailing') while (s < e && set.has(cs[s])) s++;
    if (mode !== 'leading') while (e > s && set.has(cs[e - 1])) e--;
    return cs.slice(s, e).join('');
  }, { minArgs: 1 });
}
registerFunction('btrim', trimmer('both'));
registerFunction('ltrim', trimmer('leading'));
registerFunction('rtrim', trimmer('trailing'));

/** concat() and concat_ws() take any types and skip NULLs. */
function textOut(d: Datum, type: DataType): string {
  return formatText(d, type, { timeZone: 'UTC' }) ?? '';
}
registerFunction('concat', (args) => (args.length === 0 ? undefined : {
  type: t, argTypes: args, strict: false,
  impl: (a) => a.map((v, i) => (v === null ? '' : textOut(v, args[i]))).join(''),
}));
registerFunction('concat_ws', (args) => (args.length < 1 ? undefined : {
  type: t, argTypes: [t, ...args.slice(1)], strict: false,
  impl: (a) => (a[0] === null ? null : a.slice(1).map((v, i) => (v === null ? null : textOut(v, args[i + 1]))).filter((v) => v !== null).join(a[0] as string)),
}));

registerFunction('regexp_replace', signature([t, t, t, t], t, (a) => {
  const flags = (a[3] as string | undefined) ?? '';
  const global = flags.includes('g');
  const re = compileRegex(a[1] as string, (flags.includes('i') ? 'i' : '') + (global ? 'g' : ''));
  // PostgreSQL writes back-references as \1; JavaScript as $1.
  const repl = (a[2] as string).replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1').replace(/\\&/g, '$$&');
  return (a[0] as string).replace(re, repl);
}, { minArgs: 3 }));
registerFunction('regexp_match', signature([t, t, t], { kind: 'array', elem: T.text }, (a) => {
  const re = compileRegex(a[1] as string, ((a[2] as string | undefined) ?? '').includes('i') ? 'i' : '');
  const m = re.exec(a[0] as string);
  if (!m) return null;
  return m.length > 1 ? m.slice(1).map((x) => x ?? null) : [m[0]];
}, { minArgs: 2 }));
registerFunction('regexp_like', signature([t, t, t], T.bool, (a) => compileRegex(a[1] as string, ((a[2] as string | undefined) ?? '').includes('i') ? 'i' : '').test(a[0] as string), { minArgs: 2 }));
registerFunction('regexp_count', signature([t, t], i4, (a) => ((a[0] as string).match(compileRegex(a[1] as string, 'g')) ?? []).length));

registerFunction('quote_ident', signature([t], t, (a) => {
  const s = a[0] as string;
  return /^[a-z_][a-z0-9_$]*$/.test(s) ? s : '"' + s.replace(/"/g, '""') + '"';
}));
/** PostgreSQL's quote_literal: quotes doubled, and with a backslash, the E'' form with backslashes doubled. */
function quoteLiteral(s: string): string {
  const body = s.replace(/'/g, "''");
  return s.includes('\\') ? "E'" + body.replace(/\\/g, '\\\\') + "'" : "'" + body + "'";
}
registerFunction('quote_literal', signature([t], t, (a) => quoteLiteral(a[0] as string)));
registerFunction('quote_nullable', signature([t], t, (a) => (a[0] === null ? 'NULL' : quoteLiteral(a[0] as string)), { strict: false }));
registerFunction('to_hex', signature([T.int8], t, (a) => { const v = a[0] as bigint; return (v < 0n ? (1n << 64n) + v : v).toString(16); }));
registerFunction('encode', signature([T.bytea, t], t, (a) => {
  const fmt = (a[1] as string).toLowerCase();
  const b = Buffer.from(a[0] as Uint8Array);
  if (fmt === 'hex') return b.toString('hex');
  if (fmt === 'base64') return b.toString('base64');
  if (fmt === 'escape') return b.toString('latin1');
  throw new SqlError(SqlState.InvalidParameterValue, `unrecognized encoding: "${a[1]}"`);
}));
registerFunction('decode', signature([t, t], T.bytea, (a) => {
  const fmt = (a[1] as string).toLowerCase();
  if (fmt === 'hex') return Buffer.from(a[0] as string, 'hex');
  if (fmt === 'base64') return Buffer.from(a[0] as string, 'base64');
  if (fmt === 'escape') return Buffer.from(a[0] as string, 'latin1');
  throw new SqlError(SqlState.InvalidParameterValue, `unrecognized encoding: "${a[1]}"`);
}));
registerFunction('gen_random_uuid', signature([], T.uuid, () => crypto.randomUUID(), { volatile: true }));

/** format('%s %I %L', …) */
registerFunction('format', (args) => (args.length < 1 || !isString(args[0]) ? undefined : {
  type: t, argTypes: args, strict: false,
  impl: (a) => {
    if (a[0] === null) return null;
    let argi = 1;
    return (a[0] as string).replace(/%(\d+\$)?([sIL%])/g, (_m, pos: string | undefined, k: string) => {
      if (k === '%') return '%';
      const idx = pos ? parseInt(pos, 10) : argi++;
      if (idx >= a.length) throw new SqlError(SqlState.InvalidParameterValue, 'too few arguments for format()');
      const v = a[idx];
      const s = v === null ? null : textOut(v, args[idx]);
      if (k === 's') return s ?? '';
      if (k === 'I') { if (s === null) throw new SqlError(SqlState.InvalidParameterValue, 'null values cannot be formatted as an SQL identifier'); return /^[a-z_][a-z0-9_$]*$/.test(s) ? s : '"' + s.replace(/"/g, '""') + '"'; }
      return s === null ? 'NULL' : "'" + s.replace(/'/g, "''") + "'";
    });
  },
}));

// Binary and unary operators: type resolution (which overload applies, what to cast operands to)
// and their implementations. Integer arithmetic checks overflow, as PostgreSQL does.

import { SqlError, SqlState } from '../errors.js';
import { DataType, T, formatType, isNumeric, isOidLike, isString } from '../types/datatype.js';
import { Datum, compareDatum } from '../types/value.js';
import { Numeric } from '../types/numeric.js';
import { Interval, US_PER_DAY, addIntervalToTimestamp } from '../types/datetime.js';
import type { ScalarImpl } from '../plan/expr.js';
import { checkInt2, checkInt4, checkInt8 } from './cast.js';
import { commonType, numericRank } from './coerce.js';
import { likeToRegExp, regexMatch } from './pattern.js';
import { checkedPow } from './float-checks.js';
import { glibcCbrt } from './cbrt.js';
import { numericPower } from './numeric-power.js';

export interface ResolvedOp {
  readonly type: DataType;
  readonly left: DataType;
  readonly right: DataType;
  readonly impl: ScalarImpl;
}

function divZero(): SqlError { return new SqlError(SqlState.DivisionByZero, 'division by zero'); }

function arith(op: string, t: DataType): ScalarImpl | undefined {
  if (t.kind !== 'scalar') return undefined;
  switch (t.id) {
    case 'int2': case 'int4': {
      const check = t.id === 'int2' ? checkInt2 : checkInt4;
      switch (op) {
        case '+': return (a) => check((a[0] as number) + (a[1] as number));
        case '-': return (a) => check((a[0] as number) - (a[1] as number));
        case '*': return (a) => { const r = (a[0] as number) * (a[1] as number); return check(r); };
        case '/': return (a) => { if (a[1] === 0) throw divZero(); return check(Math.trunc((a[0] as number) / (a[1] as number))); };
        case '%': return (a) => { if (a[1] === 0) throw divZero(); const r = (a[0] as number) % (a[1] as number); return r === 0 ? 0 : r; };
        case '&': return (a) => (a[0] as number) & (a[1] as number);
        case '|': return (a) => (a[0] as number) | (a[1] as number);
        case '#': return (a) => (a[0] as number) ^ (a[1] as number);
        case '<<': return (a) => check((a[0] as number) << (a[1] as number));
        case '>>': return (a) => (a[0] as number) >> (a[1] as number);
      }
      return undefined;
    }
    case 'int8':
      switch (op) {
        case '+': return (a) => checkInt8((a[0] as bigint) + (a[1] as bigint));
        case '-': return (a) => checkInt8((a[0] as bigint) - (a[1] as bigint));
        case '*': return (a) => checkInt8((a[0] as bigint) * (a[1] as bigint));
        case '/': return (a) => { if (a[1] === 0n) throw divZero(); return checkInt8((a[0] as bigint) / (a[1] as bigint)); };
        case '%': return (a) => { if (a[1] === 0n) throw divZero(); return (a[0] as bigint) % (a[1] as bigint); };
        case '&': return (a) => (a[0] as bigint) & (a[1] as bigint);
        case '|': return (a) => (a[0] as bigint) | (a[1] as bigint);
        case '#': return (a) => (a[0] as bigint) ^ (a[1] as bigint);
      }
      return undefined;
    case 'numeric':
      switch (op) {
        case '+': return (a) => (a[0] as Numeric).add(a[1] as Numeric);
        case '-': return (a) => (a[0] as Numeric).sub(a[1] as Numeric);
        case '*': return (a) => (a[0] as Numeric).mul(a[1] as Numeric);
        case '/': return (a) => (a[0] as Numeric).div(a[1] as Numeric);
        case '%': return (a) => (a[0] as Numeric).mod(a[1] as Numeric);
        case '^': return (a) => numericPower(a[0] as Numeric, a[1] as Numeric);
      }
      return undefined;
    case 'float4': case 'float8': {
      const f = t.id === 'float4' ? Math.fround : (x: number) => x;
      const chk = (x: number, a: number, b: number) => {
        if (!Number.isFinite(x) && Number.isFinite(a) && Number.isFinite(b)) throw new SqlError(SqlState.NumericValueOutOfRange, 'value out of range: overflow');
        return x;
      };
      // float8mul / float8div: a zero result from non-zero operands is an underflow.
      const under = (x: number, a: number, b: number) => {
        if (x === 0 && a !== 0 && (op === '/' ? Number.isFinite(b) : b !== 0)) throw new SqlError(SqlState.NumericValueOutOfRange, 'value out of range: underflow');
        return x;
      };
      switch (op) {
        case '+': return (a) => chk(f((a[0] as number) + (a[1] as number)), a[0] as number, a[1] as number);
        case '-': return (a) => chk(f((a[0] as number) - (a[1] as number)), a[0] as number, a[1] as number);
        case '*': return (a) => under(chk(f((a[0] as number) * (a[1] as number)), a[0] as number, a[1] as number), a[0] as number, a[1] as number);
        case '/': return (a) => { if (a[1] === 0) throw divZero(); return under(chk(f((a[0] as number) / (a[1] as number)), a[0] as number, a[1] as number), a[0] as number, a[1] as number); };
        case '%': return (a) => { if (a[1] === 0) throw divZero(); return f((a[0] as number) % (a[1] as number)); };
        case '^': return (a) => checkedPow(a[0] as number, a[1] as number);
      }
      return undefined;
    }
  }
  return undefined;
}

const isFloat = (t: DataType) => isId(t, 'float4', 'float8');

/**
 * The type a numeric operator computes in, as PostgreSQL's operator resolution picks it: the
 * wider operand, except that real mixed with anything else and integer ^ integer go to double
 * precision (the preferred numeric type), and there is no % for floats.
 */
function arithmeticType(op: string, l: DataType, r: DataType): DataType | undefined {
  if (op === '%' && (isFloat(l) || isFloat(r))) return undefined;
  const ct = numericRank(l) >= numericRank(r) ? l : r;
  if (op === '^' && !isId(ct, 'numeric', 'float8')) return T.float8;
  if (isId(ct, 'float4') && !(isId(l, 'float4') && isId(r, 'float4'))) return T.float8;
  return ct.kind === 'scalar' && ct.typmod >= 0 ? { ...ct, typmod: -1 } : ct;
}

const cmpImpls: Record<string, ScalarImpl> = {
  '=': (a) => compareDatum(a[0], a[1]) === 0,
  '<>': (a) => compareDatum(a[0], a[1]) !== 0,
  '!=': (a) => compareDatum(a[0], a[1]) !== 0,
  '<': (a) => compareDatum(a[0], a[1]) < 0,
  '<=': (a) => compareDatum(a[0], a[1]) <= 0,
  '>': (a) => compareDatum(a[0], a[1]) > 0,
  '>=': (a) => compareDatum(a[0], a[1]) >= 0,
};
export function comparisonImpl(op: string): ScalarImpl | undefined { return cmpImpls[op]; }
export function isComparison(op: string): boolean { return op in cmpImpls; }

function noOperator(op: string, l: DataType, r: DataType): SqlError {
  return new SqlError(SqlState.UndefinedFunction, `operator does not exist: ${formatType(l)} ${op} ${formatType(r)}`, {
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  });
}

const isUnknown = (t: DataType) => t.kind === 'scalar' && t.id === 'unknown';
const isId = (t: DataType, ...ids: string[]) => t.kind === 'scalar' && ids.includes(t.id);

export function resolveBinaryOp(op: string, l: DataType, r: DataType): ResolvedOp {
  // Unknown literals take the other side's type (text if both unknown).
  if (isUnknown(l) && !isUnknown(r)) l = op === '||' && !(r.kind === 'array') ? T.text : r;
  if (isUnknown(r) && !isUnknown(l)) r = op === '||' && !(l.kind === 'array') ? T.text : l;
  if (isUnknown(l) && isUnknown(r)) { l = T.text; r = T.text; }

  if (cmpImpls[op]) {
    // oid = integer compares as oids (int2/int4 cast to oid implicitly), as in PostgreSQL.
    if ((isOidLike(l) && isId(r, 'int2', 'int4')) || (isOidLike(r) && isId(l, 'int2', 'int4'))) return { type: T.bool, left: T.oid, right: T.oid, impl: cmpImpls[op] };
    let ct: DataType;
    try {
      ct = commonType([l, r], 'operator');
    } catch (e) {
      // No common type: PostgreSQL finds no such operator (42883), as for text = integer.
      if (e instanceof SqlError && e.code === SqlState.DatatypeMismatch) throw noOperator(op, l, r);
      throw e;
    }
    return { type: T.bool, left: ct, right: ct, impl: cmpImpls[op] };
  }
  switch (op) {
    case '||':
      if (l.kind === 'array' || r.kind === 'array') {
        const at = l.kind === 'array' ? l : r;
        return {
          type: at, left: l, right: r,
          impl: (a) => {
            const x = a[0], y = a[1];
            const xa = l.kind === 'array' ? (x as Datum[]) : [x];
            const ya = r.kind === 'array' ? (y as Datum[]) : [y];
            return [...xa, ...ya];
          },
        };
      }
      if (isId(l, 'jsonb') && isId(r, 'jsonb')) {
        return { type: T.jsonb, left: l, right: r, impl: (a) => jsonbConcat(a[0] as string, a[1] as string) };
      }
      // character(n) operands lose their padding, as bpchar → text does.
      const lb = isId(l, 'bpchar'), rb = isId(r, 'bpchar');
      if (lb || rb) return { type: T.text, left: l, right: r, impl: (a) => (lb ? textOf(a[0]).replace(/ +$/, '') : textOf(a[0])) + (rb ? textOf(a[1]).replace(/ +$/, '') : textOf(a[1])) };
      return { type: T.text, left: l, right: r, impl: (a) => textOf(a[0]) + textOf(a[1]) };
    case '~~': case '!~~': case '~~*': case '!~~*': {
      const ci = op.includes('*'), neg = op.startsWith('!');
      const cache = new Map<string, RegExp>();
      return {
        type: T.bool, left: T.text, right: T.text,
        impl: (a) => {
          const p = a[1] as string;
          let re = cache.get(p);
          if (!re) { re = likeToRegExp(p, ci); if (cache.size < 1000) cache.set(p, re); }
          return re.test(a[0] as string) !== neg;
        },
      };
    }
    case '~': case '!~': case '~*': case '!~*': {
      if (!isString(l) && !isUnknown(l)) break;
      const ci = op.includes('*'), neg = op.startsWith('!');
      return { type: T.bool, left: T.text, right: T.text, impl: (a) => regexMatch(a[0] as string, a[1] as string, ci) !== neg };
    }
  }
  // Date/time arithmetic.
  const dt = dateTimeOp(op, l, r);
  if (dt) return dt;
  if (isNumeric(l) && isNumeric(r)) {
    const t = arithmeticType(op, l, r);
    if (!t) throw noOperator(op, l, r);
    const impl = arith(op, t);
    if (impl) return { type: t, left: t, right: t, impl };
  }
  if (op === '@>' || op === '<@' || op === '&&') {
    if (l.kind === 'array' && r.kind === 'array') {
      const contains = (x: Datum[], y: Datum[]) => y.every((v) => x.some((u) => compareDatum(u, v) === 0));
      const impl: ScalarImpl = op === '@>' ? (a) => contains(a[0] as Datum[], a[1] as Datum[])
        : op === '<@' ? (a) => contains(a[1] as Datum[], a[0] as Datum[])
          : (a) => (a[0] as Datum[]).some((u) => (a[1] as Datum[]).some((v) => compareDatum(u, v) === 0));
      return { type: T.bool, left: l, right: r, impl };
    }
  }
  if (op === '->' || op === '->>' || op === '#>' || op === '#>>' || op === '?' || op === '@>') {
    if (isId(l, 'json', 'jsonb')) return jsonOp(op, l, r);
  }
  throw noOperator(op, l, r);
}

function textOf(d: Datum): string {
  if (typeof d === 'string') return d;
  return String(d);
}

function dateTimeOp(op: string, l: DataType, r: DataType): ResolvedOp | undefined {
  if (l.kind !== 'scalar' || r.kind !== 'scalar') return undefined;
  const L = l.id, R = r.id;
  const ts = (x: string) => x === 'timestamp' || x === 'timestamptz';
  if (L === 'date' && (R === 'int4' || R === 'int2') && (op === '+' || op === '-')) {
    return { type: T.date, left: l, right: r, impl: op === '+' ? (a) => (a[0] as number) + (a[1] as number) : (a) => (a[0] as number) - (a[1] as number) };
  }
  if ((L === 'int4' || L === 'int2') && R === 'date' && op === '+') return { type: T.date, left: l, right: r, impl: (a) => (a[0] as number) + (a[1] as number) };
  if (L === 'date' && R === 'date' && op === '-') return { type: T.int4, left: l, right: r, impl: (a) => (a[0] as number) - (a[1] as number) };
  if ((ts(L) || L === 'date') && R === 'interval' && (op === '+' || op === '-')) {
    const type = L === 'date' ? T.timestamp : l;
    return {
      type, left: L === 'date' ? T.timestamp : l, right: r,
      impl: (a) => addIntervalToTimestamp(a[0] as number, op === '+' ? (a[1] as Interval) : (a[1] as Interval).neg()),
    };
  }
  if (L === 'interval' && (ts(R) || R === 'date') && op === '+') {
    return { type: R === 'date' ? T.timestamp : r, left: l, right: R === 'date' ? T.timestamp : r, impl: (a) => addIntervalToTimestamp(a[1] as number, a[0] as Interval) };
  }
  if ((ts(L) && ts(R)) && op === '-') {
    const ct = commonType([l, r], 'operator');
    return {
      type: T.interval, left: ct, right: ct,
      impl: (a) => {
        const us = (a[0] as number) - (a[1] as number);
        const days = Math.trunc(us / US_PER_DAY);
        return new Interval(0, days, us - days * US_PER_DAY);
      },
    };
  }
  if (op === '+' && ((L === 'date' && R === 'time') || (L === 'time' && R === 'date'))) {
    const d = L === 'date' ? 0 : 1;
    return { type: T.timestamp, left: l, right: r, impl: (a) => (a[d] as number) * US_PER_DAY + (a[1 - d] as number) };
  }
  if (L === 'time' && R === 'interval' && (op === '+' || op === '-')) {
    return { type: T.time, left: l, right: r, impl: (a) => { const v = ((a[0] as number) + (op === '+' ? 1 : -1) * (a[1] as Interval).micros) % US_PER_DAY; return v < 0 ? v + US_PER_DAY : v; } };
  }
  if (L === 'interval' && R === 'interval' && (op === '+' || op === '-')) {
    return { type: T.interval, left: l, right: r, impl: op === '+' ? (a) => (a[0] as Interval).add(a[1] as Interval) : (a) => (a[0] as Interval).sub(a[1] as Interval) };
  }
  if (L === 'interval' && isNumeric(r) && (op === '*' || op === '/')) {
    return {
      type: T.interval, left: l, right: T.float8,
      impl: (a) => {
        const f = a[1] as number;
        if (op === '/' && f === 0) throw divZero();
        return (a[0] as Interval).mulNumber(op === '*' ? f : 1 / f);
      },
    };
  }
  if (isNumeric(l) && R === 'interval' && op === '*') return { type: T.interval, left: T.float8, right: r, impl: (a) => (a[1] as Interval).mulNumber(a[0] as number) };
  return undefined;
}

export function resolveUnaryOp(op: string, t: DataType): { type: DataType; arg: DataType; impl: ScalarImpl } {
  if (isUnknown(t)) t = T.numeric;
  if (op === '-' && t.kind === 'scalar') {
    switch (t.id) {
      case 'int2': return { type: t, arg: t, impl: (a) => checkInt2(-(a[0] as number)) };
      case 'int4': return { type: t, arg: t, impl: (a) => checkInt4(-(a[0] as number)) };
      case 'int8': return { type: t, arg: t, impl: (a) => checkInt8(-(a[0] as bigint)) };
      case 'float4': case 'float8': return { type: t, arg: t, impl: (a) => -(a[0] as number) };
      case 'numeric': return { type: t, arg: t, impl: (a) => (a[0] as Numeric).neg() };
      case 'interval': return { type: t, arg: t, impl: (a) => (a[0] as Interval).neg() };
    }
  }
  if (op === '+' && isNumeric(t)) return { type: t, arg: t, impl: (a) => a[0] };
  // |/ and ||/ are square and cube root on double precision.
  if (op === '|/' && isNumeric(t)) return { type: T.float8, arg: T.float8, impl: (a) => { if ((a[0] as number) < 0) throw new SqlError('2201F', 'cannot take square root of a negative number'); return Math.sqrt(a[0] as number); } };
  if (op === '||/' && isNumeric(t)) return { type: T.float8, arg: T.float8, impl: (a) => glibcCbrt(a[0] as number) };
  if (op === '~' && t.kind === 'scalar') {
    if (t.id === 'int8') return { type: t, arg: t, impl: (a) => ~(a[0] as bigint) };
    if (t.id === 'int4' || t.id === 'int2') return { type: t, arg: t, impl: (a) => ~(a[0] as number) };
  }
  if (op === '@' && isNumeric(t)) {
    return {
      type: t, arg: t,
      impl: (a) => {
        const v = a[0];
        if (typeof v === 'number') return Math.abs(v);
        if (typeof v === 'bigint') return checkInt8(v < 0n ? -v : v);
        return (v as Numeric).abs();
      },
    };
  }
  throw new SqlError(SqlState.UndefinedFunction, `operator does not exist: ${op} ${formatType(t)}`);
}

function jsonbConcat(a: string, b: string): string {
  const x = JSON.parse(a), y = JSON.parse(b);
  let r: unknown;
  if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) r = { ...x, ...y };
  else r = [...(Array.isArray(x) ? x : [x]), ...(Array.isArray(y) ? y : [y])];
  return canonical(r);
}

import { canonicalJsonb as canonical } from '../types/text-io.js';

function jsonOp(op: string, l: DataType, r: DataType): ResolvedOp {
  const outJson = l;
  const get = (v: unknown, key: Datum): unknown => {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      const i = typeof key === 'number' ? key : typeof key === 'string' && /^-?\d+$/.test(key) ? parseInt(key, 10) : NaN;
      if (Number.isNaN(i)) return undefined;
      return v[i < 0 ? v.length + i : i];
    }
    return typeof key === 'string' ? (v as Record<string, unknown>)[key] : undefined;
  };
  const asJson = (v: unknown): Datum => (v === undefined ? null : l.kind === 'scalar' && l.id === 'jsonb' ? canonical(v) : JSON.stringify(v));
  const asText = (v: unknown): Datum => (v === undefined || v === null ? null : typeof v === 'string' ? v : l.kind === 'scalar' && l.id === 'jsonb' ? canonical(v) : JSON.stringify(v));
  switch (op) {
    case '->': return { type: outJson, left: l, right: isNumeric(r) ? T.int4 : T.text, impl: (a) => asJson(get(JSON.parse(a[0] as string), a[1])) };
    case '->>': return { type: T.text, left: l, right: isNumeric(r) ? T.int4 : T.text, impl: (a) => asText(get(JSON.parse(a[0] as string), a[1])) };
    case '#>': case '#>>': return {
      type: op === '#>' ? outJson : T.text, left: l, right: { kind: 'array', elem: T.text },
      impl: (a) => {
        let v: unknown = JSON.parse(a[0] as string);
        for (const k of a[1] as Datum[]) { v = get(v, k); if (v === undefined) return null; }
        return op === '#>' ? asJson(v) : asText(v);
      },
    };
    case '?': return { type: T.bool, left: l, right: T.text, impl: (a) => { const v = JSON.parse(a[0] as string); return Array.isArray(v) ? v.includes(a[1]) : v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, a[1] as string); } };
    case '@>': return { type: T.bool, left: l, right: l, impl: (a) => jsonContains(JSON.parse(a[0] as string), JSON.parse(a[1] as string)) };
  }
  throw noOperator(op, l, r);
}

function jsonContains(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return a.some((x) => jsonContains(x, b));
    return b.every((y) => a.some((x) => jsonContains(x, y)));
  }
  if (a && typeof a === 'object') {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return false;
    return Object.entries(b as object).every(([k, v]) => k in (a as object) && jsonContains((a as Record<string, unknown>)[k], v));
  }
  return a === b;
}

// Casts between types with PostgreSQL's semantics: rounding for float → int, overflow errors,
// typmod enforcement (varchar(n), numeric(p,s)), and text as the universal intermediate.

import { SqlError, SqlState } from '../errors.js';
import { DataType, ScalarType, formatType, isString } from '../types/datatype.js';
import { Datum, INT8_MAX, INT8_MIN } from '../types/value.js';
import { Numeric, applyNumericTypmod } from '../types/numeric.js';
import { US_PER_DAY, tzOffsetSeconds, US_PER_SEC } from '../types/datetime.js';
import { TextContext, checkCharLength, formatText, parseText } from '../types/text-io.js';

function outOfRange(type: string): SqlError {
  return new SqlError(SqlState.NumericValueOutOfRange, `${type} out of range`);
}

export function checkInt4(v: number): number {
  if (v < -2147483648 || v > 2147483647 || Number.isNaN(v)) throw outOfRange('integer');
  return v;
}
export function checkInt2(v: number): number {
  if (v < -32768 || v > 32767 || Number.isNaN(v)) throw outOfRange('smallint');
  return v;
}
export function checkInt8(v: bigint): bigint {
  if (v < INT8_MIN || v > INT8_MAX) throw outOfRange('bigint');
  return v;
}

/** PostgreSQL rounds float → integer to nearest, ties to even (rint). */
function rint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function toNumber(d: Datum, from: ScalarType): number {
  switch (from.id) {
    case 'int8': return Number(d as bigint);
    case 'numeric': return (d as Numeric).toNumber();
    case 'bool': return d ? 1 : 0;
    default: return d as number;
  }
}

function toBigInt(d: Datum, from: ScalarType, target: string): bigint {
  switch (from.id) {
    case 'int8': return d as bigint;
    case 'numeric': {
      const n = d as Numeric;
      if (n.nan) throw new SqlError(SqlState.FeatureNotSupported, `cannot convert NaN to ${target}`);
      return n.toBigInt();
    }
    case 'float4': case 'float8': {
      const v = d as number;
      if (!Number.isFinite(v)) throw outOfRange(target);
      return BigInt(rint(v));
    }
    case 'bool': return d ? 1n : 0n;
    default: return BigInt(d as number);
  }
}

export function castDatum(d: Datum, from: DataType, to: DataType, explicit: boolean, ctx: TextContext): Datum {
  if (d === null) return null;
  if (to.kind === 'array') {
    if (from.kind === 'array') return (d as Datum[]).map((x) => castDatum(x, from.elem, to.elem, explicit, ctx));
    if (isString(from)) return parseText(d as string, to, ctx);
    throw cannotCast(from, to);
  }
  if (from.kind === 'array') {
    if (to.id === 'text' || to.id === 'varchar') return formatText(d, from, ctx);
    throw cannotCast(from, to);
  }
  if (from.id === to.id && to.typmod < 0) return d;
  switch (to.id) {
    case 'int2': case 'int4': {
      const check = to.id === 'int2' ? checkInt2 : checkInt4;
      if (from.id === 'int2' || from.id === 'int4' || from.id === 'oid' || from.id === 'regclass' || from.id === 'regtype') return check(d as number);
      if (from.id === 'float4' || from.id === 'float8') {
        const v = d as number;
        if (!Number.isFinite(v)) throw outOfRange(to.id === 'int2' ? 'smallint' : 'integer');
        return check(rint(v));
      }
      if (from.id === 'int8' || from.id === 'numeric') {
        const b = toBigInt(d, from, to.id === 'int2' ? 'smallint' : 'integer');
        if (b < -2147483648n || b > 2147483647n) throw outOfRange(to.id === 'int2' ? 'smallint' : 'integer');
        return check(Number(b));
      }
      if (from.id === 'bool' && to.id === 'int4') return d ? 1 : 0;
      break;
    }
    case 'int8':
      if (from.id === 'int2' || from.id === 'int4' || from.id === 'oid') return BigInt(d as number);
      if (from.id === 'float4' || from.id === 'float8' || from.id === 'numeric') return checkInt8(toBigInt(d, from, 'bigint'));
      break;
    case 'float4': case 'float8':
      if (from.id === 'int2' || from.id === 'int4' || from.id === 'int8' || from.id === 'numeric' || from.id === 'float4' || from.id === 'float8') {
        const v = toNumber(d, from);
        if (to.id === 'float4') {
          const f = Math.fround(v);
          if (!Number.isFinite(f) && Number.isFinite(v)) throw outOfRange('real');
          return f;
        }
        return v;
      }
      break;
    case 'numeric': {
      let n: Numeric | undefined;
      if (from.id === 'int2' || from.id === 'int4') n = Numeric.fromInt(d as number);
      else if (from.id === 'int8') n = new Numeric(d as bigint, 0);
      else if (from.id === 'float4' || from.id === 'float8') {
        const v = d as number;
        if (!Number.isFinite(v) && !Number.isNaN(v)) throw new SqlError(SqlState.FeatureNotSupported, 'cannot convert infinity to numeric');
        n = from.id === 'float4' ? Numeric.parse(formatText(v, from, ctx)!) : Numeric.fromNumber(v);
      } else if (from.id === 'numeric') n = d as Numeric;
      if (n) return applyNumericTypmod(n, to.typmod);
      break;
    }
    case 'bool':
      if (from.id === 'int4') return (d as number) !== 0;
      break;
    case 'text': case 'varchar': case 'bpchar': case 'name': {
      // boolean → text spells the words out (booltext), unlike boolean output's t/f.
      const s = isString(from) ? (d as string) : from.id === 'bool' ? (d ? 'true' : 'false') : formatText(d, from, ctx)!;
      if (to.id === 'varchar' || to.id === 'bpchar') return checkCharLength(from.id === 'bpchar' ? s.replace(/ +$/, '') : s, to, explicit);
      if (to.id === 'name') return s.slice(0, 63);
      return from.id === 'bpchar' ? s.replace(/ +$/, '') : s;
    }
    case 'date':
      if (from.id === 'timestamp') return Math.floor((d as number) / US_PER_DAY);
      if (from.id === 'timestamptz') {
        const us = d as number;
        return Math.floor((us + tzOffsetSeconds(us, ctx.timeZone) * US_PER_SEC) / US_PER_DAY);
      }
      break;
    case 'timestamp':
      if (from.id === 'date') return (d as number) * US_PER_DAY;
      if (from.id === 'timestamptz') { const us = d as number; return us + tzOffsetSeconds(us, ctx.timeZone) * US_PER_SEC; }
      if (from.id === 'timestamp') return d;
      break;
    case 'timestamptz':
      if (from.id === 'date' || from.id === 'timestamp') {
        const local = from.id === 'date' ? (d as number) * US_PER_DAY : (d as number);
        if (!Number.isFinite(local)) return local;
        let g = local - tzOffsetSeconds(local, ctx.timeZone) * US_PER_SEC;
        g = local - tzOffsetSeconds(g, ctx.timeZone) * US_PER_SEC;
        return g;
      }
      if (from.id === 'timestamptz') return d;
      break;
    case 'time':
      if (from.id === 'timestamp') { const us = d as number; return ((us % US_PER_DAY) + US_PER_DAY) % US_PER_DAY; }
      if (from.id === 'timestamptz') { const us = (d as number) + tzOffsetSeconds(d as number, ctx.timeZone) * US_PER_SEC; return ((us % US_PER_DAY) + US_PER_DAY) % US_PER_DAY; }
      if (from.id === 'interval') break;
      break;
    case 'oid': case 'regclass': case 'regtype': case 'regproc': case 'regnamespace':
      if (from.id === 'int4' || from.id === 'oid' || from.id === 'regclass' || from.id === 'regtype' || from.id === 'regproc' || from.id === 'regnamespace') return d;
      if (from.id === 'int8') return Number(d as bigint);
      break;
    case 'jsonb': case 'json':
      if (from.id === 'json' || from.id === 'jsonb') return parseText(d as string, to, ctx);
      break;
  }
  if (isString(from)) return parseText(d as string, to, ctx);
  throw cannotCast(from, to);
}

export function cannotCast(from: DataType, to: DataType): SqlError {
  return new SqlError(SqlState.CannotCoerce, `cannot cast type ${formatType(from)} to ${formatType(to)}`);
}

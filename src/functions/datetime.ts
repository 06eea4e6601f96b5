// Date/time functions: now(), date_trunc, extract/date_part, age, make_*, to_timestamp, to_char.

import { SqlError, SqlState } from '../errors.js';
import { DataType, T } from '../types/datatype.js';
import { Datum } from '../types/value.js';
import { Numeric } from '../types/numeric.js';
import {
  Interval, US_PER_DAY, US_PER_HOUR, US_PER_MIN, US_PER_SEC, civilFromDays, daysFromCivil, daysInMonth,
  normalizeUnit, tzOffsetSeconds,
} from '../types/datetime.js';
import type { EvalContext } from '../plan/expr.js';
import { registerFunction, signature } from './registry.js';
import { toChar } from './to-char.js';
import { windowStart } from './time-window.js';

registerFunction(['now', 'transaction_timestamp', 'statement_timestamp'], signature([], T.timestamptz, (_a, ctx) => ctx.statementTime));
registerFunction('clock_timestamp', signature([], T.timestamptz, () => Date.now() * 1000, { volatile: true }));
registerFunction('timeofday', signature([], T.text, () => new Date().toString(), { volatile: true }));

/** Local wall-clock reading of a timestamp value (timestamptz shifted into the session zone). */
function localUs(us: number, type: DataType, ctx: EvalContext): number {
  return type.kind === 'scalar' && type.id === 'timestamptz' ? us + tzOffsetSeconds(us, ctx.timeZone) * US_PER_SEC : us;
}
function fromLocalUs(local: number, type: DataType, ctx: EvalContext): number {
  if (!(type.kind === 'scalar' && type.id === 'timestamptz')) return local;
  let g = local - tzOffsetSeconds(local, ctx.timeZone) * US_PER_SEC;
  g = local - tzOffsetSeconds(g, ctx.timeZone) * US_PER_SEC;
  return g;
}

function truncLocal(unit: string, us: number): number {
  const days = Math.floor(us / US_PER_DAY);
  const tod = us - days * US_PER_DAY;
  const [y, m] = civilFromDays(days);
  switch (unit) {
    case 'microsecond': return us;
    case 'millisecond': return Math.floor(us / 1000) * 1000;
    case 'second': return days * US_PER_DAY + Math.floor(tod / US_PER_SEC) * US_PER_SEC;
    case 'minute': return days * US_PER_DAY + Math.floor(tod / US_PER_MIN) * US_PER_MIN;
    case 'hour': return days * US_PER_DAY + Math.floor(tod / US_PER_HOUR) * US_PER_HOUR;
    case 'day': return days * US_PER_DAY;
    case 'week': { const dow = ((days + 3) % 7 + 7) % 7; return (days - dow) * US_PER_DAY; } // ISO weeks start Monday
    case 'month': return daysFromCivil(y, m, 1) * US_PER_DAY;
    case 'quarter': return daysFromCivil(y, Math.floor((m - 1) / 3) * 3 + 1, 1) * US_PER_DAY;
    case 'year': return daysFromCivil(y, 1, 1) * US_PER_DAY;
    case 'decade': return daysFromCivil(Math.floor(y / 10) * 10, 1, 1) * US_PER_DAY;
    case 'century': return daysFromCivil(Math.floor((y - 1) / 100) * 100 + 1, 1, 1) * US_PER_DAY;
    case 'millennium': return daysFromCivil(Math.floor((y - 1) / 1000) * 1000 + 1, 1, 1) * US_PER_DAY;
  }
  throw new SqlError(SqlState.FeatureNotSupported, `unit "${unit}" not supported for type timestamp`);
}
function unitOf(text: string): string {
  const u = text.toLowerCase();
  if (u === 'quarter' || u === 'qtr') return 'quarter';
  const n = normalizeUnit(u);
  if (!n) throw new SqlError(SqlState.InvalidParameterValue, `unit "${text}" not recognized for type timestamp`);
  return n;
}

const dateTrunc = (tt: DataType) => (a: Datum[], ctx: EvalContext): Datum => {
  const us = a[1] as number;
  if (!Number.isFinite(us)) return us;
  return fromLocalUs(truncLocal(unitOf(a[0] as string), localUs(us, tt, ctx)), tt, ctx);
};
// A date goes to the timestamptz version, timestamptz being the preferred date/time type.
registerFunction('date_trunc', (args) => (args.length === 2 && args[1].kind === 'scalar' && args[1].id === 'date'
  ? { type: T.timestamptz, argTypes: [T.text, T.timestamptz], impl: dateTrunc(T.timestamptz), strict: true }
  : undefined));
for (const tt of [T.timestamp, T.timestamptz]) registerFunction('date_trunc', signature([T.text, tt], tt, dateTrunc(tt)));
// date_bin(stride, source, origin): the start of the stride-wide bin, aligned to origin, that
// holds source (rounded towards -infinity, also before the origin). No time zone is involved.
const dateBin = (a: Datum[]): Datum => {
  const stride = a[0] as Interval, t = a[1] as number, origin = a[2] as number;
  if (stride.months !== 0) throw new SqlError(SqlState.FeatureNotSupported, 'timestamps cannot be binned into intervals containing months or years');
  const us = stride.days * US_PER_DAY + stride.micros;
  if (us <= 0) throw new SqlError(SqlState.DatetimeFieldOverflow, 'stride must be greater than zero');
  return Number.isFinite(t) ? windowStart(t, us, origin) : t;
};
for (const tt of [T.timestamp, T.timestamptz]) registerFunction('date_bin', signature([T.interval, tt, tt], tt, dateBin));
registerFunction('date_trunc', signature([T.text, T.interval], T.interval, (a) => {
  const iv = a[1] as Interval, u = unitOf(a[0] as string);
  if (u === 'year') return new Interval(Math.trunc(iv.months / 12) * 12, 0, 0);
  if (u === 'month') return new Interval(iv.months, 0, 0);
  if (u === 'day') return new Interval(iv.months, iv.days, 0);
  const unitUs = u === 'hour' ? US_PER_HOUR : u === 'minute' ? US_PER_MIN : u === 'second' ? US_PER_SEC : 1;
  return new Interval(iv.months, iv.days, Math.trunc(iv.micros / unitUs) * unitUs);
}));

/** The fields extract() knows, computed from a local timestamp in microseconds. */
export function extractField(field: string, value: Datum, type: DataType, ctx: EvalContext): Numeric {
  const f = field.toLowerCase();
  if (type.kind === 'scalar' && type.id === 'interval') {
    const iv = value as Interval;
    const secUs = iv.micros % US_PER_MIN;
    switch (normalizeUnit(f) ?? f) {
      case 'year': return Numeric.fromInt(Math.trunc(iv.months / 12));
      case 'month': return Numeric.fromInt(iv.months % 12);
      case 'day': return Numeric.fromInt(iv.days);
      case 'hour': return Numeric.fromInt(Math.trunc(iv.micros / US_PER_HOUR));
      case 'minute': return Numeric.fromInt(Math.trunc((iv.micros % US_PER_HOUR) / US_PER_MIN));
      case 'second': return new Numeric(BigInt(secUs), 6);
      case 'millisecond': return new Numeric(BigInt(secUs), 3);
      case 'microsecond': return Numeric.fromInt(secUs);
      case 'epoch': {
        // PostgreSQL: a year is 365.25 days, a month 30 days (interval_part_common).
        const secs = 31557600 * Math.trunc(iv.months / 12) + 86400 * (30 * (iv.months % 12) + iv.days);
        return new Numeric(BigInt(secs) * 1000000n + BigInt(iv.micros), 6);
      }
    }
    throw new SqlError(SqlState.InvalidParameterValue, `unit "${field}" not supported for type interval`);
  }
  const isDate = type.kind === 'scalar' && type.id === 'date';
  const isTime = type.kind === 'scalar' && type.id === 'time';
  const us = isDate ? (value as number) * US_PER_DAY : localUs(value as number, type, ctx);
  if (f === 'epoch') {
    const raw = isDate ? (value as number) * US_PER_DAY : (value as number);
    return isDate ? Numeric.fromInt(raw / US_PER_SEC) : new Numeric(BigInt(Math.round(raw)), 6);
  }
  const days = Math.floor(us / US_PER_DAY);
  const tod = isTime ? us : us - days * US_PER_DAY;
  if (isDate && ['hour', 'minute', 'second', 'millisecond', 'microsecond', 'timezone', 'timezone_hour', 'timezone_minute'].includes(normalizeUnit(f) ?? f)) {
    throw new SqlError(SqlState.FeatureNotSupported, `unit "${field}" not supported for type date`);
  }
  if (f === 'julian' && !isTime) {
    // Julian day number (1970-01-01 is day 2440588), plus the fraction of the day for timestamps.
    const jd = Numeric.fromInt(days + 2440588);
    return isDate ? jd : jd.add(Numeric.fromInt(tod).div(Numeric.fromInt(US_PER_DAY)));
  }
  const [y, m, d] = civilFromDays(days);
  const unit = f === 'quarter' || f === 'dow' || f === 'isodow' || f === 'doy' || f === 'isoyear' || f === 'timezone' || f === 'timezone_hour' || f === 'timezone_minute' ? f : normalizeUnit(f) ?? f;
  switch (unit) {
    case 'year': return Numeric.fromInt(y > 0 ? y : y - 1);
    case 'month': return Numeric.fromInt(m);
    case 'day': return Numeric.fromInt(d);
    case 'hour': return Numeric.fromInt(Math.floor(tod / US_PER_HOUR));
    case 'minute': return Numeric.fromInt(Math.floor((tod % US_PER_HOUR) / US_PER_MIN));
    case 'second': return new Numeric(BigInt(tod % US_PER_MIN), 6);
    case 'millisecond': return new Numeric(BigInt(tod % US_PER_MIN), 3);
    case 'microsecond': return Numeric.fromInt(tod % US_PER_MIN);
    case 'quarter': return Numeric.fromInt(Math.floor((m - 1) / 3) + 1);
    case 'dow': return Numeric.fromInt(((days + 4) % 7 + 7) % 7);
    case 'isodow': { const w = ((days + 4) % 7 + 7) % 7; return Numeric.fromInt(w === 0 ? 7 : w); }
    case 'doy': return Numeric.fromInt(days - daysFromCivil(y, 1, 1) + 1);
    case 'week': return Numeric.fromInt(isoWeek(days)[1]);
    case 'isoyear': return Numeric.fromInt(isoWeek(days)[0]);
    case 'decade': return Numeric.fromInt(Math.floor(y / 10));
    case 'century': return Numeric.fromInt(y > 0 ? Math.floor((y + 99) / 100) : -Math.floor((99 - y) / 100));
    case 'millennium': return Numeric.fromInt(y > 0 ? Math.floor((y + 999) / 1000) : -Math.floor((999 - y) / 1000));
    case 'timezone': return Numeric.fromInt(type.kind === 'scalar' && type.id === 'timestamptz' ? tzOffsetSeconds(value as number, ctx.timeZone) : 0);
  }
  throw new SqlError(SqlState.InvalidParameterValue, `unit "${field}" not recognized for type ${isDate ? 'date' : 'timestamp'}`);
}

export function isoWeek(days: number): [number, number] {
  const dow = ((days + 3) % 7 + 7) % 7; // 0 = Monday
  const thursday = days - dow + 3;
  const [ty] = civilFromDays(thursday);
  const jan1 = daysFromCivil(ty, 1, 1);
  return [ty, Math.floor((thursday - jan1) / 7) + 1];
}

// date first: a date argument must not take the timestamp version (their results differ).
for (const tt of [T.date, T.time, T.interval, T.timestamp, T.timestamptz]) {
  registerFunction('extract', signature([T.text, tt], T.numeric, (a, ctx) => extractField(a[0] as string, a[1], tt, ctx)));
  registerFunction('date_part', signature([T.text, tt], T.float8, (a, ctx) => extractField(a[0] as string, a[1], tt, ctx).toNumber()));
}

function ageBetween(a: number, b: number): Interval {
  // Symbolic difference in years/months/days, as PostgreSQL's age().
  const sign = a < b ? -1 : 1;
  const [hi, lo] = a < b ? [b, a] : [a, b];
  const dh = Math.floor(hi / US_PER_DAY), dl = Math.floor(lo / US_PER_DAY);
  let th = hi - dh * US_PER_DAY, tl = lo - dl * US_PER_DAY;
  let [yh, mh, ddh] = civilFromDays(dh);
  const [yl, ml, ddl] = civilFromDays(dl);
  let us = th - tl;
  if (us < 0) { us += US_PER_DAY; ddh -= 1; }
  let days = ddh - ddl;
  let months = mh - ml;
  // A negative day count borrows the length of the earlier date's month (timestamp_age).
  while (days < 0) { months -= 1; days += daysInMonth(yl, ml); }
  let years = yh - yl;
  if (months < 0) { months += 12; years -= 1; }
  void th; void tl; void yh;
  return new Interval(sign * (years * 12 + months), sign * days, sign * us);
}
registerFunction('age', signature([T.timestamptz, T.timestamptz], T.interval, (a) => ageBetween(a[0] as number, a[1] as number)));
registerFunction('age', signature([T.timestamp, T.timestamp], T.interval, (a) => ageBetween(a[0] as number, a[1] as number)));
registerFunction('age', signature([T.timestamptz], T.interval, (a, ctx) => {
  const midnight = Math.floor((ctx.statementTime + tzOffsetSeconds(ctx.statementTime, ctx.timeZone) * US_PER_SEC) / US_PER_DAY) * US_PER_DAY;
  return ageBetween(midnight, localUs(a[0] as number, T.timestamptz, ctx));
}));

registerFunction('make_date', signature([T.int4, T.int4, T.int4], T.date, (a) => {
  const [y, m, d] = a as number[];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw new SqlError(SqlState.DatetimeFieldOverflow, `date field value out of range: ${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  return daysFromCivil(y, m, d);
}));
registerFunction('make_timestamp', signature([T.int4, T.int4, T.int4, T.int4, T.int4, T.float8], T.timestamp, (a) => {
  const [y, m, d, h, mi, s] = a as number[];
  return daysFromCivil(y, m, d) * US_PER_DAY + h * US_PER_HOUR + mi * US_PER_MIN + Math.round(s * US_PER_SEC);
}));
registerFunction('make_interval', signature([T.int4, T.int4, T.int4, T.int4, T.int4, T.int4, T.float8], T.interval, (a) => {
  const [y = 0, mo = 0, w = 0, d = 0, h = 0, mi = 0, s = 0] = a as number[];
  return new Interval(y * 12 + mo, w * 7 + d, h * US_PER_HOUR + mi * US_PER_MIN + Math.round(s * US_PER_SEC));
}, { minArgs: 0 }));
registerFunction('to_timestamp', signature([T.float8], T.timestamptz, (a) => Math.round((a[0] as number) * US_PER_SEC)));
registerFunction('to_char', signature([T.timestamptz, T.text], T.text, (a, ctx) => toChar(localUs(a[0] as number, T.timestamptz, ctx), a[1] as string, tzOffsetSeconds(a[0] as number, ctx.timeZone))));
registerFunction('to_char', signature([T.timestamp, T.text], T.text, (a) => toChar(a[0] as number, a[1] as string, 0)));
registerFunction('to_char', signature([T.interval, T.text], T.text, (a) => {
  const iv = a[0] as Interval;
  return toChar(iv.days * US_PER_DAY + iv.micros, a[1] as string, 0);
}));
registerFunction('isfinite', signature([T.timestamptz], T.bool, (a) => Number.isFinite(a[0] as number)));
// justify_days / justify_hours carry whole units up, then give the two fields the same sign.
registerFunction('justify_days', signature([T.interval], T.interval, (a) => {
  const iv = a[0] as Interval;
  let months = iv.months + Math.trunc(iv.days / 30), days = iv.days % 30;
  if (months > 0 && days < 0) { days += 30; months--; } else if (months < 0 && days > 0) { days -= 30; months++; }
  return new Interval(months, days, iv.micros);
}));
registerFunction('justify_interval', signature([T.interval], T.interval, (a) => {
  // interval_justify_interval: carry whole days out of the time, whole 30-day months out of the
  // days, then make every field share the sign of the whole.
  const iv = a[0] as Interval;
  let months = iv.months, days = iv.days + Math.trunc(iv.micros / US_PER_DAY), micros = iv.micros % US_PER_DAY;
  months += Math.trunc(days / 30); days %= 30;
  if (months > 0 && (days < 0 || (days === 0 && micros < 0))) { days += 30; months--; } else if (months < 0 && (days > 0 || (days === 0 && micros > 0))) { days -= 30; months++; }
  if (days > 0 && micros < 0) { micros += US_PER_DAY; days--; } else if (days < 0 && micros > 0) { micros -= US_PER_DAY; days++; }
  return new Interval(months, days, micros);
}));
registerFunction('justify_hours', signature([T.interval], T.interval, (a) => {
  const iv = a[0] as Interval;
  let days = iv.days + Math.trunc(iv.micros / US_PER_DAY), micros = iv.micros % US_PER_DAY;
  if (days > 0 && micros < 0) { micros += US_PER_DAY; days--; } else if (days < 0 && micros > 0) { micros -= US_PER_DAY; days++; }
  return new Interval(iv.months, days, micros);
}));

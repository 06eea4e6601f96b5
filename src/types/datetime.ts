// Dates, times, timestamps and intervals. A date is days since 1970-01-01; time, timestamp and
// timestamptz are microseconds (a JS number: exact for ±285 years around 1970, the range Weir
// documents); an interval keeps months, days and microseconds apart as PostgreSQL does.

import { SqlError, SqlState } from '../errors.js';

export const US_PER_SEC = 1_000_000;
export const US_PER_MIN = 60 * US_PER_SEC;
export const US_PER_HOUR = 60 * US_PER_MIN;
export const US_PER_DAY = 24 * US_PER_HOUR;

export class Interval {
  constructor(readonly months: number, readonly days: number, readonly micros: number) {}
  add(o: Interval): Interval { return new Interval(this.months + o.months, this.days + o.days, this.micros + o.micros); }
  sub(o: Interval): Interval { return new Interval(this.months - o.months, this.days - o.days, this.micros - o.micros); }
  neg(): Interval { return new Interval(-this.months, -this.days, -this.micros); }
  /** Comparable magnitude: PostgreSQL compares intervals with 30-day months and 24-hour days. */
  totalMicros(): number { return (this.months * 30 + this.days) * US_PER_DAY + this.micros; }
  cmp(o: Interval): number { const a = this.totalMicros(), b = o.totalMicros(); return a < b ? -1 : a > b ? 1 : 0; }
  mulNumber(f: number): Interval {
    // Carry fractional months into days and fractional days into time, as interval_mul does.
    const m = this.months * f, mi = Math.trunc(m);
    const d = this.days * f + (m - mi) * 30, di = Math.trunc(d);
    const us = Math.round(this.micros * f + (d - di) * US_PER_DAY);
    return new Interval(mi, di, us);
  }
  toString(): string { return formatInterval(this); }
}

function pad(n: number, w = 2): string { const s = String(Math.abs(n)); return s.length >= w ? s : '0'.repeat(w - s.length) + s; }

// ---- civil calendar (proleptic Gregorian) ----
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [y + (m <= 2 ? 1 : 0), m, d];
}
export function daysInMonth(y: number, m: number): number {
  return [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function formatYear(y: number): string { return y <= 0 ? pad(1 - y, 4) : pad(y, 4); }
function bcSuffix(y: number): string { return y <= 0 ? ' BC' : ''; }

export function formatDate(days: number): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const [y, m, d] = civilFromDays(days);
  return `${formatYear(y)}-${pad(m)}-${pad(d)}${bcSuffix(y)}`;
}

export function formatTimeOfDay(us: number): string {
  const h = Math.floor(us / US_PER_HOUR);
  const mi = Math.floor((us % US_PER_HOUR) / US_PER_MIN);
  const s = Math.floor((us % US_PER_MIN) / US_PER_SEC);
  const frac = us % US_PER_SEC;
  let out = `${pad(h)}:${pad(mi)}:${pad(s)}`;
  if (frac) out += '.' + pad(frac, 6).replace(/0+$/, '');
  return out;
}

export function formatTimestamp(us: number): string {
  if (us === Infinity) return 'infinity';
  if (us === -Infinity) return '-infinity';
  const days = Math.floor(us / US_PER_DAY);
  const tod = us - days * US_PER_DAY;
  const [y, m, d] = civilFromDays(days);
  return `${formatYear(y)}-${pad(m)}-${pad(d)} ${formatTimeOfDay(tod)}${bcSuffix(y)}`;
}

export function formatTimestamptz(us: number, timeZone: string): string {
  if (!Number.isFinite(us)) return formatTimestamp(us);
  const off = tzOffsetSeconds(us, timeZone);
  const local = us + off * US_PER_SEC;
  const days = Math.floor(local / US_PER_DAY);
  const [y, m, d] = civilFromDays(days);
  const tod = local - days * US_PER_DAY;
  return `${formatYear(y)}-${pad(m)}-${pad(d)} ${formatTimeOfDay(tod)}${formatOffset(off)}${bcSuffix(y)}`;
}

export function formatOffset(offSec: number): string {
  const sign = offSec < 0 ? '-' : '+';
  const a = Math.abs(offSec);
  const h = Math.floor(a / 3600), mi = Math.floor((a % 3600) / 60), s = a % 60;
  return `${sign}${pad(h)}${mi || s ? ':' + pad(mi) : ''}${s ? ':' + pad(s) : ''}`;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
/** Offset of `timeZone` from UTC, in seconds, at the instant `us` (microseconds since epoch). */
export function tzOffsetSeconds(us: number, timeZone: string): number {
  const fixed = fixedOffset(timeZone);
  if (fixed !== undefined) return fixed;
  let fmt = fmtCache.get(timeZone);
  if (!fmt) {
    try {
      fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
    } catch {
      throw new SqlError(SqlState.InvalidParameterValue, `time zone "${timeZone}" not recognized`);
    }
    fmtCache.set(timeZone, fmt);
  }
  const ms = Math.floor(us / 1000);
  const parts = fmt.formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  let y = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') y = 1 - y;
  const local = daysFromCivil(y, get('month'), get('day')) * 86400 + get('hour') * 3600 + get('minute') * 60 + get('second');
  return local - Math.floor(ms / 1000);
}

export function isValidTimeZone(tz: string): boolean {
  if (fixedOffset(tz) !== undefined) return true;
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; }
}

function fixedOffset(tz: string): number | undefined {
  const t = tz.trim().toUpperCase();
  if (t === 'UTC' || t === 'GMT' || t === 'Z' || t === 'ZULU' || t === 'ETC/UTC') return 0;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (m) return (m[1] === '-' ? -1 : 1) * (parseInt(m[2], 10) * 3600 + parseInt(m[3] ?? '0', 10) * 60);
  return undefined;
}

// ---- parsing ----
const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

function badDatetime(type: string, text: string): SqlError {
  return new SqlError(SqlState.InvalidDatetimeFormat, `invalid input syntax for type ${type}: "${text}"`);
}

function checkDate(y: number, m: number, d: number, type: string, text: string): void {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    throw new SqlError(SqlState.DatetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  }
  void type;
}

interface ParsedDateTime { days: number; timeUs: number; offsetSec?: number; hasTime: boolean }

/** Parse ISO-ish date/time text: `2024-01-31`, `2024-01-31 12:00:00.5+02`, `2024-01-31T12:00:00Z`, `Jan 31 2024`. */
function parseDateTime(text: string, type: string, sessionTz?: string): ParsedDateTime | 'inf' | '-inf' {
  const s = text.trim();
  const low = s.toLowerCase();
  if (low === 'infinity' || low === '+infinity') return 'inf';
  if (low === '-infinity') return '-inf';
  if (low === 'epoch') return { days: 0, timeUs: 0, hasTime: true, offsetSec: 0 };
  if (low === 'now' || low === 'today' || low === 'tomorrow' || low === 'yesterday') {
    const nowUs = Date.now() * 1000;
    if (low === 'now') return { days: Math.floor(nowUs / US_PER_DAY), timeUs: nowUs % US_PER_DAY, hasTime: true, offsetSec: 0 };
    const off = sessionTz ? tzOffsetSeconds(nowUs, sessionTz) : 0;
    const today = Math.floor((nowUs + off * US_PER_SEC) / US_PER_DAY);
    return { days: today + (low === 'tomorrow' ? 1 : low === 'yesterday' ? -1 : 0), timeUs: 0, hasTime: false };
  }
  let m = /^(\d{1,5})-(\d{1,2})-(\d{1,2})(?:(?:[T ]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(z|utc|[+-]\d{1,2}(?::?\d{2})?(?::\d{2})?)?(\s+bc)?$/i.exec(s);
  let y: number, mo: number, d: number;
  if (m) {
    y = parseInt(m[1], 10); mo = parseInt(m[2], 10); d = parseInt(m[3], 10);
  } else {
    const alt = /^([a-z]{3})[a-z]*\s+(\d{1,2}),?\s+(\d{1,5})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(z|utc|[+-]\d{1,2}(?::?\d{2})?)?$/i.exec(s);
    if (!alt || !MONTHS[alt[1].toLowerCase()]) throw badDatetime(type, text);
    y = parseInt(alt[3], 10); mo = MONTHS[alt[1].toLowerCase()]; d = parseInt(alt[2], 10);
    m = alt; m[9] = undefined as unknown as string;
    m = [alt[0], alt[3], String(mo), alt[2], alt[4], alt[5], alt[6], alt[7], alt[8]] as unknown as RegExpExecArray;
  }
  if (m[9]) y = 1 - y;
  checkDate(y, mo, d, type, text);
  const hasTime = m[4] !== undefined;
  let timeUs = 0;
  if (hasTime) {
    const h = parseInt(m[4], 10), mi = parseInt(m[5], 10), sec = parseInt(m[6] ?? '0', 10);
    if (h > 24 || mi > 59 || sec > 60 || (h === 24 && (mi > 0 || sec > 0))) {
      throw new SqlError(SqlState.DatetimeFieldOverflow, `date/time field value out of range: "${text}"`);
    }
    const frac = m[7] ? Math.round(parseFloat('0.' + m[7]) * US_PER_SEC) : 0;
    timeUs = h * US_PER_HOUR + mi * US_PER_MIN + sec * US_PER_SEC + frac;
  }
  let offsetSec: number | undefined;
  if (m[8]) offsetSec = fixedOffset(m[8].toUpperCase().startsWith('Z') || m[8].toUpperCase() === 'UTC' ? 'UTC' : m[8]);
  return { days: daysFromCivil(y, mo, d), timeUs, offsetSec, hasTime };
}

export function parseDate(text: string): number {
  const p = parseDateTime(text, 'date');
  if (p === 'inf') return Infinity;
  if (p === '-inf') return -Infinity;
  return p.days;
}

export function parseTimestamp(text: string): number {
  const p = parseDateTime(text, 'timestamp');
  if (p === 'inf') return Infinity;
  if (p === '-inf') return -Infinity;
  return p.days * US_PER_DAY + p.timeUs;
}

export function parseTimestamptz(text: string, sessionTz: string): number {
  const p = parseDateTime(text, 'timestamp with time zone', sessionTz);
  if (p === 'inf') return Infinity;
  if (p === '-inf') return -Infinity;
  const local = p.days * US_PER_DAY + p.timeUs;
  if (p.offsetSec !== undefined) return local - p.offsetSec * US_PER_SEC;
  // Local time in the session zone: find the instant whose local reading is `local`.
  let guess = local - tzOffsetSeconds(local, sessionTz) * US_PER_SEC;
  guess = local - tzOffsetSeconds(guess, sessionTz) * US_PER_SEC;
  return guess;
}

export function parseTime(text: string): number {
  // A trailing zone is accepted and ignored, as PostgreSQL's time_in does (pgjdbc sends "13:45:06+00").
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:\s*(?:[+-]\d{1,2}(?::?\d{2}){0,2}|Z|UTC))?$/i.exec(text.trim());
  if (!m) throw badDatetime('time without time zone', text);
  const h = parseInt(m[1], 10), mi = parseInt(m[2], 10), s = parseInt(m[3] ?? '0', 10);
  if (h > 24 || mi > 59 || s > 60) throw new SqlError(SqlState.DatetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  const frac = m[4] ? Math.round(parseFloat('0.' + m[4]) * US_PER_SEC) : 0;
  return h * US_PER_HOUR + mi * US_PER_MIN + s * US_PER_SEC + frac;
}

const UNIT: Record<string, [number, number, number]> = {
  // [months, days, micros] per unit
  microsecond: [0, 0, 1], millisecond: [0, 0, 1000], second: [0, 0, US_PER_SEC], minute: [0, 0, US_PER_MIN],
  hour: [0, 0, US_PER_HOUR], day: [0, 1, 0], week: [0, 7, 0], month: [1, 0, 0], year: [12, 0, 0],
  decade: [120, 0, 0], century: [1200, 0, 0], millennium: [12000, 0, 0],
};
const UNIT_ALIASES: Record<string, string> = {
  us: 'microsecond', usec: 'microsecond', usecs: 'microsecond', microseconds: 'microsecond', microsecond: 'microsecond',
  ms: 'millisecond', msec: 'millisecond', msecs: 'millisecond', milliseconds: 'millisecond', millisecond: 'millisecond',
  s: 'second', sec: 'second', secs: 'second', second: 'second', seconds: 'second',
  m: 'minute', min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute',
  h: 'hour', hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  d: 'day', day: 'day', days: 'day', w: 'week', week: 'week', weeks: 'week',
  mon: 'month', mons: 'month', month: 'month', months: 'month',
  y: 'year', yr: 'year', yrs: 'year', year: 'year', years: 'year',
  decade: 'decade', decades: 'decade', century: 'century', centuries: 'century', millennium: 'millennium', millennia: 'millennium',
};
export function normalizeUnit(u: string): string | undefined { return UNIT_ALIASES[u.toLowerCase()]; }

/** Parse PostgreSQL interval input: `1 day 02:00:00`, `3 mons`, `-1 year 2 days`, `P1DT2H` (ISO 8601). */
export function parseInterval(text: string): Interval {
  const s = text.trim().toLowerCase();
  if (s.startsWith('p')) return parseIsoInterval(text);
  let months = 0, days = 0, micros = 0;
  let rest = s.replace(/^@\s*/, '');
  let ago = false;
  if (/\bago$/.test(rest)) { ago = true; rest = rest.replace(/\s*ago$/, ''); }
  const re = /\s*([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)\s*([a-z]+)?|\s*([+-]?)(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?/y;
  let pos = 0;
  if (rest.length === 0) throw badDatetime('interval', text);
  while (pos < rest.length) {
    re.lastIndex = pos;
    // Try a time field first (hh:mm[:ss]), then number+unit.
    const tm = /\s*([+-]?)(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?/y;
    tm.lastIndex = pos;
    const t = tm.exec(rest);
    if (t) {
      const sign = t[1] === '-' ? -1 : 1;
      micros += sign * (parseInt(t[2], 10) * US_PER_HOUR + parseInt(t[3], 10) * US_PER_MIN + Math.round(parseFloat(t[4] ?? '0') * US_PER_SEC));
      pos = tm.lastIndex;
      continue;
    }
    const nu = /\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-z]+)?/y;
    nu.lastIndex = pos;
    const n = nu.exec(rest);
    if (!n) throw badDatetime('interval', text);
    const val = parseFloat(n[1]);
    const unitName = n[2] ? normalizeUnit(n[2]) : 'second';
    if (!unitName) throw badDatetime('interval', text);
    const [um, ud, uu] = UNIT[unitName];
    // Fractions cascade down: 1.5 months = 1 month 15 days, 1.5 days = 1 day 12 hours.
    const mTotal = val * um, mInt = Math.trunc(mTotal);
    months += mInt;
    const dTotal = val * ud + (mTotal - mInt) * 30, dInt = Math.trunc(dTotal);
    days += dInt;
    micros += Math.round(val * uu + (dTotal - dInt) * US_PER_DAY);
    pos = nu.lastIndex;
    while (pos < rest.length && /\s/.test(rest[pos])) pos++;
  }
  const iv = new Interval(months, days, micros);
  return ago ? iv.neg() : iv;
}

// Interval field restrictions (`INTERVAL '10' MINUTE`, `INTERVAL '1' DAY TO HOUR`): the typmod's range mask bits.
const FIELD = { month: 1 << 1, year: 1 << 2, day: 1 << 3, hour: 1 << 10, minute: 1 << 11, second: 1 << 12 } as const;
const FULL_RANGE = 0x7fff;

/**
 * Interval input under a field restriction, as PostgreSQL's DecodeInterval and
 * AdjustIntervalForTypmod read it: a bare number counts in the restriction's lowest field
 * (`INTERVAL '10' MINUTE` is 10 minutes), and fields below that lowest one are truncated
 * (`INTERVAL '1 day 2 hours' DAY` is 1 day). `range` is the typmod's range mask; `precision`
 * (0–6) rounds the seconds' fraction, half away from zero.
 */
export function parseIntervalWithFields(text: string, range: number, precision?: number): Interval {
  const iv = restrictFields(text, range);
  if (precision === undefined || precision < 0 || precision >= 6) return iv;
  const scale = 10 ** (6 - precision), us = iv.micros;
  return new Interval(iv.months, iv.days, Math.trunc((us + (us >= 0 ? scale / 2 : -scale / 2)) / scale) * scale);
}

function restrictFields(text: string, range: number): Interval {
  const lowest = range & FIELD.second ? 'second' : range & FIELD.minute ? 'minute' : range & FIELD.hour ? 'hour'
    : range & FIELD.day ? 'day' : range & FIELD.month ? 'month' : range & FIELD.year ? 'year' : 'second';
  const bare = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(text);
  const iv = parseInterval(bare ? `${text.trim()} ${lowest}` : text);
  if (range === FULL_RANGE || range & FIELD.second) return iv;
  if (range === FIELD.year) return new Interval(Math.trunc(iv.months / 12) * 12, 0, 0);
  if (!(range & (FIELD.day | FIELD.hour | FIELD.minute))) return new Interval(iv.months, 0, 0); // MONTH, YEAR TO MONTH
  const unit = range & FIELD.minute ? US_PER_MIN : range & FIELD.hour ? US_PER_HOUR : 0; // DAY alone drops the time
  return new Interval(iv.months, iv.days, unit ? Math.trunc(iv.micros / unit) * unit : 0);
}

function parseIsoInterval(text: string): Interval {
  const m = /^p(?:(-?\d+(?:\.\d+)?)y)?(?:(-?\d+(?:\.\d+)?)m)?(?:(-?\d+(?:\.\d+)?)w)?(?:(-?\d+(?:\.\d+)?)d)?(?:t(?:(-?\d+(?:\.\d+)?)h)?(?:(-?\d+(?:\.\d+)?)m)?(?:(-?\d+(?:\.\d+)?)s)?)?$/i.exec(text.trim());
  if (!m) throw badDatetime('interval', text);
  const f = (i: number) => (m[i] ? parseFloat(m[i]) : 0);
  return new Interval(Math.trunc(f(1) * 12 + f(2)), Math.trunc(f(3) * 7 + f(4)), Math.round(f(5) * US_PER_HOUR + f(6) * US_PER_MIN + f(7) * US_PER_SEC));
}

/**
 * PostgreSQL's default IntervalStyle ('postgres') output (EncodeInterval): units are plural
 * unless exactly 1, and a positive field after a negative one gets an explicit '+'.
 */
export function formatInterval(iv: Interval): string {
  const parts: string[] = [];
  let before = false;
  const field = (value: number, unit: string) => {
    if (!value) return;
    parts.push(`${before && value > 0 ? '+' : ''}${value} ${unit}${value === 1 ? '' : 's'}`);
    before = value < 0;
  };
  field(Math.trunc(iv.months / 12), 'year');
  field(iv.months % 12, 'mon');
  field(iv.days, 'day');
  if (iv.micros || parts.length === 0) {
    const neg = iv.micros < 0;
    const a = Math.abs(iv.micros);
    const h = Math.floor(a / US_PER_HOUR);
    const body = `${pad(h)}:${pad(Math.floor((a % US_PER_HOUR) / US_PER_MIN))}:${pad(Math.floor((a % US_PER_MIN) / US_PER_SEC))}`;
    const frac = a % US_PER_SEC;
    parts.push((neg ? '-' : before ? '+' : '') + body + (frac ? '.' + pad(frac, 6).replace(/0+$/, '') : ''));
  }
  return parts.join(' ');
}

/** Add an interval to a timestamp (microseconds), month arithmetic clamping the day as PostgreSQL does. */
export function addIntervalToTimestamp(us: number, iv: Interval): number {
  let t = us;
  if (iv.months) {
    const days = Math.floor(t / US_PER_DAY);
    const tod = t - days * US_PER_DAY;
    const [y, m, d] = civilFromDays(days);
    const total = y * 12 + (m - 1) + iv.months;
    const ny = Math.floor(total / 12), nm = (total % 12 + 12) % 12 + 1;
    const nd = Math.min(d, daysInMonth(ny, nm));
    t = daysFromCivil(ny, nm, nd) * US_PER_DAY + tod;
  }
  return t + iv.days * US_PER_DAY + iv.micros;
}

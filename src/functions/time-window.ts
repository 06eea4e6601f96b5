// Window assignment for the window table functions TUMBLE and HOP (src/sql/binder/bind-window-tvf.ts).
// Times are microseconds since 1970-01-01 00:00 (timestamp: wall clock, timestamptz: UTC), and
// windows are aligned to that epoch plus the offset, as in RisingWave and Flink: the window
// containing t starts at t - ((t - offset) mod size), with the remainder taken towards -infinity.
// Interval arguments have no month part; a day counts as 24 hours (as date_bin does).

import { SqlError, SqlState } from '../errors.js';
import { Interval, US_PER_DAY } from '../types/datetime.js';

/** Most windows HOP may put one row into (size / slide). */
export const MAX_HOP_WINDOWS = 10_000;

/** Start of the window of `size` µs (aligned to the epoch plus `offset`) that contains `t`. */
export function windowStart(t: number, size: number, offset: number): number {
  const r = (t - offset) % size;
  return r < 0 ? t - r - size : t - r;
}

/** Starts of the `size / slide` hopping windows that contain `t`, earliest first. */
export function hopWindowStarts(t: number, slide: number, size: number, offset: number): number[] {
  const n = size / slide;
  // The earliest window holding t is the first slide-aligned start after t - size.
  const first = windowStart(t - size + slide, slide, offset);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = first + i * slide;
  return out;
}

/** An interval argument of TUMBLE/HOP in microseconds; months are rejected (their length varies). */
export function windowMicros(iv: Interval, fn: string, what: string): number {
  if (iv.months !== 0) {
    throw new SqlError(SqlState.InvalidParameterValue, `${fn} ${what} must not have a month or year part: ${iv.toString()}`, {
      hint: 'Months differ in length; give the interval in days or smaller units (a day counts as 24 hours).',
    });
  }
  return iv.days * US_PER_DAY + iv.micros;
}

/** Check the window sizes of TUMBLE (slide = size) or HOP and return them in microseconds. */
export function checkWindowSizes(fn: 'TUMBLE' | 'HOP', size: Interval, slide: Interval | null, offset: Interval | null): { size: number; slide: number; offset: number } {
  const sizeUs = windowMicros(size, fn, 'window size');
  if (sizeUs <= 0) throw new SqlError(SqlState.InvalidParameterValue, `${fn} window size must be positive, not ${size.toString()}`);
  let slideUs = sizeUs;
  if (slide) {
    slideUs = windowMicros(slide, fn, 'window slide');
    if (slideUs <= 0) throw new SqlError(SqlState.InvalidParameterValue, `${fn} window slide must be positive, not ${slide.toString()}`);
    if (sizeUs % slideUs !== 0) {
      throw new SqlError(SqlState.InvalidParameterValue, `${fn} window size ${size.toString()} must be a multiple of the window slide ${slide.toString()}`, {
        hint: 'As in RisingWave and Flink, each row falls into exactly size / slide windows.',
      });
    }
    if (sizeUs / slideUs > MAX_HOP_WINDOWS) {
      throw new SqlError(SqlState.InvalidParameterValue, `${fn} would put each row into ${sizeUs / slideUs} windows; at most ${MAX_HOP_WINDOWS} are supported`);
    }
  }
  const offsetUs = offset ? windowMicros(offset, fn, 'window offset') : 0;
  return { size: sizeUs, slide: slideUs, offset: offsetUs };
}

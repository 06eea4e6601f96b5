import { describe, expect, it } from 'vitest';
import { checkWindowSizes, hopWindowStarts, windowStart } from './time-window.js';
import { Interval } from '../types/datetime.js';

const S = 1_000_000;

describe('window assignment', () => {
  it('aligns tumbling windows to the epoch plus the offset, also before 1970', () => {
    expect(windowStart(13 * S, 10 * S, 0)).toBe(10 * S);
    expect(windowStart(10 * S, 10 * S, 0)).toBe(10 * S); // a window includes its start
    expect(windowStart(-1, 10 * S, 0)).toBe(-10 * S);
    expect(windowStart(-10 * S, 10 * S, 0)).toBe(-10 * S);
    expect(windowStart(13 * S, 10 * S, 4 * S)).toBe(4 * S);
    expect(windowStart(13 * S, 10 * S, -4 * S)).toBe(6 * S);
    expect(windowStart(13 * S, 10 * S, 34 * S)).toBe(4 * S); // an offset beyond the size wraps
  });

  it('gives each time size / slide hopping windows, earliest first, each containing it', () => {
    expect(hopWindowStarts(13 * S, 2 * S, 6 * S, 0)).toEqual([8 * S, 10 * S, 12 * S]);
    expect(hopWindowStarts(12 * S, 2 * S, 6 * S, 0)).toEqual([8 * S, 10 * S, 12 * S]);
    expect(hopWindowStarts(-1, 5 * S, 10 * S, S)).toEqual([-9 * S, -4 * S]);
    for (const t of [-7_654_321, 0, 1, 123_456_789]) {
      for (const start of hopWindowStarts(t, 3 * S, 12 * S, 500)) expect(start <= t && t < start + 12 * S).toBe(true);
    }
  });

  it('checks sizes: positive, without months, HOP\'s size a multiple of its slide', () => {
    const iv = (months: number, days: number, secs: number) => new Interval(months, days, secs * S);
    expect(checkWindowSizes('TUMBLE', iv(0, 1, 0), null, iv(0, 0, -3600))).toEqual({ size: 86_400 * S, slide: 86_400 * S, offset: -3600 * S });
    expect(checkWindowSizes('HOP', iv(0, 0, 10), iv(0, 0, 2), null)).toEqual({ size: 10 * S, slide: 2 * S, offset: 0 });
    const code = (f: () => unknown) => { try { f(); return 'ok'; } catch (e) { return (e as { code: string }).code; } };
    expect(code(() => checkWindowSizes('TUMBLE', iv(1, 0, 0), null, null))).toBe('22023');
    expect(code(() => checkWindowSizes('TUMBLE', iv(0, 0, 0), null, null))).toBe('22023');
    expect(code(() => checkWindowSizes('TUMBLE', iv(0, 1, -86_400), null, null))).toBe('22023');
    expect(code(() => checkWindowSizes('TUMBLE', iv(0, 0, 10), null, iv(1, 0, 0)))).toBe('22023');
    expect(code(() => checkWindowSizes('HOP', iv(0, 0, 10), iv(0, 0, 3), null))).toBe('22023');
    expect(code(() => checkWindowSizes('HOP', iv(0, 0, 10), iv(0, 0, -2), null))).toBe('22023');
    expect(code(() => checkWindowSizes('HOP', iv(0, 1, 0), new Interval(0, 0, 1), null))).toBe('22023'); // too many windows per row
  });
});

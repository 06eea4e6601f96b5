// The packed row format: every kind of value comes back equal, of the same JS type, and rows
// follow one another in one byte array.

import { describe, expect, it } from 'vitest';
import type { Row } from '../../types/value.js';
import { Numeric } from '../../types/numeric.js';
import { Interval } from '../../types/datetime.js';
import { packRow, packedBytes, RowReader } from './row-pack.js';

function roundTrip(rows: Row[]): Row[] {
  const parts: Uint8Array[] = [];
  for (const row of rows) { const n = packRow(row); parts.push(packedBytes().slice(0, n)); }
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  const r = new RowReader().at(all, 0);
  const out: Row[] = [];
  while (r.pos < all.length) out.push(r.row());
  // Skipping walks the same boundaries.
  const s = new RowReader().at(all, 0);
  let skipped = 0;
  while (s.pos < all.length) { s.skipRow(); skipped++; }
  expect(skipped).toBe(rows.length);
  return out;
}

describe('packed rows', () => {
  it('keeps numbers as numbers and int8 values as bigints, at every magnitude', () => {
    const numbers = [0, 1, -1, 63, 64, -64, -65, 127, 128, 300, -300, 2 ** 31, -(2 ** 31), 2 ** 52 - 1, -(2 ** 52) + 1, 2 ** 52, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, 1.5, -0.25, 1e300, -0, NaN, Infinity, -Infinity, 1_700_000_000_000_000];
    const bigints = [0n, 1n, -1n, 127n, 128n, -129n, 2n ** 52n - 1n, -(2n ** 52n) + 1n, 2n ** 52n, -(2n ** 52n), 2n ** 63n - 1n, -(2n ** 63n), 2n ** 70n, -(2n ** 64n)];
    const [a, b] = roundTrip([numbers, bigints]);
    expect(a.length).toBe(numbers.length);
    a.forEach((v, i) => { expect(typeof v).toBe('number'); expect(Object.is(v, numbers[i]), `${numbers[i]}`).toBe(true); });
    expect(b).toEqual(bigints);
    expect(b.every((v) => typeof v === 'bigint')).toBe(true);
  });

  it('keeps text (ASCII, accents, emoji, long), booleans, NULLs and the other types', () => {
    const long = 'x'.repeat(5000) + 'é';
    const row: Row = [null, true, false, '', 'abc', 'twelve chars', 'thirteen char', 'a'.repeat(32) + 'z', 'café', '日本語', '🙂 ok', long, 'a,b"c\\d\u0000',
      new Numeric(-12345n, 2), Numeric.NaN, new Interval(1, 2, 3_000_000), new Uint8Array([0, 255, 7]), [1, 'two', null]];
    const [back] = roundTrip([row]);
    expect(back).toEqual(row);
    expect(back[13]).toBeInstanceOf(Numeric);
    expect(back[15]).toBeInstanceOf(Interval);
    expect(back[16]).toBeInstanceOf(Uint8Array);
  });

  it('reads rows of different widths one after another, the empty row too', () => {
    const rows: Row[] = [[], [1n], [1n, 2, 'x'], [null, null], ['y'.repeat(300), 5n]];
    expect(roundTrip(rows)).toEqual(rows);
  });
});

import { describe, expect, it } from 'vitest';
import { Numeric } from '../../types/numeric.js';
import { Interval } from '../../types/datetime.js';
import { hashDatum, hashKey } from './key-hash.js';

describe('hashKey', () => {
  it('hashes ints as Java Integer.hashCode (Long.hashCode beyond int32) and text as String.hashCode', () => {
    expect(hashDatum(42)).toBe(42);
    expect(hashDatum(-7)).toBe(-7);
    expect(hashDatum(42n)).toBe(42);
    // Long.hashCode(2^40 + 5) = (int)(v ^ v >>> 32) = 5 ^ 256
    expect(hashDatum(2n ** 40n + 5n)).toBe(5 ^ 256);
    expect(hashDatum(2 ** 40 + 5)).toBe(5 ^ 256);
    // beyond 2^53: Long.hashCode(2^60 + 3) = 3 ^ 2^28
    expect(hashDatum(2n ** 60n + 3n)).toBe(3 ^ 2 ** 28);
    expect(hashDatum(Numeric.parse('1152921504606846979'))).toBe(3 ^ 2 ** 28);
    // Long.hashCode(-2^40) = (int)(0xffffff0000000000 ^ 0x00000000ffffff00) = 0xffffff00 = -256
    expect(hashDatum(-(2n ** 40n))).toBe(-256);
    expect(hashDatum(-(2 ** 40))).toBe(-256);
    // "ab".hashCode() = 97 * 31 + 98
    expect(hashDatum('ab')).toBe(97 * 31 + 98);
    expect(hashDatum('')).toBe(0);
    expect(hashDatum(true)).toBe(1231);
    expect(hashDatum(null)).toBe(0);
  });

  it('gives equal values equal hashes across representations', () => {
    expect(hashDatum(Numeric.parse('12.000'))).toBe(hashDatum(12));
    expect(hashDatum(Numeric.parse('12'))).toBe(hashDatum(12n));
    expect(hashDatum(Numeric.parse('1.50'))).toBe(hashDatum(Numeric.parse('1.5')));
    expect(hashDatum(Numeric.parse('1.5'))).toBe(hashDatum(1.5));
    expect(hashDatum(-0)).toBe(hashDatum(0));
    expect(hashDatum(new Interval(1, 0, 0))).toBe(hashDatum(new Interval(0, 30, 0)));
    expect(hashDatum(new Uint8Array([1, 2, 255]))).toBe(((31 + 1) * 31 + 2) * 31 - 1);
  });

  it('is a 32-bit int that depends on every key column and their order', () => {
    const row = ['x', 7n, Numeric.parse('3.25'), null];
    const h = hashKey(row, [0, 1, 2]);
    expect(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31).toBe(true);
    expect(hashKey(row, [1, 0, 2])).not.toBe(h);
    expect(hashKey(row, [0, 1, 3])).not.toBe(h);
    expect(hashKey(row, [1])).toBe(7);
    // Arrays.hashCode([a, b]) = (31 + h(a)) * 31 + h(b)
    expect(hashKey([3, 4], [0, 1])).toBe((31 + 3) * 31 + 4);
  });
});

import { describe, expect, it } from 'vitest';
import { Op } from '../chunk.js';
import { Numeric } from '../../types/numeric.js';
import { Interval } from '../../types/datetime.js';
import { packChunk, unpackChunk } from './chunk-codec.js';

describe('chunk codec', () => {
  it('round-trips every value kind, keeping int8 as bigint and numeric/interval as classes', () => {
    const rows = [
      [1, 'a', true, null, 12345678901234567890n, Numeric.parse('12.50'), new Interval(1, 2, 3)],
      [NaN, '', false, Infinity, -1n, Numeric.NaN, new Interval(0, 0, -5)],
      [-Infinity, 'x"y', null, 0.5, 0n, Numeric.parse('-0.001'), Buffer.from([0, 255])],
      [[1, 2, null], ['a', ['nested']], null, null, null, null, null],
    ];
    const out = unpackChunk(packChunk({ ops: [Op.Insert, Op.Delete, Op.UpdateDelete, Op.UpdateInsert], rows }));
    expect(out.ops).toEqual([Op.Insert, Op.Delete, Op.UpdateDelete, Op.UpdateInsert]);
    expect(out.rows[0][4]).toBe(12345678901234567890n);
    expect(out.rows[0][5]).toBeInstanceOf(Numeric);
    expect((out.rows[0][5] as Numeric).toString()).toBe('12.50');
    expect(out.rows[0][6]).toEqual(new Interval(1, 2, 3));
    expect(out.rows[0][6]).toBeInstanceOf(Interval);
    expect(out.rows[1][0]).toBeNaN();
    expect(out.rows[1][3]).toBe(Infinity);
    expect((out.rows[1][5] as Numeric).nan).toBe(true);
    expect(out.rows[2][0]).toBe(-Infinity);
    expect(out.rows[2][1]).toBe('x"y');
    expect(Buffer.from(out.rows[2][6] as Uint8Array).toString('hex')).toBe('00ff');
    expect(out.rows[3][0]).toEqual([1, 2, null]);
    expect(out.rows[3][1]).toEqual(['a', ['nested']]);
  });

  it('carries numeric columns in a Float64Array: NaN, ±Infinity, -0, NULL and 2^53 exactly', () => {
    const rows = [
      [1, 2 ** 53, -0, null, 1.5],
      [NaN, Infinity, -Infinity, 7, null],
      [0, -(2 ** 53), 1e-300, null, 3],
    ];
    const packed = packChunk({ ops: [Op.Insert, Op.UpdateDelete, Op.UpdateInsert], rows });
    expect(typeof packed).toBe('object');
    const out = unpackChunk(structuredClone(packed));
    expect(out.ops).toEqual([Op.Insert, Op.UpdateDelete, Op.UpdateInsert]);
    expect(out.rows).toEqual(rows);
    expect(Object.is(out.rows[0][2], -0)).toBe(true);
    expect(out.rows[1][0]).toBeNaN();
  });

  it('splits mixed rows into numeric columns and JSON for the rest, in column order', () => {
    const rows = [
      [1, 'a', 10n, 2.5, Numeric.parse('1.10'), null],
      [2, null, -3n, null, Numeric.NaN, null],
      [3, 'c"', 0n, 4, null, null],
    ];
    const out = unpackChunk(structuredClone(packChunk({ ops: [Op.Insert, Op.Delete, Op.Insert], rows })));
    expect(out.ops).toEqual([Op.Insert, Op.Delete, Op.Insert]);
    expect(out.rows.map((r) => r.map((v) => (v instanceof Numeric ? `N${v.toString()}` : v)))).toEqual(
      rows.map((r) => r.map((v) => (v instanceof Numeric ? `N${v.toString()}` : v))));
    expect(out.rows[0][2]).toBe(10n);
  });

  it('carries int8 columns as 64-bit integers, extremes and NULLs included', () => {
    const rows = [[9223372036854775807n, 1n, 'x'], [-9223372036854775808n, null, null], [0n, -1n, 'z']];
    const packed = packChunk({ ops: [Op.Insert, Op.Insert, Op.Delete], rows });
    expect(typeof packed).toBe('object');
    expect(unpackChunk(structuredClone(packed)).rows).toEqual(rows);
  });

  it('keeps a column that mixes numbers and other values out of the numeric part', () => {
    const rows = [[1, 5], ['x', 6], [true, null]];
    const out = unpackChunk(packChunk({ ops: [Op.Insert, Op.Insert, Op.Insert], rows }));
    expect(out.rows).toEqual(rows);
    expect(unpackChunk(packChunk({ ops: [], rows: [] }))).toEqual({ ops: [], rows: [] });
  });
});

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
});

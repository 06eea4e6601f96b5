// A column the query never reads (marked by plan/unused-source-columns.ts) is not decoded: it
// reads as NULL, and a value it could not hold does not fail the row (as with Flink's projection
// pushdown into its JSON and CSV formats).

import { describe, expect, it } from 'vitest';
import { T } from '../../../types/datatype.js';
import type { SourceColumn } from '../source-reader.js';
import { decodeJsonRow } from './json-row.js';
import { decodeCsvRow } from './csv-row.js';

const columns = (unused: boolean): SourceColumn[] => [
  { name: 'id', type: T.int8 },
  { name: 'at', type: T.timestamp, ...(unused ? { unused: true } : {}) },
  { name: 'name', type: T.text },
];

describe('unused source columns', () => {
  it('JSON: left NULL, not decoded', () => {
    const text = '{"id": 12345678901234567, "at": "not a time", "name": "x"}';
    expect(() => decodeJsonRow(text, columns(false))).toThrow(/timestamp/);
    expect(decodeJsonRow(text, columns(true))).toEqual([12345678901234567n, null, 'x']);
  });

  it('CSV: left NULL, not decoded', () => {
    const text = '7,not a time,"y, z"';
    expect(() => decodeCsvRow(text, columns(false))).toThrow(/timestamp/);
    expect(decodeCsvRow(text, columns(true))).toEqual([7n, null, 'y, z']);
  });
});

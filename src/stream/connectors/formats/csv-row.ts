// format = 'csv': one record per message, fields in column order, RFC 4180 quoting; an empty
// unquoted field is NULL (as COPY … CSV reads it), a quoted empty field is the empty string.

import { SqlError, SqlState } from '../../../errors.js';
import type { Datum, Row } from '../../../types/value.js';
import { formatText, parseText, UTC_CONTEXT } from '../../../types/text-io.js';
import type { SourceColumn } from '../source-reader.js';

export function decodeCsvRow(text: string, columns: readonly SourceColumn[]): Row {
  const fields = splitCsv(text.replace(/\r?\n$/, ''));
  if (fields.length !== columns.length) {
    throw new SqlError(SqlState.InvalidTextRepresentation, `CSV message has ${fields.length} fields, the source has ${columns.length} columns`);
  }
  return fields.map((f, i): Datum => (f === null || columns[i].unused ? null : parseText(f, columns[i].type, UTC_CONTEXT)));
}

function splitCsv(s: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (s[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) throw new SqlError(SqlState.InvalidTextRepresentation, 'unterminated quoted CSV field');
        if (s[i] === '"') {
          if (s[i + 1] === '"') { v += '"'; i += 2; continue; }
          i++;
          break;
        }
        v += s[i++];
      }
      out.push(v);
    } else {
      let j = s.indexOf(',', i);
      if (j < 0) j = s.length;
      const v = s.slice(i, j);
      out.push(v === '' ? null : v);
      i = j;
    }
    if (i >= s.length) return out;
    if (s[i] !== ',') throw new SqlError(SqlState.InvalidTextRepresentation, 'unexpected character after a quoted CSV field');
    i++;
  }
}

export function encodeCsvRow(row: Row, columns: readonly SourceColumn[]): string {
  return row.map((d, i) => {
    if (d === null) return '';
    const s = formatText(d, columns[i].type, UTC_CONTEXT) ?? '';
    return s === '' || /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',');
}

// format = 'json': one JSON object per message/line, keys are column names. Decoding converts
// each field to its column's type through the same text input functions as SQL literals, so a
// value reads the same whether it came from Kafka or from INSERT.

import { SqlError, SqlState } from '../../../errors.js';
import type { DataType } from '../../../types/datatype.js';
import type { Datum, Row } from '../../../types/value.js';
import { Numeric } from '../../../types/numeric.js';
import { Interval } from '../../../types/datetime.js';
import { formatText, parseText, UTC_CONTEXT } from '../../../types/text-io.js';
import type { SourceColumn } from '../source-reader.js';
import { JsonNumber, type JsonValue, JsonSyntaxError, scanJson } from './json-scan.js';

export function decodeJsonRow(text: string, columns: readonly SourceColumn[]): Row {
  let v: JsonValue;
  try { v = scanJson(text); } catch (e) {
    throw new SqlError(SqlState.InvalidTextRepresentation, `invalid JSON message: ${(e as JsonSyntaxError).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof JsonNumber) {
    throw new SqlError(SqlState.InvalidTextRepresentation, 'a JSON message must be an object with one key per column');
  }
  const row: Row = new Array(columns.length);
  for (let i = 0; i < columns.length; i++) row[i] = columns[i].unused ? null : jsonToDatum(v[columns[i].name], columns[i].type);
  return row;
}

function jsonToDatum(v: JsonValue | undefined, type: DataType): Datum {
  if (v === undefined || v === null) return null;
  if (type.kind === 'array') {
    if (!Array.isArray(v)) throw new SqlError(SqlState.InvalidTextRepresentation, 'expected a JSON array');
    return v.map((x) => jsonToDatum(x, type.elem));
  }
  if (type.id === 'json' || type.id === 'jsonb') return parseText(renderJson(v), type, UTC_CONTEXT);
  if (v instanceof JsonNumber) return parseText(v.text, type, UTC_CONTEXT);
  if (typeof v === 'boolean') return type.id === 'bool' ? v : parseText(String(v), type, UTC_CONTEXT);
  if (typeof v === 'string') return parseText(v, type, UTC_CONTEXT);
  return parseText(renderJson(v), type, UTC_CONTEXT);
}

function renderJson(v: JsonValue): string {
  if (v === null) return 'null';
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(renderJson).join(',')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${renderJson(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

/** One row as a JSON object; int8 and numeric are written as exact JSON numbers, time as text. */
export function encodeJsonRow(row: Row, columns: readonly SourceColumn[]): string {
  let out = '{';
  for (let i = 0; i < columns.length; i++) {
    if (i) out += ',';
    out += JSON.stringify(columns[i].name) + ':' + datumToJson(row[i], columns[i].type);
  }
  return out + '}';
}

function datumToJson(d: Datum, type: DataType): string {
  if (d === null) return 'null';
  if (type.kind === 'array') return `[${(d as Datum[]).map((x) => datumToJson(x, type.elem)).join(',')}]`;
  switch (type.id) {
    case 'bool': return d ? 'true' : 'false';
    case 'int2': case 'int4': case 'int8': case 'oid': return String(d);
    case 'numeric': {
      const n = d as Numeric;
      const s = n.toString();
      return /^-?\d/.test(s) ? s : JSON.stringify(s); // NaN has no JSON number form
    }
    case 'float4': case 'float8': {
      const s = formatText(d, type, UTC_CONTEXT) ?? 'null';
      return Number.isFinite(d as number) ? s : JSON.stringify(s);
    }
    case 'json': case 'jsonb': return d as string;
    default:
      if (d instanceof Interval || d instanceof Uint8Array || typeof d === 'number') return JSON.stringify(formatText(d, type, UTC_CONTEXT));
      return JSON.stringify(formatText(d, type, UTC_CONTEXT) ?? String(d));
  }
}

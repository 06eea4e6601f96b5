// Result rows on the wire: the RowDescription of a column list and the DataRow encoder for it,
// both made once per column list and result-format choice and reused by every execution of a
// cached plan or prepared statement. Values are written straight into the Outbox; the common
// types (integers and text) skip the per-value string/Buffer round trip of formatText and
// encodeBinary, and produce the same bytes.

import type { OutputColumn } from '../plan/logical.js';
import type { DataType } from '../types/datatype.js';
import { typeLen, typeOid } from '../types/datatype.js';
import type { Datum, Row } from '../types/value.js';
import { formatText, type TextContext } from '../types/text-io.js';
import { encodeBinary } from '../types/binary-io.js';
import { BackendCode, rowDescription } from './serializer.js';
import type { Outbox } from './outbox.js';

/** Writes one non-NULL value: its int32 length, then its bytes. */
type ValueWriter = (o: Outbox, d: Datum, ctx: TextContext) => void;

export class RowEncoder {
  private readonly writers: ValueWriter[];

  constructor(columns: readonly OutputColumn[], binary: readonly boolean[]) {
    this.writers = columns.map((c, i) => valueWriter(c.type, binary[i]));
  }

  /** One DataRow message. */
  write(o: Outbox, row: Row, ctx: TextContext): void {
    const writers = this.writers;
    const n = writers.length;
    o.begin(BackendCode.DataRow);
    o.int16(n);
    for (let i = 0; i < n; i++) {
      const d = row[i];
      if (d === null) o.int32(-1);
      else writers[i](o, d, ctx);
    }
    o.end();
  }
}

/** The format code of column `i` under a Bind message's result-format list (PostgreSQL's rules). */
export function columnFormat(formats: readonly number[], i: number): number {
  return formats.length === 1 ? formats[0] : formats[i] ?? 0;
}

interface Encoded { readonly description: Buffer; readonly encoder: RowEncoder }

/** Per column list (a cached plan's or prepared statement's), per format choice. */
const encodedByColumns = new WeakMap<readonly OutputColumn[], Map<string, Encoded>>();

function encoded(columns: readonly OutputColumn[], formats: readonly number[]): Encoded {
  // No formats and one text format both mean all text.
  const key = formats.length === 0 || (formats.length === 1 && formats[0] === 0) ? '' : formats.join(',');
  let byFormats = encodedByColumns.get(columns);
  let e = byFormats?.get(key);
  if (e) return e;
  const binary = columns.map((_, i) => columnFormat(formats, i) === 1);
  e = { description: rowDescription(describe(columns, formats)), encoder: new RowEncoder(columns, binary) };
  if (!byFormats) { byFormats = new Map(); encodedByColumns.set(columns, byFormats); }
  // Clients use a handful of format lists; a client inventing new ones must not grow this forever.
  if (byFormats.size >= 16) byFormats.clear();
  byFormats.set(key, e);
  return e;
}

/** RowDescription for `columns` with the result formats of a Bind (none: text). */
export function rowDescriptionFor(columns: readonly OutputColumn[], formats: readonly number[]): Buffer {
  return encoded(columns, formats).description;
}

export function rowEncoderFor(columns: readonly OutputColumn[], formats: readonly number[]): RowEncoder {
  return encoded(columns, formats).encoder;
}

function describe(columns: readonly OutputColumn[], formats: readonly number[]) {
  return columns.map((c, i) => ({
    name: c.name, tableOid: c.tableOid ?? 0, columnAttr: c.attnum ?? 0, typeOid: typeOid(c.type), typeLen: typeLen(c.type),
    typmod: c.type.kind === 'scalar' ? c.type.typmod : -1, format: columnFormat(formats, i),
  }));
}

function valueWriter(t: DataType, binary: boolean): ValueWriter {
  const id = t.kind === 'scalar' ? t.id : null;
  if (binary) {
    switch (id) {
      case 'int4': return (o, d) => { o.int32(4); o.int32(d as number); };
      case 'int8': return (o, d) => { o.int32(8); o.int64(d as bigint); };
      default: return (o, d, ctx) => { const b = encodeBinary(d, t, ctx); o.int32(b.length); o.bytes(b); };
    }
  }
  switch (id) {
    // formatText prints these with String() (text-like values are the string itself).
    case 'int2': case 'int4': case 'int8': case 'oid': case 'text': case 'varchar': case 'bpchar': case 'name':
      return (o, d) => o.lengthPrefixed(String(d));
    default:
      return (o, d, ctx) => o.lengthPrefixed(formatText(d, t, ctx)!);
  }
}

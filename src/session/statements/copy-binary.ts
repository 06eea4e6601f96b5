// COPY's binary format (PostgreSQL "COPY … (FORMAT binary)"): an 11-byte signature, a flags word
// and a header extension, then per row a 16-bit field count and each field as a 32-bit length
// (-1 for NULL) followed by the type's binary send form; a field count of -1 ends the data.

import { SqlError } from '../../errors.js';
import type { DataType } from '../../types/datatype.js';
import type { Datum, Row } from '../../types/value.js';
import type { TextContext } from '../../types/text-io.js';
import { decodeBinary, encodeBinary } from '../../types/binary-io.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const BAD_COPY = '22P04';

export function encodeCopyBinary(rows: readonly Row[], types: readonly DataType[], ctx: TextContext): Buffer[] {
  const header = Buffer.alloc(SIGNATURE.length + 8);
  SIGNATURE.copy(header);
  // One CopyData message per row, the header riding with the first one as PostgreSQL sends it
  // (psycopg expects the first message to hold a whole row after the header).
  const chunks: Buffer[] = [];
  for (const row of rows) {
    const parts: Buffer[] = [Buffer.alloc(2)];
    parts[0].writeInt16BE(row.length);
    row.forEach((d, i) => {
      const len = Buffer.alloc(4);
      if (d === null) { len.writeInt32BE(-1); parts.push(len); return; }
      const body = encodeBinary(d, types[i], ctx);
      len.writeInt32BE(body.length);
      parts.push(len, body);
    });
    if (!chunks.length) parts.unshift(header);
    chunks.push(Buffer.concat(parts));
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  chunks.push(chunks.length ? trailer : Buffer.concat([header, trailer]));
  return chunks;
}

/** Parses a whole binary COPY stream into rows of `types.length` fields. */
export function decodeCopyBinary(data: Buffer, types: readonly DataType[], ctx: TextContext): Datum[][] {
  if (data.length < SIGNATURE.length + 8 || !data.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw new SqlError(BAD_COPY, 'COPY file signature not recognized');
  }
  const flags = data.readInt32BE(SIGNATURE.length);
  if (flags & 0x10000) throw new SqlError(BAD_COPY, 'invalid COPY file header (WITH OIDS)');
  let off = SIGNATURE.length + 8 + data.readInt32BE(SIGNATURE.length + 4);
  const rows: Datum[][] = [];
  const need = (n: number) => { if (off + n > data.length) throw new SqlError(BAD_COPY, 'unexpected EOF in COPY data'); };
  for (;;) {
    if (off === data.length) throw new SqlError(BAD_COPY, 'unexpected EOF in COPY data');
    need(2);
    const count = data.readInt16BE(off); off += 2;
    if (count === -1) return rows;
    if (count !== types.length) throw new SqlError(BAD_COPY, `row field count is ${count}, expected ${types.length}`, { detail: `COPY line ${rows.length + 1}` });
    const row: Datum[] = [];
    for (const t of types) {
      need(4);
      const len = data.readInt32BE(off); off += 4;
      if (len === -1) { row.push(null); continue; }
      if (len < 0) throw new SqlError(BAD_COPY, 'invalid field size');
      need(len);
      row.push(decodeBinary(data.subarray(off, off + len), t, ctx));
      off += len;
    }
    rows.push(row);
  }
}

// How a changelog becomes Kafka records.
//   plain json/csv: append-only; every +I is one record (keyed by the key columns if any).
//   upsert (json with key columns): +I/+U write the row under its key, -D writes a tombstone;
//     a -U immediately followed by +U of the same key is folded into that +U.
//   debezium-json: {"before": …, "after": …, "op": "c" | "u" | "d"} envelopes, keyed when a key exists.

import { SqlError, SqlState } from '../../../errors.js';
import type { Row } from '../../../types/value.js';
import { type Chunk, Op } from '../../chunk.js';
import type { SourceColumn } from '../source-reader.js';
import { encodeCsvRow } from '../formats/csv-row.js';
import { encodeJsonRow } from '../formats/json-row.js';

export type SinkEncoding = 'json' | 'csv' | 'upsert-json' | 'debezium-json';

export interface KafkaRecord { readonly key: string | null; readonly value: string | null }

export function encodeChangelog(chunk: Chunk, encoding: SinkEncoding, columns: readonly SourceColumn[], keyColumns: readonly number[] | null, out: KafkaRecord[]): void {
  const keyCols = keyColumns ? keyColumns.map((i) => columns[i]) : null;
  const keyOf = (row: Row): string | null => (keyColumns && keyCols ? encodeJsonRow(keyColumns.map((i) => row[i]), keyCols) : null);
  const { ops, rows } = chunk;
  for (let i = 0; i < rows.length; i++) {
    const op = ops[i], row = rows[i];
    switch (encoding) {
      case 'json': case 'csv':
        if (op !== Op.Insert) throw new SqlError(SqlState.FeatureNotSupported, `an append-only Kafka sink received a ${op === Op.Delete ? 'delete' : 'update'}`, { hint: "Use format = 'upsert-json' or 'debezium-json' for a view whose rows change." });
        out.push({ key: keyOf(row), value: encoding === 'json' ? encodeJsonRow(row, columns) : encodeCsvRow(row, columns) });
        break;
      case 'upsert-json': {
        if (op === Op.UpdateDelete && ops[i + 1] === Op.UpdateInsert && keyOf(rows[i + 1]) === keyOf(row)) break;
        const del = op === Op.Delete || op === Op.UpdateDelete;
        out.push({ key: keyOf(row), value: del ? null : encodeJsonRow(row, columns) });
        break;
      }
      case 'debezium-json': {
        if (op === Op.UpdateDelete && ops[i + 1] === Op.UpdateInsert) {
          const after = rows[++i];
          out.push({ key: keyOf(after), value: `{"before":${encodeJsonRow(row, columns)},"after":${encodeJsonRow(after, columns)},"op":"u"}` });
        } else if (op === Op.Delete || op === Op.UpdateDelete) {
          out.push({ key: keyOf(row), value: `{"before":${encodeJsonRow(row, columns)},"after":null,"op":"d"}` });
        } else {
          out.push({ key: keyOf(row), value: `{"before":null,"after":${encodeJsonRow(row, columns)},"op":"c"}` });
        }
        break;
      }
    }
  }
}

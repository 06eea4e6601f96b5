// The columns of the three Nexmark streams (the spec's Person, Auction and Bid, with Flink
// nexmark's channel and url on bids), and the check that a CREATE SOURCE declares a compatible
// subset of them, by name, in any order.

import { SqlError, SqlState } from '../../../errors.js';
import type { DataType } from '../../../types/datatype.js';
import type { SourceColumn } from '../source-reader.js';
import type { NexmarkTable } from './config.js';

export type FieldKind = 'int8' | 'text' | 'timestamp';

export const NEXMARK_FIELDS: Record<NexmarkTable, readonly (readonly [string, FieldKind])[]> = {
  person: [['id', 'int8'], ['name', 'text'], ['email_address', 'text'], ['credit_card', 'text'], ['city', 'text'], ['state', 'text'], ['date_time', 'timestamp'], ['extra', 'text']],
  auction: [['id', 'int8'], ['item_name', 'text'], ['description', 'text'], ['initial_bid', 'int8'], ['reserve', 'int8'], ['date_time', 'timestamp'], ['expires', 'timestamp'], ['seller', 'int8'], ['category', 'int8'], ['extra', 'text']],
  bid: [['auction', 'int8'], ['bidder', 'int8'], ['price', 'int8'], ['channel', 'text'], ['url', 'text'], ['date_time', 'timestamp'], ['extra', 'text']],
};

const SQL_NAME: Record<FieldKind, string> = { int8: 'bigint', text: 'varchar', timestamp: 'timestamp' };

function compatible(kind: FieldKind, t: DataType): boolean {
  if (t.kind !== 'scalar') return false;
  switch (kind) {
    case 'int8': return t.id === 'int8';
    // A length limit would be violated by generated text, so only unlimited strings.
    case 'text': return t.id === 'text' || (t.id === 'varchar' && t.typmod < 0);
    case 'timestamp': return t.id === 'timestamp' || t.id === 'timestamptz';
  }
}

/** For each declared column, the index of the Nexmark field it reads; throws 22023 / 42804. */
export function resolveNexmarkColumns(table: NexmarkTable, columns: readonly SourceColumn[]): number[] {
  const fields = NEXMARK_FIELDS[table];
  return columns.map((c) => {
    const i = fields.findIndex(([name]) => name === c.name);
    if (i < 0) {
      throw new SqlError(SqlState.InvalidParameterValue, `column "${c.name}" is not a field of the nexmark ${table} stream`,
        { hint: `The ${table} fields are: ${fields.map(([n]) => n).join(', ')}.` });
    }
    const kind = fields[i][1];
    if (!compatible(kind, c.type)) {
      throw new SqlError(SqlState.DatatypeMismatch, `column "${c.name}" of a nexmark ${table} source must be of type ${SQL_NAME[kind]}${kind === 'timestamp' ? ' or timestamptz' : kind === 'text' ? ' or text' : ''}`);
    }
    return i;
  });
}

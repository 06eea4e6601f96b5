// CREATE SOURCE … WITH (connector = 'datagen', …): rows of generated values, after Flink's datagen
// connector. Source options:
//   rows-per-second   pacing (default 10000, as Flink); 0 = as fast as possible
//   number-of-rows    bounded row count; unbounded if absent (a sequence column also bounds it)
//   seed              integer; the same seed gives the same rows
// and per-column options fields.<col>.… (see fields.ts).

import { SqlError, SqlState } from '../../../errors.js';
import { intOption, numberOption, rejectUnknownOptions, type Options } from '../option-values.js';
import type { SourceColumn, SourceConnector, SourceSplit, SourceSplitReader } from '../source-reader.js';
import { FIELD_OPTIONS, fieldGenerator } from './fields.js';
import { DatagenSplitReader } from './reader.js';

const DEFAULT_ROWS_PER_SECOND = 10_000;

function build(options: Options, columns: readonly SourceColumn[]): { fields: ReturnType<typeof fieldGenerator>[]; rowCount: number; rate: number } {
  const names = new Set(columns.map((c) => c.name));
  rejectUnknownOptions('datagen', options, (key) => {
    if (key === 'rows-per-second' || key === 'number-of-rows' || key === 'seed') return true;
    const m = /^fields\.(.+)\.([a-z-]+)$/.exec(key);
    if (!m || !(FIELD_OPTIONS as readonly string[]).includes(m[2])) return false;
    if (!names.has(m[1])) throw new SqlError(SqlState.InvalidParameterValue, `option "${key}" names column "${m[1]}", which the source does not have`);
    return true;
  });
  const seed = intOption(options, 'seed', 0) ?? 0;
  const rate = numberOption(options, 'rows-per-second', 0, 1e9) ?? DEFAULT_ROWS_PER_SECOND;
  const fields = columns.map((c) => fieldGenerator(options, c, seed));
  const rowCount = Math.min(intOption(options, 'number-of-rows', 0) ?? Infinity, ...fields.map((f) => f.rows));
  return { fields, rowCount, rate };
}

export const datagenConnector: SourceConnector = {
  name: 'datagen',
  validate(options: Options, columns: readonly SourceColumn[]): void { build(options, columns); },
  open(options: Options, columns: readonly SourceColumn[], split: SourceSplit): SourceSplitReader {
    const { fields, rowCount, rate } = build(options, columns);
    return new DatagenSplitReader(fields, rowCount, rate, split);
  },
};

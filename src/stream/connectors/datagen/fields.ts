// Per-column generators of the datagen connector, after Flink's datagen options:
//   fields.<col>.kind       'random' (default) or 'sequence'
//   fields.<col>.min / max  bounds of random numbers (integers: the type's range, capped to
//                           ±(2^53-1) for bigint; floats and numeric: 0 to 1000)
//   fields.<col>.start/end  the inclusive range of a sequence (integers, numeric, strings of digits)
//   fields.<col>.length     length of random strings (default 100, at most varchar(n))
//   fields.<col>.max-past   random timestamps/dates lie up to this many ms before the base time
//   fields.<col>.null-rate  fraction of NULLs, 0 to 1
// Value r of a column depends only on (seed, column name, row number r).

import { SqlError, SqlState } from '../../../errors.js';
import type { DataType } from '../../../types/datatype.js';
import { applyNumericTypmod, Numeric } from '../../../types/numeric.js';
import type { Datum } from '../../../types/value.js';
import { badOption, enumOption, intOption, numberOption, type Options } from '../option-values.js';
import { hashString, RecordRandom } from '../record-random.js';
import type { SourceColumn } from '../source-reader.js';

export const FIELD_OPTIONS = ['kind', 'min', 'max', 'start', 'end', 'length', 'max-past', 'null-rate'] as const;

/** Random timestamps and dates count back from here: fixed, so a seed repeats exactly. */
const BASE_TIME_MS = Date.UTC(2023, 0, 1);
const DEFAULT_STRING_LENGTH = 100;
const POOL_SIZE = 1 << 16;
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export interface FieldGenerator {
  /** Rows in the sequence, or Infinity for a random column. */
  readonly rows: number;
  value(r: number): Datum;
}

const INT_RANGE: Record<string, [number, number]> = {
  int2: [-32768, 32767], int4: [-2147483648, 2147483647], int8: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function typeName(t: DataType): string { return t.kind === 'array' ? `${t.elem.id}[]` : t.id; }

export function fieldGenerator(options: Options, column: SourceColumn, seed: number): FieldGenerator {
  const prefix = `fields.${column.name}.`;
  const t = column.type;
  const id = t.kind === 'scalar' ? t.id : null;
  const kind = enumOption(options, prefix + 'kind', ['random', 'sequence'] as const) ?? 'random';
  const nullRate = numberOption(options, prefix + 'null-rate', 0, 1) ?? 0;
  const rnd = new RecordRandom(seed, hashString(column.name));
  const misplaced = (names: string[]) => {
    for (const n of names) if (options[prefix + n] !== undefined) throw new SqlError(SqlState.InvalidParameterValue, `option "${prefix}${n}" does not apply to a ${kind} ${typeName(t)} column`);
  };
  let base: FieldGenerator;
  if (kind === 'sequence') {
    misplaced(['min', 'max', 'length', 'max-past']);
    if (id !== 'int2' && id !== 'int4' && id !== 'int8' && id !== 'numeric' && id !== 'text' && id !== 'varchar') {
      throw new SqlError(SqlState.InvalidParameterValue, `column "${column.name}": a sequence needs an integer, numeric or string column, not ${typeName(t)}`);
    }
    const [lo, hi] = INT_RANGE[id] ?? [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    const start = intOption(options, prefix + 'start', lo, hi);
    const end = intOption(options, prefix + 'end', lo, hi);
    if (start === undefined || end === undefined) {
      throw new SqlError(SqlState.InvalidParameterValue, `column "${column.name}": a sequence needs "${prefix}start" and "${prefix}end"`);
    }
    if (end < start) throw badOption(prefix + 'end', options[prefix + 'end'], `a value not below ${prefix}start (${start})`);
    const make: (v: number) => Datum = id === 'int8' ? (v) => BigInt(v) : id === 'numeric' ? (v) => Numeric.fromInt(v) : id === 'text' || id === 'varchar' ? (v) => String(v) : (v) => v;
    base = { rows: end - start + 1, value: (r) => make(start + r) };
  } else {
    misplaced(['start', 'end']);
    base = { rows: Infinity, value: randomValue(options, prefix, column, rnd, seed) };
  }
  if (nullRate === 0) return base;
  const nulls = new RecordRandom(seed, hashString(column.name) ^ 0x6e756c6c);
  return { rows: base.rows, value: (r) => { nulls.reset(r); return nulls.nextDouble() < nullRate ? null : base.value(r); } };
}

function randomValue(options: Options, prefix: string, column: SourceColumn, rnd: RecordRandom, seed: number): (r: number) => Datum {
  const t = column.type;
  const id = t.kind === 'scalar' ? t.id : null;
  const notFor = (names: string[]) => {
    for (const n of names) if (options[prefix + n] !== undefined) throw new SqlError(SqlState.InvalidParameterValue, `option "${prefix}${n}" does not apply to a ${typeName(t)} column`);
  };
  const bounds = (lo: number, hi: number, integral: boolean): [number, number] => {
    const read = integral ? intOption : numberOption;
    const min = read(options, prefix + 'min', lo, hi) ?? lo;
    const max = read(options, prefix + 'max', lo, hi) ?? hi;
    if (max < min) throw badOption(prefix + 'max', options[prefix + 'max'] ?? String(max), `a value not below ${prefix}min (${min})`);
    return [min, max];
  };
  switch (id) {
    case 'int2': case 'int4': case 'int8': {
      notFor(['length', 'max-past']);
      const [min, max] = bounds(INT_RANGE[id][0], INT_RANGE[id][1], true);
      const span = max - min + 1;
      if (id === 'int8') return (r) => { rnd.reset(r); return BigInt(min + rnd.nextInt(span)); };
      return (r) => { rnd.reset(r); return min + rnd.nextInt(span); };
    }
    case 'float4': case 'float8': case 'numeric': {
      notFor(['length', 'max-past']);
      const [min, max] = bounds(id === 'numeric' ? 0 : 0, 1000, false);
      if (id === 'float4') return (r) => { rnd.reset(r); return Math.fround(min + rnd.nextDouble() * (max - min)); };
      if (id === 'float8') return (r) => { rnd.reset(r); return min + rnd.nextDouble() * (max - min); };
      const typmod = t.kind === 'scalar' ? t.typmod : -1;
      return (r) => { rnd.reset(r); return applyNumericTypmod(Numeric.fromNumber(min + rnd.nextDouble() * (max - min)), typmod); };
    }
    case 'bool':
      notFor(['min', 'max', 'length', 'max-past']);
      return (r) => { rnd.reset(r); return rnd.nextUint32() >= 0x80000000; };
    case 'text': case 'varchar': {
      notFor(['min', 'max', 'max-past']);
      const limit = id === 'varchar' && t.kind === 'scalar' && t.typmod >= 4 ? t.typmod - 4 : 10_000;
      const length = intOption(options, prefix + 'length', 0, limit) ?? Math.min(DEFAULT_STRING_LENGTH, limit);
      const pool = alphanumericPool(seed);
      return (r) => { rnd.reset(r); const at = rnd.nextInt(POOL_SIZE - length); return pool.substring(at, at + length); };
    }
    case 'timestamp': case 'timestamptz': case 'date': {
      notFor(['min', 'max', 'length']);
      const maxPast = intOption(options, prefix + 'max-past', 0) ?? 0;
      if (id === 'date') return (r) => { rnd.reset(r); return Math.floor((BASE_TIME_MS - rnd.nextInt(maxPast + 1)) / 86_400_000); };
      return (r) => { rnd.reset(r); return (BASE_TIME_MS - rnd.nextInt(maxPast + 1)) * 1000; };
    }
    default:
      throw new SqlError(SqlState.FeatureNotSupported, `the datagen connector cannot generate column "${column.name}" of type ${typeName(t)}`);
  }
}

const pools = new Map<number, string>();

function alphanumericPool(seed: number): string {
  let p = pools.get(seed);
  if (p === undefined) {
    const rnd = new RecordRandom(seed, 0xa1fa);
    rnd.reset(0);
    const chars = Buffer.allocUnsafe(POOL_SIZE);
    for (let i = 0; i < POOL_SIZE; i++) chars[i] = ALPHANUMERIC.charCodeAt(rnd.nextInt(ALPHANUMERIC.length));
    p = chars.toString('latin1');
    if (pools.size > 16) pools.clear();
    pools.set(seed, p);
  }
  return p;
}

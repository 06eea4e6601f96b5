// Set-returning functions: generate_series, unnest, regexp_split_to_table, generate_subscripts.

import { SqlError, SqlState } from '../../errors.js';
import { DataType, ScalarType, T, isNumeric, formatType, recordOf } from '../../types/datatype.js';
import type { Datum } from '../../types/value.js';
import { Numeric } from '../../types/numeric.js';
import { Interval, addIntervalToTimestamp } from '../../types/datetime.js';
import { compileRegex } from '../../functions/pattern.js';

type Srf = (args: Datum[]) => Iterable<Datum>;

function* seriesNumber(start: number, stop: number, step: number): Iterable<Datum> {
  if (step === 0) throw new SqlError(SqlState.InvalidParameterValue, 'step size cannot equal zero');
  for (let v = start; step > 0 ? v <= stop : v >= stop; v += step) yield v;
}
function* seriesBig(start: bigint, stop: bigint, step: bigint): Iterable<Datum> {
  if (step === 0n) throw new SqlError(SqlState.InvalidParameterValue, 'step size cannot equal zero');
  for (let v = start; step > 0n ? v <= stop : v >= stop; v += step) yield v;
}
function* seriesNumeric(start: Numeric, stop: Numeric, step: Numeric): Iterable<Datum> {
  if (step.isZero()) throw new SqlError(SqlState.InvalidParameterValue, 'step size cannot equal zero');
  const up = step.sign() > 0;
  for (let v = start; up ? v.cmp(stop) <= 0 : v.cmp(stop) >= 0; v = v.add(step)) yield v;
}
function* seriesTime(start: number, stop: number, step: Interval): Iterable<Datum> {
  if (step.totalMicros() === 0) throw new SqlError(SqlState.InvalidParameterValue, 'step size cannot equal zero');
  const up = step.totalMicros() > 0;
  for (let v = start; up ? v <= stop : v >= stop; v = addIntervalToTimestamp(v, step)) yield v;
}

const SRFS: Record<string, Srf> = {
  generate_series: (a) => {
    if (a.some((x) => x === null)) return [];
    const [s, e, st] = a;
    if (typeof s === 'number' && !(st instanceof Interval)) return seriesNumber(s, e as number, (st as number | undefined) ?? 1);
    if (typeof s === 'bigint') return seriesBig(s, e as bigint, (st as bigint | undefined) ?? 1n);
    if (s instanceof Numeric) return seriesNumeric(s, e as Numeric, (st as Numeric | undefined) ?? Numeric.fromInt(1));
    if (typeof s === 'number') {
      if (!(st instanceof Interval)) throw new SqlError(SqlState.UndefinedFunction, 'function generate_series requires a step interval for timestamps');
      return seriesTime(s, e as number, st);
    }
    return [];
  },
  unnest: (a) => (a[0] === null ? [] : flatten(a[0] as Datum[])),
  regexp_split_to_table: (a) => (a[0] === null || a[1] === null ? [] : (a[0] as string).split(compileRegex(a[1] as string, ((a[2] as string | undefined) ?? '').includes('i') ? 'i' : ''))),
  generate_subscripts: (a) => (a[0] === null ? [] : seriesNumber(1, (a[0] as Datum[]).length, 1)),
  jsonb_array_elements_text: (a) => (a[0] === null ? [] : (JSON.parse(a[0] as string) as unknown[]).map((x) => (x === null ? null : typeof x === 'string' ? x : JSON.stringify(x)))),
  json_array_elements_text: (a) => (a[0] === null ? [] : (JSON.parse(a[0] as string) as unknown[]).map((x) => (x === null ? null : typeof x === 'string' ? x : JSON.stringify(x)))),
  jsonb_object_keys: (a) => (a[0] === null ? [] : Object.keys(JSON.parse(a[0] as string) as object)),
  json_object_keys: (a) => (a[0] === null ? [] : Object.keys(JSON.parse(a[0] as string) as object)),
  // information_schema._pg_expandarray(anyarray): (x, n) per element, as pgjdbc's getPrimaryKeys uses it.
  _pg_expandarray: (a) => (a[0] === null ? [] : (a[0] as Datum[]).map((x, i) => [x, i + 1])),
};

/** Field names of the composite rows a set-returning function yields (for `(f(...)).field`). */
const SRF_FIELDS: Record<string, readonly string[]> = { _pg_expandarray: ['x', 'n'] };

/** The name under which `(name(...)).field` is planned: a set-returning function yielding only that field. */
export function srfFieldName(name: string, field: string): string | undefined {
  return SRF_FIELDS[name]?.includes(field) ? `${name}#${field}` : undefined;
}

function flatten(arr: Datum[]): Datum[] {
  const out: Datum[] = [];
  for (const x of arr) if (Array.isArray(x)) out.push(...flatten(x)); else out.push(x);
  return out;
}

export function setReturningFunction(name: string): Srf | undefined {
  const hash = name.indexOf('#');
  if (hash > 0) {
    const base = SRFS[name.slice(0, hash)];
    const at = SRF_FIELDS[name.slice(0, hash)]?.indexOf(name.slice(hash + 1)) ?? -1;
    if (!base || at < 0) return undefined;
    return function* (args) { for (const row of base(args)) yield (row as Datum[])[at]; };
  }
  const f = SRFS[name];
  if (!f) return undefined;
  return f;
}

/** Result and argument types of a set-returning function call. */
export function setReturningType(name: string, args: readonly DataType[]): { type: DataType; argTypes: DataType[] } {
  const unknown = (t: DataType) => t.kind === 'scalar' && t.id === 'unknown';
  switch (name) {
    case 'generate_series': {
      if (args.length < 2 || args.length > 3) break;
      const known = args.slice(0, 2).filter((t) => !unknown(t));
      const base = known[0] ?? T.int4;
      if (isNumeric(base)) {
        const id = args.slice(0, 3).reduce<string>((acc, t) => {
          if (t.kind !== 'scalar') return acc;
          const rank = ['int4', 'int8', 'numeric'];
          const tid = t.id === 'int2' ? 'int4' : t.id === 'float4' || t.id === 'float8' ? 'numeric' : t.id;
          return rank.indexOf(tid) > rank.indexOf(acc) ? tid : acc;
        }, 'int4');
        const t = T[id as 'int4'];
        return { type: t, argTypes: args.map(() => t) };
      }
      if (base.kind === 'scalar' && (base.id === 'timestamp' || base.id === 'timestamptz' || base.id === 'date')) {
        const t = base.id === 'date' ? T.timestamptz : base; // timestamptz: the preferred date/time type
        return { type: t, argTypes: [t, t, T.interval] };
      }
      break;
    }
    case 'unnest': {
      const a = args[0];
      if (a && a.kind === 'array') return { type: a.elem, argTypes: [a] };
      if (a && unknown(a)) return { type: T.text, argTypes: [{ kind: 'array', elem: T.text }] };
      break;
    }
    case 'regexp_split_to_table': return { type: T.text, argTypes: args.map(() => T.text) };
    case 'generate_subscripts': if (args[0]?.kind === 'array') return { type: T.int4, argTypes: [args[0], T.int4] }; break;
    case 'jsonb_array_elements_text': case 'jsonb_object_keys': return { type: T.text, argTypes: [T.jsonb] };
    case 'json_array_elements_text': case 'json_object_keys': return { type: T.text, argTypes: [T.json] };
    case '_pg_expandarray': {
      const a = args[0];
      if (a && a.kind === 'array') return { type: recordOf([{ name: 'x', type: a.elem }, { name: 'n', type: T.int4 }]), argTypes: [a] };
      break;
    }
  }
  throw new SqlError(SqlState.UndefinedFunction, `function ${name}(${args.map(formatType).join(', ')}) does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}
export type { ScalarType };

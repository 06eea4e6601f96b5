// Aggregate functions: which names are aggregates and the result type of each, as PostgreSQL
// defines them (sum(int4) is bigint, sum(int8) and avg(int) are numeric …).

import { SqlError, SqlState } from '../../errors.js';
import { DataType, ScalarType, T, arrayOf, formatType, isNumeric } from '../../types/datatype.js';
import type { AggKind } from '../../plan/logical.js';

const AGGREGATES = new Set<string>([
  'count', 'sum', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg',
  'json_agg', 'jsonb_agg', 'json_object_agg', 'jsonb_object_agg',
  'stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop', 'bit_and', 'bit_or',
]);

export function isAggregateName(name: string): boolean { return AGGREGATES.has(name); }

function noAgg(kind: string, args: readonly DataType[], position?: number): SqlError {
  return new SqlError(SqlState.UndefinedFunction, `function ${kind}(${args.map(formatType).join(', ')}) does not exist`, {
    position, hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

const plain = (t: DataType): DataType => (t.kind === 'scalar' && t.typmod >= 0 ? { kind: 'scalar', id: t.id, typmod: -1 } : t);

export function aggregateReturnType(kind: AggKind, args: readonly DataType[], position?: number): { type: DataType; argTypes: DataType[] } {
  const a = args[0];
  const id = a && a.kind === 'scalar' ? a.id : undefined;
  switch (kind) {
    case 'count_star': return { type: T.int8, argTypes: [] };
    case 'count': return { type: T.int8, argTypes: [...args] };
    case 'sum':
      if (id === 'int2' || id === 'int4') return { type: T.int8, argTypes: [a] };
      if (id === 'int8' || id === 'numeric') return { type: T.numeric, argTypes: [plain(a)] };
      if (id === 'float4' || id === 'float8' || id === 'interval') return { type: a, argTypes: [a] };
      if (id === 'unknown' || id === 'text') break;
      break;
    case 'avg':
      if (id === 'int2' || id === 'int4' || id === 'int8' || id === 'numeric') return { type: T.numeric, argTypes: [plain(a)] };
      if (id === 'float4' || id === 'float8') return { type: T.float8, argTypes: [T.float8] };
      if (id === 'interval') return { type: T.interval, argTypes: [a] };
      break;
    case 'min': case 'max':
      // varchar and name have no min/max of their own: they use text's (bpchar keeps its own).
      if (a && (id === 'varchar' || id === 'name')) return { type: T.text, argTypes: [T.text] };
      if (a && id !== 'json' && id !== 'bool' && id !== 'jsonb') return { type: plain(a), argTypes: [plain(a)] };
      break;
    case 'bool_and': case 'bool_or': case 'every':
      if (id === 'bool' || id === 'unknown') return { type: T.bool, argTypes: [T.bool] };
      break;
    case 'string_agg':
      if (args.length === 2) {
        if (id === 'bytea') return { type: T.bytea, argTypes: [T.bytea, T.bytea] };
        return { type: T.text, argTypes: [T.text, T.text] };
      }
      break;
    case 'array_agg':
      if (a) return { type: a.kind === 'array' ? a : arrayOf(plain(a) as ScalarType), argTypes: [a] };
      break;
    case 'json_agg': return { type: T.json, argTypes: [...args] };
    case 'jsonb_agg': return { type: T.jsonb, argTypes: [...args] };
    case 'json_object_agg': if (args.length === 2) return { type: T.json, argTypes: [T.text, args[1]] }; break;
    case 'jsonb_object_agg': if (args.length === 2) return { type: T.jsonb, argTypes: [T.text, args[1]] }; break;
    case 'stddev': case 'stddev_samp': case 'stddev_pop': case 'variance': case 'var_samp': case 'var_pop':
      if (a && isNumeric(a)) return id === 'float4' || id === 'float8' ? { type: T.float8, argTypes: [T.float8] } : { type: T.numeric, argTypes: [T.numeric] };
      break;
    case 'bit_and': case 'bit_or':
      if (id === 'int2' || id === 'int4' || id === 'int8') return { type: a, argTypes: [a] };
      break;
  }
  throw noAgg(kind, args, position);
}

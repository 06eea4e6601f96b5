// JSON construction and inspection: values of any SQL type → JSON, json(b)_build_object, …

import { SqlError, SqlState } from '../errors.js';
import { DataType, T } from '../types/datatype.js';
import { Datum } from '../types/value.js';
import { Numeric } from '../types/numeric.js';
import { canonicalJsonb, formatText, TextContext } from '../types/text-io.js';
import { registerFunction, signature } from './registry.js';

/** A SQL value as a JSON value (numbers stay exact by being emitted as raw number text). */
export function toJsonText(d: Datum, t: DataType, ctx: TextContext): string {
  if (d === null) return 'null';
  if (t.kind === 'array') return '[' + (d as Datum[]).map((x) => toJsonText(x, t.elem, ctx)).join(',') + ']';
  switch (t.id) {
    case 'bool': return d ? 'true' : 'false';
    case 'int2': case 'int4': case 'int8': case 'oid': return String(d);
    case 'numeric': return (d as Numeric).nan ? '"NaN"' : (d as Numeric).toString();
    case 'float4': case 'float8': {
      const n = d as number;
      return Number.isFinite(n) ? formatText(n, t, ctx)! : JSON.stringify(formatText(n, t, ctx));
    }
    case 'json': case 'jsonb': return d as string;
    case 'timestamp': case 'timestamptz': return JSON.stringify(formatText(d, t, ctx)!.replace(' ', 'T'));
    default: return JSON.stringify(formatText(d, t, ctx));
  }
}

function jsonb(text: string): string { return canonicalJsonb(JSON.parse(text)); }

for (const name of ['json_build_object', 'jsonb_build_object'] as const) {
  registerFunction(name, (args) => ({
    type: name === 'json_build_object' ? T.json : T.jsonb, argTypes: args, strict: false,
    impl: (a, ctx) => {
      if (a.length % 2) throw new SqlError(SqlState.InvalidParameterValue, 'argument list must have even number of elements', { hint: `The arguments of ${name}() must consist of alternating keys and values.` });
      const parts: string[] = [];
      for (let i = 0; i < a.length; i += 2) {
        if (a[i] === null) throw new SqlError(SqlState.InvalidParameterValue, 'null value not allowed for object key');
        const key = formatText(a[i], args[i], ctx)!;
        parts.push(JSON.stringify(key) + ' : ' + toJsonText(a[i + 1], args[i + 1], ctx));
      }
      const text = '{' + parts.join(', ') + '}';
      return name === 'json_build_object' ? text : jsonb(text);
    },
  }));
}
for (const name of ['json_build_array', 'jsonb_build_array'] as const) {
  registerFunction(name, (args) => ({
    type: name === 'json_build_array' ? T.json : T.jsonb, argTypes: args, strict: false,
    impl: (a, ctx) => {
      const text = '[' + a.map((v, i) => toJsonText(v, args[i], ctx)).join(', ') + ']';
      return name === 'json_build_array' ? text : jsonb(text);
    },
  }));
}
for (const name of ['to_json', 'to_jsonb'] as const) {
  registerFunction(name, (args) => (args.length !== 1 ? undefined : {
    type: name === 'to_json' ? T.json : T.jsonb, argTypes: args, strict: true,
    impl: (a, ctx) => { const t = toJsonText(a[0], args[0], ctx); return name === 'to_json' ? t : jsonb(t); },
  }));
}
for (const [name, t] of [['json_typeof', T.json], ['jsonb_typeof', T.jsonb]] as const) {
  registerFunction(name, signature([t], T.text, (a) => {
    const v = JSON.parse(a[0] as string);
    return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  }));
}
for (const [name, t] of [['json_array_length', T.json], ['jsonb_array_length', T.jsonb]] as const) {
  registerFunction(name, signature([t], T.int4, (a) => {
    const v = JSON.parse(a[0] as string);
    if (!Array.isArray(v)) throw new SqlError(SqlState.InvalidParameterValue, 'cannot get array length of a non-array');
    return v.length;
  }));
}
registerFunction('jsonb_pretty', signature([T.jsonb], T.text, (a) => JSON.stringify(JSON.parse(a[0] as string), null, 4)));
for (const [name, t] of [['json_extract_path_text', T.json], ['jsonb_extract_path_text', T.jsonb]] as const) {
  registerFunction(name, signature([t, T.text], T.text, (a) => {
    let v: unknown = JSON.parse(a[0] as string);
    for (const k of a.slice(1)) {
      if (v === null || typeof v !== 'object') return null;
      v = Array.isArray(v) ? v[Number(k)] : (v as Record<string, unknown>)[k as string];
      if (v === undefined) return null;
    }
    return v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
  }, { variadic: true, minArgs: 2 }));
}

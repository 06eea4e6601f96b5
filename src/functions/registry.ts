// The scalar function registry: each name resolves, from its argument types, to a return type,
// the argument types to coerce to, and an implementation.

import { SqlError, SqlState } from '../errors.js';
import { DataType, formatType } from '../types/datatype.js';
import type { ScalarImpl } from '../plan/expr.js';
import { canCoerce } from './coerce.js';

export interface ResolvedFunction {
  readonly type: DataType;
  readonly argTypes: readonly DataType[];
  readonly impl: ScalarImpl;
  /** Strict functions return NULL when any argument is NULL without being called. */
  readonly strict: boolean;
  /** Volatile functions (random, nextval, clock_timestamp) are never constant-folded. */
  readonly volatile?: boolean;
}

export type FunctionResolver = (args: readonly DataType[]) => ResolvedFunction | undefined;

const registry = new Map<string, FunctionResolver[]>();

export function registerFunction(names: string | string[], resolver: FunctionResolver): void {
  for (const n of Array.isArray(names) ? names : [names]) {
    const list = registry.get(n) ?? [];
    list.push(resolver);
    registry.set(n, list);
  }
}

/** A fixed signature; arguments are coerced implicitly to `params`. `variadic` repeats the last. */
export function signature(
  params: readonly DataType[], ret: DataType | ((args: readonly DataType[]) => DataType), impl: ScalarImpl,
  opts: { strict?: boolean; volatile?: boolean; variadic?: boolean; minArgs?: number } = {},
): FunctionResolver {
  return (args) => {
    const min = opts.minArgs ?? params.length;
    if (args.length < min || (!opts.variadic && args.length > params.length)) return undefined;
    const want: DataType[] = [];
    for (let i = 0; i < args.length; i++) {
      const p = i < params.length ? params[i] : params[params.length - 1];
      if (!canCoerce(args[i], p, 'implicit')) return undefined;
      want.push(p.kind === 'scalar' && p.id === 'any' ? args[i] : p);
    }
    return { type: typeof ret === 'function' ? ret(args) : ret, argTypes: want, impl, strict: opts.strict ?? true, volatile: opts.volatile };
  };
}

export function hasFunction(name: string): boolean { return registry.has(name); }

export function resolveFunction(name: string, args: readonly DataType[]): ResolvedFunction {
  const list = registry.get(name);
  if (list) {
    for (const r of list) {
      const res = r(args);
      if (res) return res;
    }
  }
  throw new SqlError(SqlState.UndefinedFunction, `function ${name}(${args.map(formatType).join(', ')}) does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

// Structural equality of two bound plans, where one has parameters in place of the other's
// constants: the check that binding a query with its literals made into parameters gives the very
// plan binding it with the literals gives (src/session/literal-plan-cache.ts).
//
// Deliberately strict: plain objects and arrays are compared field by field, functions (operator
// implementations) and anything else by identity, so any difference — a cast the binder folded
// into a constant, a positional ORDER BY, a closure made per binding — counts as different.

import type { Datum } from '../types/value.js';
import type { DataType } from '../types/datatype.js';
import { sameType } from '../types/datatype.js';

/**
 * True when `withParams` is `withConsts` with some constants replaced by parameter nodes
 * ({ kind: 'param', index, type }) of the same type, and parameter i stands for `values[i]`.
 */
export function samePlanModuloParams(withConsts: unknown, withParams: unknown, values: readonly Datum[]): boolean {
  return same(withConsts, withParams, values, new Map());
}

interface ParamNode { kind: 'param'; index: number; type: DataType }
interface ConstNode { kind: 'const'; value: Datum; type: DataType }

function same(a: unknown, b: unknown, values: readonly Datum[], seen: Map<object, object>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (isParam(b)) return isConst(a) && b.index < values.length && sameType(a.type, b.type) && sameDatum(a.value, values[b.index]);
  // Plans may share subtrees or refer back to themselves (recursive CTEs).
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i], values, seen)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Map || a instanceof Set || ArrayBuffer.isView(a)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>, rb = b as Record<string, unknown>;
  for (const k of ka) {
    if (!Object.hasOwn(rb, k) || !same(ra[k], rb[k], values, seen)) return false;
  }
  return true;
}

function isParam(x: object): x is ParamNode {
  return (x as { kind?: unknown }).kind === 'param' && typeof (x as { index?: unknown }).index === 'number';
}

function isConst(x: object): x is ConstNode {
  return (x as { kind?: unknown }).kind === 'const' && 'value' in x;
}

/** The same value with the same representation (1 and 1n, or 1.0 and 1.00, are not the same). */
function sameDatum(a: Datum, b: Datum): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object' || a === null || b === null) return Object.is(a, b);
  return same(a, b, [], new Map());
}

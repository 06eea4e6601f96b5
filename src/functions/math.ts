// Mathematical functions (PostgreSQL's "Mathematical Functions and Operators").

import { SqlError, SqlState } from '../errors.js';
import { DataType, T, isNumeric } from '../types/datatype.js';
import { Datum } from '../types/value.js';
import { Numeric } from '../types/numeric.js';
import { checkInt8 } from './cast.js';
import { registerFunction, signature } from './registry.js';

const isUnknown = (t: DataType) => t.kind === 'scalar' && t.id === 'unknown';
/** Resolve a one-argument numeric function keeping the argument's type. */
function sameNumeric(impl: (v: Datum, t: DataType) => Datum) {
  return (args: readonly DataType[]) => {
    if (args.length !== 1) return undefined;
    const t = isUnknown(args[0]) ? T.numeric : args[0];
    if (!isNumeric(t)) return undefined;
    const tt = t.kind === 'scalar' && t.typmod >= 0 ? T[t.id as 'numeric'] : t;
    return { type: tt, argTypes: [tt], impl: (a: Datum[]) => impl(a[0], tt), strict: true };
  };
}

registerFunction('abs', sameNumeric((v) => {
  if (typeof v === 'number') return Math.abs(v);
  if (typeof v === 'bigint') return checkInt8(v < 0n ? -v : v);
  return (v as Numeric).abs();
}));

function floatOrNumeric(name: string, onNumeric: (n: Numeric, s: number) => Numeric, onFloat: (x: number, s: number) => number) {
  registerFunction(name, (args) => {
    if (args.length < 1 || args.length > 2) return undefined;
    const t = args[0];
    if (args.length === 2 && !isNumeric(args[1]) && !isUnknown(args[1])) return undefined;
    if (t.kind === 'scalar' && (t.id === 'float8' || t.id === 'float4') && args.length === 1) {
      return { type: T.float8, argTypes: [T.float8], impl: (a) => onFloat(a[0] as number, 0), strict: true };
    }
    if (!isNumeric(t) && !isUnknown(t)) return undefined;
    return {
      type: T.numeric, argTypes: args.length === 2 ? [T.numeric, T.int4] : [T.numeric],
      impl: (a) => onNumeric(a[0] as Numeric, args.length === 2 ? (a[1] as number) : 0), strict: true,
    };
  });
}

/** Round half to even, as C's rint() that PostgreSQL uses for float round(). */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
floatOrNumeric('round', (n, s) => n.round(s), (x) => rint(x));
floatOrNumeric('trunc', (n, s) => n.trunc(s), (x) => Math.trunc(x));
floatOrNumeric('ceil', (n) => n.ceil(), (x) => Math.ceil(x));
floatOrNumeric('ceiling', (n) => n.ceil(), (x) => Math.ceil(x));
floatOrNumeric('floor', (n) => n.floor(), (x) => Math.floor(x));

registerFunction('sign', sameNumeric((v) => {
  if (typeof v === 'number') return Math.sign(v);
  if (typeof v === 'bigint') return v > 0n ? 1n : v < 0n ? -1n : 0n;
  return Numeric.fromInt((v as Numeric).sign());
}));

function float8Fn(names: string | string[], f: (...x: number[]) => number, arity = 1, check?: (...x: number[]) => void) {
  const params = Array.from({ length: arity }, () => T.float8);
  registerFunction(names, signature(params, T.float8, (a) => { const xs = a as number[]; check?.(...xs); return f(...xs); }));
}
float8Fn('sqrt', Math.sqrt, 1, (x) => { if (x < 0) throw new SqlError('2201F', 'cannot take square root of a negative number'); });
float8Fn('cbrt', Math.cbrt);
float8Fn(['power', 'pow'], Math.pow, 2);
float8Fn('exp', Math.exp);
float8Fn('ln', Math.log, 1, (x) => { if (x <= 0) throw new SqlError('2201E', x === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number'); });
float8Fn('log10', Math.log10);
registerFunction('log', signature([T.float8], T.float8, (a) => {
  const x = a[0] as number;
  if (x <= 0) throw new SqlError('2201E', x === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number');
  return Math.log10(x);
}));
registerFunction('log', signature([T.float8, T.float8], T.float8, (a) => Math.log(a[1] as number) / Math.log(a[0] as number)));
for (const n of ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh'] as const) float8Fn(n, Math[n]);
float8Fn('atan2', Math.atan2, 2);
float8Fn('degrees', (x) => (x * 180) / Math.PI);
float8Fn('radians', (x) => (x * Math.PI) / 180);
registerFunction('pi', signature([], T.float8, () => Math.PI));
registerFunction('random', signature([], T.float8, () => Math.random(), { volatile: true }));

registerFunction('mod', (args) => {
  if (args.length !== 2) return undefined;
  const t = [args[0], args[1]].find((x) => !isUnknown(x)) ?? T.numeric;
  if (!isNumeric(t)) return undefined;
  if (t.kind === 'scalar' && (t.id === 'int2' || t.id === 'int4')) {
    return { type: t, argTypes: [t, t], strict: true, impl: (a) => { if (a[1] === 0) throw new SqlError(SqlState.DivisionByZero, 'division by zero'); const r = (a[0] as number) % (a[1] as number); return r === 0 ? 0 : r; } };
  }
  if (t.kind === 'scalar' && t.id === 'int8') {
    return { type: t, argTypes: [t, t], strict: true, impl: (a) => { if (a[1] === 0n) throw new SqlError(SqlState.DivisionByZero, 'division by zero'); return (a[0] as bigint) % (a[1] as bigint); } };
  }
  return { type: T.numeric, argTypes: [T.numeric, T.numeric], strict: true, impl: (a) => (a[0] as Numeric).mod(a[1] as Numeric) };
});

registerFunction('div', signature([T.numeric, T.numeric], T.numeric, (a) => (a[0] as Numeric).div(a[1] as Numeric, 0).trunc(0)));
registerFunction('gcd', signature([T.int8, T.int8], T.int8, (a) => { let x = a[0] as bigint, y = a[1] as bigint; x = x < 0n ? -x : x; y = y < 0n ? -y : y; while (y) [x, y] = [y, x % y]; return x; }));

registerFunction('width_bucket', signature([T.float8, T.float8, T.float8, T.int4], T.int4, (a) => {
  const [x, lo, hi, n] = a as number[];
  if (n <= 0) throw new SqlError('2201G', 'count must be greater than zero');
  if (x < lo) return 0;
  if (x >= hi) return n + 1;
  return Math.floor(((x - lo) / (hi - lo)) * n) + 1;
}));

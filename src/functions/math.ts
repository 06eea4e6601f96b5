// Mathematical functions (PostgreSQL's "Mathematical Functions and Operators").

import { SqlError, SqlState } from '../errors.js';
import { DataType, T, isNumeric } from '../types/datatype.js';
import { Datum } from '../types/value.js';
import { Numeric } from '../types/numeric.js';
import { checkInt2, checkInt4, checkInt8 } from './cast.js';
import { checkedPow } from './float-checks.js';
import { exactExp, exactLn, exactLog10 } from './float-math.js';
import { glibcCbrt } from './cbrt.js';
import { numericPower } from './numeric-power.js';
import { numericExp, numericLn, numericLog, numericSqrt } from '../types/numeric-math.js';
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

registerFunction('abs', sameNumeric((v, t) => {
  if (typeof v === 'number') {
    const id = t.kind === 'scalar' ? t.id : '';
    return id === 'int4' ? checkInt4(Math.abs(v)) : id === 'int2' ? checkInt2(Math.abs(v)) : Math.abs(v);
  }
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

// NUMERIC versions of sqrt, ln, log, log10, exp and power: chosen when an argument is numeric and
// none is a float (integers alone resolve to the float8 versions, float8 being the preferred type).
function numericFn(names: string | string[], arity: number, f: (...x: Numeric[]) => Numeric) {
  registerFunction(names, (args) => {
    if (args.length !== arity) return undefined;
    const ids = args.map((a) => (a.kind === 'scalar' ? a.id : ''));
    const fits = (id: string) => id === 'numeric' || id === 'int2' || id === 'int4' || id === 'int8' || id === 'unknown';
    if (!ids.includes('numeric') || !ids.every(fits)) return undefined;
    return { type: T.numeric, argTypes: args.map(() => T.numeric), impl: (a) => f(...(a as Numeric[])), strict: true };
  });
}
const TEN = new Numeric(10n, 0);
numericFn('sqrt', 1, numericSqrt);
numericFn('ln', 1, numericLn);
numericFn(['log', 'log10'], 1, (x) => numericLog(TEN, x));
numericFn('log', 2, numericLog);
numericFn('exp', 1, numericExp);
numericFn(['power', 'pow'], 2, numericPower);

function float8Fn(names: string | string[], f: (...x: number[]) => number, arity = 1, check?: (...x: number[]) => void) {
  const params = Array.from({ length: arity }, () => T.float8);
  registerFunction(names, signature(params, T.float8, (a) => { const xs = a as number[]; check?.(...xs); return f(...xs); }));
}
float8Fn('sqrt', Math.sqrt, 1, (x) => { if (x < 0) throw new SqlError('2201F', 'cannot take square root of a negative number'); });
float8Fn('cbrt', glibcCbrt);
float8Fn(['power', 'pow'], checkedPow, 2);
float8Fn('exp', exactExp);
float8Fn('ln', exactLn, 1, (x) => { if (x <= 0) throw new SqlError('2201E', x === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number'); });
float8Fn('log10', exactLog10, 1, (x) => { if (x <= 0) throw new SqlError('2201E', x === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number'); });
registerFunction('log', signature([T.float8], T.float8, (a) => {
  const x = a[0] as number;
  if (x <= 0) throw new SqlError('2201E', x === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number');
  return exactLog10(x);
}));
// log(b, x) exists only for numeric in PostgreSQL, so integer and float arguments go to numeric.
registerFunction('log', signature([T.numeric, T.numeric], T.numeric, (a) => numericLog(a[0] as Numeric, a[1] as Numeric)));
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

/** Integer quotient truncated toward zero (PostgreSQL's div), exact at any size. */
registerFunction('div', signature([T.numeric, T.numeric], T.numeric, (a) => {
  const x = a[0] as Numeric, y = a[1] as Numeric;
  if (x.nan || y.nan) return Numeric.NaN;
  if (y.unscaled === 0n) throw new SqlError(SqlState.DivisionByZero, 'division by zero');
  const s = Math.max(x.scale, y.scale);
  return new Numeric(x.withScale(s).unscaled / y.withScale(s).unscaled, 0);
}));
function gcd(x: bigint, y: bigint): bigint { x = x < 0n ? -x : x; y = y < 0n ? -y : y; while (y) [x, y] = [y, x % y]; return x; }
function lcm(x: bigint, y: bigint): bigint {
  if (x === 0n || y === 0n) return 0n;
  const r = (x / gcd(x, y)) * y;
  return r < 0n ? -r : r;
}
// gcd and lcm keep their integer argument type; a result that does not fit it is out of range.
const int4Of = (v: bigint) => checkInt4(Number(v));
registerFunction('gcd', signature([T.int4, T.int4], T.int4, (a) => int4Of(gcd(BigInt(a[0] as number), BigInt(a[1] as number)))));
registerFunction('lcm', signature([T.int4, T.int4], T.int4, (a) => int4Of(lcm(BigInt(a[0] as number), BigInt(a[1] as number)))));
registerFunction('gcd', signature([T.int8, T.int8], T.int8, (a) => checkInt8(gcd(a[0] as bigint, a[1] as bigint))));
registerFunction('lcm', signature([T.int8, T.int8], T.int8, (a) => checkInt8(lcm(a[0] as bigint, a[1] as bigint))));

registerFunction('width_bucket', signature([T.float8, T.float8, T.float8, T.int4], T.int4, (a) => {
  const [x, lo, hi, n] = a as number[];
  if (n <= 0) throw new SqlError('2201G', 'count must be greater than zero');
  if (x < lo) return 0;
  if (x >= hi) return n + 1;
  return Math.floor(((x - lo) / (hi - lo)) * n) + 1;
}));

registerFunction('factorial', signature([T.int8], T.numeric, (a) => {
  const n = a[0] as bigint;
  if (n < 0n) throw new SqlError(SqlState.InvalidParameterValue, 'factorial of a negative number is undefined');
  if (n > 32177n) throw new SqlError(SqlState.NumericValueOutOfRange, 'value overflows numeric format');
  let r = 1n;
  for (let i = 2n; i <= n; i++) r *= i;
  return new Numeric(r, 0);
}));
registerFunction('scale', signature([T.numeric], T.int4, (a) => ((a[0] as Numeric).nan ? null : (a[0] as Numeric).scale)));
registerFunction('trim_scale', signature([T.numeric], T.numeric, (a) => (a[0] as Numeric).trimTrailingZeros()));
registerFunction('min_scale', signature([T.numeric], T.int4, (a) => ((a[0] as Numeric).nan ? null : (a[0] as Numeric).trimTrailingZeros().scale)));

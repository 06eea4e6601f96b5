// sqrt, ln, log, exp and power on NUMERIC with PostgreSQL's result scales (numeric.c: at least
// 16 significant digits, never fewer decimals than the inputs). Values are computed in bigint
// fixed point with guard digits and then rounded, so results agree with PostgreSQL digit for
// digit (PostgreSQL also rounds a result computed with guard digits).

import { SqlError, SqlState } from '../errors.js';
import { Numeric, pow10, roundDiv } from './numeric.js';

const MIN_SIG_DIGITS = 16;
const MAX_DISPLAY_SCALE = 1000;
const GUARD = 12;

const clampScale = (s: number) => Math.min(MAX_DISPLAY_SCALE, Math.max(0, s));

/** Decimal exponent of the leading digit: floor(log10|x|), for x ≠ 0. */
function leadingExponent(x: Numeric): number {
  const digits = (x.unscaled < 0n ? -x.unscaled : x.unscaled).toString();
  return digits.length - 1 - x.scale;
}

/** PostgreSQL's NumericVar weight: the position of the first non-zero base-10000 digit. */
function nbaseWeight(x: Numeric): number {
  if (x.unscaled === 0n) return 0;
  return Math.floor(leadingExponent(x) / 4);
}

// ---- bigint fixed point: a value v is held as round(v · 10^p) -------------------------------

function toFixed(x: Numeric, p: number): bigint {
  return p >= x.scale ? x.unscaled * pow10(p - x.scale) : roundDiv(x.unscaled, pow10(x.scale - p));
}
const mulF = (a: bigint, b: bigint, p: number) => roundDiv(a * b, pow10(p));
const divF = (a: bigint, b: bigint, p: number) => roundDiv(a * pow10(p), b);

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt('1' + '0'.repeat(Math.ceil(n.toString().length / 2)));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** ln(v) for v > 0 in fixed point p: halve the logarithm by square roots until v ≈ 1, then atanh. */
export function lnF(v: bigint, p: number): bigint {
  const one = pow10(p);
  let halvings = 0;
  const near = one / 100n;
  while ((v > one ? v - one : one - v) > near) { v = isqrt(v * one); halvings++; }
  // ln(v) = 2·atanh(z), z = (v − 1)/(v + 1)
  const z = divF(v - one, v + one, p);
  const z2 = mulF(z, z, p);
  let term = z, sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) { sum += term / k; term = mulF(term, z2, p); }
  return (2n * sum) << BigInt(halvings);
}

/** e^v in fixed point p: scale the argument down by 2^k, Taylor series, square k times. */
export function expF(v: bigint, p: number): bigint {
  const one = pow10(p);
  let k = 0;
  while ((v < 0n ? -v : v) > one / 10n) { v /= 2n; k++; }
  let term = one, sum = one;
  for (let n = 1n; term !== 0n; n++) { term = mulF(term, v, p) / n; sum += term; }
  for (let i = 0; i < k; i++) sum = mulF(sum, sum, p);
  return sum;
}

function fromFixed(v: bigint, p: number, rscale: number): Numeric {
  return new Numeric(v, p).round(rscale);
}

/** Working precision: enough digits for rscale decimals of a result of magnitude 10^weight. */
const precisionFor = (rscale: number, weight: number) => rscale + Math.max(0, weight) + GUARD;

// ---- PostgreSQL's functions ----------------------------------------------------------------

export function numericSqrt(x: Numeric): Numeric {
  if (x.nan) return x;
  if (x.sign() < 0) throw new SqlError('2201F', 'cannot take square root of a negative number');
  const sweight = ((nbaseWeight(x) + 1) * 4) / 2 - 1;
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - sweight, x.scale));
  // sqrt at rscale + 1 digits, then round: floor(sqrt(u · 10^(2(r+1) − s))) / 10^(r+1).
  const exp = 2 * (rscale + 1) - x.scale;
  const radicand = exp >= 0 ? x.unscaled * pow10(exp) : x.unscaled / pow10(-exp);
  return new Numeric(isqrt(radicand), rscale + 1).round(rscale);
}

/** PostgreSQL's estimate_ln_dweight: the decimal weight of ln(x). */
function lnWeight(x: Numeric): number {
  if (x.sign() <= 0) return 0;
  const d = x.sub(new Numeric(1n, 0));
  if (x.cmp(Numeric.parse('0.9')) >= 0 && x.cmp(Numeric.parse('1.1')) <= 0) return d.isZero() ? 0 : leadingExponent(d);
  const approx = Math.log(Math.abs(x.toNumber()));
  return Math.trunc(Math.log10(Math.abs(approx)));
}

function checkLnArg(x: Numeric): void {
  if (x.isZero()) throw new SqlError('2201E', 'cannot take logarithm of zero');
  if (x.sign() < 0) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
}

export function numericLn(x: Numeric): Numeric {
  if (x.nan) return x;
  checkLnArg(x);
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - lnWeight(x), x.scale));
  const p = precisionFor(rscale, 0) + Math.max(0, -leadingExponent(x));
  return fromFixed(lnF(toFixed(x, p), p), p, rscale);
}

/** log(base, x) = ln(x) / ln(base). */
export function numericLog(base: Numeric, x: Numeric): Numeric {
  if (base.nan || x.nan) return Numeric.NaN;
  checkLnArg(base);
  checkLnArg(x);
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - (lnWeight(x) - lnWeight(base)), base.scale, x.scale));
  const p = precisionFor(rscale, 0) + Math.max(0, -leadingExponent(x), -leadingExponent(base)) + Math.max(0, -lnWeight(base));
  const lb = lnF(toFixed(base, p), p);
  if (lb === 0n) throw new SqlError(SqlState.DivisionByZero, 'division by zero');
  return fromFixed(divF(lnF(toFixed(x, p), p), lb, p), p, rscale);
}

export function numericExp(x: Numeric): Numeric {
  if (x.nan) return x;
  const val = Math.max(-MAX_DISPLAY_SCALE, Math.min(MAX_DISPLAY_SCALE, x.toNumber() * 0.434294481903252));
  if (val > 131072) throw new SqlError(SqlState.NumericValueOutOfRange, 'value overflows numeric format');
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - Math.trunc(val), x.scale));
  const p = precisionFor(rscale, Math.ceil(val));
  return fromFixed(expF(toFixed(x, p), p), p, rscale);
}

/** base ^ exp for a non-integer exponent and a positive base: exp(exp · ln(base)). */
export function numericPowerFractional(base: Numeric, exp: Numeric): Numeric {
  const approx = exp.toNumber() * Math.log10(base.toNumber());
  if (approx > 131072) throw new SqlError(SqlState.NumericValueOutOfRange, 'value overflows numeric format');
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - Math.trunc(approx), base.scale, exp.scale));
  const p = precisionFor(rscale, Math.ceil(Math.max(0, approx))) + Math.max(0, -leadingExponent(base));
  const l = mulF(lnF(toFixed(base, p), p), toFixed(exp, p), p);
  return fromFixed(expF(l, p), p, rscale);
}

// exp, ln and log10 on double precision rounded correctly, as the C library PostgreSQL calls
// (glibc ≥ 2.28) rounds them in practice; V8's Math.exp/Math.log are sometimes one unit off in
// the last place, which shows in float8 output. The value is computed in bigint fixed point
// with ~40 significant digits (numeric-math.ts) and parsed back, which rounds to nearest.

import { expF } from '../types/numeric-math.js';
import { pow10 } from '../types/numeric.js';
import { checkedExp } from './float-checks.js';

const DIGITS = 40;
const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite double in fixed point with p decimals, rounded. */
function doubleToFixed(x: number, p: number): bigint {
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased) mant |= 1n << 52n;
  const e = (biased || 1) - 1075; // x = mant · 2^e
  const sign = hi >>> 31 ? -1n : 1n;
  const scaled = mant * pow10(p);
  if (e >= 0) return sign * (scaled << BigInt(e));
  const div = 1n << BigInt(-e);
  return sign * ((scaled + div / 2n) / div);
}

function fixedToDouble(v: bigint, p: number): number {
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(p + 1, '0');
  return Number(`${neg ? '-' : ''}${s.slice(0, s.length - p)}.${s.slice(s.length - p)}e0`);
}

export function exactExp(x: number): number {
  if (!Number.isFinite(x) || x === 0 || x > 709 || x < -745) return checkedExp(x);
  const p = DIGITS + Math.max(0, Math.ceil(-x / Math.LN10));
  return fixedToDouble(expF(doubleToFixed(x, p), p), p);
}

const LN_DIGITS = 60;
let ln2Fixed: bigint | undefined;

/** atanh series: ln(m) = 2·atanh((m − 1)/(m + 1)), for m near 1, in fixed point p. */
function lnNearOne(m: bigint, p: number): bigint {
  const one = pow10(p);
  const z = ((m - one) * one) / (m + one);
  const z2 = (z * z) / one;
  let term = z, sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) { sum += term / k; term = (term * z2) / one; }
  return 2n * sum;
}

/**
 * ln(x) for x > 0 (callers check the domain): x = m · 2^e with m in [√½, √2), so
 * ln x = e·ln 2 + ln m, and ln m converges fast. 60 digits cover the 17 that matter even for
 * results near zero (x next to 1, where e = 0 and m − 1 is tiny but exact).
 */
export function exactLn(x: number): number {
  if (!Number.isFinite(x) || x === 1) return Math.log(x);
  const p = LN_DIGITS;
  ln2Fixed ??= lnNearOne(2n * pow10(p), p);
  let e = Math.floor(Math.log2(x));
  let m = x / 2 ** e; // exact: a power-of-two scaling
  if (m >= Math.SQRT2) { m /= 2; e++; } else if (m < Math.SQRT1_2) { m *= 2; e--; }
  return fixedToDouble(BigInt(e) * ln2Fixed + lnNearOne(doubleToFixed(m, p), p), p);
}

/**
 * log10 as glibc computes it (sysdeps/ieee754/dbl-64/e_log10.c, from fdlibm): the exponent's
 * share separately, plus (1/ln 10)·log(mantissa) with a correctly rounded log. Not correctly
 * rounded itself (log10(1.1) ends in …507), and PostgreSQL prints those digits.
 */
export function exactLog10(x: number): number {
  if (!Number.isFinite(x) || x <= 0) return Math.log10(x);
  const IVLN10 = 4.34294481903251816668e-01, LOG10_2HI = 3.01029995663611771306e-01, LOG10_2LO = 3.69423907715893078616e-13;
  view.setFloat64(0, x);
  let hx = view.getUint32(0) | 0;
  let k = 0;
  if (hx < 0x00100000) { k -= 54; view.setFloat64(0, x * 2 ** 54); hx = view.getUint32(0) | 0; }
  k += (hx >> 20) - 1023;
  const i = k < 0 ? 1 : 0;
  hx = (hx & 0x000fffff) | ((0x3ff - i) << 20);
  const y = k + i;
  view.setUint32(0, hx >>> 0);
  const m = view.getFloat64(0);
  const z = y * LOG10_2LO + IVLN10 * exactLn(m);
  return z + y * LOG10_2HI;
}

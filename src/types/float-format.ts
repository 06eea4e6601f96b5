// Float output as PostgreSQL 12+ prints it (shortest exact round-trip digits, `1e+20` style
// exponents outside [1e-4, 1e15) for float8 and [1e-4, 1e6) for float4), which differs from
// JavaScript's String(number). PostgreSQL's Ryu build does not accept a decimal that lies
// exactly halfway to a neighbouring float (acceptBounds is off), where JavaScript does: such
// values get the next longer rendering.

function formatDigits(mantissa: string, exp: number, neg: boolean, maxFixedExp = 15): string {
  // mantissa: the significant digits without a point; value = 0.d1d2… × 10^(exp+1)
  const digits = mantissa;
  let out: string;
  if (exp < -4 || exp >= maxFixedExp) {
    const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const e = Math.abs(exp);
    out = `${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  } else if (exp < 0) {
    out = '0.' + '0'.repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    out = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  }
  return neg ? '-' + out : out;
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return undefined;
}

function fromExponential(e: string, maxFixedExp = 15): string {
  const neg = e.startsWith('-');
  const body = neg ? e.slice(1) : e;
  const [m, x] = body.split('e');
  return formatDigits(m.replace('.', ''), parseInt(x, 10), neg, maxFixedExp);
}

/**
 * True when the decimal `e` (toExponential form) lies exactly halfway between the integer-valued
 * float `v` and a neighbour `ulp` away. Only floats at or above 2^(mantissa bits) can tie with a
 * short decimal: below that, midpoints need more digits than a shortest rendering has.
 */
function isHalfwayTie(e: string, v: number, ulp: number): boolean {
  const [m, x] = e.replace('-', '').split('e');
  const frac = m.split('.')[1] ?? '';
  const exp = parseInt(x, 10) - frac.length;
  if (exp < 0) return false;
  const dec = BigInt(m.replace('.', '')) * 10n ** BigInt(exp);
  const diff = dec - BigInt(Math.abs(v));
  return (diff < 0n ? -diff : diff) * 2n === BigInt(ulp);
}

function ulpOf(v: number, mantissaBits: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(v))) - mantissaBits);
}

export function formatFloat8(v: number): string {
  const sp = special(v);
  if (sp) return sp;
  const e = v.toExponential();
  if (Math.abs(v) < 2 ** 53) return fromExponential(e);
  const ulp = ulpOf(v, 52);
  if (!isHalfwayTie(e, v, ulp)) return fromExponential(e);
  for (let p = e.replace(/[-.]|e.*$/g, '').length; p < 17; p++) {
    const longer = v.toExponential(p);
    if (Number(longer) === v && !isHalfwayTie(longer, v, ulp)) return fromExponential(longer);
  }
  return fromExponential(v.toExponential(16));
}

export function formatFloat4(v: number): string {
  const s = special(v);
  if (s) return s;
  const f = Math.fround(v);
  const big = Math.abs(f) >= 2 ** 24;
  const ulp = big ? ulpOf(f, 23) : 0;
  for (let p = 1; p <= 9; p++) {
    const e = f.toExponential(p - 1);
    if (Math.fround(parseFloat(e)) === f && !(big && isHalfwayTie(e, f, ulp))) return fromExponential(e, 6);
  }
  return fromExponential(f.toExponential(8), 6);
}

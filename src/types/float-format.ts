// Float output as PostgreSQL 12+ prints it (shortest exact round-trip digits, `1e+20` style
// exponents outside [1e-4, 1e15)), which differs from JavaScript's String(number).

function formatDigits(mantissa: string, exp: number, neg: boolean): string {
  // mantissa: the significant digits without a point; value = 0.d1d2… × 10^(exp+1)
  const digits = mantissa;
  let out: string;
  if (exp < -4 || exp >= 15) {
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

function fromExponential(e: string): string {
  const neg = e.startsWith('-');
  const body = neg ? e.slice(1) : e;
  const [m, x] = body.split('e');
  return formatDigits(m.replace('.', ''), parseInt(x, 10), neg);
}

export function formatFloat8(v: number): string {
  return special(v) ?? fromExponential(v.toExponential());
}

export function formatFloat4(v: number): string {
  const s = special(v);
  if (s) return s;
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const e = f.toExponential(p - 1);
    if (Math.fround(parseFloat(e)) === f) return fromExponential(e);
  }
  return fromExponential(f.toExponential(8));
}

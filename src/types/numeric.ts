// Exact decimal arithmetic for NUMERIC: an unscaled bigint and a decimal scale, with PostgreSQL's
// rules for the scale of a quotient (select_div_scale) and round-half-away-from-zero.

import { SqlError, SqlState } from '../errors.js';

const TEN = 10n;
const pow10Cache: bigint[] = [1n];
export function pow10(n: number): bigint {
  for (let i = pow10Cache.length; i <= n; i++) pow10Cache[i] = pow10Cache[i - 1] * TEN;
  return pow10Cache[n];
}

export class Numeric {
  /** value = unscaled / 10^scale. NaN is flagged separately, as PostgreSQL's numeric NaN. */
  constructor(readonly unscaled: bigint, readonly scale: number, readonly nan = false) {}

  static readonly NaN = new Numeric(0n, 0, true);

  static fromInt(v: number | bigint): Numeric { return new Numeric(BigInt(v), 0); }

  static parse(text: string): Numeric {
    const s = text.trim();
    if (/^nan$/i.test(s)) return Numeric.NaN;
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      throw new SqlError(SqlState.InvalidTextRepresentation, `invalid input syntax for type numeric: "${text}"`);
    }
    const intPart = m[2] || '0';
    const frac = m[3] ?? '';
    let scale = frac.length;
    let unscaled = BigInt(intPart + frac);
    if (m[4]) {
      const exp = parseInt(m[4], 10);
      if (Math.abs(exp) > 1000) throw new SqlError(SqlState.NumericValueOutOfRange, 'value overflows numeric format');
      if (exp >= 0) {
        if (exp >= scale) { unscaled *= pow10(exp - scale); scale = 0; } else scale -= exp;
      } else scale -= exp;
    }
    if (m[1] === '-') unscaled = -unscaled;
    return new Numeric(unscaled, scale);
  }

  static fromNumber(v: number): Numeric {
    if (Number.isNaN(v)) return Numeric.NaN;
    if (!Number.isFinite(v)) throw new SqlError(SqlState.FeatureNotSupported, 'cannot convert infinity to numeric');
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 53) return new Numeric(BigInt(v), 0);
    // PostgreSQL converts float8 with 15 significant digits (DBL_DIG).
    return Numeric.parse(v.toPrecision(15)).trimTrailingZeros();
  }

  isZero(): boolean { return !this.nan && this.unscaled === 0n; }
  sign(): number { return this.unscaled > 0n ? 1 : this.unscaled < 0n ? -1 : 0; }

  withScale(scale: number): Numeric {
    if (this.nan || scale === this.scale) return this;
    if (scale > this.scale) return new Numeric(this.unscaled * pow10(scale - this.scale), scale);
    return new Numeric(roundDiv(this.unscaled, pow10(this.scale - scale)), scale);
  }

  trimTrailingZeros(): Numeric {
    if (this.nan) return this;
    let u = this.unscaled, s = this.scale;
    while (s > 0 && u % TEN === 0n) { u /= TEN; s--; }
    return new Numeric(u, s);
  }

  add(o: Numeric): Numeric {
    if (this.nan || o.nan) return Numeric.NaN;
    const s = Math.max(this.scale, o.scale);
    return new Numeric(this.withScale(s).unscaled + o.withScale(s).unscaled, s);
  }
  sub(o: Numeric): Numeric {
    if (this.nan || o.nan) return Numeric.NaN;
    const s = Math.max(this.scale, o.scale);
    return new Numeric(this.withScale(s).unscaled - o.withScale(s).unscaled, s);
  }
  mul(o: Numeric): Numeric {
    if (this.nan || o.nan) return Numeric.NaN;
    return new Numeric(this.unscaled * o.unscaled, this.scale + o.scale);
  }
  neg(): Numeric { return this.nan ? this : new Numeric(-this.unscaled, this.scale); }
  abs(): Numeric { return this.unscaled < 0n ? this.neg() : this; }

  div(o: Numeric, scale?: number): Numeric {
    if (this.nan || o.nan) return Numeric.NaN;
    if (o.unscaled === 0n) throw new SqlError(SqlState.DivisionByZero, 'division by zero');
    const rscale = scale ?? selectDivScale(this, o);
    // (a/10^sa) / (b/10^sb) = a*10^(sb + rscale - sa) / b, rounded at rscale digits.
    const shift = o.scale + rscale - this.scale;
    let num = this.unscaled, den = o.unscaled;
    if (shift >= 0) num *= pow10(shift); else den *= pow10(-shift);
    return new Numeric(roundDiv(num, den), rscale);
  }

  /** Remainder with the sign of the dividend, as PostgreSQL's numeric mod. */
  mod(o: Numeric): Numeric {
    if (this.nan || o.nan) return Numeric.NaN;
    if (o.unscaled === 0n) throw new SqlError(SqlState.DivisionByZero, 'division by zero');
    const s = Math.max(this.scale, o.scale);
    return new Numeric(this.withScale(s).unscaled % o.withScale(s).unscaled, s);
  }

  cmp(o: Numeric): number {
    if (this.nan || o.nan) return this.nan === o.nan ? 0 : this.nan ? 1 : -1; // NaN sorts above all numbers
    const s = Math.max(this.scale, o.scale);
    const a = this.withScale(s).unscaled, b = o.withScale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Round to `scale` digits (negative rounds left of the point), half away from zero. */
  round(scale: number): Numeric {
    if (this.nan) return this;
    if (scale >= this.scale) return this.withScale(Math.max(scale, 0));
    if (scale >= 0) return this.withScale(scale);
    const p = pow10(this.scale - scale);
    return new Numeric(roundDiv(this.unscaled, p) * pow10(-scale), 0);
  }
  trunc(scale: number): Numeric {
    if (this.nan || scale >= this.scale) return this.withScale(Math.max(scale, 0));
    const p = pow10(this.scale - Math.min(scale, this.scale));
    const t = this.unscaled / p;
    return scale >= 0 ? new Numeric(t, scale) : new Numeric(t * pow10(-scale), 0);
  }
  floor(): Numeric {
    if (this.nan || this.scale === 0) return this;
    const p = pow10(this.scale);
    let q = this.unscaled / p;
    if (this.unscaled < 0n && q * p !== this.unscaled) q -= 1n;
    return new Numeric(q, 0);
  }
  ceil(): Numeric {
    if (this.nan || this.scale === 0) return this;
    const p = pow10(this.scale);
    let q = this.unscaled / p;
    if (this.unscaled > 0n && q * p !== this.unscaled) q += 1n;
    return new Numeric(q, 0);
  }

  toNumber(): number { return this.nan ? NaN : Number(this.toString()); }

  /** Integer value after rounding half away from zero, as PostgreSQL's numeric → int casts do. */
  toBigInt(): bigint {
    if (this.nan) throw new SqlError(SqlState.FeatureNotSupported, 'cannot convert NaN to integer');
    return this.scale === 0 ? this.unscaled : roundDiv(this.unscaled, pow10(this.scale));
  }

  toString(): string {
    if (this.nan) return 'NaN';
    const neg = this.unscaled < 0n;
    let digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale > 0) {
      if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
      digits = digits.slice(0, digits.length - this.scale) + '.' + digits.slice(digits.length - this.scale);
    }
    return neg ? '-' + digits : digits;
  }
}

/** Division of bigints rounding half away from zero. */
export function roundDiv(num: bigint, den: bigint): bigint {
  if (den < 0n) { num = -num; den = -den; }
  const q = num / den;
  const r = num - q * den;
  if (r === 0n) return q;
  if ((r < 0n ? -r : r) * 2n >= den) return num < 0n ? q - 1n : q + 1n;
  return q;
}

/** Weight (in base-10000 digits) and the leading base-10000 digit, as PostgreSQL's NumericVar holds them. */
function nbaseWeight(n: Numeric): { weight: number; first: number } {
  if (n.unscaled === 0n) return { weight: 0, first: 0 };
  const digits = (n.unscaled < 0n ? -n.unscaled : n.unscaled).toString();
  const intLen = digits.length - n.scale; // may be <= 0
  // Align the decimal point to a multiple of 4 digits on both sides.
  const leftPad = ((4 - (((intLen % 4) + 4) % 4)) % 4);
  const padded = '0'.repeat(leftPad) + digits;
  const firstGroup = padded.slice(0, 4).padEnd(4, '0');
  const intGroups = Math.floor((intLen + leftPad) / 4);
  // Skip leading zero groups.
  let i = 0, group = parseInt(firstGroup, 10);
  while (group === 0 && (i + 1) * 4 < padded.length) { i++; group = parseInt(padded.slice(i * 4, i * 4 + 4).padEnd(4, '0'), 10); }
  return { weight: intGroups - 1 - i, first: group };
}

export function selectDivScale(a: Numeric, b: Numeric): number {
  const wa = nbaseWeight(a), wb = nbaseWeight(b);
  let qweight = wa.weight - wb.weight;
  if (wa.first <= wb.first) qweight--;
  let rscale = 16 - qweight * 4;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, 1000);
}

/** Apply a numeric(p,s) typmod: round to s and check the precision, as PostgreSQL's apply_typmod. */
export function applyNumericTypmod(n: Numeric, typmod: number): Numeric {
  if (typmod < 0 || n.nan) return n;
  const m = typmod - 4;
  const precision = (m >> 16) & 0xffff, scale = m & 0xffff;
  const r = n.withScale(scale);
  const intDigits = (r.unscaled < 0n ? -r.unscaled : r.unscaled).toString().length - scale;
  if (r.unscaled !== 0n && intDigits > precision - scale) {
    throw new SqlError(SqlState.NumericValueOutOfRange, 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${precision - scale === 0 ? '1' : '10^' + (precision - scale)}.`,
    });
  }
  return r;
}

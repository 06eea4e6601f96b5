// numeric ^ numeric as PostgreSQL 15's power_var computes it: an integer exponent gives the exact
// power rounded to max(16, the base's scale) decimals; other exponents go through exp(y·ln x)
// at a scale of at least 16 significant digits (src/types/numeric-math.ts).

import { SqlError, SqlState } from '../errors.js';
import { Numeric, pow10 } from '../types/numeric.js';
import { numericPowerFractional } from '../types/numeric-math.js';

const MAX_DISPLAY_SCALE = 1000;
const MIN_SIG_DIGITS = 16;

export function numericPower(base: Numeric, exp: Numeric): Numeric {
  if (base.nan || exp.nan) return base.nan && exp.isZero() ? new Numeric(1n, 0) : Numeric.NaN;
  const expInt = exp.unscaled % pow10(exp.scale) === 0n;
  if (base.isZero() && exp.sign() < 0) throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  if (base.sign() < 0 && !expInt) throw new SqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  const e = exp.unscaled / pow10(exp.scale);
  const weight = base.isZero() ? 0 : exp.toNumber() * Math.log10(Math.abs(base.toNumber()));
  if (weight > 131072 * 4) throw new SqlError(SqlState.NumericValueOutOfRange, 'value overflows numeric format');
  if (expInt && e >= -2147483648n && e <= 2147483647n) {
    const n = Number(e);
    const rscale = Math.min(MAX_DISPLAY_SCALE, Math.max(MIN_SIG_DIGITS, base.scale));
    if (n === 0) return new Numeric(pow10(rscale), rscale);
    const abs = Math.abs(n);
    if (abs * base.unscaled.toString().length <= 20000) {
      // base^|n| is exact: unscaled^|n| / 10^(scale·|n|).
      const p = new Numeric(base.unscaled ** BigInt(abs), base.scale * abs);
      return n > 0 ? p.round(rscale) : new Numeric(1n, 0).div(p, rscale);
    }
  }
  if (base.isZero()) return new Numeric(0n, Math.max(MIN_SIG_DIGITS, base.scale, exp.scale));
  const mag = numericPowerFractional(base.sign() < 0 ? base.neg() : base, exp);
  return base.sign() < 0 && e % 2n !== 0n ? mag.neg() : mag;
}

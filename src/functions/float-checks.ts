// Float results checked as PostgreSQL checks them: an infinite result from finite inputs is an
// overflow, a zero result from a non-zero input an underflow (22003), and powers that have no
// real value are 2201F errors.

import { SqlError, SqlState } from '../errors.js';

const overflow = () => new SqlError(SqlState.NumericValueOutOfRange, 'value out of range: overflow');
const underflow = () => new SqlError(SqlState.NumericValueOutOfRange, 'value out of range: underflow');

/** float8 ^ float8 and power(float8, float8), with PostgreSQL's dpow errors. */
export function checkedPow(x: number, y: number): number {
  if (x === 0 && y < 0) throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  if (x < 0 && Number.isFinite(y) && !Number.isInteger(y)) throw new SqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  // PostgreSQL follows POSIX pow(): 1 ^ anything and anything ^ 0 are 1, even with NaN.
  if (x === 1 || y === 0) return 1;
  const r = Math.pow(x, y);
  if (!Number.isFinite(r) && !Number.isNaN(r) && Number.isFinite(x) && Number.isFinite(y)) throw overflow();
  if (r === 0 && x !== 0 && Number.isFinite(x) && Number.isFinite(y)) throw underflow();
  return r;
}

export function checkedExp(x: number): number {
  const r = Math.exp(x);
  if (r === Infinity && Number.isFinite(x)) throw overflow();
  if (r === 0 && Number.isFinite(x)) throw underflow();
  return r;
}

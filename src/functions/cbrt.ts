// Cube root computed as glibc's cbrt() does it (sysdeps/ieee754/dbl-64/s_cbrt.c: a polynomial
// first guess refined by one Halley step), because PostgreSQL's cbrt() and ||/ call the C
// library and its last digit differs from a correctly rounded cube root (cbrt(27) is
// 3.0000000000000004 there). Math.cbrt would print different digits.

const CBRT2 = 1.2599210498948731648;
const SQR_CBRT2 = 1.5874010519681994748;
const FACTOR = [1.0 / SQR_CBRT2, 1.0 / CBRT2, 1.0, CBRT2, SQR_CBRT2];

const view = new DataView(new ArrayBuffer(8));

/** frexp: x = m · 2^e with 0.5 ≤ |m| < 1 (x finite and non-zero). */
function frexp(x: number): [number, number] {
  view.setFloat64(0, x);
  let hi = view.getUint32(0);
  let exp = (hi >>> 20) & 0x7ff;
  let scale = 0;
  if (exp === 0) { // subnormal: normalise first
    view.setFloat64(0, x * 2 ** 54);
    hi = view.getUint32(0);
    exp = (hi >>> 20) & 0x7ff;
    scale = -54;
  }
  view.setUint32(0, (hi & 0x800fffff) | (1022 << 20));
  return [view.getFloat64(0), exp - 1022 + scale];
}

export function glibcCbrt(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x + x;
  const [xm, xe] = frexp(Math.abs(x));
  const u = 0.354895765043919860 + ((1.50819193781584896 + ((-2.11499494167371287 + ((2.44693122563534430 +
    ((-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm)) * xm)) * xm)) * xm);
  const t2 = u * u * u;
  const ym = ((u * (t2 + 2.0 * xm)) / (2.0 * t2 + xm)) * FACTOR[2 + (xe % 3)];
  return (x > 0 ? ym : -ym) * 2 ** Math.trunc(xe / 3);
}

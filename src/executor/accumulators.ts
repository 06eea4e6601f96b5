// Aggregate accumulators: one small object per group and aggregate. Results follow PostgreSQL:
// sum of integers is exact (bigint/numeric), avg is numeric for exact inputs, min/max of text
// compare by code point, and an aggregate over no rows is NULL (count: 0).

import { SqlError, SqlState } from '../errors.js';
import type { DataType } from '../types/datatype.js';
import type { Datum } from '../types/value.js';
import { compareDatum } from '../types/value.js';
import { Numeric, pow10, selectDivScale } from '../types/numeric.js';
import { Interval } from '../types/datetime.js';
import type { AggCall } from '../plan/logical.js';
import { checkInt8 } from '../functions/cast.js';
import { toJsonText } from '../functions/json.js';
import { canonicalJsonb, formatText } from '../types/text-io.js';

export interface Accumulator {
  add(args: Datum[]): void;
  result(): Datum;
}

function argType(call: AggCall, i: number): DataType { return call.args[i].type; }

export function createAccumulator(call: AggCall, timeZone: string): Accumulator {
  const t0 = call.args[0]?.type;
  const id = t0 && t0.kind === 'scalar' ? t0.id : undefined;
  switch (call.kind) {
    case 'count_star': { let n = 0; return { add: () => { n++; }, result: () => BigInt(n) }; }
    case 'count': { let n = 0; return { add: (a) => { if (a[0] !== null) n++; }, result: () => BigInt(n) }; }
    case 'sum': case 'avg': {
      const avg = call.kind === 'avg';
      if (id === 'int2' || id === 'int4') {
        // Small integers: a float sum is exact below 2^53, then switch to bigint.
        let s = 0, big = 0n, n = 0;
        return {
          add: (a) => {
            if (a[0] === null) return;
            s += a[0] as number; n++;
            if (s > 9e15 || s < -9e15) { big += BigInt(s); s = 0; }
          },
          result: () => {
            if (n === 0) return null;
            const total = big + BigInt(s);
            return avg ? new Numeric(total, 0).div(Numeric.fromInt(n)) : total;
          },
        };
      }
      if (id === 'int8') {
        let s = 0n, n = 0;
        return {
          add: (a) => { if (a[0] !== null) { s += a[0] as bigint; n++; } },
          result: () => (n === 0 ? null : avg ? new Numeric(s, 0).div(Numeric.fromInt(n)) : new Numeric(s, 0)),
        };
      }
      if (id === 'numeric') {
        let s = new Numeric(0n, 0), n = 0;
        return {
          add: (a) => { if (a[0] !== null) { s = s.add(a[0] as Numeric); n++; } },
          result: () => (n === 0 ? null : avg ? s.div(Numeric.fromInt(n)) : s),
        };
      }
      if (id === 'interval') {
        let s = new Interval(0, 0, 0), n = 0;
        return {
          add: (a) => { if (a[0] !== null) { s = s.add(a[0] as Interval); n++; } },
          result: () => (n === 0 ? null : avg ? s.mulNumber(1 / n) : s),
        };
      }
      // float4/float8: sum(real) adds in single precision (float4pl), avg in double; both
      // report an infinite result from finite inputs as an overflow, as PostgreSQL does.
      // avg keeps PostgreSQL's float8_accum state (N, Σx, Youngs–Cramer Σ(x−mean)²), whose
      // overflow is an error even though avg does not return it.
      let s = 0, n = 0, sxx = 0;
      const f4 = id === 'float4' && !avg;
      return {
        add: (a) => {
          if (a[0] === null) return;
          const x = a[0] as number;
          const r = f4 ? Math.fround(s + x) : s + x;
          if (!Number.isFinite(r) && Number.isFinite(s) && Number.isFinite(x)) throw new SqlError(SqlState.NumericValueOutOfRange, 'value out of range: overflow');
          if (avg && n > 0) {
            const tmp = x * (n + 1) - r;
            const next = sxx + (tmp * tmp) / ((n + 1) * n);
            if (!Number.isFinite(next) && Number.isFinite(s) && Number.isFinite(x) && Number.isFinite(sxx)) throw new SqlError(SqlState.NumericValueOutOfRange, 'value out of range: overflow');
            sxx = next;
          }
          s = r; n++;
        },
        result: () => (n === 0 ? null : avg ? s / n : s),
      };
    }
    case 'min': case 'max': {
      const sign = call.kind === 'min' ? -1 : 1;
      let best: Datum = null;
      return {
        add: (a) => { const v = a[0]; if (v !== null && (best === null || compareDatum(v, best) * sign > 0)) best = v; },
        result: () => best,
      };
    }
    case 'bool_and': case 'every': {
      let r: boolean | null = null;
      return { add: (a) => { if (a[0] !== null) r = (r ?? true) && (a[0] as boolean); }, result: () => r };
    }
    case 'bool_or': {
      let r: boolean | null = null;
      return { add: (a) => { if (a[0] !== null) r = (r ?? false) || (a[0] as boolean); }, result: () => r };
    }
    case 'bit_and': case 'bit_or': {
      let r: number | bigint | null = null;
      const and = call.kind === 'bit_and';
      return {
        add: (a) => {
          const v = a[0] as number | bigint | null;
          if (v === null) return;
          if (r === null) r = v;
          else if (typeof v === 'bigint') r = and ? (r as bigint) & v : (r as bigint) | v;
          else r = and ? (r as number) & v : (r as number) | v;
        },
        result: () => r,
      };
    }
    case 'string_agg': {
      const parts: Datum[] = [];
      const bytes = id === 'bytea';
      return {
        add: (a) => { if (a[0] !== null) { if (parts.length) parts.push(a[1] ?? (bytes ? new Uint8Array() : '')); parts.push(a[0]); } },
        result: () => (parts.length === 0 ? null : bytes ? Buffer.concat(parts as Uint8Array[]) : (parts as string[]).join('')),
      };
    }
    case 'array_agg': {
      const items: Datum[] = [];
      return { add: (a) => { items.push(a[0]); }, result: () => (items.length ? items.slice() : null) };
    }
    case 'json_agg': case 'jsonb_agg': {
      const items: string[] = [];
      const t = argType(call, 0);
      const ctx = { timeZone };
      return {
        add: (a) => { items.push(toJsonText(a[0], t, ctx)); },
        result: () => (items.length === 0 ? null : call.kind === 'json_agg' ? '[' + items.join(', ') + ']' : canonicalJsonb(JSON.parse('[' + items.join(',') + ']'))),
      };
    }
    case 'json_object_agg': case 'jsonb_object_agg': {
      const parts: string[] = [];
      const kt = argType(call, 0), vt = argType(call, 1);
      const ctx = { timeZone };
      return {
        add: (a) => {
          if (a[0] === null) throw new SqlError(SqlState.InvalidParameterValue, 'field name must not be null');
          parts.push(JSON.stringify(formatText(a[0], kt, ctx)) + ' : ' + toJsonText(a[1], vt, ctx));
        },
        result: () => (parts.length === 0 ? null : call.kind === 'json_object_agg' ? '{ ' + parts.join(', ') + ' }' : canonicalJsonb(JSON.parse('{' + parts.join(',') + '}'))),
      };
    }
    case 'stddev': case 'stddev_samp': case 'stddev_pop': case 'variance': case 'var_samp': case 'var_pop':
      return varianceAccumulator(call.kind, id === 'float4' || id === 'float8');
  }
}

/** Variance by exact sums (numeric) or Welford's method (float), as PostgreSQL computes them. */
function varianceAccumulator(kind: string, float: boolean): Accumulator {
  const pop = kind.endsWith('_pop');
  const sqrt = kind.startsWith('stddev');
  if (float) {
    // Youngs–Cramer, step for step as PostgreSQL's float8_accum, so the rounding agrees.
    let n = 0, sx = 0, sxx = 0;
    return {
      add: (a) => {
        if (a[0] === null) return;
        const x = a[0] as number;
        const n0 = n;
        n += 1; sx += x;
        if (n0 > 0) {
          const tmp = x * n - sx;
          sxx += (tmp * tmp) / (n * n0);
        } else if (!Number.isFinite(x)) sxx = NaN;
      },
      result: () => {
        if (n === 0 || (!pop && n === 1)) return null;
        const v = sxx / (pop ? n : n - 1);
        return sqrt ? Math.sqrt(v) : v;
      },
    };
  }
  let n = 0;
  let sx = new Numeric(0n, 0), sxx = new Numeric(0n, 0);
  return {
    add: (a) => { if (a[0] === null) return; const x = a[0] as Numeric; n++; sx = sx.add(x); sxx = sxx.add(x.mul(x)); },
    result: () => {
      if (n === 0 || (!pop && n === 1)) return null;
      // PostgreSQL: (N·Σx² − (Σx)²) / (N·(N−1)) at select_div_scale, then sqrt at the same scale.
      const N = Numeric.fromInt(n);
      const num = N.mul(sxx).sub(sx.mul(sx));
      if (num.sign() <= 0) return new Numeric(0n, 0); // as PostgreSQL, also guarding a negative numerator
      const den = pop ? N.mul(N) : N.mul(Numeric.fromInt(n - 1));
      const rscale = selectDivScale(num, den);
      const v = num.div(den, rscale);
      return sqrt ? numericSqrt(v, rscale) : v;
    },
  };
}

/** √v rounded to `scale` digits. */
export function numericSqrt(v: Numeric, scale: number): Numeric {
  if (v.sign() < 0) throw new SqlError('2201F', 'cannot take square root of a negative number');
  // sqrt(u / 10^s) = sqrt(u · 10^(2·scale + 2 − s)) / 10^(scale + 1), then round the extra digit.
  const exp = 2 * scale + 2 - v.scale;
  const radicand = exp >= 0 ? v.unscaled * pow10(exp) : v.unscaled / pow10(-exp);
  const r = isqrt(radicand);
  return new Numeric(r, scale + 1).round(scale);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) { while (x * x > n) x--; while ((x + 1n) * (x + 1n) <= n) x++; return x; }
    x = y;
  }
}

export { checkInt8 };

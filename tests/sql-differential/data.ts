// The seeded data set both servers load for the differential tests: the same CREATE TABLE and
// INSERT statements go to Weir and to PostgreSQL, so any difference in a query's answer is a
// difference between the engines. Values are chosen to hit the edges: int extremes, numerics
// with many digits, float specials, text with quotes, unicode outside the BMP and empty strings,
// dates around leap days and month ends, and about one NULL in six.

import { rng } from '../support/rng.js';

export interface Generator {
  readonly rand: () => number;
  pick<T>(xs: readonly T[]): T;
  int(lo: number, hi: number): number;
  /** The literal, or NULL with probability `p`. */
  orNull(v: string, p?: number): string;
}

export function generator(seed: number): Generator {
  const rand = rng(seed);
  return {
    rand,
    pick: (xs) => xs[Math.floor(rand() * xs.length)],
    int: (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)),
    orNull: (v, p = 1 / 6) => (rand() < p ? 'NULL' : v),
  };
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

const INT2_EDGES = ['32767', '-32768', '0', '1', '-1'];
const INT4_EDGES = ['2147483647', '-2147483648', '0', '1', '-1', '1000000'];
const INT8_EDGES = ['9223372036854775807', '-9223372036854775808', '0', '-1', '4294967296', '1000000000000'];
const NUMERIC_EDGES = [
  '0', '1', '-1', '0.5', '-0.5', '2.5', '-2.5', '123456789012345678901234567890.123456789',
  '-0.000000000000000000012345', '99999999999999999999', '3.14159265358979323846264338327950288',
  '1e20', '-7.000', '0.10',
];
const FLOAT_EDGES = ['0', '-0', '0.1', '1e300', '-1.5e-300', '123456.789', '1e15', '1e16', '2.5', '-2.5', '3.0000000000000004'];
const TEXTS = [
  'alpha', 'Beta', 'gamma', 'ALPHA', 'a', 'ab', 'abc', '', ' padded ', "it's", '"dq"', 'back\\slash',
  'héllo', 'Ωmega', '日本語', 'emoji 🙂', 'ｆｕｌｌ', '100%', 'under_score', 'a%b_c', 'x-y-z', 'tab\there',
  'line\nbreak', 'MiXeD CaSe', 'z', 'Z', '0', '10', '9', 'abc123', 'a,b,c', 'foo.bar', 'FOO', 'foobar',
];
const DATES = ['2024-02-29', '2024-03-01', '2023-12-31', '2000-01-01', '1999-12-31', '2024-01-31', '1970-01-01', '2021-06-15', '2038-01-19', '1900-02-28'];
const TIMES = ['00:00:00', '12:34:56', '23:59:59.999999', '06:07:08.5', '18:00:00.123', '01:02:03'];

/** Statements that create and fill the differential tables, identical for both servers. */
export function dataStatements(seed: number): string[] {
  const g = generator(seed);
  const out: string[] = [];
  out.push(`CREATE TABLE nums (id int PRIMARY KEY, g int, i2 smallint, i4 int, i8 bigint, n numeric, n2 numeric(12,4), f8 float8, f4 real, b bool)`);
  const nums: string[] = [];
  for (let id = 1; id <= 48; id++) {
    const small = () => String(g.int(-50, 50));
    nums.push(`(${[
      id,
      g.orNull(String(g.int(0, 4))),
      g.orNull(g.rand() < 0.2 ? g.pick(INT2_EDGES) : small()),
      g.orNull(g.rand() < 0.15 ? g.pick(INT4_EDGES) : String(g.int(-1000, 1000))),
      g.orNull(g.rand() < 0.2 ? g.pick(INT8_EDGES) : String(g.int(-100000, 100000))),
      g.orNull(g.rand() < 0.4 ? g.pick(NUMERIC_EDGES) : (g.rand() * 2000 - 1000).toFixed(g.int(0, 6))),
      g.orNull((g.rand() * 20000 - 10000).toFixed(g.int(0, 4))),
      g.orNull(g.rand() < 0.3 ? g.pick(FLOAT_EDGES) : String(Math.round((g.rand() * 200 - 100) * 1000) / 1000)),
      g.orNull(String(Math.round((g.rand() * 100 - 50) * 100) / 100)),
      g.orNull(g.rand() < 0.5 ? 'true' : 'false'),
    ].join(', ')})`);
  }
  out.push(`INSERT INTO nums VALUES ${nums.join(',\n')}`);

  out.push(`CREATE TABLE strs (id int PRIMARY KEY, g int, s text, v varchar(20), t text, b bool)`);
  const strs: string[] = [];
  for (let id = 1; id <= 40; id++) {
    const s = id <= TEXTS.length ? TEXTS[id - 1] : g.pick(TEXTS);
    strs.push(`(${[
      id, g.orNull(String(g.int(0, 4))), g.orNull(quote(s), 0.1), g.orNull(quote(g.pick(TEXTS).slice(0, 20))),
      g.orNull(quote(g.pick(['a', 'b', 'c', 'A', 'B']) + g.pick(['', 'x', 'y', 'xy']))), g.orNull(g.rand() < 0.5 ? 'true' : 'false'),
    ].join(', ')})`);
  }
  out.push(`INSERT INTO strs VALUES ${strs.join(',\n')}`);

  out.push(`CREATE TABLE times (id int PRIMARY KEY, g int, d date, ts timestamp, tz timestamptz, iv interval)`);
  const times: string[] = [];
  for (let id = 1; id <= 30; id++) {
    const d = g.rand() < 0.5 ? g.pick(DATES) : `20${String(g.int(10, 30))}-${String(g.int(1, 12)).padStart(2, '0')}-${String(g.int(1, 28)).padStart(2, '0')}`;
    times.push(`(${[
      id, g.orNull(String(g.int(0, 4))), g.orNull(quote(d)), g.orNull(quote(`${g.pick(DATES)} ${g.pick(TIMES)}`)),
      g.orNull(quote(`${g.pick(DATES)} ${g.pick(TIMES)}+00`)),
      g.orNull(quote(g.pick(['1 day', '2 hours', '1 mon 3 days', '-1 day 02:00:00', '00:00:01.5', '1 year 2 mons', '36 hours', '0']))),
    ].join(', ')})`);
  }
  out.push(`INSERT INTO times VALUES ${times.join(',\n')}`);

  // Two small relations with overlapping keys (and NULL keys) for joins and set operations.
  out.push(`CREATE TABLE l (id int PRIMARY KEY, k int, lv text, amt numeric(10,2))`);
  out.push(`CREATE TABLE r (id int PRIMARY KEY, k int, rv text, qty int)`);
  const ls: string[] = [];
  const rs: string[] = [];
  for (let id = 1; id <= 20; id++) {
    ls.push(`(${id}, ${g.orNull(String(g.int(0, 7)), 0.15)}, ${g.orNull(quote(`l${g.int(0, 5)}`))}, ${g.orNull((g.rand() * 1000).toFixed(2))})`);
    rs.push(`(${id}, ${g.orNull(String(g.int(3, 10)), 0.15)}, ${g.orNull(quote(`r${g.int(0, 5)}`))}, ${g.orNull(String(g.int(-5, 50)))})`);
  }
  out.push(`INSERT INTO l VALUES ${ls.join(', ')}`);
  out.push(`INSERT INTO r VALUES ${rs.join(', ')}`);

  // A tree for recursive CTEs.
  out.push(`CREATE TABLE tree (id int PRIMARY KEY, parent int, name text)`);
  const tree: string[] = ['(1, NULL, \'root\')'];
  for (let id = 2; id <= 25; id++) tree.push(`(${id}, ${g.int(1, id - 1)}, 'n${id}')`);
  out.push(`INSERT INTO tree VALUES ${tree.join(', ')}`);
  return out;
}

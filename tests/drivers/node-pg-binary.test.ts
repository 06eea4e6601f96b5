// node-postgres with binary results (`binary: true`): every supported type, and its edge values,
// is fetched from Weir and from a real PostgreSQL 15; the raw bytes, the values node-postgres
// parses from them and the RowDescription (type OID, format) must be the same.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startBoth, type BothServers } from './support.js';
import { TYPED_VALUES } from './values.js';

let both: BothServers;
let weir: pg.Client;
let real: pg.Client;

/**
 * Keeps the raw bytes next to what node-postgres's own parser makes of them. pg-protocol decodes
 * every field as UTF-8 before pg sees it, so bytes that are not UTF-8 (0xFF in a NULL element's
 * length, for one) arrive replaced by U+FFFD; such values are compared by their (equally
 * replaced) bytes only, since pg's binary parsers cannot read them.
 */
const rawAndParsed = {
  getTypeParser(oid: number, format?: string) {
    const parse = pg.types.getTypeParser(oid, (format ?? 'text') as 'text') as (x: unknown) => unknown;
    return (v: unknown) => {
      const lossy = Buffer.isBuffer(v) && v.toString('utf8').includes('\uFFFD');
      return { raw: Buffer.isBuffer(v) ? v.toString('hex') : v, parsed: lossy ? 'not UTF-8 safe' : normalise(parse(v)) };
    };
  },
};

function normalise(v: unknown): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.map(normalise);
  return v;
}

async function fetch(c: pg.Client, text: string, values: unknown[] = []): Promise<unknown> {
  try {
    const r = await c.query({ text, values, binary: true, queryMode: 'extended', types: rawAndParsed } as pg.QueryConfig);
    return { fields: r.fields.map((f) => [f.name, f.dataTypeID, f.format]), rows: r.rows };
  } catch (e) {
    return { error: (e as { code?: string }).code, message: (e as Error).message };
  }
}

beforeAll(async () => {
  both = await startBoth();
  weir = await both.weir.client();
  real = new pg.Client({ host: '127.0.0.1', port: both.real.port, user: 'weir', database: 'weir' });
  await real.connect();
  for (const c of [weir, real]) await c.query(`SET TimeZone = 'UTC'`);
}, 120_000);

afterAll(async () => {
  await real?.end();
  await both?.stop();
});

describe('node-postgres binary results match PostgreSQL', () => {
  it.each(TYPED_VALUES)('SELECT %s', async (expr) => {
    const sql = `SELECT ${expr} AS v`;
    const expected = await fetch(real, sql);
    expect(expected).not.toHaveProperty('error');
    expect(await fetch(weir, sql)).toEqual(expected);
  });

  it('binary results of a table scan with bound parameters, including a binary bytea parameter', async () => {
    const ddl = `CREATE TABLE bin_rt (id int PRIMARY KEY, b bool, s int2, i int4, l int8, f float4, d float8, n numeric(12,3),
      t text, v varchar(8), by bytea, dt date, tm time, ts timestamp, tz timestamptz, iv interval, u uuid, j json, jb jsonb, arr int4[], tarr text[])`;
    const insert = `INSERT INTO bin_rt VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`;
    const params = [1, true, -7, 123456, '-9007199254740993', 0.25, -1.5e10, '-12.5', 'tëxt', 'vc', Buffer.from([0, 1, 254, 255]),
      '2023-07-08', '12:34:56.5', '2023-07-08 09:10:11.25', '2023-07-08 09:10:11.25+02', '1 mon 2 days 00:00:03', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      '{"k": [1, 2]}', '{"k": [1, 2]}', '{1,NULL,3}', '{"a b",c}'];
    for (const c of [weir, real]) {
      await c.query(ddl);
      await c.query(insert, params);
      await c.query(insert, [2, ...params.slice(1).map(() => null)]);
    }
    const sql = 'SELECT * FROM bin_rt WHERE id >= $1 ORDER BY id';
    expect(await fetch(weir, sql, [1])).toEqual(await fetch(real, sql, [1]));
  });
});

/** A binary array value as array_send writes it: one dimension, lower bound 1. */
function int4ArrayBytes(items: (number | null)[], declaredLength = items.length): Buffer {
  const head = Buffer.alloc(20);
  head.writeInt32BE(1, 0);
  head.writeInt32BE(items.includes(null) ? 1 : 0, 4);
  head.writeUInt32BE(23, 8);
  head.writeInt32BE(declaredLength, 12);
  head.writeInt32BE(1, 16);
  const parts = [head];
  for (const x of items) {
    const b = Buffer.alloc(x === null ? 4 : 8);
    b.writeInt32BE(x === null ? -1 : 4, 0);
    if (x !== null) b.writeInt32BE(x, 4);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

// node-postgres sends a Buffer parameter in binary format (format code 1), whatever its type.
const BINARY_PARAMS: [string, Buffer][] = [
  ['SELECT $1::int4 AS v', Buffer.from([0, 0, 1, 0])],
  ['SELECT $1::int4 AS v', Buffer.from([0, 0, 1])],
  ['SELECT $1::int8 AS v', Buffer.from([0, 0, 0, 1])],
  ['SELECT $1::float8 AS v', Buffer.from([0x3f, 0xf8, 0, 0, 0, 0, 0, 0])],
  ['SELECT $1::bool AS v', Buffer.from([1, 0])],
  ['SELECT $1::uuid AS v', Buffer.alloc(15)],
  ['SELECT $1::date AS v', Buffer.from([0, 0, 0x1f, 0x40])],
  ['SELECT $1::timestamp AS v', Buffer.alloc(4)],
  ['SELECT $1::jsonb AS v', Buffer.from('\x01{"a": [1, 2]}')],
  ['SELECT $1::jsonb AS v', Buffer.from('\x02{}')],
  ['SELECT $1::int4[] AS v', int4ArrayBytes([1, null, 3])],
  ['SELECT $1::int4[] AS v', int4ArrayBytes([1, 2], 5)],
  ['SELECT $1::int4[] AS v', Buffer.alloc(6)],
  ['SELECT $1::text[] AS v', int4ArrayBytes([1])],
  ['SELECT $1::numeric AS v', Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 7])],
  ['SELECT $1::numeric AS v', Buffer.from([0, 3, 0, 0, 0, 0, 0, 0, 0, 7])],
];

describe('binary parameters, well-formed and malformed, as PostgreSQL takes them', () => {
  it.each(BINARY_PARAMS)('%s with %o', async (sql, bytes) => {
    const expected = await fetch(real, sql, [bytes]);
    const actual = await fetch(weir, sql, [bytes]);
    // Messages differ between servers; the SQLSTATE and any result must not.
    const strip = (r: unknown) => (r && typeof r === 'object' && 'error' in r ? { error: (r as { error: unknown }).error } : r);
    expect(strip(actual)).toEqual(strip(expected));
    expect((await weir.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

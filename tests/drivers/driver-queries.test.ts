// The SQL that drivers send and that Weir learned for them, compared with PostgreSQL 15: composite
// results of information_schema._pg_expandarray and field selection (pgjdbc getPrimaryKeys),
// oid compared with a bigint parameter (pgjdbc's type cache), a time literal carrying a zone
// (pgjdbc setTime), the quoted "char" type, and the constraint views of information_schema.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startBoth, type BothServers } from './support.js';

const SETUP = `
CREATE TABLE dq_orders (order_id int, line int, qty int2 NOT NULL, PRIMARY KEY (order_id, line));
CREATE TABLE dq_plain (v text);
`;

const QUERIES: [string, unknown[]][] = [
  [`SELECT information_schema._pg_expandarray(ARRAY[5, 6]) AS r, (information_schema._pg_expandarray(ARRAY[5, 6])).n`, []],
  [`SELECT * FROM information_schema._pg_expandarray(ARRAY['a', 'b c', NULL]::text[])`, []],
  [`SELECT x, n FROM information_schema._pg_expandarray(ARRAY[10, 20]) WITH ORDINALITY AS e(x, n, o) ORDER BY o DESC`, []],
  [`SELECT (k).x, (k).n FROM (SELECT information_schema._pg_expandarray(ARRAY[7, 8]) AS k) s ORDER BY 2`, []],
  [`SELECT information_schema._pg_expandarray(ARRAY['(', '', ' ', 'a"b', NULL]::text[])`, []],
  [`SELECT result.column_name, result.key_seq FROM (SELECT a.attname AS column_name, (information_schema._pg_expandarray(i.indkey)).n AS key_seq,
      information_schema._pg_expandarray(i.indkey) AS keys, a.attnum AS a_attnum
    FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_attribute a ON ct.oid = a.attrelid JOIN pg_catalog.pg_index i ON a.attrelid = i.indrelid
    WHERE ct.relname = 'dq_orders' AND i.indisprimary) result WHERE result.a_attnum = (result.keys).x ORDER BY result.key_seq`, []],
  [`SELECT (1).x`, []],
  [`SELECT (information_schema._pg_expandarray(ARRAY[1])).nosuch`, []],
  [`SELECT typname FROM pg_catalog.pg_type WHERE oid = $1`, [BigInt(1700)]],
  [`SELECT count(*) FROM pg_catalog.pg_type WHERE oid IN (23::int8, 25)`, []],
  [`SELECT '13:45:06+00'::time, '13:45:06.5-08:00'::time, '01:02'::time`, []],
  [`SELECT '13:45:06 nonsense'::time`, []],
  [`SELECT 'x'::"char", pg_typeof('x'::"char")::text, 'ab'::char(3), pg_typeof('a'::char)::text`, []],
  [`SELECT constraint_type, count(*) FROM information_schema.table_constraints WHERE table_name LIKE 'dq%' GROUP BY 1 ORDER BY 1`, []],
  [`SELECT table_name, column_name, ordinal_position, position_in_unique_constraint FROM information_schema.key_column_usage WHERE table_name LIKE 'dq%' ORDER BY 1, 3`, []],
  [`SELECT table_name, column_name, constraint_name FROM information_schema.constraint_column_usage WHERE table_name LIKE 'dq%' ORDER BY 1, 2`, []],
  [`SELECT column_name, datetime_precision FROM information_schema.columns WHERE table_name = 'dq_orders' ORDER BY ordinal_position`, []],
];

let both: BothServers;
let weir: pg.Client;
let real: pg.Client;

async function answer(c: pg.Client, text: string, values: unknown[]): Promise<unknown> {
  try {
    const r = await c.query({ text, values, rowMode: 'array' });
    return { columns: r.fields.map((f) => [f.name, f.dataTypeID]), rows: r.rows };
  } catch (e) {
    return { error: (e as { code?: string }).code };
  }
}

beforeAll(async () => {
  both = await startBoth();
  weir = await both.weir.client();
  real = new pg.Client({ host: '127.0.0.1', port: both.real.port, user: 'weir', database: 'weir' });
  await real.connect();
  for (const c of [weir, real]) await c.query(SETUP);
}, 120_000);

afterAll(async () => {
  await real?.end();
  await both?.stop();
});

describe('driver SQL matches PostgreSQL', () => {
  it.each(QUERIES)('%s', async (sql, values) => {
    expect(await answer(weir, sql, values)).toEqual(await answer(real, sql, values));
  });

  it('the session stays usable after those errors', async () => {
    await expect(weir.query('SELECT (1).x')).rejects.toMatchObject({ code: '42809' });
    expect((await weir.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

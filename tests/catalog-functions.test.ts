// Catalog functions, reg* casts and information_schema queried over the wire in Weir and in a real
// PostgreSQL 15 with the same schema: rows, column names and result type OIDs must be the same.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { startPostgres, type RealPostgres } from './support/postgres.js';
import { psql } from './support/psql.js';

const SCHEMA = `
CREATE TABLE orders (id serial PRIMARY KEY, customer varchar(40) NOT NULL, amount numeric(10,2) DEFAULT 0, note text, created timestamptz DEFAULT now());
CREATE TABLE items (order_id int NOT NULL, line int NOT NULL, qty smallint, PRIMARY KEY (order_id, line));
COMMENT ON TABLE orders IS 'customer orders';
COMMENT ON COLUMN orders.customer IS 'who ordered';
CREATE VIEW big_orders AS SELECT id, customer FROM orders WHERE amount > 100;
CREATE SCHEMA sales;
CREATE TABLE sales.regions (code char(2) PRIMARY KEY, name text NOT NULL);
`;

let weir: TestServer;
let real: RealPostgres;
let w: pg.Client;
let p: pg.Client;

beforeAll(async () => {
  weir = await startServer();
  real = await startPostgres();
  const setup = await psql(real.port, ['-d', 'postgres', '-c', 'CREATE ROLE weir SUPERUSER LOGIN', '-c', 'CREATE DATABASE weir OWNER weir'], undefined, { user: 'postgres' });
  expect(setup.stderr).toBe('');
  w = await weir.client();
  p = new pg.Client({ host: '127.0.0.1', port: real.port, user: 'weir', database: 'weir' });
  await p.connect();
  for (const c of [w, p]) await c.query(SCHEMA);
}, 120_000);

afterAll(async () => {
  await p?.end();
  await weir?.stop();
  real?.stop();
});

async function run(c: pg.Client, sql: string): Promise<unknown> {
  try {
    const r = await c.query({ text: sql, rowMode: 'array' });
    return { columns: r.fields.map((f) => [f.name, f.dataTypeID]), rows: r.rows };
  } catch (e) {
    return { error: (e as { code?: string }).code };
  }
}

const QUERIES = [
  `SELECT 'orders'::regclass, 'sales.regions'::regclass, 'orders_pkey'::regclass, 'pg_class'::regclass, 'pg_catalog.pg_type'::regclass`,
  `SELECT 'orders'::regclass::text, 'orders'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 'orders')`,
  `SELECT 'pg_class'::regclass::oid, 'pg_namespace'::regclass::oid, 'pg_attribute'::regclass::oid, 'pg_type'::regclass::oid`,
  `SELECT 23::regtype, 1043::regtype, 1015::regtype, 'int4'::regtype, 'character varying'::regtype, 'integer[]'::regtype, 1700::regtype::text`,
  `SELECT 'nosuch'::regclass`,
  `SELECT 'nosuch'::regtype`,
  `SELECT to_regclass('nosuch'), to_regclass('orders'), to_regtype('bigint')`,
  `SELECT 'sales'::regnamespace, 'sales'::regnamespace::oid = (SELECT oid FROM pg_namespace WHERE nspname = 'sales')`,
  `SELECT format_type(1043, 44), format_type(1700, 655366), format_type(23, NULL), format_type(1015, NULL), format_type(1184, -1), format_type(1042, 6)`,
  `SELECT pg_get_indexdef('orders_pkey'::regclass), pg_get_indexdef('items_pkey'::regclass, 2, true)`,
  `SELECT conname, contype, pg_get_constraintdef(oid), conkey FROM pg_constraint WHERE conrelid = 'items'::regclass`,
  `SELECT adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'orders'::regclass ORDER BY adnum`,
  `SELECT obj_description('orders'::regclass, 'pg_class'), obj_description('items'::regclass), col_description('orders'::regclass, 2), col_description('orders'::regclass, 1)`,
  `SELECT description, objsubid FROM pg_description WHERE objoid = 'orders'::regclass ORDER BY objsubid`,
  `SELECT current_database(), current_schema(), current_schemas(false), current_user, session_user`,
  `SELECT pg_table_is_visible('orders'::regclass), pg_table_is_visible('sales.regions'::regclass), pg_table_is_visible('pg_class'::regclass)`,
  `SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'orders'`,
  `SELECT has_table_privilege('orders', 'SELECT'), has_schema_privilege('public', 'USAGE'), has_database_privilege('weir', 'CONNECT')`,
  `SELECT current_setting('search_path'), current_setting('nosuch.setting', true)`,
  `SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(orders)$' COLLATE pg_catalog.default`,
  `SELECT relname, relkind, relnatts, relhasindex, relam = (SELECT oid FROM pg_am WHERE amname = 'heap') FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1`,
  `SELECT indexrelid::regclass, indrelid::regclass, indisprimary, indisunique, indnatts FROM pg_index WHERE indrelid IN ('orders'::regclass, 'items'::regclass) ORDER BY 1::text`,
  `SELECT attname, atttypid::regtype, atttypmod, attnum, attnotnull, atthasdef, attstorage FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attnum > 0 ORDER BY attnum`,
  `SELECT typname, typlen, typbyval, typtype, typcategory, typstorage, typalign, typelem, typarray, typinput FROM pg_type WHERE oid IN (16, 20, 23, 25, 1043, 1700, 1184, 2950, 1007) ORDER BY oid`,
  `SELECT pg_get_serial_sequence('orders', 'id'), pg_get_serial_sequence('orders', 'customer')`,
  `SELECT seqtypid::regtype, seqstart, seqmax FROM pg_sequence WHERE seqrelid = 'orders_id_seq'::regclass`,
  `SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  `SELECT column_name, ordinal_position, data_type, is_nullable, column_default, character_maximum_length, numeric_precision, numeric_scale, udt_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position`,
  `SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT LIKE 'pg_toast%' ORDER BY 1`,
  `SELECT table_name FROM information_schema.views WHERE table_schema = 'public'`,
  `SELECT json_build_object('a', 1, 'b', 'x')::text, version() LIKE 'PostgreSQL 15%', pg_backend_pid() > 0`,
  `SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE rolname = current_user`,
  `SELECT datname, pg_encoding_to_char(encoding), datcollate FROM pg_database WHERE datname = current_database()`,
  `SELECT amname, amtype FROM pg_am WHERE amname IN ('heap', 'btree') ORDER BY 1`,
  `SELECT spcname FROM pg_tablespace ORDER BY 1`,
  `SELECT count(*) FROM pg_policy`,
];

describe('catalog functions and casts answer as PostgreSQL does', () => {
  for (const sql of QUERIES) {
    it(sql, async () => {
      const [a, b] = [await run(w, sql), await run(p, sql)];
      expect(a).toEqual(b);
    });
  }

  it('regclass output follows search_path', async () => {
    for (const c of [w, p]) await c.query(`SET search_path = sales, public`);
    const sql = `SELECT 'regions'::regclass, 'public.orders'::regclass, 'sales.regions'::regclass::text`;
    expect(await run(w, sql)).toEqual(await run(p, sql));
    for (const c of [w, p]) await c.query(`RESET search_path`);
  });
});

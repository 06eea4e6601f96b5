// psql's describe commands against Weir and a real PostgreSQL 15 holding the same schema: the
// real psql binary runs each command on both and the outputs must match, after normalizing only
// what must differ (the other databases and roles a PostgreSQL cluster has, schema owners, sizes).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';
import { startPostgres, type RealPostgres } from './support/postgres.js';
import { psql } from './support/psql.js';

const SCHEMA = `
CREATE TABLE orders (id serial PRIMARY KEY, customer varchar(40) NOT NULL, amount numeric(10,2) DEFAULT 0, note text DEFAULT 'none',
  created timestamptz DEFAULT now(), flag boolean NOT NULL DEFAULT true, qty int DEFAULT -1);
CREATE TABLE items (order_id int NOT NULL, line int NOT NULL, qty smallint, price double precision, PRIMARY KEY (order_id, line));
COMMENT ON TABLE orders IS 'customer orders';
COMMENT ON COLUMN orders.customer IS 'who ordered';
CREATE VIEW big_orders AS SELECT id, customer, amount FROM orders WHERE amount > 100;
CREATE SCHEMA sales;
CREATE TABLE sales.regions (code char(2) PRIMARY KEY, name text NOT NULL, population bigint, label varchar);
INSERT INTO orders (customer, amount) VALUES ('ann', 150), ('bob', 5);
`;

let weir: TestServer;
let pg: RealPostgres;

beforeAll(async () => {
  weir = await startServer();
  pg = await startPostgres();
  // The PostgreSQL side gets a database and a superuser named like Weir's (weir); Weir's bootstrap
  // superuser has every role attribute, as PostgreSQL's initdb user does.
  const setup = await psql(pg.port, ['-d', 'postgres', '-c', 'CREATE ROLE weir SUPERUSER CREATEROLE CREATEDB REPLICATION BYPASSRLS LOGIN', '-c', 'CREATE DATABASE weir OWNER weir'], undefined, { user: 'postgres' });
  expect(setup.stderr).toBe('');
  for (const port of [weir.port, pg.port]) {
    const r = await psql(port, ['-q', '-f', '-'], SCHEMA);
    expect(r.stderr).toBe('');
  }
}, 120_000);

afterAll(async () => {
  await weir?.stop();
  pg?.stop();
});

async function both(args: string[]): Promise<[string, string]> {
  const [a, b] = await Promise.all([psql(weir.port, args), psql(pg.port, args)]);
  expect(a.stderr, `Weir stderr for ${args.join(' ')}`).toBe('');
  expect(b.stderr).toBe('');
  return [a.stdout, b.stdout];
}

describe('psql describe commands print what PostgreSQL prints', () => {
  const exact = ['\\d', '\\dt', '\\dv', '\\dm', '\\ds', '\\di', '\\dv+', '\\dT', '\\df', '\\d orders', '\\d+ orders', '\\d items', '\\d+ items',
    '\\d sales.regions', '\\d+ sales.regions', '\\d big_orders', '\\d+ big_orders', '\\d orders_pkey', '\\dt sales.*', '\\d nosuch'];
  for (const cmd of exact) {
    it(cmd, async () => {
      const [w, p] = await Promise.all([psql(weir.port, ['-c', cmd]), psql(pg.port, ['-c', cmd])]);
      expect(w.stderr).toBe(p.stderr);
      expect(w.stdout).toBe(p.stdout);
      expect(w.status).toBe(p.status);
    });
  }

  // Unaligned output (one row per line, fields split by |) so a normalized field does not shift columns.
  const rows = (out: string) => out.trim().split('\n');

  it('\\dn (public is owned by pg_database_owner in PostgreSQL, by the bootstrap user in Weir)', async () => {
    const [w, p] = await both(['-A', '-c', '\\dn']);
    const norm = (o: string) => rows(o).map((l) => l.replace(/^public\|.*$/, 'public|<owner>'));
    expect(norm(w)).toEqual(norm(p));
    expect(rows(w)).toContain('sales|weir');
  });

  it('\\l (Weir has the one database, PostgreSQL also postgres, template0 and template1)', async () => {
    const [w, p] = await both(['-A', '-c', '\\l']);
    const norm = (o: string) => rows(o).filter((l) => !/^(postgres|template[01])\||^ *postgres=CTc|^\(\d+ rows?\)$/.test(l));
    expect(norm(w)).toEqual(norm(p));
    expect(rows(w)).toContain('weir|weir|UTF8|C|C||libc|');
  });

  it('\\du (PostgreSQL also has its own superuser postgres)', async () => {
    const [w, p] = await both(['-A', '-c', '\\du']);
    const norm = (o: string) => rows(o).filter((l) => !l.startsWith('postgres|'));
    expect(norm(w)).toEqual(norm(p));
  });

  it('\\dt+ (table sizes differ: Weir does not store tables in 8 kB pages)', async () => {
    const [w, p] = await both(['-A', '-c', '\\dt+']);
    const norm = (o: string) => rows(o).map((l) => { const f = l.split('|'); if (f.length === 8 && f[0] !== 'Schema') f[6] = '<size>'; return f.join('|'); });
    expect(norm(w)).toEqual(norm(p));
    expect(rows(w)).toContain('public|orders|table|weir|permanent|heap|0 bytes|customer orders');
  });
});

describe('psql describe commands', () => {
  it('\\d+ of a table shows every column, default, comment and the primary key', async () => {
    const r = await psql(weir.port, ['-c', '\\d+ orders']);
    expect(r.stdout).toContain(`nextval('orders_id_seq'::regclass)`);
    expect(r.stdout).toContain(`'none'::text`);
    expect(r.stdout).toContain(`'-1'::integer`);
    expect(r.stdout).toContain('who ordered');
    expect(r.stdout).toContain('"orders_pkey" PRIMARY KEY, btree (id)');
  });

  it('\\d follows search_path', async () => {
    const r = await psql(weir.port, ['-c', 'SET search_path = sales, public', '-c', '\\dt']);
    expect(r.stdout).toContain(' sales  | regions | table | weir');
    expect(r.stdout).toContain(' public | orders  | table | weir');
  });
});

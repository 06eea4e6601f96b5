// CREATE SINK … WITH (connector = 'kafka' | 'postgres') over the wire: the changelog of a view
// reaches the external system — upserts and tombstones in Kafka, an upserted table in a real
// PostgreSQL — and what arrives equals the view's own contents after every round of changes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type TestServer } from '../support/server.js';
import { type RealPostgres, startPostgres } from '../support/postgres.js';
import { KAFKA_BOOTSTRAP, createTopic, readCommittedUntil, uniqueTopic } from '../support/kafka.js';

let srv: TestServer;
let c: pg.Client;
let pgs: RealPostgres;
let target: pg.Client;
beforeAll(async () => {
  srv = await startServer();
  c = await srv.client();
  pgs = await startPostgres();
  target = new pg.Client({ host: '127.0.0.1', port: pgs.port, user: pgs.user, database: 'postgres' });
  await target.connect();
});
afterAll(async () => { await target?.end(); pgs?.stop(); await srv?.stop(); });

/** The latest value per key of an upsert topic: the table it describes. */
function compact(msgs: { key: string | null; value: string | null }[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const x of msgs) { if (x.value === null) m.delete(x.key!); else m.set(x.key!, x.value); }
  return m;
}

describe('sinks over SQL', () => {
  it('keeps an upsert-json Kafka topic equal to a view through inserts, updates and deletes', async () => {
    const topic = uniqueTopic('totals');
    await createTopic(topic, 2);
    await c.query('CREATE TABLE sales (id int PRIMARY KEY, region text, amount int)');
    await c.query('CREATE MATERIALIZED VIEW totals AS SELECT region, sum(amount) AS total FROM sales GROUP BY region');
    await c.query(`CREATE SINK totals_out FROM totals WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', format = 'upsert-json')`);
    await c.query("INSERT INTO sales VALUES (1, 'north', 10), (2, 'south', 5), (3, 'north', 7), (4, 'east', 1)");
    await c.query('FLUSH');
    await c.query("UPDATE sales SET amount = 100 WHERE id = 2");
    await c.query("DELETE FROM sales WHERE region = 'east'");
    await c.query('FLUSH');
    const view = (await c.query('SELECT region, total FROM totals ORDER BY region')).rows.map((r: { region: string; total: string }) => [r.region, Number(r.total)]);
    expect(view).toEqual([['north', 17], ['south', 100]]);
    // Every record is keyed by region; tombstones removed east.
    const msgs = await readCommittedUntil(topic, 6, 4000);
    const table = [...compact(msgs)].map(([k, v]) => [(JSON.parse(k) as { region: string }).region, (JSON.parse(v) as { total: number }).total]).sort();
    expect(table).toEqual(view);
    expect(msgs.some((m) => m.value === null)).toBe(true);
  });

  it('splits a batch of wide rows into produce requests the broker accepts (over 1 MiB in one epoch)', async () => {
    const topic = uniqueTopic('wide');
    await createTopic(topic, 1);
    await c.query('CREATE TABLE wide (id int PRIMARY KEY, payload text)');
    await c.query(`CREATE SINK wide_out FROM wide WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', format = 'upsert-json')`);
    await c.query("INSERT INTO wide SELECT g, repeat(md5(g::text), 64) FROM generate_series(1, 3000) g"); // ~6 MB in one statement
    await c.query('FLUSH');
    const msgs = await readCommittedUntil(topic, 3000, 20_000);
    expect(msgs.length).toBe(3000);
    expect(new Set(msgs.map((m) => (JSON.parse(m.value!) as { id: number }).id)).size).toBe(3000);
    expect(((await c.query('SHOW JOBS')).rows as { name: string; status: string }[]).find((j) => j.name === 'wide_out')?.status).toBe('RUNNING');
  });

  it('upserts a view into a PostgreSQL table, deletes included', async () => {
    await target.query('CREATE TABLE counts (k int PRIMARY KEY, n bigint, last text)');
    await c.query('CREATE TABLE events (id int PRIMARY KEY, k int, note text)');
    await c.query(`CREATE SINK counts_out AS SELECT k, count(*) AS n, max(note) AS last FROM events GROUP BY k WITH (connector = 'postgres', url = 'postgres://${pgs.user}@127.0.0.1:${pgs.port}/postgres', table = 'counts')`);
    await c.query("INSERT INTO events SELECT g, g % 5, 'note ' || g FROM generate_series(1, 200) g");
    await c.query('FLUSH');
    await c.query('DELETE FROM events WHERE k = 3');
    await c.query("UPDATE events SET note = 'zz' WHERE id = 7");
    await c.query('FLUSH');
    const expected = (await c.query("SELECT k, count(*)::text AS n, max(note) AS last FROM events GROUP BY k ORDER BY k")).rows;
    const got = (await target.query('SELECT k, n::text AS n, last FROM counts ORDER BY k')).rows;
    expect(got).toEqual(expected);
    expect(got.map((r: { k: number }) => r.k)).toEqual([0, 1, 2, 4]);
  });

  it('refuses a sink configuration that would lose data, naming the problem', async () => {
    await expect(c.query(`CREATE SINK bad_pg FROM totals WITH (connector = 'postgres', url = 'postgres://x@127.0.0.1:1/db', table = 't', primary_key = 'nope')`)).rejects.toMatchObject({ code: '42703' });
    await expect(c.query(`CREATE SINK bad_kafka FROM totals WITH (connector = 'kafka', topic = 't', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', sink.delivery = 'twice')`)).rejects.toMatchObject({ code: '22023' });
    await expect(c.query(`CREATE SINK bad_conn FROM totals WITH (connector = 'carrier-pigeon')`)).rejects.toMatchObject({ code: '0A000' });
    expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});

// CREATE SOURCE … WITH (connector = 'kafka') over the wire: a materialized view over a topic
// follows what producers write (JSON and CSV), and bad options or a missing topic are reported
// with a SQLSTATE while the session stays usable.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { until } from '../support/until.js';
import { startServer, type TestServer } from '../support/server.js';
import { KAFKA_BOOTSTRAP, createTopic, produce, uniqueTopic } from '../support/kafka.js';

let srv: TestServer;
let c: pg.Client;
beforeAll(async () => { srv = await startServer(); c = await srv.client(); });
afterAll(async () => { await srv?.stop(); });

/** Poll a query until it returns `expected` (the source is asynchronous), failing after a generous bound. */
async function eventually(sql: string, expected: unknown[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown[] = [];
  while (Date.now() < deadline) {
    await c.query('FLUSH');
    last = (await c.query({ text: sql, rowMode: 'array' })).rows;
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(last).toEqual(expected);
}

describe('kafka sources in SQL', () => {
  it('maintains a view over a JSON topic as messages arrive', async () => {
    const topic = uniqueTopic('orders');
    await createTopic(topic, 3);
    await c.query(`CREATE SOURCE orders (id bigint, customer text, amount numeric) WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', scan.startup.mode = 'earliest', format = 'json')`);
    await c.query('CREATE MATERIALIZED VIEW spend AS SELECT customer, count(*) AS n, sum(amount) AS total FROM orders GROUP BY customer');
    const msgs = [];
    for (let i = 0; i < 300; i++) msgs.push({ key: String(i), value: JSON.stringify({ id: i, customer: `c${i % 3}`, amount: `${i}.25` }).replace(/"(\d+\.25)"/, '$1') });
    await produce(topic, msgs);
    // Expected from the data itself: customer c(k) gets every i ≡ k (mod 3).
    const expected = [0, 1, 2].map((k) => {
      const is = Array.from({ length: 100 }, (_, j) => 3 * j + k);
      return [`c${k}`, '100', (is.reduce((a, b) => a + b, 0) + 0.25 * 100).toFixed(2)];
    });
    await eventually('SELECT customer, n, total FROM spend ORDER BY customer', expected);
    await produce(topic, [{ value: '{"id": 1000, "customer": "c9", "amount": 9007199254740993.5}' }]);
    await eventually("SELECT total::text FROM spend WHERE customer = 'c9'", [['9007199254740993.5']]);
  });

  it('reads CSV topics', async () => {
    const topic = uniqueTopic('csv');
    await createTopic(topic, 1);
    await produce(topic, [{ value: '1,"hello, world",t' }, { value: '2,,f' }]);
    await c.query(`CREATE SOURCE csvs (id int, note text, ok boolean) WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', format = 'csv')`);
    await c.query('CREATE MATERIALIZED VIEW csv_all AS SELECT id, note, ok FROM csvs');
    await eventually('SELECT id, note, ok FROM csv_all ORDER BY id', [[1, 'hello, world', true], [2, null, false]]);
  });

  it('decodes only the columns a view reads: a bad value in another one does not stop it', async () => {
    const topic = uniqueTopic('pruned');
    await createTopic(topic, 1);
    await produce(topic, [
      { value: '{"id": 1, "at": "2026-12-07 10:00:00", "note": "a", "blob": "x"}' },
      { value: '{"id": 2, "at": "yesterday-ish", "note": "b", "blob": "y"}' },
    ]);
    await c.query(`CREATE SOURCE pruned (id bigint, at timestamp, note text, blob text) WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', scan.startup.mode = 'earliest', format = 'json')`);
    await c.query("CREATE MATERIALIZED VIEW pruned_v AS SELECT id, upper(note) AS note FROM pruned WHERE blob <> 'z'");
    await eventually('SELECT id, note FROM pruned_v ORDER BY id', [['1', 'A'], ['2', 'B']]);
  });

  it('rejects bad options with 22023 and keeps the session usable', async () => {
    await expect(c.query(`CREATE SOURCE bad1 (a int) WITH (connector = 'kafka', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}')`)).rejects.toMatchObject({ code: '22023' });
    await expect(c.query(`CREATE SOURCE bad2 (a int) WITH (connector = 'kafka', topic = 't', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', format = 'avro')`)).rejects.toMatchObject({ code: '22023' });
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('fails the job, not the server, when the topic does not exist', async () => {
    const topic = uniqueTopic('missing');
    await c.query(`CREATE SOURCE nowhere (a int) WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}')`);
    type Job = { status: string; error: string | null };
    const job = async (name: string) => (await c.query('SHOW JOBS')).rows.find((r: { name: string }) => r.name === name) as Job | undefined;
    // The reader finds out while CREATE waits for the first epoch (CREATE fails) or just after
    // (the job fails); without restarts it then stays FAILED. Either way the error names the topic.
    const created = await c.query("CREATE MATERIALIZED VIEW nowhere_v WITH (restart.strategy = 'none') AS SELECT count(*) FROM nowhere").then(() => null, (e: { code: string; message: string }) => e);
    if (created) expect(created).toMatchObject({ code: '42704', message: expect.stringMatching(/does not exist/) });
    else {
      const failed = await until(async () => { const j = await job('nowhere_v'); return j?.status === 'FAILED' && j; }, 'the job to fail', 20_000);
      expect(failed.error).toMatch(/42704.*does not exist/);
    }
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

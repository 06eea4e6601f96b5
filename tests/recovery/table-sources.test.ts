// Jobs over tables and views restore too. A table keeps no change history to rewind to, so a
// table source checkpoints the rows it delivered and, restored, delivers only what changed since.
// The user-visible promise: a sink FROM a view — the README's `CREATE SINK … FROM hot` — neither
// re-sends the view after a restart nor loses the changes made while the server was down, here
// checked on a Debezium Kafka changelog replayed strictly (a duplicate breaks the chain).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { freshDataDir, startChild, type ChildServer } from '../robustness/support/child-server.js';
import { KAFKA_BOOTSTRAP, createTopic, readCommitted, readCommittedUntil, uniqueTopic } from '../support/kafka.js';
import { replayDebezium } from '../support/debezium.js';
import { rng } from '../support/rng.js';
import { FAST_CHECKPOINTS, completedCheckpoints, sleep, until } from './support.js';

const dataDir = freshDataDir();
const topic = uniqueTopic('table-view-out');
let srv: ChildServer | null = null;
beforeAll(async () => { await createTopic(topic, 1); }, 60_000);
afterAll(async () => { await srv?.stop(); });

const VIEW = 'SELECT cust, count(*) AS n, sum(amount) AS total, max(amount) AS hi FROM orders GROUP BY cust';
const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => ({ cust: Number(r.cust), n: Number(r.n), total: Number(r.total), hi: Number(r.hi) })).sort((a, b) => a.cust - b.cust);

/** Every record the sink has committed to its topic so far. */
const published = () => readCommitted(topic);

/** Both jobs completed a checkpoint after everything up to now was flushed into them. */
async function checkpointedAfterFlush(c: pg.Client): Promise<void> {
  await c.query('FLUSH');
  const seen = await Promise.all(['per_cust', 'per_cust_out'].map(async (j) => Math.max(0, ...(await completedCheckpoints(c, j)))));
  await until(async () => (await Promise.all(['per_cust', 'per_cust_out'].map(async (j, i) => Math.max(0, ...(await completedCheckpoints(c, j))) > seen[i]))).every(Boolean), 'new checkpoints of both jobs').catch(async (e: Error) => { throw new Error(e.message + JSON.stringify((await c.query('SHOW JOBS')).rows) + JSON.stringify((await c.query('SHOW CHECKPOINTS')).rows.slice(-8))); });
}

describe('a sink FROM a view over a table, across kill -9', () => {
  it('publishes each change once: nothing re-sent after a restart, nothing lost while down', async () => {
    srv = await startChild({ dataDir });
    let c = await srv.client();
    await c.query('CREATE TABLE orders (id int PRIMARY KEY, cust int, amount int)');
    await c.query(`INSERT INTO orders SELECT g, g % 9, (g * 37) % 500 FROM generate_series(1, 300) AS g`);
    await c.query(`CREATE MATERIALIZED VIEW per_cust WITH (${FAST_CHECKPOINTS}) AS ${VIEW}`);
    await c.query(`CREATE SINK per_cust_out FROM per_cust WITH (connector = 'kafka', topic = '${topic}', properties.bootstrap.server = '${KAFKA_BOOTSTRAP}', format = 'debezium-json', ${FAST_CHECKPOINTS})`);
    await c.query('UPDATE orders SET amount = amount + 1 WHERE id % 4 = 0');
    await checkpointedAfterFlush(c);
    const before = await until(async () => {
      const msgs = await published();
      return msgs.length && JSON.stringify(sorted(replayDebezium(msgs))) === JSON.stringify(sorted((await c.query('SELECT * FROM per_cust')).rows)) ? msgs : undefined;
    }, 'the sink to publish the view');

    // A crash with nothing changing: after the restart the sink has nothing to say.
    srv.kill('SIGKILL');
    await srv.exit;
    srv = await startChild({ dataDir });
    c = await srv.client();
    await checkpointedAfterFlush(c);
    await sleep(500);
    // Watched for 3 s: nothing more is committed.
    expect((await readCommittedUntil(topic, before.length + 1, 3000)).length).toBe(before.length);

    // Changes made while no job runs (the server restarts with them in the table) arrive once.
    await c.query('DELETE FROM orders WHERE id % 10 = 3');
    srv.kill('SIGKILL');
    await srv.exit;
    srv = await startChild({ dataDir });
    c = await srv.client();

    // Crashes in the middle of a stream of inserts, updates and deletes.
    const random = rng(21);
    let nextId = 1000;
    for (let k = 0; k < 3; k++) {
      const writer = await srv.client();
      const writing = (async () => {
        for (;;) {
          const id = nextId++;
          await writer.query(`INSERT INTO orders VALUES (${id}, ${id % 9}, ${id % 300})`);
          await writer.query(`UPDATE orders SET amount = amount + 3 WHERE id = ${id - 7}`);
          if (id % 5 === 0) await writer.query(`DELETE FROM orders WHERE id = ${id - 20}`);
        }
      })().catch(() => undefined); // ends when the server dies under it
      await sleep(300 + Math.floor(random() * 900));
      srv.kill('SIGKILL');
      await srv.exit;
      await writing;
      srv = await startChild({ dataDir });
      c = await srv.client();
    }

    // The table is the truth (durable, whatever statement the crash cut short): the view equals
    // the batch query over it, and the strictly replayed changelog equals the view.
    await checkpointedAfterFlush(c);
    const truth = sorted((await c.query(VIEW)).rows);
    expect(sorted((await c.query('SELECT * FROM per_cust')).rows)).toEqual(truth);
    await until(async () => JSON.stringify(sorted(replayDebezium(await published()))) === JSON.stringify(truth), 'the changelog to reach the table', 60_000);
  }, 300_000);
});

// Failover inside a running server: a TaskManager worker thread dies under checkpointed jobs; the
// restart strategy restarts each job from its latest completed checkpoint (state, source
// position, sink transaction), SHOW JOBS counts the restart, and the results end up exactly as if
// nothing had happened — the view equal to a reference, the file sink's rows each written once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type pg from 'pg';
import { startServer, type TestServer } from '../support/server.js';
import { FAST_CHECKPOINTS, aggQuery, completedCheckpoints, createBidSource, expectSameAsUninterrupted, rowsQuery, until } from './support.js';

let srv: TestServer;
let c: pg.Client;
beforeAll(async () => {
  process.env.WEIR_TASK_MANAGERS = '2';
  srv = await startServer();
  c = await srv.client();
}, 60_000);
afterAll(async () => { await srv?.stop(); });

const job = async (name: string) => ((await c.query('SHOW JOBS')).rows as { name: string; status: string; restarts: number; error: string | null }[]).find((j) => j.name === name);

describe('a TaskManager crashes under checkpointed jobs', () => {
  it('restarts them from their latest checkpoints with exactly-once results', async () => {
    const sinkPath = join(srv.dataDir, 'rows.jsonl');
    const restart = "restart.strategy = 'fixed-delay', restart.delay = '200ms', parallelism = 2";
    await createBidSource(c, 'bid');
    await c.query(`CREATE MATERIALIZED VIEW agg WITH (${FAST_CHECKPOINTS}, ${restart}) AS ${aggQuery('bid')}`);
    await c.query(`CREATE SINK rows_out AS ${rowsQuery('bid')} WITH (connector = 'file', path = '${sinkPath}', ${FAST_CHECKPOINTS}, ${restart})`);
    await until(async () => (await completedCheckpoints(c, 'agg')).length > 1 && (await completedCheckpoints(c, 'rows_out')).length > 1, 'checkpoints');

    const runtime = srv.db.streaming.runtime!;
    runtime.taskManager(runtime.taskManagerIds()[0])!.killForTest();
    await until(async () => (await job('agg'))?.restarts === 1 && (await job('rows_out'))?.restarts === 1, 'both jobs to restart');
    for (const name of ['agg', 'rows_out']) {
      expect(await job(name)).toMatchObject({ status: 'RUNNING', restarts: 1, error: expect.stringMatching(/TaskManager .* (exited|crashed)/) });
    }
    await expectSameAsUninterrupted(c, 'agg', sinkPath);
  }, 240_000);
});

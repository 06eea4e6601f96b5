// A clean stop is not a cancellation: a server stopped with SIGTERM keeps its jobs' checkpoints
// (as Flink keeps them when its cluster shuts down), so after the restart every job continues
// from its latest checkpoint — numbering carries on, the view ends equal to a job that never
// stopped, and the file sink holds every row once — instead of starting over and writing its
// rows again.

import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { freshDataDir, startChild, type ChildServer } from '../robustness/support/child-server.js';
import { FAST_CHECKPOINTS, aggQuery, completedCheckpoints, createBidSource, expectSameAsUninterrupted, rowsQuery, until } from './support.js';

const dataDir = freshDataDir();
const sinkPath = join(dataDir, 'rows.jsonl');
let srv: ChildServer | null = null;
afterAll(async () => { await srv?.stop(); });

describe('SIGTERM and start again', () => {
  it('continues every job from its latest checkpoint', async () => {
    srv = await startChild({ dataDir });
    let c = await srv.client();
    await createBidSource(c, 'bid');
    await c.query(`CREATE MATERIALIZED VIEW agg WITH (${FAST_CHECKPOINTS}) AS ${aggQuery('bid')}`);
    await c.query(`CREATE SINK rows_out AS ${rowsQuery('bid')} WITH (connector = 'file', path = '${sinkPath}', ${FAST_CHECKPOINTS})`);
    await until(async () => (await completedCheckpoints(c, 'agg')).length > 2 && (await completedCheckpoints(c, 'rows_out')).length > 2, 'checkpoints');
    const last = Math.max(...(await completedCheckpoints(c, 'agg')));
    await c.end();
    srv.kill('SIGTERM');
    expect((await srv.exit).code).toBe(0);

    srv = await startChild({ dataDir });
    c = await srv.client();
    const after = await until(async () => { const ids = await completedCheckpoints(c, 'agg'); return ids.length ? ids : undefined; }, 'a checkpoint after the restart');
    expect(Math.min(...after)).toBeGreaterThan(last);
    await expectSameAsUninterrupted(c, 'agg', sinkPath);
  }, 180_000);
});

// Recovery as a user meets it: a server running checkpointed jobs over a rate-limited Nexmark
// source is killed with SIGKILL at random moments, several times, and started again on the same
// data directory. Each time every job continues from its latest completed checkpoint — state
// reloaded, the source rewound to the recorded position, the file sink's pending transaction
// committed or dropped as the checkpoint says — so at the end the view equals that of an
// identical job that never crashed, the file holds every expected row exactly once, and the
// checkpoint ids carry on from where they stopped instead of restarting at 1.

import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { freshDataDir, startChild, type ChildServer } from '../robustness/support/child-server.js';
import { rng } from '../support/rng.js';
import { FAST_CHECKPOINTS, aggQuery, completedCheckpoints, createBidSource, expectSameAsUninterrupted, rowsQuery, sleep, until } from './support.js';

const dataDir = freshDataDir();
const sinkPath = join(dataDir, 'rows.jsonl');
let srv: ChildServer | null = null;
afterAll(async () => { await srv?.stop(); });

describe('kill -9 while checkpointed jobs run', () => {
  it('restores every job from its latest checkpoint, several crashes in a row, with exactly-once file output', async () => {
    srv = await startChild({ dataDir });
    let c = await srv.client();
    await createBidSource(c, 'bid');
    await c.query(`CREATE MATERIALIZED VIEW agg WITH (${FAST_CHECKPOINTS}) AS ${aggQuery('bid')}`);
    await c.query(`CREATE SINK rows_out AS ${rowsQuery('bid')} WITH (connector = 'file', path = '${sinkPath}', ${FAST_CHECKPOINTS})`);

    const random = rng(5);
    let lastAgg = 0, lastSink = 0;
    for (let crash = 0; crash < 3; crash++) {
      // Let a new checkpoint of each job complete, then crash at a random moment after it.
      const fromAgg = lastAgg, fromSink = lastSink;
      await until(async () => Math.max(0, ...(await completedCheckpoints(c, 'agg'))) > fromAgg && Math.max(0, ...(await completedCheckpoints(c, 'rows_out'))) > fromSink, 'new checkpoints');
      await sleep(Math.floor(random() * 400));
      lastAgg = Math.max(...(await completedCheckpoints(c, 'agg')));
      lastSink = Math.max(...(await completedCheckpoints(c, 'rows_out')));
      srv.kill('SIGKILL');
      await srv.exit;
      srv = await startChild({ dataDir });
      c = await srv.client();
      // Numbering carries on: the restored job's checkpoints come after the one it restored.
      const after = await until(async () => { const ids = await completedCheckpoints(c, 'agg'); return ids.length ? ids : undefined; }, 'a checkpoint after restart');
      expect(Math.min(...after)).toBeGreaterThan(lastAgg - 1);
      lastAgg = Math.max(...after);
    }
    await expectSameAsUninterrupted(c, 'agg', sinkPath);
  }, 300_000);
});

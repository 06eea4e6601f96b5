// EMIT ON WINDOW CLOSE through crashes: a windowed aggregation over a source with a WATERMARK
// writes each window's final row to a file sink once. The server is killed with SIGKILL twice
// while windows are closing and started again on the same data directory; the source's
// watermark and the aggregation's open windows come back from the checkpoint, so at the end the
// file holds every window exactly once, with the values of the batch aggregation over the same
// generated rows.

import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { freshDataDir, startChild, type ChildServer } from '../robustness/support/child-server.js';
import { EVENTS, FAST_CHECKPOINTS, completedCheckpoints, sinkLines, sleep, until } from './support.js';

const dataDir = freshDataDir();
const sinkPath = join(dataDir, 'windows.jsonl');
let srv: ChildServer | null = null;
afterAll(async () => { await srv?.stop(); });

const BID_COLUMNS = 'auction bigint, bidder bigint, price bigint, channel varchar, url varchar, date_time timestamp, extra varchar';
const source = (name: string, watermark: boolean) =>
  `CREATE SOURCE ${name} (${BID_COLUMNS}${watermark ? ", WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND" : ''})
   WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = '${EVENTS}', nexmark.rate = '4000', seed = '17')`;
const windowed = (src: string) =>
  `SELECT window_start, count(*) AS n, sum(price) AS total, max(price) AS hi FROM TUMBLE(${src}, date_time, INTERVAL '0.5' SECOND) GROUP BY window_start`;

describe('kill -9 under EMIT ON WINDOW CLOSE', () => {
  it('writes every window once, final', async () => {
    srv = await startChild({ dataDir });
    let c = await srv.client();
    await c.query(source('bidw', true));
    await c.query(`CREATE SINK windows_out AS ${windowed('bidw')} EMIT ON WINDOW CLOSE
      WITH (connector = 'file', path = '${sinkPath}', type = 'append-only', parallelism = 2, ${FAST_CHECKPOINTS})`);
    for (let crash = 0; crash < 2; crash++) {
      // Crash while windows are being written, after a checkpoint that holds some of them.
      const lines = sinkLines(sinkPath).length;
      await until(async () => sinkLines(sinkPath).length > lines && (await completedCheckpoints(c, 'windows_out')).length > 0, 'more closed windows');
      await sleep(150 + crash * 200);
      srv.kill('SIGKILL');
      await srv.exit;
      srv = await startChild({ dataDir });
      c = await srv.client();
    }
    // The same rows from an uninterrupted generator, aggregated by the batch engine.
    await c.query(source('bid_ref', false));
    await c.query('CREATE MATERIALIZED VIEW raw_ref AS SELECT price, date_time FROM bid_ref');
    const bids = (EVENTS / 50) * 46;
    await until(async () => Number((await c.query('SELECT count(*)::int AS n FROM raw_ref')).rows[0].n) === bids, 'the reference rows', 90_000);
    const expected = (await c.query(`SELECT date_bin('500 milliseconds', date_time, TIMESTAMP '1970-01-01')::text AS w, count(*)::text AS n, sum(price)::text AS total, max(price)::text AS hi
      FROM raw_ref GROUP BY 1`)).rows.map((r) => `${r.w} ${r.n} ${r.total} ${r.hi}`).sort();
    await until(async () => sinkLines(sinkPath).length >= expected.length, 'every window in the file', 90_000);
    await sleep(500);
    const got = sinkLines(sinkPath).map((l) => JSON.parse(l) as Record<string, unknown>)
      .map((r) => `${String(r.window_start)} ${String(r.n)} ${String(r.total)} ${String(r.hi)}`).sort();
    expect(got).toEqual(expected);
  }, 240_000);
});

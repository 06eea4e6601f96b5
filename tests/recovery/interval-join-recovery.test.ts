// An interval join through crashes: auctions joined with the bids of their first two seconds
// (both sources watermarked), aggregated per half second with EMIT ON WINDOW CLOSE into a file
// sink. The server is killed with SIGKILL twice while windows are written and started again on
// the same data directory: the join's rows and expiry indexes, the watermarks and the open windows
// come back from the checkpoint, so the file ends up with every window once, equal to the batch
// join and aggregation over the same generated rows.

import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { freshDataDir, startChild, type ChildServer } from '../robustness/support/child-server.js';
import { EVENTS, FAST_CHECKPOINTS, completedCheckpoints, sinkLines, sleep, until } from './support.js';

const dataDir = freshDataDir();
const sinkPath = join(dataDir, 'early-bids.jsonl');
let srv: ChildServer | null = null;
afterAll(async () => { await srv?.stop(); });

const COLUMNS = {
  auction: 'id bigint, item_name varchar, description varchar, initial_bid bigint, reserve bigint, date_time timestamp, expires timestamp, seller bigint, category bigint, extra varchar',
  bid: 'auction bigint, bidder bigint, price bigint, channel varchar, url varchar, date_time timestamp, extra varchar',
};
const source = (name: string, type: 'auction' | 'bid', watermark: boolean) =>
  `CREATE SOURCE ${name} (${COLUMNS[type]}${watermark ? ", WATERMARK FOR date_time AS date_time - INTERVAL '1' SECOND" : ''})
   WITH (connector = 'nexmark', nexmark.table.type = '${type}', nexmark.event.num = '${EVENTS}', nexmark.rate = '4000', seed = '23')`;
const perWindow = (a: string, b: string) =>
  `SELECT date_bin('500 milliseconds', b.date_time, TIMESTAMP '1970-01-01') AS w, count(*) AS n, sum(b.price) AS total, max(a.seller) AS seller
   FROM ${a} a JOIN ${b} b ON a.id = b.auction AND b.date_time BETWEEN a.date_time AND a.date_time + INTERVAL '2' SECOND GROUP BY 1`;

describe('kill -9 under an interval join', () => {
  it('writes every window once, equal to the batch join', async () => {
    srv = await startChild({ dataDir });
    let c = await srv.client();
    await c.query(source('auction_w', 'auction', true));
    await c.query(source('bid_w', 'bid', true));
    await c.query(`CREATE SINK early_out AS ${perWindow('auction_w', 'bid_w')} EMIT ON WINDOW CLOSE
      WITH (connector = 'file', path = '${sinkPath}', type = 'append-only', parallelism = 2, ${FAST_CHECKPOINTS})`);
    for (let crash = 0; crash < 2; crash++) {
      const lines = sinkLines(sinkPath).length;
      await until(async () => sinkLines(sinkPath).length > lines && (await completedCheckpoints(c, 'early_out')).length > 0, 'more closed windows');
      await sleep(150 + crash * 200);
      srv.kill('SIGKILL');
      await srv.exit;
      srv = await startChild({ dataDir });
      c = await srv.client();
    }
    // The same rows from uninterrupted generators, joined and aggregated by the batch engine.
    await c.query(source('auction_ref', 'auction', false));
    await c.query(source('bid_ref', 'bid', false));
    await c.query('CREATE MATERIALIZED VIEW auction_rows AS SELECT id, seller, date_time FROM auction_ref');
    await c.query('CREATE MATERIALIZED VIEW bid_rows AS SELECT auction, price, date_time FROM bid_ref');
    const count = async (v: string) => Number((await c.query(`SELECT count(*)::int AS n FROM ${v}`)).rows[0].n);
    await until(async () => (await count('auction_rows')) === (EVENTS / 50) * 3 && (await count('bid_rows')) === (EVENTS / 50) * 46, 'the reference rows', 90_000);
    const expected = (await c.query(`SELECT w::text, n::text, total::text, seller::text FROM (${perWindow('auction_rows', 'bid_rows')}) q`)).rows
      .map((r) => `${r.w} ${r.n} ${r.total} ${r.seller}`).sort();
    expect(expected.length).toBeGreaterThan(5);
    await until(async () => sinkLines(sinkPath).length >= expected.length, 'every window in the file', 90_000);
    await sleep(500);
    const got = sinkLines(sinkPath).map((l) => JSON.parse(l) as Record<string, unknown>)
      .map((r) => `${String(r.w)} ${String(r.n)} ${String(r.total)} ${String(r.seller)}`).sort();
    expect(got).toEqual(expected);
  }, 240_000);
});

// Generated sources: CREATE SOURCE … WITH (connector = 'nexmark' | 'datagen'). Expected values come
// from the Nexmark spec's arithmetic (events in epochs of 50: 1 person, 3 auctions, 46 bids; ids
// from 1000; 10,000 events/s of event time by default) and from the options given, not from
// earlier runs. Splits and seeks are checked at the reader level too, where positions are visible.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { sourceConnector, type SourceColumn, type SourceSplitReader } from '../src/stream/connectors/index.js';
import { T } from '../src/types/datatype.js';
import type { Row } from '../src/types/value.js';

let srv: TestServer;
let c: pg.Client;

beforeAll(async () => { srv = await startServer(); c = await srv.client(); });
afterAll(async () => { await srv.stop(); });

/** Rows as PostgreSQL's text output, so expectations read like psql. */
const rows = async (sql: string): Promise<unknown[][]> =>
  (await c.query({ text: sql, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } } as pg.QueryConfig)).rows;
const one = async (sql: string): Promise<unknown> => (await rows(sql))[0][0];
const num = async (sql: string): Promise<number> => Number(await one(sql));

/** FLUSH until `probe` holds: a bounded source finishes asynchronously, batch by batch. */
async function eventually(probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await c.query('FLUSH');
    if (await probe()) return;
    if (Date.now() > end) throw new Error('timed out waiting for the source');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const PERSON_COLS = 'id bigint, name varchar, email_address varchar, credit_card varchar, city varchar, state varchar, date_time timestamp, extra varchar';
const AUCTION_COLS = 'id bigint, item_name varchar, description varchar, initial_bid bigint, reserve bigint, date_time timestamp, expires timestamp, seller bigint, category bigint, extra varchar';
const BID_COLS = 'auction bigint, bidder bigint, price bigint, channel varchar, url varchar, date_time timestamp, extra varchar';
const COLS = { person: PERSON_COLS, auction: AUCTION_COLS, bid: BID_COLS } as const;

async function nexmark(name: string, table: keyof typeof COLS, opts: string): Promise<void> {
  await c.query(`CREATE SOURCE ${name} (${COLS[table]}) WITH (connector = 'nexmark', nexmark.table.type = '${table}', ${opts})`);
}

/** Spec arithmetic: how many events of each kind have event numbers below n. */
function expectedCounts(n: number): { person: number; auction: number; bid: number } {
  const epochs = Math.floor(n / 50), rest = n % 50;
  return { person: epochs + Math.min(rest, 1), auction: epochs * 3 + Math.min(Math.max(rest - 1, 0), 3), bid: epochs * 46 + Math.max(rest - 4, 0) };
}

describe('nexmark over SQL', () => {
  const N = 5000;
  const want = expectedCounts(N); // 100 persons, 300 auctions, 4600 bids

  beforeAll(async () => {
    await nexmark('person', 'person', `nexmark.event.num = ${N}, seed = 11`);
    await nexmark('auction', 'auction', `nexmark.event.num = ${N}, seed = 11`);
    await nexmark('bid', 'bid', `nexmark.event.num = ${N}, seed = 11`);
    await c.query('CREATE MATERIALIZED VIEW p_all AS SELECT * FROM person');
    await c.query('CREATE MATERIALIZED VIEW a_all AS SELECT * FROM auction');
    await c.query('CREATE MATERIALIZED VIEW b_all AS SELECT * FROM bid');
    await eventually(async () => (await num('SELECT count(*) FROM b_all')) >= want.bid);
  });

  it('emits the 1 : 3 : 46 mix: event.num = 5000 gives 100 persons, 300 auctions, 4600 bids', async () => {
    expect(want).toEqual({ person: 100, auction: 300, bid: 4600 });
    expect(await num('SELECT count(*) FROM p_all')).toBe(want.person);
    expect(await num('SELECT count(*) FROM a_all')).toBe(want.auction);
    expect(await num('SELECT count(*) FROM b_all')).toBe(want.bid);
  });

  it('numbers persons and auctions consecutively from 1000', async () => {
    expect(await rows('SELECT min(id), max(id), count(DISTINCT id) FROM p_all')).toEqual([['1000', '1099', '100']]);
    expect(await rows('SELECT min(id), max(id), count(DISTINCT id) FROM a_all')).toEqual([['1000', '1299', '300']]);
  });

  it('keeps foreign keys within the spec: bids name auctions and persons that exist or are at most 10 ahead', async () => {
    // A bid's auction is a hot one (first of a block of 100), a recent one, or up to 10 not created yet.
    expect(await rows(`SELECT count(*) FROM b_all WHERE auction < 1000 OR auction > 1299 + 10`)).toEqual([['0']]);
    expect(await rows(`SELECT count(*) FROM b_all WHERE bidder < 1000 OR bidder > 1099 + 10`)).toEqual([['0']]);
    expect(await rows(`SELECT count(*) FROM a_all WHERE seller < 1000 OR seller > 1099 + 10`)).toEqual([['0']]);
    // Bids whose auction does not exist yet only point past the last auction created.
    await c.query('CREATE MATERIALIZED VIEW orphan_bids AS SELECT b.auction FROM bid b WHERE NOT EXISTS (SELECT 1 FROM auction a WHERE a.id = b.auction)');
    await eventually(async () => true);
    const orphans = (await rows('SELECT auction FROM orphan_bids')).map((r) => Number(r[0]));
    expect(orphans.every((a) => a > 1299)).toBe(true);
    // … and within an epoch the lead is at most 10 ahead of the auctions made so far: checked exactly at the reader level below.
    expect(orphans.length).toBeLessThan(want.bid * 0.05);
  });

  it('makes hot auctions, bidders and sellers as often as the ratios say', async () => {
    const hotAuction = await num('SELECT count(*) FROM b_all WHERE (auction - 1000) % 100 = 0');
    expect(hotAuction / want.bid).toBeGreaterThan(0.45); // 1 - 1/2, plus random picks that land on a block start
    expect(hotAuction / want.bid).toBeLessThan(0.6);
    const hotBidder = await num('SELECT count(*) FROM b_all WHERE (bidder - 1000) % 100 = 1');
    expect(hotBidder / want.bid).toBeGreaterThan(0.7); // 1 - 1/4
    expect(hotBidder / want.bid).toBeLessThan(0.8);
    const hotSeller = await num('SELECT count(*) FROM a_all WHERE (seller - 1000) % 100 = 0');
    expect(hotSeller / want.auction).toBeGreaterThan(0.65);
    expect(hotSeller / want.auction).toBeLessThan(0.85);
  });

  it('draws values from the spec ranges', async () => {
    expect(await rows('SELECT min(category), max(category), count(DISTINCT category) FROM a_all')).toEqual([['10', '14', '5']]);
    // Prices are round(10^(6u) * 100) cents: $1 to $1,000,000.
    expect(await num('SELECT count(*) FROM b_all WHERE price < 100 OR price > 100000000')).toBe(0);
    expect(await num('SELECT count(*) FROM a_all WHERE initial_bid < 100 OR reserve < initial_bid + 100 OR expires <= date_time')).toBe(0);
    expect(await num(`SELECT count(*) FROM p_all WHERE state NOT IN ('AZ', 'CA', 'ID', 'OR', 'WA', 'WY')`)).toBe(0);
    expect(await num(`SELECT count(*) FROM p_all WHERE credit_card !~ '^[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}$' OR email_address !~ '^[a-z ]+@[a-z ]+[.]com$'`)).toBe(0);
    expect(await num(`SELECT count(*) FROM b_all WHERE url NOT LIKE 'https://www.nexmark.com/%/item.htm?query=1%'`)).toBe(0);
    const hotChannels = await num(`SELECT count(*) FROM b_all WHERE channel IN ('Google', 'Facebook', 'Baidu', 'Apple')`);
    expect(hotChannels / want.bid).toBeGreaterThan(0.45); // 1 - 1/2
    expect(hotChannels / want.bid).toBeLessThan(0.55);
    expect(await num(`SELECT count(*) FROM b_all WHERE channel NOT IN ('Google', 'Facebook', 'Baidu', 'Apple') AND channel !~ '^channel-[0-9]+$'`)).toBe(0);
    // Extra pads bids to 100 bytes on average: 68 - 14 + [0, 28) characters.
    expect(await rows('SELECT min(length(extra)) >= 54, max(length(extra)) <= 81, avg(length(extra)) BETWEEN 66 AND 70 FROM b_all')).toEqual([['t', 't', 't']]);
  });

  it('spaces event time by the inter-event delay (10,000 events/s by default) from the base time', async () => {
    // Event e happens at base + floor(e * 100 µs) ms; the last bid is event 4999, the last person 4950.
    expect(await rows('SELECT min(date_time), max(date_time) FROM b_all')).toEqual([['2023-01-01 00:00:00', '2023-01-01 00:00:00.499']]);
    expect(await rows('SELECT max(date_time) FROM p_all')).toEqual([['2023-01-01 00:00:00.495']]);
    await nexmark('p_slow', 'person', `nexmark.event.num = 500, nexmark.base.time = 1000000000000, nexmark.rate = 5000`);
    await c.query('CREATE MATERIALIZED VIEW p_slow_t AS SELECT max(date_time) - min(date_time) AS span, min(date_time) AS first FROM p_slow');
    // At 5,000 events/s, persons (every 50th event) are 10 ms apart: 10 persons span 90 ms.
    await eventually(async () => (await one('SELECT span FROM p_slow_t')) === '00:00:00.09');
    expect(await one('SELECT first FROM p_slow_t')).toBe('2001-09-09 01:46:40');
  });

  it('answers q0–q2 and per-auction counts with the totals the stream implies', async () => {
    await c.query('CREATE MATERIALIZED VIEW q0 AS SELECT auction, bidder, price, date_time FROM bid');
    await c.query('CREATE MATERIALIZED VIEW q1 AS SELECT auction, bidder, 0.908 * price AS price, date_time FROM bid');
    await c.query('CREATE MATERIALIZED VIEW q2 AS SELECT auction, price FROM bid WHERE auction % 123 = 0');
    await c.query('CREATE MATERIALIZED VIEW per_auction AS SELECT auction, count(*) AS n FROM bid GROUP BY auction');
    await eventually(async () => (await num('SELECT count(*) FROM q0')) === want.bid && (await num('SELECT sum(n) FROM per_auction')) === want.bid);
    expect(await num('SELECT count(*) FROM q1')).toBe(want.bid);
    expect(await rows('SELECT sum(price) * 0.908 = (SELECT sum(price) FROM q1) FROM q0')).toEqual([['t']]);
    // Every bid of an auction divisible by 123 (1107, 1230) and nothing else.
    expect(await rows('SELECT count(*) FROM q2 WHERE auction NOT IN (1107, 1230)')).toEqual([['0']]);
    expect(await num('SELECT count(*) FROM q2')).toBe(await num('SELECT coalesce(sum(n), 0) FROM per_auction WHERE auction IN (1107, 1230)'));
    expect(await num('SELECT count(*) FROM per_auction')).toBe(await num('SELECT count(DISTINCT auction) FROM b_all'));
    // Hot auctions collect half of all bids: each block of 100 auctions has one.
    expect(await num('SELECT sum(n) FROM per_auction WHERE (auction - 1000) % 100 = 0')).toBeGreaterThan(want.bid * 0.45);
  });

  it('repeats a stream for the same seed and changes it for another', async () => {
    await nexmark('bid_same', 'bid', `nexmark.event.num = ${N}, seed = 11`);
    await nexmark('bid_other', 'bid', `nexmark.event.num = ${N}, seed = 12`);
    await c.query('CREATE MATERIALIZED VIEW b_same AS SELECT * FROM bid_same');
    await c.query('CREATE MATERIALIZED VIEW b_other AS SELECT * FROM bid_other');
    await eventually(async () => (await num('SELECT count(*) FROM b_same')) === want.bid && (await num('SELECT count(*) FROM b_other')) === want.bid);
    const all = 'auction, bidder, price, channel, url, date_time, extra';
    expect(await rows(`SELECT ${all} FROM b_same ORDER BY ${all}`)).toEqual(await rows(`SELECT ${all} FROM b_all ORDER BY ${all}`));
    const differing = await num(`SELECT count(*) FROM (SELECT ${all} FROM b_other EXCEPT SELECT ${all} FROM b_all) d`);
    expect(differing).toBeGreaterThan(want.bid * 0.9);
  });

  it('emits the same stream from 3 splits as from one', async () => {
    await nexmark('bid_split', 'bid', `nexmark.event.num = ${N}, seed = 11, nexmark.split = 3`);
    await c.query('CREATE MATERIALIZED VIEW b_split AS SELECT * FROM bid_split');
    await eventually(async () => (await num('SELECT count(*) FROM b_split')) >= want.bid);
    const all = 'auction, bidder, price, channel, url, date_time, extra';
    expect(await rows(`SELECT ${all} FROM b_split ORDER BY ${all}`)).toEqual(await rows(`SELECT ${all} FROM b_all ORDER BY ${all}`));
  });

  it('accepts a subset of the columns in any order, with the same values', async () => {
    await c.query(`CREATE SOURCE bid_few (price bigint, auction bigint) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = ${N}, seed = 11)`);
    await c.query('CREATE MATERIALIZED VIEW b_few AS SELECT auction, sum(price) AS s, count(*) AS n FROM bid_few GROUP BY auction');
    await eventually(async () => (await num('SELECT sum(n) FROM b_few')) === want.bid);
    expect(await rows('SELECT auction, s FROM b_few ORDER BY 1')).toEqual(await rows('SELECT auction, sum(price) FROM b_all GROUP BY auction ORDER BY 1'));
  });

  it("fixes nexmark.base.time = 'now' when the source is created, so every reader agrees", async () => {
    const before = Date.now();
    await nexmark('p_now', 'person', "nexmark.event.num = 500, nexmark.base.time = 'now'");
    await new Promise((r) => setTimeout(r, 30));
    await c.query('CREATE MATERIALIZED VIEW p_now_a AS SELECT min(date_time) AS t, count(*) AS n FROM p_now');
    await new Promise((r) => setTimeout(r, 30));
    await c.query('CREATE MATERIALIZED VIEW p_now_b AS SELECT min(date_time) AS t, count(*) AS n FROM p_now');
    await eventually(async () => (await num('SELECT n FROM p_now_a')) === 10 && (await num('SELECT n FROM p_now_b')) === 10);
    expect(await one('SELECT a.t = b.t FROM p_now_a a, p_now_b b')).toBe('t');
    const first = Date.parse((await one('SELECT t FROM p_now_a')) as string + 'Z');
    expect(first).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(first).toBeLessThanOrEqual(Date.now());
  });

  it('paces an unbounded source by nexmark.rate', async () => {
    const started = Date.now();
    await nexmark('bid_paced', 'bid', 'nexmark.rate = 2000');
    await c.query('CREATE MATERIALIZED VIEW b_paced AS SELECT count(*) AS n FROM bid_paced');
    await new Promise((r) => setTimeout(r, 1500));
    await c.query('FLUSH');
    const n = await num('SELECT n FROM b_paced');
    const elapsed = (Date.now() - started) / 1000;
    // 2000 events/s of which 46 in 50 are bids; never ahead of schedule, and not far behind on a busy machine.
    expect(n).toBeLessThanOrEqual(Math.ceil(2000 * elapsed * 0.92) + 46);
    expect(n).toBeGreaterThan(2000 * 1.5 * 0.92 * 0.3);
    await c.query('DROP MATERIALIZED VIEW b_paced');
  });
});

describe('CREATE SOURCE validation', () => {
  const bad: [string, string, string][] = [
    ['missing table type', `(auction bigint) WITH (connector = 'nexmark')`, '22023'],
    ['unknown table type', `(auction bigint) WITH (connector = 'nexmark', nexmark.table.type = 'bids')`, '22023'],
    ['unknown column', `(auction bigint, colour varchar) WITH (connector = 'nexmark', nexmark.table.type = 'bid')`, '22023'],
    ['column of another stream', `(id bigint) WITH (connector = 'nexmark', nexmark.table.type = 'bid')`, '22023'],
    ['int4 id', `(id int) WITH (connector = 'nexmark', nexmark.table.type = 'person')`, '42804'],
    ['text timestamp', `(date_time text) WITH (connector = 'nexmark', nexmark.table.type = 'person')`, '42804'],
    ['short varchar', `(name varchar(5)) WITH (connector = 'nexmark', nexmark.table.type = 'person')`, '42804'],
    ['negative rate', `(auction bigint) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.rate = -5)`, '22023'],
    ['fractional event.num', `(auction bigint) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = 1.5)`, '22023'],
    ['zero splits', `(auction bigint) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.split = 0)`, '22023'],
    ['misspelt option', `(auction bigint) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.evnt.num = 5)`, '22023'],
    ['bad seed', `(auction bigint) WITH (connector = 'nexmark', nexmark.table.type = 'bid', seed = 'x')`, '22023'],
    ['unknown connector', `(a int) WITH (connector = 'kafkaesque')`, '0A000'],
    ['datagen sequence without end', `(a int) WITH (connector = 'datagen', fields.a.kind = 'sequence', fields.a.start = 1)`, '22023'],
    ['datagen min above max', `(a int) WITH (connector = 'datagen', fields.a.min = 9, fields.a.max = 1)`, '22023'],
    ['datagen option for a missing column', `(a int) WITH (connector = 'datagen', fields.b.min = 1)`, '22023'],
    ['datagen int4 out of range', `(a int) WITH (connector = 'datagen', fields.a.max = 99999999999)`, '22023'],
    ['datagen sequence of booleans', `(a boolean) WITH (connector = 'datagen', fields.a.kind = 'sequence', fields.a.start = 1, fields.a.end = 2)`, '22023'],
    ['datagen length on a number', `(a int) WITH (connector = 'datagen', fields.a.length = 3)`, '22023'],
    ['datagen unsupported type', `(a bytea) WITH (connector = 'datagen')`, '0A000'],
  ];
  for (const [what, body, code] of bad) {
    it(`rejects ${what} with ${code}`, async () => {
      await expect(c.query(`CREATE SOURCE bad_src ${body}`)).rejects.toMatchObject({ code });
    });
  }
  it('leaves no source behind after a rejected CREATE', async () => {
    expect(await rows(`SELECT count(*) FROM pg_class WHERE relname = 'bad_src'`)).toEqual([['0']]);
  });
});

describe('datagen over SQL', () => {
  it('generates sequences, bounded random values and strings, reproducibly', async () => {
    const opts = `fields.id.kind = 'sequence', fields.id.start = 1, fields.id.end = 3000, fields.v.min = -5, fields.v.max = 5, fields.s.length = 12, seed = 3, rows-per-second = 0`;
    await c.query(`CREATE SOURCE dg1 (id int, v bigint, s varchar, f double precision, ok boolean) WITH (connector = 'datagen', ${opts})`);
    await c.query(`CREATE SOURCE dg2 (id int, v bigint, s varchar, f double precision, ok boolean) WITH (connector = 'datagen', ${opts})`);
    await c.query('CREATE MATERIALIZED VIEW dg1_all AS SELECT * FROM dg1');
    await c.query('CREATE MATERIALIZED VIEW dg2_all AS SELECT * FROM dg2');
    await eventually(async () => (await num('SELECT count(*) FROM dg1_all')) === 3000 && (await num('SELECT count(*) FROM dg2_all')) === 3000);
    expect(await rows('SELECT sum(id), count(DISTINCT id), min(v), max(v), min(length(s)), max(length(s)) FROM dg1_all')).toEqual([['4501500', '3000', '-5', '5', '12', '12']]);
    expect(await rows('SELECT min(f) >= 0, max(f) < 1000, count(DISTINCT ok) FROM dg1_all')).toEqual([['t', 't', '2']]);
    expect(await rows('SELECT * FROM dg1_all ORDER BY id')).toEqual(await rows('SELECT * FROM dg2_all ORDER BY id'));
  });

  it('stops at number-of-rows and honours null-rate', async () => {
    await c.query(`CREATE SOURCE dg3 (a int, b varchar) WITH (connector = 'datagen', number-of-rows = 2000, fields.a.null-rate = 0.25, rows-per-second = 0)`);
    await c.query('CREATE MATERIALIZED VIEW dg3_n AS SELECT count(*) AS n, count(a) AS a FROM dg3');
    await eventually(async () => (await num('SELECT n FROM dg3_n')) === 2000);
    const nonNull = await num('SELECT a FROM dg3_n');
    expect(nonNull).toBeGreaterThan(2000 * 0.68);
    expect(nonNull).toBeLessThan(2000 * 0.82);
  });

  it('paces by rows-per-second', async () => {
    const started = Date.now();
    await c.query(`CREATE SOURCE dg4 (a int) WITH (connector = 'datagen', rows-per-second = 1000)`);
    await c.query('CREATE MATERIALIZED VIEW dg4_n AS SELECT count(*) AS n FROM dg4');
    await new Promise((r) => setTimeout(r, 1000));
    await c.query('FLUSH');
    const n = await num('SELECT n FROM dg4_n');
    const elapsed = (Date.now() - started) / 1000;
    expect(n).toBeLessThanOrEqual(Math.ceil(1000 * elapsed) + 1);
    expect(n).toBeGreaterThan(1000 * 0.3);
    await c.query('DROP MATERIALIZED VIEW dg4_n');
  });
});

// ---- reader level: splits, seeks and pacing, where positions and the clock are visible ----

const BID_COLUMNS: SourceColumn[] = BID_COLS.split(', ').map((d) => {
  const [name, type] = d.split(' ');
  return { name, type: type === 'bigint' ? T.int8 : type === 'timestamp' ? T.timestamp : T.varchar };
});
const AUCTION_COLUMNS: SourceColumn[] = [{ name: 'id', type: T.int8 }, { name: 'date_time', type: T.timestamp }];

/** Every row of an unpaced bounded reader; fails instead of spinning if the reader stalls. */
function readAll(reader: SourceSplitReader, batch = 1000): Row[] {
  const out: Row[] = [];
  for (let rows = reader.poll(batch, 0); rows !== null; rows = reader.poll(batch, 0)) {
    if (rows.length === 0) throw new Error('reader returned no rows before its end (paced?)');
    out.push(...rows);
  }
  return out;
}

describe('datagen splits', () => {
  it('split i of n emits every n-th row, and a seek continues exactly', () => {
    const datagen = sourceConnector('datagen');
    const cols: SourceColumn[] = [{ name: 'id', type: T.int8 }, { name: 'v', type: T.int4 }, { name: 's', type: T.text }];
    const opts = { connector: 'datagen', 'rows-per-second': '0', 'number-of-rows': '3000', 'fields.id.kind': 'sequence', 'fields.id.start': '1', 'fields.id.end': '100000', 'fields.s.length': '5', seed: '9' };
    const whole = readAll(datagen.open(opts, cols, { index: 0, count: 1 }));
    expect(whole.length).toBe(3000);
    expect(whole.map((r) => r[0])).toEqual(Array.from({ length: 3000 }, (_, i) => BigInt(i + 1)));
    for (let i = 0; i < 3; i++) expect(readAll(datagen.open(opts, cols, { index: i, count: 3 }), 250)).toEqual(whole.filter((_, k) => k % 3 === i));
    const first = datagen.open(opts, cols, { index: 0, count: 1 });
    const head = first.poll(100, 0)!;
    const resumed = datagen.open(opts, cols, { index: 0, count: 1 });
    resumed.seek(first.position());
    expect([...head, ...readAll(resumed)]).toEqual(whole);
  });
});

describe('nexmark splits and positions', () => {
  const nexmarkConn = sourceConnector('nexmark');
  const opts = (table: string, extra: Record<string, string> = {}) => ({ connector: 'nexmark', 'nexmark.table.type': table, 'nexmark.event.num': '7000', seed: '5', ...extra });

  it('split i of n emits every n-th row of the single-split sequence, starting at the i-th', () => {
    const whole = readAll(nexmarkConn.open(opts('bid'), BID_COLUMNS, { index: 0, count: 1 }));
    expect(whole.length).toBe(expectedCounts(7000).bid);
    for (const n of [2, 3, 7]) {
      for (let i = 0; i < n; i++) {
        const part = readAll(nexmarkConn.open(opts('bid'), BID_COLUMNS, { index: i, count: n }), 333);
        expect(part).toEqual(whole.filter((_, k) => k % n === i));
      }
    }
  });

  it('continues from a saved position exactly where it left off', () => {
    const whole = readAll(nexmarkConn.open(opts('auction'), AUCTION_COLUMNS, { index: 1, count: 2 }));
    const first = nexmarkConn.open(opts('auction'), AUCTION_COLUMNS, { index: 1, count: 2 });
    const head = first.poll(37, 0)!;
    const saved = JSON.parse(JSON.stringify(first.position()));
    const resumed = nexmarkConn.open(opts('auction'), AUCTION_COLUMNS, { index: 1, count: 2 });
    resumed.seek(saved);
    expect([...head, ...readAll(resumed)]).toEqual(whole);
    expect(() => resumed.seek(4)).toThrow(/does not belong/); // an even position belongs to split 0
  });

  it('keeps every bid within the auction id window of its moment in the stream', () => {
    // Bids of epoch k (events 50k+4 … 50k+49) may name auctions up to 10 ahead of the last one
    // created by then, 3k+2 (base 0), and no further back than 100 before it unless hot.
    const whole = readAll(nexmarkConn.open(opts('bid', { 'nexmark.base.time': '0', 'nexmark.rate': '0' }), BID_COLUMNS, { index: 0, count: 1 }));
    whole.forEach((row, k) => {
      const epoch = Math.floor(k / 46);
      const last = 3 * epoch + 2;
      const auction = Number(row[0]) - 1000;
      expect(auction).toBeLessThanOrEqual(last + 10);
      const hot = auction === Math.floor(last / 100) * 100;
      if (!hot) expect(auction).toBeGreaterThanOrEqual(Math.max(last - 100, 0));
      // date_time of event 50·epoch + 4 + (k mod 46) at 10,000 events/s, from base time 0
      expect(row[5]).toBe(Math.floor((50 * epoch + 4 + (k % 46)) / 10) * 1000);
    });
  });

  it('paces against the caller clock: nothing ahead of the rate', () => {
    const r = nexmarkConn.open({ ...opts('bid'), 'nexmark.rate': '1000', 'nexmark.event.num': '100000' }, BID_COLUMNS, { index: 0, count: 1 });
    const t0 = 1_000_000;
    // At t0 the first bid (event 4) is due; 100 ms later events up to 4 + 100 are, of which bids:
    expect(r.poll(1000, t0)!.length).toBe(1);
    expect(r.poll(1000, t0)!.length).toBe(0);
    const upTo = 4 + 100;
    expect(r.poll(1000, t0 + 100)!.length).toBe(expectedCounts(upTo + 1).bid - 1);
    expect(r.poll(10, t0 + 10_000)!.length).toBe(10); // the batch limit still applies when far behind
  });
});

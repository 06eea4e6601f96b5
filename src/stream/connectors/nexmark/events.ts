// Generates the fields of one Nexmark event from its event number, following Flink nexmark's
// PersonGenerator, AuctionGenerator and BidGenerator: which ids, prices, categories, expiry
// times and strings an event gets, and with which probabilities. Each event draws from its own
// RecordRandom, restarted from (seed, event number), so events are independent of one another.
//
// One deliberate difference: Flink's BidGenerator adds FIRST_PERSON_ID to the bidder twice, so
// its bidders never match a person; here a bidder is a person id, as the spec intends.

import type { Datum } from '../../../types/value.js';
import type { Int8Cache } from '../int8-cache.js';
import { RecordRandom } from '../record-random.js';
import * as C from './config.js';
import type { NexmarkConfig } from './config.js';
import * as ids from './ids.js';
import { FIRST_NAMES, HOT_CHANNELS, LAST_NAMES, US_CITIES, US_STATES, type NexmarkStrings } from './strings.js';

// Local copies: where tsx compiles to CommonJS, every read of an imported binding is a getter call
// (measured: most of the generator's time); copies keep the hot path free of them.
const { AUCTION_PROPORTION, AVG_AUCTION_BYTE_SIZE, AVG_BID_BYTE_SIZE, AVG_PERSON_BYTE_SIZE, CHANNELS_NUMBER, FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, HOT_AUCTION_RATIO, HOT_BIDDER_RATIO, HOT_BLOCK, HOT_CHANNEL_RATIO, HOT_SELLER_RATIO, NUM_CATEGORIES, NUM_IN_FLIGHT_AUCTIONS, TOTAL_PROPORTION } = C;
const { eventTimeMs } = C;
const { lastAuctionId, lastPersonId, randomAuctionId, randomPersonId } = ids;

/** Writes the fields of event n (in NEXMARK_FIELDS order) into `out`; int8 fields as bigints. */
export type EventWriter = (n: number, out: Datum[]) => void;

/** A price in cents: 10^(6u) dollars-ish, from $1.00 to $1,000,000.00, skewed low. */
function nextPrice(rnd: RecordRandom): number {
  return Math.round(Math.pow(10, (rnd.nextUint32() / 4294967296) * 6) * 100);
}

function pick<T>(rnd: RecordRandom, list: readonly T[]): T { return list[rnd.nextInt(list.length)]; }

function pad4(n: number): string { return n < 10 ? '000' + n : n < 100 ? '00' + n : n < 1000 ? '0' + n : String(n); }

/** How many events it takes to create NUM_IN_FLIGHT_AUCTIONS auctions: the average auction length. */
const EVENTS_PER_AUCTION_HORIZON = Math.floor((NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION) / AUCTION_PROPORTION);

export function eventWriter(table: NexmarkConfig['table'], cfg: NexmarkConfig, strings: NexmarkStrings, int8: Int8Cache): EventWriter {
  const rnd = new RecordRandom(cfg.seed);
  switch (table) {
    case 'person': return (n, out) => {
      rnd.reset(n);
      const id = lastPersonId(n) + FIRST_PERSON_ID;
      const name = pick(rnd, FIRST_NAMES) + ' ' + pick(rnd, LAST_NAMES);
      const email = strings.nextString(rnd, 7) + '@' + strings.nextString(rnd, 5) + '.com';
      const card = pad4(rnd.nextInt(10000)) + ' ' + pad4(rnd.nextInt(10000)) + ' ' + pad4(rnd.nextInt(10000)) + ' ' + pad4(rnd.nextInt(10000));
      const city = pick(rnd, US_CITIES);
      const state = pick(rnd, US_STATES);
      const size = 8 + name.length + email.length + card.length + city.length + state.length;
      out[0] = int8.get(id); out[1] = name; out[2] = email; out[3] = card; out[4] = city; out[5] = state;
      out[6] = eventTimeMs(cfg, n) * 1000;
      out[7] = strings.nextExtra(rnd, size, AVG_PERSON_BYTE_SIZE);
    };
    case 'auction': return (n, out) => {
      rnd.reset(n);
      const id = lastAuctionId(n) + FIRST_AUCTION_ID;
      const seller = (rnd.nextInt(HOT_SELLER_RATIO) > 0
        ? Math.floor(lastPersonId(n) / HOT_BLOCK) * HOT_BLOCK // the first person of the latest block of 100
        : randomPersonId(n, rnd)) + FIRST_PERSON_ID;
      const category = FIRST_CATEGORY_ID + rnd.nextInt(NUM_CATEGORIES);
      const initialBid = nextPrice(rnd);
      const timeMs = eventTimeMs(cfg, n);
      // Auctions last on average as long as it takes to create NUM_IN_FLIGHT_AUCTIONS more.
      const horizonMs = eventTimeMs(cfg, n + EVENTS_PER_AUCTION_HORIZON) - timeMs;
      const expiresMs = timeMs + 1 + rnd.nextInt(Math.max(horizonMs * 2, 1));
      const itemName = strings.nextString(rnd, 20);
      const description = strings.nextString(rnd, 100);
      const reserve = initialBid + nextPrice(rnd);
      const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
      out[0] = int8.get(id); out[1] = itemName; out[2] = description; out[3] = BigInt(initialBid); out[4] = BigInt(reserve);
      out[5] = timeMs * 1000; out[6] = expiresMs * 1000; out[7] = int8.get(seller); out[8] = int8.get(category);
      out[9] = strings.nextExtra(rnd, size, AVG_AUCTION_BYTE_SIZE);
    };
    case 'bid': return (n, out) => {
      rnd.reset(n);
      const auction = (rnd.nextInt(HOT_AUCTION_RATIO) > 0
        ? Math.floor(lastAuctionId(n) / HOT_BLOCK) * HOT_BLOCK // the first auction of the latest block of 100
        : randomAuctionId(n, rnd)) + FIRST_AUCTION_ID;
      const bidder = (rnd.nextInt(HOT_BIDDER_RATIO) > 0
        ? Math.floor(lastPersonId(n) / HOT_BLOCK) * HOT_BLOCK + 1 // the second person of the block, so hot bidders are not hot sellers
        : randomPersonId(n, rnd)) + FIRST_PERSON_ID;
      const price = nextPrice(rnd);
      let channel: string, url: string;
      if (rnd.nextInt(HOT_CHANNEL_RATIO) > 0) {
        const i = rnd.nextInt(HOT_CHANNELS.length);
        channel = HOT_CHANNELS[i]; url = strings.hotUrls[i];
      } else {
        const c = rnd.nextInt(CHANNELS_NUMBER);
        channel = strings.channel(c); url = strings.channelUrl(c);
      }
      out[0] = int8.get(auction); out[1] = int8.get(bidder); out[2] = BigInt(price); out[3] = channel; out[4] = url;
      out[5] = eventTimeMs(cfg, n) * 1000;
      out[6] = strings.nextExtra(rnd, 8 + 8 + 8 + 8, AVG_BID_BYTE_SIZE);
    };
  }
}

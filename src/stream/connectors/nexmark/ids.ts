// Event numbers and ids. Event n is a person, an auction or a bid by n mod 50 (1 : 3 : 46), and
// the id of the person or auction it creates follows from n alone, so any reader can compute
// which ids exist at any point of the stream (Flink nexmark's lastBase0PersonId /
// lastBase0AuctionId). Ids here are "base 0"; FIRST_PERSON_ID / FIRST_AUCTION_ID are added last.

import type { RecordRandom } from '../record-random.js';
import * as C from './config.js';
import { type NexmarkTable } from './config.js';

// Local copies: where tsx compiles to CommonJS, every read of an imported binding is a getter call
// (measured: most of the generator's time); copies keep the hot path free of them.
const { AUCTION_ID_LEAD, AUCTION_PROPORTION, BID_PROPORTION, NUM_ACTIVE_PEOPLE, NUM_IN_FLIGHT_AUCTIONS, PERSON_ID_LEAD, PERSON_PROPORTION, TOTAL_PROPORTION } = C;

const PROPORTION: Record<NexmarkTable, number> = { person: PERSON_PROPORTION, auction: AUCTION_PROPORTION, bid: BID_PROPORTION };
const OFFSET: Record<NexmarkTable, number> = { person: 0, auction: PERSON_PROPORTION, bid: PERSON_PROPORTION + AUCTION_PROPORTION };

/** The event number of the k-th event (from 0) of one kind. */
export function eventNumberOf(table: NexmarkTable, k: number): number {
  const p = PROPORTION[table];
  return Math.floor(k / p) * TOTAL_PROPORTION + OFFSET[table] + (k % p);
}

/** How many events of one kind have event numbers below `n`. */
export function countBelow(table: NexmarkTable, n: number): number {
  const p = PROPORTION[table];
  const epochs = Math.floor(n / TOTAL_PROPORTION);
  const rest = n % TOTAL_PROPORTION;
  return epochs * p + Math.min(Math.max(rest - OFFSET[table], 0), p);
}

/** The last person id created at or before event n (the current one if n creates a person). */
export function lastPersonId(n: number): number {
  const epoch = Math.floor(n / TOTAL_PROPORTION);
  const offset = Math.min(n % TOTAL_PROPORTION, PERSON_PROPORTION - 1);
  return epoch * PERSON_PROPORTION + offset;
}

/** The last auction id created at or before event n; -1 before the first auction. */
export function lastAuctionId(n: number): number {
  let epoch = Math.floor(n / TOTAL_PROPORTION);
  let offset = n % TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) { epoch--; offset = AUCTION_PROPORTION - 1; } // a person: last auction of the previous epoch
  else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) offset = AUCTION_PROPORTION - 1; // a bid: last auction of this epoch
  else offset -= PERSON_PROPORTION;
  return epoch * AUCTION_PROPORTION + offset;
}

/** A random recent person: one of the last NUM_ACTIVE_PEOPLE, or up to PERSON_ID_LEAD not created yet. */
export function randomPersonId(n: number, rnd: RecordRandom): number {
  const people = lastPersonId(n) + 1;
  const active = Math.min(people, NUM_ACTIVE_PEOPLE);
  return people - active + rnd.nextInt(active + PERSON_ID_LEAD);
}

/** A random auction likely still open: one of the last NUM_IN_FLIGHT_AUCTIONS, or up to AUCTION_ID_LEAD ahead. */
export function randomAuctionId(n: number, rnd: RecordRandom): number {
  const max = lastAuctionId(n);
  const min = Math.max(max - NUM_IN_FLIGHT_AUCTIONS, 0);
  return min + rnd.nextInt(max - min + 1 + AUCTION_ID_LEAD);
}

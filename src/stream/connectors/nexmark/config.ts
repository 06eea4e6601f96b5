// Nexmark generator configuration: the constants of the Nexmark benchmark as Flink's nexmark
// repository defines them (NexmarkConfiguration, GeneratorConfig and the model generators), and
// the connector options that set the rest (RisingWave's option names where it has one).

import { SqlError, SqlState } from '../../../errors.js';
import { enumOption, intOption, numberOption, rejectUnknownOptions, type Options } from '../option-values.js';

/** Events come in epochs of 50: 1 person, then 3 auctions, then 46 bids. */
export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
export const TOTAL_PROPORTION = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;

export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const NUM_CATEGORIES = 5;

/** Ids may run this far ahead of the last generated person / auction ("leads"). */
export const PERSON_ID_LEAD = 10;
export const AUCTION_ID_LEAD = 10;
/** Random sellers and bidders are drawn from the most recent people, random auctions from the most recent auctions. */
export const NUM_ACTIVE_PEOPLE = 1000;
export const NUM_IN_FLIGHT_AUCTIONS = 100;
/** 1 - 1/ratio of choices go to a "hot" id: the first (sellers, auctions) or second (bidders) of the last block of 100. */
export const HOT_SELLER_RATIO = 4;
export const HOT_AUCTION_RATIO = 2;
export const HOT_BIDDER_RATIO = 4;
export const HOT_CHANNEL_RATIO = 2;
export const HOT_BLOCK = 100;
export const CHANNELS_NUMBER = 10_000;

export const AVG_PERSON_BYTE_SIZE = 200;
export const AVG_AUCTION_BYTE_SIZE = 500;
export const AVG_BID_BYTE_SIZE = 100;

/** Event-time spacing when no rate is given: the spec's default first event rate. */
export const DEFAULT_EVENT_RATE = 10_000;
/** Event time of event 0 unless `nexmark.base.time` says otherwise: fixed, so runs repeat exactly. */
export const DEFAULT_BASE_TIME_MS = Date.UTC(2023, 0, 1);

export type NexmarkTable = 'person' | 'auction' | 'bid';

export interface NexmarkConfig {
  readonly table: NexmarkTable;
  readonly seed: number;
  /** Number of events (of all three kinds) in the stream; `null` when unbounded. */
  readonly eventCount: number | null;
  /** Emission rate in events per second (of all kinds); 0 = as fast as possible. */
  readonly rate: number;
  /** Microseconds of event time between consecutive events. */
  readonly interEventDelayUs: number;
  readonly baseTimeMs: number;
  /** How many splits the local runtime runs; a parallel runtime may choose its own count. */
  readonly splits: number;
}

const KNOWN = new Set(['seed', 'nexmark.table.type', 'nexmark.event.num', 'nexmark.rate', 'nexmark.split', 'nexmark.split.num', 'nexmark.base.time']);

export function nexmarkConfig(options: Options): NexmarkConfig {
  rejectUnknownOptions('nexmark', options, (k) => KNOWN.has(k));
  const table = enumOption(options, 'nexmark.table.type', ['person', 'auction', 'bid'] as const);
  if (!table) {
    throw new SqlError(SqlState.InvalidParameterValue, "the nexmark connector needs WITH (nexmark.table.type = 'person' | 'auction' | 'bid')");
  }
  if (options['nexmark.split'] !== undefined && options['nexmark.split.num'] !== undefined) {
    throw new SqlError(SqlState.InvalidParameterValue, 'give either "nexmark.split" or "nexmark.split.num", not both');
  }
  const rate = numberOption(options, 'nexmark.rate', 0, 1e9) ?? 0;
  const base = options['nexmark.base.time'];
  const baseTimeMs = base === undefined ? DEFAULT_BASE_TIME_MS
    : base.trim().toLowerCase() === 'now' ? Date.now()
      : intOption(options, 'nexmark.base.time', 0, 253402300799999)!;
  return {
    table,
    seed: intOption(options, 'seed', 0) ?? 0,
    eventCount: intOption(options, 'nexmark.event.num', 0) ?? null,
    rate,
    interEventDelayUs: 1e6 / (rate > 0 ? rate : DEFAULT_EVENT_RATE),
    baseTimeMs,
    splits: intOption(options, 'nexmark.split', 1, 1024) ?? intOption(options, 'nexmark.split.num', 1, 1024) ?? 1,
  };
}

/** Event time, in milliseconds since the epoch, of event number `n` (Flink's timestampForEvent). */
export function eventTimeMs(cfg: NexmarkConfig, n: number): number {
  return cfg.baseTimeMs + Math.floor(Math.floor(n * cfg.interEventDelayUs) / 1000);
}

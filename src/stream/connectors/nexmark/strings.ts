// The strings of Nexmark events: names, emails, item names, channels, urls and the "extra"
// padding that brings each event to its average byte size (Flink nexmark's StringsGenerator and
// the constant lists of PersonGenerator / BidGenerator).
//
// Random text is cut from two pools of random characters built once per seed, at a random
// offset: the same distribution of characters as drawing each one, but a substring costs O(1)
// (V8 slices strings without copying), which keeps the bid path free of per-character work.

import { RecordRandom } from '../record-random.js';
import { CHANNELS_NUMBER } from './config.js';

export const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
export const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
export const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
export const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
export const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];

const POOL_SIZE = 1 << 16;
const MIN_STRING_LENGTH = 3;
const STREAM_POOLS = 0x5eed;
const STREAM_URLS = 0x0a11;

export class NexmarkStrings {
  /** Lowercase letters, for "extra". */
  private readonly letters: string;
  /** Lowercase letters with a space one time in 13, for names and descriptions. */
  private readonly words: string;
  readonly hotUrls: readonly string[];
  private readonly channelNames: (string | undefined)[] = new Array(CHANNELS_NUMBER);
  private readonly channelUrls: (string | undefined)[] = new Array(CHANNELS_NUMBER);
  private readonly urlRandom: RecordRandom;

  constructor(seed: number) {
    const rnd = new RecordRandom(seed, STREAM_POOLS);
    rnd.reset(0);
    const letters = Buffer.allocUnsafe(POOL_SIZE), words = Buffer.allocUnsafe(POOL_SIZE);
    for (let i = 0; i < POOL_SIZE; i++) {
      letters[i] = 97 + rnd.nextInt(26);
      words[i] = rnd.nextInt(13) === 0 ? 32 : 97 + rnd.nextInt(26);
    }
    this.letters = letters.toString('latin1');
    this.words = words.toString('latin1');
    this.urlRandom = new RecordRandom(seed, STREAM_URLS);
    this.hotUrls = HOT_CHANNELS.map((_, i) => this.baseUrl(CHANNELS_NUMBER + i));
  }

  /** Flink's nextString: 3 to maxLength-1 characters, with spaces, trimmed. */
  nextString(rnd: RecordRandom, maxLength: number): string {
    const len = MIN_STRING_LENGTH + rnd.nextInt(maxLength - MIN_STRING_LENGTH);
    const at = rnd.nextInt(POOL_SIZE - len);
    return this.words.substring(at, at + len).trim();
  }

  /** Padding so that `currentSize` plus its length averages `averageSize` (±20%). */
  nextExtra(rnd: RecordRandom, currentSize: number, averageSize: number): string {
    if (currentSize > averageSize) return '';
    const desired = averageSize - currentSize;
    const delta = Math.round(desired * 0.2);
    const len = desired - delta + (delta === 0 ? 0 : rnd.nextInt(2 * delta));
    const at = rnd.nextInt(POOL_SIZE - len);
    return this.letters.substring(at, at + len);
  }

  /** The channel and url of a bid on channel number c (0 ≤ c < CHANNELS_NUMBER), fixed per seed. */
  channel(c: number): string {
    return (this.channelNames[c] ??= `channel-${c}`);
  }

  channelUrl(c: number): string {
    let url = this.channelUrls[c];
    if (url === undefined) {
      url = this.baseUrl(c);
      // Nine channels in ten carry their id in the url (Flink: abs(Integer.reverse(c))).
      if (this.urlRandom.nextInt(10) > 0) url += `&channel_id=${Math.abs(reverseBits32(c))}`;
      this.channelUrls[c] = url;
    }
    return url;
  }

  private baseUrl(key: number): string {
    const rnd = this.urlRandom;
    rnd.reset(key);
    const part = () => {
      const len = MIN_STRING_LENGTH + rnd.nextInt(5 - MIN_STRING_LENGTH);
      let s = '';
      for (let i = 0; i < len; i++) s += rnd.nextInt(13) === 0 ? '_' : String.fromCharCode(97 + rnd.nextInt(26));
      return s;
    };
    return `https://www.nexmark.com/${part()}/${part()}/${part()}/item.htm?query=1`;
  }
}

/** Java's Integer.reverse: the 32 bits of x in reverse order, as a signed int. */
export function reverseBits32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) | 0;
}

const cache = new Map<number, NexmarkStrings>();

/** The string tables for a seed, shared by every reader in this process. */
export function nexmarkStrings(seed: number): NexmarkStrings {
  let s = cache.get(seed);
  if (!s) {
    if (cache.size > 16) cache.clear();
    s = new NexmarkStrings(seed);
    cache.set(seed, s);
  }
  return s;
}

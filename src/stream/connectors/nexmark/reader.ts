// A polled reader over one split of a Nexmark stream. Its position is the index of the next
// event of its kind (person, auction or bid) that it will emit; split i of n emits the events of
// its kind numbered i, i+n, i+2n, … among that kind, so the n splits together emit exactly the
// single-split sequence. With a rate, event number e is due (e - e0) / rate seconds after the
// first poll, e0 being the first event polled: the same pacing Flink's generator uses.

import type { Datum, Row } from '../../../types/value.js';
import { Int8Cache } from '../int8-cache.js';
import type { SourcePosition, SourceSplit, SourceSplitReader } from '../source-reader.js';
import { reportSplitFinished } from '../source-progress.js';
import { SplitCursor } from '../split-position.js';
import { type NexmarkConfig } from './config.js';
import { eventWriter, type EventWriter } from './events.js';
import * as ids from './ids.js';
import { NEXMARK_FIELDS } from './schema.js';
import { nexmarkStrings } from './strings.js';

const { countBelow, eventNumberOf } = ids; // local copies: see ids.ts

export class NexmarkSplitReader implements SourceSplitReader {
  private readonly cursor: SplitCursor;
  /** One past the last index of this kind; Infinity when unbounded. */
  private readonly end: number;
  private readonly write: EventWriter;
  private readonly scratch: Datum[];
  private wallBaseMs = -1;
  private eventBase = 0;
  private reported = false;

  constructor(private readonly cfg: NexmarkConfig, private readonly fields: readonly number[], private readonly split: SourceSplit) {
    this.cursor = new SplitCursor(split);
    this.end = cfg.eventCount === null ? Infinity : countBelow(cfg.table, cfg.eventCount);
    this.write = eventWriter(cfg.table, cfg, nexmarkStrings(cfg.seed), new Int8Cache());
    this.scratch = new Array<Datum>(NEXMARK_FIELDS[cfg.table].length).fill(null);
  }

  poll(maxRows: number, nowMs: number): Row[] | null {
    const cursor = this.cursor;
    if (cursor.next >= this.end) {
      if (!this.reported) {
        this.reported = true;
        const { index, count } = this.split;
        reportSplitFinished({ connector: 'nexmark', stream: this.cfg.table, split: { index, count }, rows: Math.max(0, Math.ceil((this.end - index) / count)) });
      }
      return null;
    }
    const { table, rate } = this.cfg;
    let lastDue = Infinity;
    if (rate > 0) {
      if (this.wallBaseMs < 0) { this.wallBaseMs = nowMs; this.eventBase = eventNumberOf(table, cursor.next); }
      lastDue = this.eventBase + Math.floor(((nowMs - this.wallBaseMs) * rate) / 1000);
    }
    const fields = this.fields, width = fields.length, scratch = this.scratch;
    const rows: Row[] = [];
    while (rows.length < maxRows && cursor.next < this.end) {
      const e = eventNumberOf(table, cursor.next);
      if (e > lastDue) break;
      this.write(e, scratch);
      const row = new Array<Datum>(width);
      for (let i = 0; i < width; i++) row[i] = scratch[fields[i]];
      rows.push(row);
      cursor.advance();
    }
    return rows;
  }

  position(): SourcePosition { return this.cursor.position(); }

  seek(position: SourcePosition): void {
    this.cursor.seek(position);
    this.wallBaseMs = -1; // pacing restarts from here
  }
}

// A polled reader over one split of a datagen source: row r is built column by column from
// (seed, column, r); split i of n produces rows i, i+n, …; with rows-per-second, row r is due
// (r - r0) / rate seconds after the first poll.

import type { Row } from '../../../types/value.js';
import type { SourcePosition, SourceSplit, SourceSplitReader } from '../source-reader.js';
import { SplitCursor } from '../split-position.js';
import type { FieldGenerator } from './fields.js';

export class DatagenSplitReader implements SourceSplitReader {
  private readonly cursor: SplitCursor;
  private wallBaseMs = -1;
  private rowBase = 0;

  constructor(private readonly fields: readonly FieldGenerator[], private readonly rowCount: number, private readonly rate: number, private readonly split: SourceSplit) {
    this.cursor = new SplitCursor(split);
  }

  poll(maxRows: number, nowMs: number): Row[] | null {
    const cursor = this.cursor;
    if (cursor.next >= this.rowCount) return null;
    let lastDue = Infinity;
    if (this.rate > 0) {
      if (this.wallBaseMs < 0) { this.wallBaseMs = nowMs; this.rowBase = cursor.next; }
      lastDue = this.rowBase + Math.floor(((nowMs - this.wallBaseMs) * this.rate) / 1000);
    }
    const fields = this.fields, width = fields.length;
    const rows: Row[] = [];
    while (rows.length < maxRows && cursor.next < this.rowCount && cursor.next <= lastDue) {
      const r = cursor.next;
      const row: Row = new Array(width);
      for (let i = 0; i < width; i++) row[i] = fields[i].value(r);
      rows.push(row);
      cursor.advance();
    }
    return rows;
  }

  position(): SourcePosition { return this.cursor.position(); }

  seek(position: SourcePosition): void {
    this.cursor.seek(position);
    this.wallBaseMs = -1;
  }
}

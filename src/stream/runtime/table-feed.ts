// The main-thread end of a table source: the table lives in the main thread's table store, so its
// snapshot and then every committed change (deletes before inserts, as LocalJob delivered them)
// are packed and posted to the table-source task, and barriers are posted into the same port so
// they sit exactly between the commits before and after them. Subscribing and reading the
// snapshot happen in one synchronous step, so no commit is missed or seen twice.

import type { MessagePort } from 'node:worker_threads';
import type { Row } from '../../types/value.js';
import type { TableChange } from '../../storage/table-store.js';
import { ChunkBuilder, Op, type Chunk } from '../chunk.js';
import { packChunk } from './chunk-codec.js';
import type { FeedMessage } from './messages.js';
import type { Barrier } from '../operators/operator.js';

export interface TableAccess {
  tableRows(oid: number): Iterable<Row>;
  subscribe(listener: (changes: TableChange[]) => void): () => void;
}

export class TableFeed {
  private readonly unsubscribe: () => void;
  rowsSent = 0;

  constructor(private readonly port: MessagePort, readonly oid: number, tables: TableAccess, withRows: boolean) {
    if (!withRows) {
      this.unsubscribe = () => undefined;
      this.port.postMessage({ startDone: true } satisfies FeedMessage);
      return;
    }
    this.unsubscribe = tables.subscribe((changes) => {
      for (const ch of changes) {
        if (ch.oid !== oid) continue;
        const b = new ChunkBuilder();
        for (const r of ch.deleted) this.send(b.push(Op.Delete, r));
        for (const r of ch.inserted) this.send(b.push(Op.Insert, r));
        this.send(b.take());
      }
    });
    const b = new ChunkBuilder();
    for (const r of tables.tableRows(oid)) this.send(b.push(Op.Insert, r), true);
    this.send(b.take(), true);
    this.port.postMessage({ startDone: true } satisfies FeedMessage);
  }

  private send(c: Chunk | null, start = false): void {
    if (!c) return;
    this.rowsSent += c.rows.length;
    this.port.postMessage((start ? { rows: packChunk(c), start } : { rows: packChunk(c) }) satisfies FeedMessage);
  }

  barrier(barrier: Barrier): void { this.port.postMessage({ barrier } satisfies FeedMessage); }

  close(): void {
    this.unsubscribe();
    this.port.close();
  }
}

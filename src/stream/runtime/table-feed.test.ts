// The table feed is bounded: rows the table-source task has not taken count against the feed, and
// while too many are in flight a committing session waits (the gate's promise) until the task
// catches up — or until the job stops.

import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import type { Row } from '../../types/value.js';
import type { TableChange } from '../../storage/table-store.js';
import type { Chunk } from '../chunk.js';
import { TableFeed, type TableAccess } from './table-feed.js';
import { TableFeedSource } from './task-sources.js';
import type { StreamTask } from './stream-task.js';

const settle = () => new Promise((r) => setTimeout(r, 20));

function harness(max: number) {
  let listener: ((c: TableChange[]) => void) | null = null;
  let gate: (() => Promise<void> | null) | null = null;
  const access: TableAccess = {
    tableRows: () => [],
    subscribe: (l) => { listener = l; return () => { listener = null; }; },
    throttle: (g) => { gate = g; return () => { gate = null; }; },
  };
  const ch = new MessageChannel();
  const feed = new TableFeed(ch.port1, 7, access, true, max);
  const taken: Row[] = [];
  const task = { schedule() {}, emitFromSource(c: Chunk) { taken.push(...c.rows); }, completeBarrier() {} } as unknown as StreamTask;
  const source = new TableFeedSource(ch.port2, () => task, null);
  const commit = (n: number) => listener!([{ oid: 7, inserted: Array.from({ length: n }, (_, i) => [i]), deleted: [] }]);
  const drain = () => { while (source.step(task)) { /* take everything queued */ } };
  return { feed, source, taken, commit, drain, gate: () => gate, close: () => { feed.close(); source.close(); } };
}

describe('TableFeed backpressure', () => {
  it('holds committing sessions while the task lags, and lets them go once it has taken the rows', async () => {
    const h = harness(100);
    h.commit(50);
    expect(h.gate()!()).toBeNull(); // within the bound
    h.commit(3000);
    const wait = h.gate()!();
    expect(wait).not.toBeNull();
    let released = false;
    void wait!.then(() => { released = true; });
    await settle();
    expect(released).toBe(false);
    h.drain(); // the task takes every row; its acknowledgements go back
    await settle();
    expect(released).toBe(true);
    expect(h.taken).toHaveLength(3050);
    expect(h.feed.inFlight).toBe(0);
    expect(h.gate()!()).toBeNull();
    h.close();
  });

  it('releases waiting sessions when the job stops', async () => {
    const h = harness(10);
    h.commit(1000);
    const wait = h.gate()!();
    h.close();
    await expect(wait).resolves.toBeUndefined();
    expect(h.gate()).toBeNull(); // unregistered
  });
});

// Backpressure: a client that asks for a huge result (or pipelines thousands of queries) and
// then stops reading must not make the server hold the output in memory. The server pauses the
// query while the socket's write buffer is full, its memory stays bounded, other sessions keep
// working, and the result arrives complete once the client reads again.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize } from 'pg-protocol';
import { startChild, type ChildServer } from './support/child-server.js';
import { CountingReader, firstColumn } from './support/counting-reader.js';
import { sleep } from './support/wire.js';

const MB = 1024 * 1024;
let srv: ChildServer;

beforeAll(async () => {
  srv = await startChild();
  // Warm up (JIT, heap) so the baseline RSS is not the cold-start size.
  const c = await srv.client();
  await c.query("SELECT g, repeat('x', 200) FROM generate_series(1, 200000) g");
  await c.end();
});
afterAll(async () => { await srv?.stop(); });

/** Sample the server's RSS every 100 ms for `ms`, running `alongside` meanwhile; returns the peak. */
async function peakRss(ms: number, alongside: () => Promise<void>): Promise<number> {
  let peak = srv.rss();
  const timer = setInterval(() => { peak = Math.max(peak, srv.rss()); }, 100);
  try {
    await Promise.all([sleep(ms), alongside()]);
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, srv.rss());
}

/** Another session runs ordinary queries and checks their answers. */
async function otherSessionWorks(rounds: number): Promise<void> {
  const c = await srv.client();
  try {
    for (let i = 0; i < rounds; i++) {
      const r = await c.query('SELECT $1::int * 2 AS x', [i]);
      expect(r.rows).toEqual([{ x: i * 2 }]);
      await sleep(50);
    }
  } finally {
    await c.end();
  }
}

describe('backpressure', () => {
  it('a client that stops reading a 5-million-row result does not make the server buffer it', async () => {
    const before = srv.rss();
    const reader = await CountingReader.ready(srv.port);
    reader.pause();
    // About 1 GB of DataRows if it were all produced at once.
    reader.write(serialize.query("SELECT g, repeat('x', 200) FROM generate_series(1, 5000000) g"));
    const peak = await peakRss(4000, () => otherSessionWorks(20));
    console.log(`RSS before ${(before / MB).toFixed(0)} MB, peak while the reader was stalled ${(peak / MB).toFixed(0)} MB`);
    expect(peak - before).toBeLessThan(200 * MB);
    // Paused, not producing: the server process is idle while the client does not read.
    const cpu0 = srv.cpuSeconds();
    await sleep(1000);
    expect(srv.cpuSeconds() - cpu0).toBeLessThan(0.3);
    // Hanging up ends the query; the server carries on.
    reader.destroy();
    await otherSessionWorks(3);
    expect(srv.exited()).toBeNull();
  }, 60_000);

  it('a paused result arrives complete once the client reads again', async () => {
    const reader = await CountingReader.ready(srv.port);
    reader.pause();
    reader.write(serialize.query("SELECT g, repeat('y', 500) FROM generate_series(1, 200000) g"));
    await sleep(1500);
    expect(reader.count('C')).toBe(0);
    reader.resume();
    expect(await reader.waitForCount('Z', 1, 60_000)).toBe(true);
    expect(reader.count('D')).toBe(200_000);
    expect(firstColumn(reader.lastDataRow!)).toBe('200000');
    expect(reader.tags).toEqual(['SELECT 200000']);
    expect(reader.count('E')).toBe(0);
    reader.destroy();
  }, 90_000);

  it('a client pipelining 20000 queries without reading is paused, then answered in order', async () => {
    const QUERIES = 20_000;
    const before = srv.rss();
    const reader = await CountingReader.ready(srv.port);
    reader.pause();
    // Each answer is ~10 kB: 200 MB in all if the server kept what the client does not read.
    const one = serialize.query("SELECT repeat('z', 10000) AS pad, 1 AS one");
    const batch = Buffer.concat(Array.from({ length: 1000 }, () => one));
    for (let i = 0; i < QUERIES / 1000; i++) reader.write(batch);
    const peak = await peakRss(4000, () => otherSessionWorks(20));
    console.log(`pipelining: RSS before ${(before / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB`);
    expect(peak - before).toBeLessThan(150 * MB);
    reader.resume();
    expect(await reader.waitForCount('Z', QUERIES, 120_000)).toBe(true);
    expect(reader.count('D')).toBe(QUERIES);
    expect(reader.count('E')).toBe(0);
    reader.destroy();
    expect(srv.exited()).toBeNull();
  }, 180_000);
});

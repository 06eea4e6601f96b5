// Thousands of idle connections: 2000 authenticated sessions sit idle while other clients keep
// querying; the server's memory per idle session stays small; when they all go away (some with
// Terminate, some by dropping the socket) the server is as before. Needs `ulimit -n` above
// ~2100 for this test process and the server (the default here is 20000).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize } from 'pg-protocol';
import { startChild, type ChildServer } from './support/child-server.js';
import { RawConn, sleep } from './support/wire.js';

const IDLE = 2000;
const KB = 1024;
let srv: ChildServer;

beforeAll(async () => {
  srv = await startChild();
  const c = await srv.client();
  await c.query('CREATE TABLE busy (id int PRIMARY KEY, n int)');
  await c.end();
});
afterAll(async () => { await srv?.stop(); });

/** One client inserting and reading back until `stop()` is called; returns how many rounds it did. */
function busyClient(id: number): { stop: () => Promise<number> } {
  let running = true;
  const done = (async () => {
    const c = await srv.client();
    let rounds = 0;
    try {
      while (running) {
        const key = id * 1_000_000 + rounds;
        await c.query('INSERT INTO busy VALUES ($1, $2)', [key, rounds]);
        const r = await c.query('SELECT n FROM busy WHERE id = $1', [key]);
        expect(r.rows).toEqual([{ n: rounds }]);
        rounds++;
      }
    } finally {
      await c.end();
    }
    return rounds;
  })();
  return { stop: async () => { running = false; return done; } };
}

/** Sessions the server holds, from pg_stat_activity (the asking session included). */
async function sessionCount(): Promise<number> {
  const c = await srv.client();
  try {
    const r = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity');
    return r.rows[0].n as number;
  } finally {
    await c.end();
  }
}

async function waitForSessions(n: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = await sessionCount();
  while (seen !== n && Date.now() < deadline) { await sleep(200); seen = await sessionCount(); }
  return seen;
}

describe(`${IDLE} idle connections`, () => {
  it('are held cheaply while other clients keep working, and all close cleanly', async () => {
    const workers = [busyClient(1), busyClient(2)];
    await sleep(300);
    const before = srv.rss();

    const idle: RawConn[] = [];
    for (let i = 0; i < IDLE; i += 100) {
      idle.push(...(await Promise.all(Array.from({ length: 100 }, () => RawConn.ready(srv.port)))));
    }
    expect(idle.length).toBe(IDLE);
    // The idle sessions, the two busy clients and the one asking.
    expect(await sessionCount()).toBe(IDLE + 3);
    await sleep(1000);
    const held = srv.rss();
    const perConnection = (held - before) / IDLE;
    console.log(`RSS with 2 busy clients ${(before / KB / KB).toFixed(0)} MB; with ${IDLE} idle sessions more ${(held / KB / KB).toFixed(0)} MB: ${(perConnection / KB).toFixed(1)} kB per idle session`);
    expect(perConnection).toBeLessThan(100 * KB);

    // Every idle session is alive and answers.
    const sample = [0, 1, IDLE / 2, IDLE - 1].map((i) => idle[i]);
    for (const c of sample) c.write(serialize.query('SELECT 7'));
    for (const c of sample) expect(await c.waitFor((m) => m.type === 'Z', 10_000)).toBe(true);
    expect(idle.every((c) => !c.closed)).toBe(true);

    // Half say goodbye, half just drop the socket.
    idle.forEach((c, i) => { if (i % 2) { c.write(serialize.end()); c.end(); } else c.destroy(); });
    for (const c of idle.filter((_, i) => i % 2)) expect(await c.waitClosed(10_000)).toBe(true);

    const rounds = await Promise.all(workers.map((w) => w.stop()));
    expect(await waitForSessions(1, 10_000)).toBe(1);
    expect(Math.min(...rounds)).toBeGreaterThan(10);
    expect(srv.exited()).toBeNull();
    const c = await srv.client();
    const r = await c.query('SELECT count(*)::int AS n FROM busy');
    expect(r.rows[0].n).toBe(rounds[0] + rounds[1]);
    await c.end();
    await sleep(500);
    console.log(`RSS after they closed: ${(srv.rss() / KB / KB).toFixed(0)} MB`);
  }, 120_000);
});

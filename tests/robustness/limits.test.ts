// Oversized, truncated and missing input: a message longer than the configured maximum is
// refused from its header (FATAL 08P01) before its body is buffered; a startup packet over
// 10000 bytes is refused as PostgreSQL refuses it; a client that disconnects in the middle of a
// message leaves nothing behind; a client that connects and never finishes authenticating is
// disconnected after authentication_timeout. Throughout, other sessions are unaffected.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize } from 'pg-protocol';
import { startChild, type ChildServer } from './support/child-server.js';
import { RawConn, message, sleep } from './support/wire.js';
import { startPostgres, type RealPostgres } from '../support/postgres.js';

const MB = 1024 * 1024;
let srv: ChildServer;
let pg: RealPostgres;

beforeAll(async () => {
  [srv, pg] = await Promise.all([
    startChild({ args: ['--max-message-size', '1MB', '--authentication-timeout', '1s'] }),
    startPostgres(),
  ]);
  const c = await srv.client();
  await c.query("CREATE ROLE secret LOGIN PASSWORD 'hunter2'");
  await c.end();
});
afterAll(async () => { pg?.stop(); await srv?.stop(); });

async function healthy(): Promise<void> {
  expect(srv.exited(), srv.output().stderr).toBeNull();
  const c = await srv.client();
  expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  await c.end();
}

async function sessionCount(): Promise<number> {
  const c = await srv.client();
  try { return (await c.query('SELECT count(*)::int AS n FROM pg_stat_activity')).rows[0].n as number; } finally { await c.end(); }
}

function fatal08P01(c: RawConn): boolean {
  return c.errors().some((e) => e.severity === 'FATAL' && e.code === '08P01');
}

/** A startup packet of exactly `size` bytes (padded with a long option value). */
function startupOfSize(size: number, database: string, user: string): Buffer {
  const base = serialize.startup({ user, database, application_name: '' });
  const pad = size - base.length;
  const withPad = serialize.startup({ user, database, application_name: 'a'.repeat(pad) });
  expect(withPad.length).toBe(size);
  return withPad;
}

describe('message length limits', () => {
  it('refuses a Query whose length is over the limit from its header alone', async () => {
    const c = await RawConn.ready(srv.port);
    // Only the 5-byte header: the server must not wait for 2 MB that will never come.
    const header = Buffer.alloc(5);
    header[0] = 'Q'.charCodeAt(0);
    header.writeInt32BE(2 * MB + 4, 1);
    c.write(header);
    expect(await c.waitClosed(5000)).toBe(true);
    expect(fatal08P01(c)).toBe(true);
    await healthy();
  });

  it('accepts a Query just under the limit', async () => {
    const c = await RawConn.ready(srv.port);
    const text = 'x'.repeat(MB - 100);
    c.write(serialize.query(`SELECT length('${text}') AS n`));
    expect(await c.waitFor((m) => m.type === 'Z', 10_000)).toBe(true);
    expect(c.errors()).toEqual([]);
    expect(c.messages.some((m) => m.type === 'D' && m.body.includes(Buffer.from(String(MB - 100))))).toBe(true);
    c.destroy();
  });

  it('refuses an absurd length on a message that carries no data (Sync) as PostgreSQL does', async () => {
    const c = await RawConn.ready(srv.port);
    c.write(message('S', Buffer.alloc(0), 100_000));
    expect(await c.waitClosed(5000)).toBe(true);
    expect(fatal08P01(c)).toBe(true);
  });

  it('refuses a negative length', async () => {
    const c = await RawConn.ready(srv.port);
    c.write(message('Q', Buffer.alloc(0), -5));
    expect(await c.waitClosed(5000)).toBe(true);
    expect(fatal08P01(c)).toBe(true);
  });

  it('refuses a startup packet over 10000 bytes (after the length word) and accepts one of 10000, like PostgreSQL', async () => {
    for (const [port, database, user] of [[srv.port, 'weir', 'weir'], [pg.port, 'postgres', pg.user]] as const) {
      const big = await RawConn.open(port);
      big.write(startupOfSize(10_005, database, user));
      expect(await big.waitClosed(5000), `port ${port}`).toBe(true);
      expect(big.messages.some((m) => m.type === 'Z')).toBe(false);

      const ok = await RawConn.open(port);
      ok.write(startupOfSize(10_004, database, user));
      expect(await ok.waitFor((m) => m.type === 'Z', 10_000), `port ${port}`).toBe(true);
      ok.destroy();
    }
  });
});

describe('limit settings', () => {
  it('refuses to start with a limit it cannot use, saying which', async () => {
    await expect(startChild({ args: ['--max-message-size', '12XB'] })).rejects.toThrow(/invalid max-message-size: 12XB/);
    await expect(startChild({ args: ['--authentication-timeout', 'soon'] })).rejects.toThrow(/invalid authentication-timeout: soon/);
  });
});

describe('clients that go away in the middle', () => {
  it('a client that disconnects mid-message or mid-startup leaves no session behind', async () => {
    const sessions = await sessionCount();
    for (let i = 0; i < 20; i++) {
      const c = await RawConn.ready(srv.port);
      const q = serialize.query(`SELECT '${'y'.repeat(500_000)}'`);
      c.write(q.subarray(0, 1 + (i * 37_000) % (q.length - 1)));
      await sleep(10);
      c.destroy();
      const s = await RawConn.open(srv.port);
      const st = serialize.startup({ user: 'weir', database: 'weir' });
      s.write(st.subarray(0, 1 + (i % (st.length - 1))));
      s.destroy();
    }
    await sleep(500);
    expect(await sessionCount()).toBe(sessions);
    await healthy();
  });
});

describe('authentication_timeout', () => {
  it('disconnects a client that connects and sends nothing', async () => {
    const c = await RawConn.open(srv.port);
    const started = Date.now();
    expect(await c.waitClosed(10_000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('disconnects a client that sends half a startup packet', async () => {
    const c = await RawConn.open(srv.port);
    c.write(serialize.startup({ user: 'weir', database: 'weir' }).subarray(0, 10));
    expect(await c.waitClosed(10_000)).toBe(true);
  });

  it('disconnects a client that never answers the password challenge', async () => {
    const c = await RawConn.open(srv.port);
    c.write(serialize.startup({ user: 'secret', database: 'weir' }));
    expect(await c.waitFor((m) => m.type === 'R', 5000)).toBe(true);
    expect(await c.waitClosed(10_000)).toBe(true);
    expect(c.messages.some((m) => m.type === 'Z')).toBe(false);
  });

  it('many stalled connections at once are all dropped, and do not affect authenticated sessions', async () => {
    const session = await srv.client();
    const stalled = await Promise.all(Array.from({ length: 200 }, () => RawConn.open(srv.port)));
    await sleep(2500);
    // An authenticated session is not subject to the timeout.
    expect((await session.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    for (const c of stalled) expect(await c.waitClosed(5000)).toBe(true);
    await session.end();
    await healthy();
  });
});

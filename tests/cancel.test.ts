// Long-running queries can be cancelled with a CancelRequest and stopped by statement_timeout;
// the session stays usable afterwards.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
beforeAll(async () => { srv = await startServer(); });
afterAll(async () => { await srv.stop(); });

const LONG = 'SELECT count(*) FROM generate_series(1, 200000000) a';

it('cancels a running query on CancelRequest (57014) and serves the next one', async () => {
  const c = await srv.client();
  const started = Date.now();
  const q = c.query(LONG).then(() => 'finished', (e: { code?: string }) => e.code);
  await new Promise((r) => setTimeout(r, 300));
  // node-postgres sends a CancelRequest on a new connection with the backend's pid and secret.
  const pid = (c as unknown as { processID: number }).processID;
  const secret = (c as unknown as { secretKey: number }).secretKey;
  await sendCancel(srv.port, pid, secret);
  expect(await q).toBe('57014');
  expect(Date.now() - started).toBeLessThan(10_000);
  expect((await c.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
});

it('stops a query at statement_timeout', async () => {
  const c = await srv.client();
  await c.query("SET statement_timeout = '200ms'");
  const code = await c.query(LONG).then(() => 'finished', (e: { code?: string; message: string }) => e.code);
  expect(code).toBe('57014');
  await c.query('RESET statement_timeout');
  expect((await c.query('SELECT 2 AS x')).rows).toEqual([{ x: 2 }]);
});

/** A CancelRequest packet: length 16, code 80877102, pid, secret — on its own connection. */
async function sendCancel(port: number, pid: number, secret: number): Promise<void> {
  const { connect } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      const b = Buffer.alloc(16);
      b.writeInt32BE(16, 0); b.writeInt32BE(80877102, 4); b.writeInt32BE(pid, 8); b.writeInt32BE(secret, 12);
      s.end(b);
    });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

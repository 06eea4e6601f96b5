// Graceful shutdown on SIGTERM and SIGINT, as PostgreSQL's: new connections are refused, a
// query in flight finishes and returns its rows, idle sessions get FATAL 57P01 "terminating
// connection due to administrator command", an open transaction is rolled back, streaming jobs
// stop, LevelDB is closed, and the process exits 0. Commands still running when the grace period
// ends are cancelled. Everything committed is there after a restart on the same data directory.

import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { serialize } from 'pg-protocol';
import { freshDataDir, startChild } from './support/child-server.js';
import { RawConn, sleep } from './support/wire.js';

function adminShutdown(c: RawConn): boolean {
  return c.errors().some((e) => e.severity === 'FATAL' && e.code === '57P01' && e.message === 'terminating connection due to administrator command');
}

/** Resolves with the connect error code ('ECONNREFUSED'), or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); res('connected'); });
    s.once('error', (e: NodeJS.ErrnoException) => res(e.code ?? 'error'));
  });
}

async function sendQuery(c: RawConn, sql: string): Promise<void> {
  c.messages.length = 0;
  c.write(serialize.query(sql));
  if (!(await c.waitFor((m) => m.type === 'Z', 10_000))) throw new Error(`no answer to ${sql}`);
  expect(c.errors(), sql).toEqual([]);
}

describe('graceful shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: finishes the query in flight, ends idle sessions with 57P01, refuses new connections, exits 0`, async () => {
      const dataDir = freshDataDir();
      try {
        const srv = await startChild({ dataDir, args: ['--shutdown-grace', '20s'] });
        const setup = await srv.client();
        await setup.query('CREATE TABLE kept (id int PRIMARY KEY, note text)');
        await setup.query("INSERT INTO kept SELECT g, 'row ' || g FROM generate_series(1, 1000) g");
        // A streaming job, which shutdown must stop (once is enough: creating one is slow).
        if (signal === 'SIGTERM') await setup.query('CREATE MATERIALIZED VIEW kept_count AS SELECT count(*) AS n FROM kept');
        await setup.end();

        const idle = await RawConn.ready(srv.port);
        const inTxn = await RawConn.ready(srv.port);
        await sendQuery(inTxn, "BEGIN; INSERT INTO kept VALUES (5000, 'never committed')");
        // Connected but not yet authenticated: refused as PostgreSQL refuses it while shutting down.
        const starting = await RawConn.open(srv.port);
        const busy = await RawConn.ready(srv.port);
        busy.write(serialize.query('SELECT count(*) FROM generate_series(1, 1500000)'));
        await sleep(300);

        srv.kill(signal);
        await sleep(300);
        expect(await tryConnect(srv.port)).toBe('ECONNREFUSED');
        expect(await idle.waitClosed(5000)).toBe(true);
        expect(adminShutdown(idle)).toBe(true);
        expect(await inTxn.waitClosed(5000)).toBe(true);
        expect(adminShutdown(inTxn)).toBe(true);
        expect(await starting.waitClosed(5000)).toBe(true);
        expect(starting.errors().map((e) => `${e.severity} ${e.code}`)).toEqual(['FATAL 57P03']);

        // The query in flight completes with its rows, then the session is ended.
        expect(await busy.waitClosed(30_000)).toBe(true);
        const kinds = busy.messages.map((m) => m.type).join('');
        expect(kinds).toBe('TDCZE');
        expect(busy.messages[1].body.includes(Buffer.from('1500000'))).toBe(true);
        expect(adminShutdown(busy)).toBe(true);

        expect(await srv.exit).toEqual({ code: 0, signal: null });
        expect(srv.output().stdout).toContain('shutdown complete');
        expect(srv.output().stderr).toBe('');

        const again = await startChild({ dataDir });
        const c = await again.client();
        expect((await c.query('SELECT count(*)::int AS n, max(id) AS m FROM kept')).rows).toEqual([{ n: 1000, m: 1000 }]);
        if (signal === 'SIGTERM') expect((await c.query('SELECT n::int AS n FROM kept_count')).rows).toEqual([{ n: 1000 }]);
        await again.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 90_000);
  }

  it('cancels commands still running when the grace period ends, and exits 0', async () => {
    const dataDir = freshDataDir();
    try {
      const srv = await startChild({ dataDir, args: ['--shutdown-grace', '1s'] });
      const setup = await srv.client();
      await setup.query('CREATE TABLE t (a int)');
      await setup.query('INSERT INTO t VALUES (1)');
      await setup.end();

      const long = await RawConn.ready(srv.port);
      long.write(serialize.query('SELECT count(*) FROM generate_series(1, 500000000)'));
      // A COPY waiting for data that never comes.
      const copy = await RawConn.ready(srv.port);
      copy.write(serialize.query('COPY t FROM STDIN'));
      expect(await copy.waitFor((m) => m.type === 'G', 5000)).toBe(true);
      copy.write(serialize.copyData(Buffer.from('2\n3\n')));
      await sleep(300);

      const signalled = Date.now();
      srv.kill('SIGTERM');
      expect(await long.waitClosed(10_000)).toBe(true);
      expect(await copy.waitClosed(10_000)).toBe(true);
      expect(adminShutdown(long)).toBe(true);
      expect(adminShutdown(copy)).toBe(true);
      expect(long.messages.some((m) => m.type === 'D')).toBe(false);
      expect(await srv.exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(10_000);

      const again = await startChild({ dataDir });
      const c = await again.client();
      expect((await c.query('SELECT a FROM t ORDER BY a')).rows).toEqual([{ a: 1 }]);
      await again.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

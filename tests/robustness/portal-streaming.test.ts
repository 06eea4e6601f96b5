// SELECT portals of the extended protocol stream their rows: Execute with a row limit fetches
// the next rows of the same run (PortalSuspended between fetches, exactly as PostgreSQL answers,
// compared against a real one), and a client that executes a huge portal and stops reading does
// not make the server buffer the result.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize } from 'pg-protocol';
import { startChild, type ChildServer } from './support/child-server.js';
import { CountingReader } from './support/counting-reader.js';
import { RawConn, errorFields, sleep } from './support/wire.js';
import { startPostgres, type RealPostgres } from '../support/postgres.js';

const MB = 1024 * 1024;
let srv: ChildServer;
let pg: RealPostgres;

beforeAll(async () => {
  [srv, pg] = await Promise.all([startChild(), startPostgres()]);
});
afterAll(async () => { pg?.stop(); await srv?.stop(); });

async function open(port: number, user: string, database: string): Promise<RawConn> {
  const c = await RawConn.open(port);
  c.write(serialize.startup({ user, database }));
  if (!(await c.waitFor((m) => m.type === 'Z', 10_000))) throw new Error('no ReadyForQuery after startup');
  c.messages.length = 0;
  return c;
}

/** Message types and tags/first columns of everything up to the n-th ReadyForQuery. */
async function exchange(c: RawConn, bytes: Buffer, readyCount = 1): Promise<string[]> {
  c.messages.length = 0;
  c.write(bytes);
  const ok = await c.waitFor(() => c.messages.filter((m) => m.type === 'Z').length >= readyCount, 10_000);
  if (!ok) throw new Error('no ReadyForQuery');
  return c.messages.flatMap((m) => {
    if (m.type === 'D') return [`D:${m.body.toString('utf8', 6, 6 + m.body.readInt32BE(2))}`];
    if (m.type === 'C') return [`C:${m.body.toString('utf8', 0, m.body.length - 1)}`];
    if (m.type === 'E') return [`E:${errorFields(m.body).code}`];
    return [m.type];
  });
}

describe('streaming portals', () => {
  it('Execute with a row limit fetches the rest of the same run, as PostgreSQL answers it', async () => {
    const script = (c: RawConn) => async () => {
      const out: string[][] = [];
      out.push(await exchange(c, Buffer.concat([serialize.query('BEGIN')])));
      out.push(await exchange(c, Buffer.concat([
        serialize.parse({ name: 'q', text: 'SELECT g FROM generate_series(1, $1::int) g WHERE g % 2 = 1' }),
        serialize.bind({ portal: 'p', statement: 'q', values: ['10'] }),
        serialize.execute({ portal: 'p', rows: 2 }), serialize.sync(),
      ])));
      out.push(await exchange(c, Buffer.concat([serialize.execute({ portal: 'p', rows: 3 }), serialize.sync()])));
      out.push(await exchange(c, Buffer.concat([serialize.execute({ portal: 'p', rows: 3 }), serialize.sync()])));
      out.push(await exchange(c, Buffer.concat([
        serialize.bind({ portal: 'p2', statement: 'q', values: ['4'] }),
        serialize.execute({ portal: 'p2', rows: 0 }), serialize.close({ type: 'P', name: 'p2' }), serialize.sync(),
      ])));
      // A portal closed before its end, then the error path: a division by zero part-way.
      out.push(await exchange(c, Buffer.concat([
        serialize.bind({ portal: 'p3', statement: 'q', values: ['1000'] }),
        serialize.execute({ portal: 'p3', rows: 1 }), serialize.close({ type: 'P', name: 'p3' }),
        serialize.parse({ name: '', text: 'SELECT 10 / (3 - g) FROM generate_series(1, 5) g' }),
        serialize.bind({}), serialize.execute({ rows: 0 }), serialize.sync(),
      ])));
      out.push(await exchange(c, serialize.query('ROLLBACK')));
      return out;
    };
    const weir = await open(srv.port, 'weir', 'weir');
    const real = await open(pg.port, pg.user, 'postgres');
    const [a, b] = [await script(weir)(), await script(real)()];
    expect(a).toEqual(b);
    weir.destroy();
    real.destroy();
  });

  it('a client that executes a huge portal and stops reading does not make the server buffer it', async () => {
    const warm = await srv.client();
    await warm.query("SELECT g, repeat('x', 200) FROM generate_series(1, $1::int) g", [200_000]);
    await warm.end();
    const before = srv.rss();
    const reader = await CountingReader.ready(srv.port);
    reader.pause();
    reader.write(Buffer.concat([
      serialize.parse({ text: "SELECT g, repeat('x', 200) FROM generate_series(1, $1::int) g" }),
      serialize.bind({ values: ['5000000'] }), serialize.execute({ rows: 0 }), serialize.sync(),
    ]));
    let peak = before;
    for (let i = 0; i < 30; i++) { await sleep(100); peak = Math.max(peak, srv.rss()); }
    console.log(`extended protocol: RSS before ${(before / MB).toFixed(0)} MB, peak while stalled ${(peak / MB).toFixed(0)} MB`);
    expect(peak - before).toBeLessThan(200 * MB);
    reader.destroy();
    const c = await srv.client();
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  }, 60_000);
});

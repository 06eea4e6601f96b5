// A Weir server and a real PostgreSQL side by side, each with one client and the same setup
// statements applied: the fixture of every test that compares Weir's answers with PostgreSQL's.

import pg from 'pg';
import { startServer, type TestServer } from './server.js';
import { startPostgres, type RealPostgres } from './postgres.js';

export interface WeirAndPostgres {
  readonly weir: TestServer;
  readonly ref: RealPostgres;
  /** Client of Weir. */
  readonly w: pg.Client;
  /** Client of PostgreSQL. */
  readonly p: pg.Client;
  /** Run one statement on both, PostgreSQL first. */
  both(sql: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startWeirAndPostgres(setup: Iterable<string> = []): Promise<WeirAndPostgres> {
  const [weir, ref] = await Promise.all([startServer(), startPostgres()]);
  const w = await weir.client();
  const p = new pg.Client({ host: '127.0.0.1', port: ref.port, user: ref.user, database: 'postgres' });
  await p.connect();
  const both = async (sql: string) => { await p.query(sql); await w.query(sql); };
  for (const s of setup) await both(s);
  return {
    weir, ref, w, p, both,
    async stop() {
      await p.end().catch(() => undefined);
      await weir.stop();
      ref.stop();
    },
  };
}

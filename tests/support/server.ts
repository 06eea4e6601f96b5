// Starts a Weir server for a test file: in-process on an ephemeral port with a fresh data
// directory, reached only over real sockets.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Database } from '../../src/database.js';
import { PgServer } from '../../src/pgwire/server.js';

export interface TestServer {
  readonly port: number;
  readonly dataDir: string;
  readonly user: string;
  /** The server's database, for tests that look inside (the streaming runtime's TaskManagers). */
  readonly db: Database;
  client(opts?: Partial<pg.ClientConfig>): Promise<pg.Client>;
  stop(): Promise<void>;
}

export const TEST_USER = 'weir';

export async function startServer(opts: { dataDir?: string; passwordMethod?: 'scram-sha-256' | 'password' } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'weir-test-'));
  const db = await Database.open({ dataDir, bootstrapUser: TEST_USER });
  const server = new PgServer(db, { host: '127.0.0.1', port: 0, passwordMethod: opts.passwordMethod });
  const port = await server.listen();
  const clients: pg.Client[] = [];
  return {
    port, dataDir, user: TEST_USER, db,
    async client(extra = {}) {
      const c = new pg.Client({ host: '127.0.0.1', port, user: TEST_USER, database: 'weir', ...extra });
      await c.connect();
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await server.close(1000);
      await db.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// Runs every sql-tests/*.slt file against a fresh server, one test per record.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';
import { parseSlt, runRecord } from './support/slt.js';

const dir = join(import.meta.dirname, '..', 'sql-tests');
const files = readdirSync(dir).filter((f) => f.endsWith('.slt')).sort();

for (const file of files) {
  describe(file, () => {
    let srv: TestServer;
    let c: pg.Client;
    beforeAll(async () => { srv = await startServer(); c = await srv.client(); });
    afterAll(async () => { await srv.stop(); });
    for (const rec of parseSlt(join(dir, file))) {
      it(`line ${rec.line}: ${rec.sql.split('\n')[0].slice(0, 60)}`, async () => {
        const problem = await runRecord(c, rec);
        expect(problem, `${file}:${rec.line}\n${rec.sql}`).toBeNull();
      });
    }
  });
}

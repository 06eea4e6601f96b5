// SHOW SOURCES | SINKS | STREAMS | MATERIALIZED VIEWS list what was created, and a batch SELECT
// on a source says what to do instead of failing obscurely.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
let c: pg.Client;
beforeAll(async () => { srv = await startServer(); c = await srv.client(); });
afterAll(async () => { await srv?.stop(); });

it('lists each kind of streaming object, and refuses a batch read of a source with 0A000', async () => {
  await c.query("CREATE SOURCE people (id bigint, name varchar) WITH (connector = 'nexmark', nexmark.table.type = 'person', nexmark.event.num = 100)");
  await c.query('CREATE MATERIALIZED VIEW people_n AS SELECT count(*) AS n FROM people');
  await c.query('CREATE STREAM people_ids AS SELECT id FROM people');
  await c.query("CREATE SINK people_out FROM people_n WITH (connector = 'blackhole')");
  const names = async (sql: string) => (await c.query(sql)).rows.map((r: { name: string }) => r.name);
  expect(await names('SHOW SOURCES')).toEqual(['people']);
  expect(await names('SHOW MATERIALIZED VIEWS')).toEqual(['people_n']);
  expect(await names('SHOW STREAMS')).toEqual(['people_ids']);
  expect(await names('SHOW SINKS')).toEqual(['people_out']);
  await expect(c.query('SELECT * FROM people')).rejects.toMatchObject({ code: '0A000', message: expect.stringMatching(/source "people"/) });
  expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
});

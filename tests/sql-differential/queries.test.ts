// Differential test: the same seeded data in Weir and in a real PostgreSQL 15, then several
// hundred queries (queries.sql plus the generated variations of templates.ts) whose answers
// must agree: column names, type OIDs, rows and value texts, or the SQLSTATE of the error.
// known-differences.sql lists queries Weir still answers differently; the test asserts that
// each still differs, so fixing one fails the test until the query moves to queries.sql.

import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startWeirAndPostgres, type WeirAndPostgres } from '../support/weir-and-postgres.js';
import { dataStatements } from './data.js';
import { readCorpus, type CorpusQuery } from './corpus.js';
import { templatedQueries } from './templates.js';
import { difference, run } from './compare.js';

const SEED = Number(process.env.WEIR_DIFF_SEED ?? 20261125);

let env: WeirAndPostgres;
let w: pg.Client;
let p: pg.Client;

beforeAll(async () => {
  env = await startWeirAndPostgres(dataStatements(SEED));
  ({ w, p } = env);
}, 120_000);

afterAll(async () => { await env?.stop(); });

async function differences(queries: CorpusQuery[]): Promise<Map<CorpusQuery, string>> {
  const out = new Map<CorpusQuery, string>();
  for (const q of queries) {
    const d = difference(q.sql, await run(w, q.sql), await run(p, q.sql));
    if (d) out.set(q, d);
  }
  return out;
}

const report = (diffs: Map<CorpusQuery, string>) =>
  [...diffs].map(([q, d]) => `${q.where}: ${q.sql}\n    ${d}`).join('\n');

it('answers the hand-written corpus as PostgreSQL does', async () => {
  const queries = readCorpus(join(import.meta.dirname, 'queries.sql'));
  expect(queries.length).toBeGreaterThan(300);
  const diffs = await differences(queries);
  expect(diffs.size, `seed ${SEED}, ${diffs.size} of ${queries.length} differ:\n${report(diffs)}`).toBe(0);
}, 60_000);

it('answers the generated variations as PostgreSQL does', async () => {
  const queries = templatedQueries(SEED);
  expect(queries.length).toBeGreaterThan(150);
  const diffs = await differences(queries);
  expect(diffs.size, `seed ${SEED}, ${diffs.size} of ${queries.length} differ:\n${report(diffs)}`).toBe(0);
}, 60_000);

it('still differs on each known difference (move a query to queries.sql once it agrees)', async () => {
  const queries = readCorpus(join(import.meta.dirname, 'known-differences.sql'));
  const diffs = await differences(queries);
  const agreeing = queries.filter((q) => !diffs.has(q));
  expect(agreeing.map((q) => `${q.where}: ${q.sql}`), 'these known differences now agree with PostgreSQL').toEqual([]);
}, 60_000);

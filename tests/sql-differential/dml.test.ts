// DML differential test: the statements of dml.sql run in turn on Weir and on a real PostgreSQL
// 15 loaded with the same data. Each statement must give the same result (RETURNING rows or
// SQLSTATE), and after each one every table touched by the corpus must hold the same rows, so
// partial effects of a failing statement and wrong UPDATE … FROM / ON CONFLICT matches show up.

import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startWeirAndPostgres, type WeirAndPostgres } from '../support/weir-and-postgres.js';
import { dataStatements } from './data.js';
import { readCorpus } from './corpus.js';
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

it('applies the DML corpus with the same results and table contents as PostgreSQL', async () => {
  const statements = readCorpus(join(import.meta.dirname, 'dml.sql'));
  expect(statements.length).toBeGreaterThan(40);
  const problems: string[] = [];
  const tables = new Set(['l', 'r', 'strs']);
  let failures = 0;
  // A table that starts to differ is reported once, not again after every later statement.
  const differing = new Set<string>();
  for (const st of statements) {
    const created = /^CREATE TABLE (\w+)/i.exec(st.sql);
    if (created) tables.add(created[1]);
    const [got, want] = [await run(w, st.sql), await run(p, st.sql)];
    if (!want.ok) failures++;
    const d = difference(st.sql, got, want);
    if (d) problems.push(`${st.where}: ${st.sql}\n    ${d}`);
    for (const t of tables) {
      const q = `SELECT * FROM ${t}`;
      const td = difference(q, await run(w, q), await run(p, q));
      if (td && !differing.has(t)) problems.push(`${st.where}: after ${st.sql}\n    table ${t}: ${td}`);
      if (td) differing.add(t); else differing.delete(t);
    }
  }
  // The corpus exercises failing statements too (duplicate keys, NOT NULL, overflow).
  expect(failures).toBeGreaterThan(5);
  expect(problems, `seed ${SEED}:\n${problems.join('\n')}`).toEqual([]);
}, 60_000);

// Developer tool: `npx tsx tests/sql-differential/run-once.ts [file.sql | templates] [filter]` loads the
// data into a fresh Weir and PostgreSQL and prints every query whose answers differ.

import pg from 'pg';
import { join } from 'node:path';
import { startServer } from '../support/server.js';
import { startPostgres } from '../support/postgres.js';
import { dataStatements } from './data.js';
import { readCorpus } from './corpus.js';
import { templatedQueries } from './templates.js';
import { difference, run } from './compare.js';

const file = process.argv[2] ?? join(import.meta.dirname, 'queries.sql');
const filter = process.argv[3];
const [weir, ref] = await Promise.all([startServer(), startPostgres()]);
try {
  const w = await weir.client();
  const p = new pg.Client({ host: '127.0.0.1', port: ref.port, user: ref.user, database: 'postgres' });
  await p.connect();
  for (const s of dataStatements(20261125)) { await w.query(s); await p.query(s); }
  let n = 0, bad = 0;
  for (const q of file === 'templates' ? templatedQueries(20261125) : readCorpus(file)) {
    if (filter && !q.sql.includes(filter)) continue;
    n++;
    const [got, want] = [await run(w, q.sql), await run(p, q.sql)];
    const d = difference(q.sql, got, want);
    if (d) { bad++; console.log(`--- ${q.where}: ${q.sql}\n    ${d}`); }
  }
  console.log(`${bad} of ${n} differ`);
  await p.end();
} finally {
  await weir.stop();
  ref.stop();
}

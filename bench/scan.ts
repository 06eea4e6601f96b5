// A full scan with a hash aggregate: GROUP BY over a table of `rows` rows. Rows per second is the
// table size over the median time of a few runs, after one warm-up run.

import type { BenchServer } from './servers.js';
import { median } from './stats.js';

export const SCAN_QUERY = 'SELECT k, count(*), sum(v), min(v), max(v) FROM facts GROUP BY k';

/** Create `facts (id, k, v)` with `rows` rows (k has 100 distinct values), loaded in chunks. */
export async function loadFacts(server: BenchServer, rows: number): Promise<void> {
  const c = await server.client();
  try {
    await c.query('DROP TABLE IF EXISTS facts');
    await c.query('CREATE TABLE facts (id int PRIMARY KEY, k int NOT NULL, v int NOT NULL)');
    const chunk = 100_000;
    for (let lo = 1; lo <= rows; lo += chunk) {
      const hi = Math.min(rows, lo + chunk - 1);
      await c.query(`INSERT INTO facts SELECT g, g % 100, g % 1000 FROM generate_series(${lo}, ${hi}) g`);
    }
    if (server.name === 'pg') await c.query('VACUUM ANALYZE facts');
  } finally {
    await c.end();
  }
}

export async function scanRowsPerSecond(server: BenchServer, rows: number, runs: number): Promise<number> {
  const c = await server.client();
  try {
    const check = await c.query(SCAN_QUERY);
    if (check.rows.length !== Math.min(100, rows)) throw new Error(`${server.name}: GROUP BY returned ${check.rows.length} groups`);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await c.query(SCAN_QUERY);
      times.push((performance.now() - start) / 1000);
    }
    return rows / median(times);
  } finally {
    await c.end();
  }
}

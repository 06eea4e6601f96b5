// Bulk loading: COPY FROM STDIN (through psql, as users load files) and multi-row INSERT
// statements (through node-postgres, one autocommitted statement per batch). Rows per second,
// timed from the first byte sent to the last commit.

import { spawn } from 'node:child_process';
import type { BenchServer } from './servers.js';

export const LOAD_TABLE_DDL = '(id int PRIMARY KEY, k int NOT NULL, name text, amount numeric(10,2))';

/** Row `i` of the load tables as COPY text. */
function copyLine(i: number): string {
  return `${i}\t${i % 100}\tname-${i}\t${(i % 100_000) / 100}\n`;
}

function valuesTuple(i: number): string {
  return `(${i},${i % 100},'name-${i}',${(i % 100_000) / 100})`;
}

/** COPY `rows` rows into a fresh table; returns rows per second. */
export async function copyRowsPerSecond(server: BenchServer, rows: number): Promise<number> {
  const c = await server.client();
  try {
    await c.query('DROP TABLE IF EXISTS load_copy');
    await c.query(`CREATE TABLE load_copy ${LOAD_TABLE_DDL}`);
    const parts: string[] = [];
    for (let i = 1; i <= rows; i++) parts.push(copyLine(i));
    const data = parts.join('');
    const start = performance.now();
    await psql(server, 'COPY load_copy FROM STDIN', data);
    const seconds = (performance.now() - start) / 1000;
    const n = await c.query('SELECT count(*)::int AS n FROM load_copy');
    if (n.rows[0].n !== rows) throw new Error(`${server.name}: COPY loaded ${n.rows[0].n} rows, expected ${rows}`);
    await c.query('DROP TABLE load_copy');
    return rows / seconds;
  } finally {
    await c.end();
  }
}

/** INSERT `rows` rows in statements of `batch` rows each into a fresh table; returns rows per second. */
export async function insertRowsPerSecond(server: BenchServer, rows: number, batch: number): Promise<number> {
  const c = await server.client();
  try {
    await c.query('DROP TABLE IF EXISTS load_insert');
    await c.query(`CREATE TABLE load_insert ${LOAD_TABLE_DDL}`);
    const statements: string[] = [];
    for (let i = 1; i <= rows; i += batch) {
      const tuples: string[] = [];
      for (let j = i; j < Math.min(i + batch, rows + 1); j++) tuples.push(valuesTuple(j));
      statements.push(`INSERT INTO load_insert VALUES ${tuples.join(',')}`);
    }
    const start = performance.now();
    for (const s of statements) await c.query(s);
    const seconds = (performance.now() - start) / 1000;
    const n = await c.query('SELECT count(*)::int AS n FROM load_insert');
    if (n.rows[0].n !== rows) throw new Error(`${server.name}: INSERT loaded ${n.rows[0].n} rows, expected ${rows}`);
    await c.query('DROP TABLE load_insert');
    return rows / seconds;
  } finally {
    await c.end();
  }
}

/** Run one statement through psql with `stdin` as its COPY data. */
export function psql(server: BenchServer, sql: string, stdin = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', server.host, '-p', String(server.port), '-U', server.user, '-d', server.database, '-c', sql], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql against ${server.name} failed (${code}): ${err}`))));
    p.stdin.end(stdin);
  });
}

// Reads bench/nexmark/queries.sql: blocks that start with `-- name: qN`, optional `-- setup:`
// lines (statements separated by `;`), other comments, then one SELECT.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchQuery {
  readonly name: string;
  readonly setup: readonly string[];
  readonly sql: string;
  /** The Nexmark streams the query reads. */
  readonly streams: readonly ('person' | 'auction' | 'bid')[];
}

export function loadQueries(path = join(import.meta.dirname, 'queries.sql')): BenchQuery[] {
  const out: BenchQuery[] = [];
  let cur: { name: string; setup: string[]; sql: string[] } | null = null;
  const finish = () => {
    if (!cur) return;
    const sql = cur.sql.join('\n').trim().replace(/;\s*$/, '');
    // A stream is read where it follows FROM or JOIN, or is the relation of TUMBLE(…) / HOP(…).
    const streams = (['person', 'auction', 'bid'] as const).filter((s) => new RegExp(`\\b(from|join)\\s+${s}\\b|\\b(tumble|hop)\\s*\\(\\s*${s}\\b`, 'i').test(sql));
    out.push({ name: cur.name, setup: cur.setup, sql, streams });
  };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const name = /^--\s*name:\s*(\S+)/.exec(line);
    if (name) { finish(); cur = { name: name[1], setup: [], sql: [] }; continue; }
    const setup = /^--\s*setup:\s*(.+)$/.exec(line);
    if (setup && cur) { cur.setup.push(...setup[1].split(';').map((s) => s.trim()).filter(Boolean)); continue; }
    if (line.trim().startsWith('--') || !cur) continue;
    cur.sql.push(line);
  }
  finish();
  return out;
}

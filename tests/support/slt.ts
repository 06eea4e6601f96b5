// A runner for sqllogictest-style files (sql-tests/*.slt), executed over the wire.
//
//   statement ok | statement error [SQLSTATE or message fragment]
//   <sql, up to a blank line>
//
//   query [rowsort]
//   <sql>
//   ----
//   <expected rows: values separated by single spaces; NULL for null, (empty) for ''>
//
// Lines starting with # are comments.

import { readFileSync } from 'node:fs';
import type pg from 'pg';

export interface SltRecord {
  readonly kind: 'statement' | 'query';
  readonly sql: string;
  readonly line: number;
  readonly expectError?: string | true;
  readonly rowsort?: boolean;
  readonly expected?: string[];
}

export function parseSlt(path: string): SltRecord[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: SltRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#')) { i++; continue; }
    const start = i + 1;
    const head = l.split(/\s+/);
    i++;
    const sqlLines: string[] = [];
    while (i < lines.length && lines[i].trim() !== '' && lines[i].trim() !== '----') sqlLines.push(lines[i++]);
    const sql = sqlLines.join('\n');
    if (head[0] === 'statement') {
      const mode = head[1];
      if (mode === 'ok') out.push({ kind: 'statement', sql, line: start });
      else if (mode === 'error') out.push({ kind: 'statement', sql, line: start, expectError: head.slice(2).join(' ') || true });
      else throw new Error(`${path}:${start}: bad statement mode ${mode}`);
      continue;
    }
    if (head[0] === 'query') {
      const expected: string[] = [];
      if (lines[i]?.trim() === '----') {
        i++;
        while (i < lines.length && lines[i].trim() !== '') expected.push(lines[i++].trimEnd());
      }
      out.push({ kind: 'query', sql, line: start, rowsort: head.includes('rowsort'), expected });
      continue;
    }
    throw new Error(`${path}:${start}: unknown record "${l}"`);
  }
  return out;
}

function render(v: unknown): string {
  if (v === null) return 'NULL';
  if (v === '') return '(empty)';
  return String(v);
}

export async function runRecord(c: pg.Client, r: SltRecord): Promise<string | null> {
  let res: pg.QueryResult | undefined;
  try {
    res = await c.query({ text: r.sql, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } } as pg.QueryConfig);
  } catch (e) {
    const err = e as { code?: string; message: string };
    if (r.kind === 'statement' && r.expectError) {
      if (r.expectError === true || err.code === r.expectError || err.message.includes(r.expectError)) return null;
      return `expected error "${r.expectError}", got ${err.code}: ${err.message}`;
    }
    return `unexpected error ${err.code}: ${err.message}`;
  }
  if (r.kind === 'statement') return r.expectError ? `expected error "${r.expectError}", statement succeeded` : null;
  let rows = (res.rows as unknown[][]).map((row) => row.map(render).join(' '));
  let expected = r.expected ?? [];
  if (r.rowsort) { rows = [...rows].sort(); expected = [...expected].sort(); }
  if (rows.length === expected.length && rows.every((x, k) => x === expected[k])) return null;
  return `result mismatch\n--- expected\n${expected.join('\n')}\n--- actual\n${rows.join('\n')}`;
}

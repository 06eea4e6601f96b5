// Runs one statement on Weir and on PostgreSQL and says how the answers differ, if they do.
// Answers are compared as the wire carries them: column names, type OIDs, and every value's
// text rendering (so float output, numeric scale and date styles count), or, for a failing
// statement, the SQLSTATE. Rows compare in order only when the query has a top-level ORDER BY.

import type pg from 'pg';

export type Outcome =
  | { readonly ok: true; readonly columns: string[]; readonly rows: (string | null)[][] }
  | { readonly ok: false; readonly code: string; readonly message: string };

const asText = { rowMode: 'array' as const, types: { getTypeParser: () => (v: string) => v } };

export async function run(client: pg.Client, sql: string): Promise<Outcome> {
  try {
    const r = await client.query({ text: sql, ...asText } as pg.QueryConfig);
    const last = Array.isArray(r) ? (r as pg.QueryResult[]).at(-1)! : r;
    return {
      ok: true,
      columns: (last.fields ?? []).map((f) => `${f.name}:${f.dataTypeID}`),
      rows: (last.rows ?? []) as (string | null)[][],
    };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (!err.code) throw e; // not an SQL error: a broken connection is a test failure, not a difference
    return { ok: false, code: err.code, message: err.message ?? '' };
  }
}

/** True when `sql` ends in an ORDER BY of its own (not one inside parentheses or a string). */
export function hasTopLevelOrderBy(sql: string): boolean {
  let depth = 0;
  let flat = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") { const end = sql.indexOf("'", i + 1); i = end < 0 ? sql.length : end; flat += ' '; continue; }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0) flat += c;
  }
  return /\border\s+by\b/i.test(flat);
}

const rowKey = (row: (string | null)[]) => JSON.stringify(row);

/** A description of how `got` (Weir) differs from `want` (PostgreSQL), or null when they agree. */
export function difference(sql: string, got: Outcome, want: Outcome): string | null {
  if (!want.ok || !got.ok) {
    if (!want.ok && !got.ok) return got.code === want.code ? null : `SQLSTATE ${got.code} (${got.message}), PostgreSQL ${want.code} (${want.message})`;
    if (!got.ok) return `Weir failed with ${got.code}: ${got.message}`;
    return `PostgreSQL failed with ${(want as { code: string }).code}: ${(want as { message: string }).message}, Weir returned ${got.rows.length} rows`;
  }
  if (rowKey(got.columns) !== rowKey(want.columns)) return `columns ${got.columns.join(', ')}; PostgreSQL ${want.columns.join(', ')}`;
  const ordered = hasTopLevelOrderBy(sql);
  const g = got.rows.map(rowKey);
  const w = want.rows.map(rowKey);
  if (!ordered) { g.sort(); w.sort(); }
  if (g.length !== w.length || g.some((x, i) => x !== w[i])) {
    const missing = w.filter((x) => !g.includes(x)).slice(0, 5);
    const extra = g.filter((x) => !w.includes(x)).slice(0, 5);
    const first = g.findIndex((x, i) => x !== w[i]);
    return `rows differ (${g.length} vs PostgreSQL ${w.length}${ordered ? `, first at ${first}: ${g[first]} vs ${w[first]}` : ''})` +
      `\n    missing: ${missing.join(' ')}\n    extra:   ${extra.join(' ')}`;
  }
  return null;
}

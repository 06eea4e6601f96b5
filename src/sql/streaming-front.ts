// The statements PostgreSQL lacks, recognised before the real parser sees the text:
//   CREATE SOURCE [IF NOT EXISTS] name (col type, …, [WATERMARK FOR col AS expr]) WITH (k = v, …)
//   CREATE STREAM name [WITH (…)] AS SELECT …         (append-only derived stream)
//   CREATE SINK name FROM view | AS SELECT … WITH (…)
//   CREATE MATERIALIZED VIEW name WITH (k = v, …) AS SELECT …   (dotted option names)
//   … AS SELECT … EMIT ON WINDOW CLOSE             (views, streams and sinks; RisingWave's clause)
//   FLUSH · SHOW JOBS · SHOW CHECKPOINTS [FOR JOB id] · CANCEL JOB id · SAVEPOINT JOB id ·
//   STOP JOB id WITH SAVEPOINT · RESTORE JOB id FROM 'chk-10' | '<path>' · SHOW MATERIALIZED VIEWS | SOURCES | SINKS | STREAMS
//   EXPLAIN (TYPE logical | optimized | stream | streamgraph | job | execution) <statement>
//   EXPLAIN CREATE MATERIALIZED VIEW | STREAM | SINK …   (the stream plan, as RisingWave shows it)
// The standard parts (column definitions, the SELECT) are handed back to libpg-query.

import { SqlError, SqlState } from '../errors.js';

export type WeirStatement =
  | { readonly kind: 'createSource'; readonly name: string; readonly schema?: string; readonly ifNotExists: boolean; readonly columnsSql: string; readonly watermark?: { column: string; exprSql: string }; readonly options: Record<string, string> }
  | { readonly kind: 'createStream'; readonly name: string; readonly schema?: string; readonly ifNotExists: boolean; readonly querySql: string; readonly emitOnWindowClose: boolean; readonly options: Record<string, string> }
  | { readonly kind: 'createMaterializedView'; readonly name: string; readonly schema?: string; readonly ifNotExists: boolean; readonly querySql: string; readonly emitOnWindowClose: boolean; readonly options: Record<string, string> }
  | { readonly kind: 'createSink'; readonly name: string; readonly schema?: string; readonly ifNotExists: boolean; readonly from?: string; readonly querySql?: string; readonly emitOnWindowClose: boolean; readonly options: Record<string, string> }
  | { readonly kind: 'flush' }
  | { readonly kind: 'showJobs' }
  | { readonly kind: 'showCheckpoints'; readonly jobId?: number }
  | { readonly kind: 'cancelJob'; readonly id: number }
  | { readonly kind: 'savepointJob'; readonly id: number; readonly stop: boolean }
  | { readonly kind: 'restoreJob'; readonly id: number; readonly from: string }
  | { readonly kind: 'showObjects'; readonly what: 'materialized_view' | 'source' | 'sink' | 'stream' }
  | { readonly kind: 'explain'; readonly type: 'logical' | 'optimized' | 'stream' | 'streamgraph' | 'job' | 'execution'; readonly statementSql: string }
  | { readonly kind: 'dropStreaming'; readonly what: 'source' | 'sink' | 'stream'; readonly names: string[]; readonly ifExists: boolean; readonly cascade: boolean };

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const QNAME = String.raw`(${IDENT}(?:\s*\.\s*${IDENT})?)`;

function unquote(id: string): string {
  const t = id.trim();
  return t.startsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t.toLowerCase();
}

function qualified(q: string): { schema?: string; name: string } {
  const parts: string[] = [];
  const re = new RegExp(IDENT, 'g');
  for (const m of q.matchAll(re)) parts.push(unquote(m[0]));
  return parts.length === 2 ? { schema: parts[0], name: parts[1] } : { name: parts[0] };
}

/** Index just after the parenthesis that closes the one at `open`. */
function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "'") { i = s.indexOf("'", i + 1); if (i < 0) break; continue; }
    if (c === '"') { i = s.indexOf('"', i + 1); if (i < 0) break; continue; }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  throw new SqlError(SqlState.SyntaxError, 'syntax error: unbalanced parentheses');
}

/** WITH ( key = value, … ): keys may be dotted or quoted; values are strings, numbers or words. */
export function parseOptions(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*("(?:[^"]|"")+"|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*('(?:[^']|'')*'|-?[0-9][0-9.]*[A-Za-z]*|[A-Za-z_][A-Za-z0-9_.]*)\s*(,|$)/y;
  let pos = 0;
  const text = body.trim();
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new SqlError(SqlState.SyntaxError, `syntax error in WITH options near "${text.slice(pos, pos + 20)}"`);
    const key = m[1].startsWith('"') || m[1].startsWith("'") ? m[1].slice(1, -1) : m[1].toLowerCase();
    const val = m[2].startsWith("'") ? m[2].slice(1, -1).replace(/''/g, "'") : m[2];
    if (key in out) throw new SqlError(SqlState.SyntaxError, `option "${key}" specified more than once`);
    out[key] = val;
    pos = re.lastIndex;
    if (m[3] === '') break;
  }
  return out;
}

/** Parse the trailing `WITH (…)` of a statement, if any: returns options and the text before it. */
function trailingWith(s: string): { head: string; options: Record<string, string> } {
  const m = /\bWITH\s*\(/i.exec(s);
  if (!m) return { head: s, options: {} };
  // The last top-level WITH ( … ) that ends the statement.
  let idx = -1;
  const re = /\bWITH\s*\(/gi;
  for (const x of s.matchAll(re)) idx = x.index!;
  const open = s.indexOf('(', idx);
  const close = matchParen(s, open);
  if (s.slice(close).trim() !== '') return { head: s, options: {} };
  return { head: s.slice(0, idx).trim(), options: parseOptions(s.slice(open + 1, close - 1)) };
}

const EMIT_ON_WINDOW_CLOSE = /\s+EMIT\s+ON\s+WINDOW\s+CLOSE\s*$/i;

/** A query without its trailing EMIT ON WINDOW CLOSE, and whether it had one. */
function emitClause(query: string): { querySql: string; emitOnWindowClose: boolean } {
  const m = EMIT_ON_WINDOW_CLOSE.exec(query);
  return m ? { querySql: query.slice(0, m.index).trim(), emitOnWindowClose: true } : { querySql: query, emitOnWindowClose: false };
}

export function parseWeirStatement(text: string): WeirStatement | null {
  const s = text.trim().replace(/;\s*$/, '');
  let m: RegExpExecArray | null;
  if (/^FLUSH$/i.test(s)) return { kind: 'flush' };
  if (/^SHOW\s+JOBS$/i.test(s)) return { kind: 'showJobs' };
  if ((m = /^SHOW\s+CHECKPOINTS(?:\s+FOR\s+JOB\s+(\d+))?$/i.exec(s))) return m[1] ? { kind: 'showCheckpoints', jobId: Number(m[1]) } : { kind: 'showCheckpoints' };
  if ((m = /^CANCEL\s+JOB\s+(\d+)$/i.exec(s))) return { kind: 'cancelJob', id: Number(m[1]) };
  if ((m = /^SAVEPOINT\s+JOB\s+(\d+)$/i.exec(s))) return { kind: 'savepointJob', id: Number(m[1]), stop: false };
  if ((m = /^STOP\s+JOB\s+(\d+)\s+WITH\s+SAVEPOINT$/i.exec(s))) return { kind: 'savepointJob', id: Number(m[1]), stop: true };
  if ((m = /^RESTORE\s+JOB\s+(\d+)\s+FROM\s+'((?:[^']|'')*)'$/i.exec(s))) return { kind: 'restoreJob', id: Number(m[1]), from: m[2].replace(/''/g, "'") };
  if ((m = /^SHOW\s+(MATERIALIZED\s+VIEWS|SOURCES|SINKS|STREAMS)$/i.exec(s))) {
    const w = m[1].toUpperCase();
    return { kind: 'showObjects', what: w.startsWith('MAT') ? 'materialized_view' : w === 'SOURCES' ? 'source' : w === 'SINKS' ? 'sink' : 'stream' };
  }
  if ((m = /^EXPLAIN\s*\(\s*TYPE\s+(logical|optimized|streamgraph|stream|job|execution)\s*\)\s*([\s\S]+)$/i.exec(s))) {
    return { kind: 'explain', type: m[1].toLowerCase() as 'logical', statementSql: m[2] };
  }
  if ((m = /^EXPLAIN\s+(CREATE\s+(?:MATERIALIZED\s+VIEW|STREAM|SINK)\b[\s\S]+)$/i.exec(s))) {
    return { kind: 'explain', type: 'stream', statementSql: m[1] };
  }
  if ((m = new RegExp(String.raw`^DROP\s+(SOURCE|SINK|STREAM)\s+(IF\s+EXISTS\s+)?([\s\S]+?)(\s+CASCADE|\s+RESTRICT)?$`, 'i').exec(s))) {
    return {
      kind: 'dropStreaming', what: m[1].toLowerCase() as 'source', ifExists: !!m[2], cascade: /cascade/i.test(m[4] ?? ''),
      names: m[3].split(',').map((x) => { const q = qualified(x); return q.schema ? `${q.schema}.${q.name}` : q.name; }),
    };
  }
  if ((m = new RegExp(String.raw`^CREATE\s+SOURCE\s+(IF\s+NOT\s+EXISTS\s+)?${QNAME}\s*\(`, 'i').exec(s))) {
    const open = m[0].length - 1;
    const close = matchParen(s, open);
    let body = s.slice(open + 1, close - 1);
    let watermark: { column: string; exprSql: string } | undefined;
    const wm = new RegExp(String.raw`,?\s*WATERMARK\s+FOR\s+(${IDENT})\s+AS\s+([\s\S]+)$`, 'i').exec(body);
    if (wm) { watermark = { column: unquote(wm[1]), exprSql: wm[2].trim() }; body = body.slice(0, wm.index); }
    const rest = s.slice(close).trim();
    const w = /^WITH\s*\(([\s\S]*)\)\s*(FORMAT\s+\w+\s+ENCODE\s+\w+\s*)?$/i.exec(rest);
    if (!w) throw new SqlError(SqlState.SyntaxError, 'CREATE SOURCE needs WITH (connector = …)');
    return { kind: 'createSource', ...qualified(m[2]), ifNotExists: !!m[1], columnsSql: body, watermark, options: parseOptions(w[1]) };
  }
  if ((m = new RegExp(String.raw`^CREATE\s+(STREAM|MATERIALIZED\s+VIEW)\s+(IF\s+NOT\s+EXISTS\s+)?${QNAME}\s*(WITH\s*\(|AS\b)`, 'i').exec(s))) {
    const isStream = /^STREAM/i.test(m[1]);
    let options: Record<string, string> = {};
    let after = m[0].length;
    if (/^WITH/i.test(m[4])) {
      const open = m[0].length - 1;
      const close = matchParen(s, open);
      options = parseOptions(s.slice(open + 1, close - 1));
      const as = /^\s*AS\b/i.exec(s.slice(close));
      if (!as) throw new SqlError(SqlState.SyntaxError, 'syntax error: expected AS after WITH (…)');
      after = close + as[0].length;
    } else if (!isStream && !EMIT_ON_WINDOW_CLOSE.test(s)) return null; // plain CREATE MATERIALIZED VIEW … AS: PostgreSQL's parser handles it
    return { kind: isStream ? 'createStream' : 'createMaterializedView', ...qualified(m[3]), ifNotExists: !!m[2], ...emitClause(s.slice(after).trim()), options };
  }
  if ((m = new RegExp(String.raw`^CREATE\s+SINK\s+(IF\s+NOT\s+EXISTS\s+)?${QNAME}\s+(FROM\s+${QNAME}|AS\s+)`, 'i').exec(s))) {
    const { head, options } = trailingWith(s);
    if (!Object.keys(options).length) throw new SqlError(SqlState.SyntaxError, 'CREATE SINK needs WITH (connector = …)');
    const base = { kind: 'createSink' as const, ...qualified(m[2]), ifNotExists: !!m[1], options };
    if (/^FROM/i.test(m[3])) return { ...base, from: m[4], emitOnWindowClose: false };
    return { ...base, ...emitClause(head.slice(m[0].length).trim()) };
  }
  return null;
}

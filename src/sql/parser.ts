// SQL text → statements. Standard SQL goes to libpg-query (PostgreSQL's own parser compiled to
// WASM); the streaming statements PostgreSQL lacks are recognised by a small front first.

import { loadModule, parseSync } from 'libpg-query';
import { SqlError, SqlState } from '../errors.js';
import type { Node } from './ast.js';
import { splitStatements } from './split.js';
import { parseWeirStatement } from './streaming-front.js';

export interface ParsedStatement {
  /** The libpg-query node ({ SelectStmt: … }, { InsertStmt: … } …). */
  readonly node: Node;
  /** This statement's own text, for error positions and for views that store their definition. */
  readonly text: string;
  /** Offset of `text` in the whole query string, so error positions can point into the original. */
  readonly offset: number;
}

let loaded: Promise<void> | undefined;
/** Load the WASM parser once per process; parse() is synchronous afterwards. */
export function initParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** Quick test for the streaming statements' leading keywords, so plain SQL skips the splitter. */
const WEIR_HINT = /\b(FLUSH|SOURCES?|SINKS?|STREAMS?|CHECKPOINTS|JOBS?|MATERIALIZED\s+VIEWS|EXPLAIN\s*\(\s*TYPE|MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?\S+\s+WITH|EMIT\s+ON\s+WINDOW\s+CLOSE|EXPLAIN\s+CREATE)\b/i;

export function parseSql(sql: string): ParsedStatement[] {
  if (!WEIR_HINT.test(sql)) return parsePostgres(sql, 0);
  const out: ParsedStatement[] = [];
  for (const piece of splitStatements(sql)) {
    const weir = parseWeirStatement(piece.text);
    if (weir) { out.push({ node: { WeirStmt: weir }, text: piece.text, offset: piece.offset }); continue; }
    // Pad with spaces so that locations in the tree stay offsets into the whole query text.
    const pad = Buffer.byteLength(sql.slice(0, piece.offset), 'utf8');
    out.push(...parsePostgres(' '.repeat(pad) + piece.text, 0).map((p) => ({ ...p, offset: piece.offset })));
  }
  return out;
}

function parsePostgres(sql: string, _base: number): ParsedStatement[] {
  let result: { stmts?: { stmt?: Node; stmt_location?: number; stmt_len?: number }[] };
  try {
    result = parseSync(sql) as typeof result;
  } catch (e) {
    const details = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const msg = e instanceof Error ? e.message : String(e);
    throw new SqlError(SqlState.SyntaxError, msg, { position: details?.cursorPosition !== undefined ? charPosition(sql, details.cursorPosition) + 1 : undefined });
  }
  const out: ParsedStatement[] = [];
  for (const s of result.stmts ?? []) {
    if (!s.stmt) continue;
    // libpg-query reports byte offsets; convert to JS string offsets for non-ASCII text.
    const startB = s.stmt_location ?? 0;
    const bytes = Buffer.from(sql, 'utf8');
    const endB = s.stmt_len ? startB + s.stmt_len : bytes.length;
    const start = bytes.subarray(0, startB).toString('utf8').length;
    const text = bytes.subarray(startB, endB).toString('utf8');
    out.push({ node: s.stmt, text: text.trim(), offset: start + (text.length - text.trimStart().length) });
  }
  return out;
}

/** Byte offset in UTF-8 → character offset. */
function charPosition(sql: string, byteOffset: number): number {
  return Buffer.from(sql, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}

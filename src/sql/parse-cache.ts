// Parse results by SQL text, shared by all sessions: a client repeating the same query text
// (a simple-protocol SELECT 1, an unnamed Parse per execution as node-postgres and JDBC send)
// skips the parser. Parse trees are never modified after parsing, so one tree serves every
// session. Only texts made of queries and DML are kept, in a bounded LRU.
//
// A text is admitted on its second sighting (a small table of text hashes remembers the first),
// so a stream of distinct texts — literals inlined into every query — does not keep thousands of
// parse trees alive just long enough to make the garbage collector copy them to the old space.

import { type ParsedStatement, parseSql } from './parser.js';
import { nodeTag } from './ast.js';

const MAX_ENTRIES = 2000;
/** Longer texts are rare repeats (bulk INSERTs) and would make the cache large. */
const MAX_TEXT_LENGTH = 8192;
const CACHEABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);
const SEEN_SLOTS = 4096; // a power of two

const entries = new Map<string, ParsedStatement[]>();
/** Statements handed out from the cache: the same objects come back for the same text. */
const shared = new WeakSet<ParsedStatement>();
const seen = new Uint32Array(SEEN_SLOTS);

/** The statements of `sql` if the cache holds them (parsed before and seen twice), else undefined. */
export function cachedParse(sql: string): ParsedStatement[] | undefined {
  const hit = entries.get(sql);
  if (hit) {
    // Move to the young end of the LRU order.
    entries.delete(sql);
    entries.set(sql, hit);
  }
  return hit;
}

/** parseSql(), answered from the cache when the same text was parsed before. */
export function parseSqlCached(sql: string): ParsedStatement[] {
  const hit = cachedParse(sql);
  if (hit) return hit;
  const stmts = parseSql(sql);
  if (sql.length <= MAX_TEXT_LENGTH && seenBefore(sql) && stmts.length > 0 && stmts.every((s) => CACHEABLE.has(nodeTag(s.node)))) {
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    entries.set(sql, stmts);
    for (const s of stmts) shared.add(s);
  }
  return stmts;
}

/** True for statements that came from the cache, so per-session caches keyed by them will be hit again. */
export function isSharedParse(stmt: ParsedStatement): boolean { return shared.has(stmt); }

/** Whether `sql` was seen recently (by hash); records it otherwise. */
function seenBefore(sql: string): boolean {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < sql.length; i++) h = Math.imul(h ^ sql.charCodeAt(i), 0x01000193);
  h = (h >>> 0) || 1;
  const slot = h & (SEEN_SLOTS - 1);
  if (seen[slot] === h) return true;
  seen[slot] = h;
  return false;
}

// Finds the numeric literals of a query text, the way PostgreSQL's scanner would, so that queries
// differing only in their numbers (`… WHERE aid = 17`, `… WHERE aid = 42`) share one key. The key
// is the text with each number replaced by a marker of its type class (int4, int8 or numeric, as
// PostgreSQL types an unadorned numeric constant), so `= 7` and `= 7000000000` get different keys.
//
// Only a plain lexical pass: strings, quoted identifiers, comments and dollar quotes are skipped
// so digits inside them are not taken for numbers. Anything unusual — a parameter ($1), an
// unterminated string or comment, a number with trailing letters, underscores, or a radix prefix —
// makes the text unkeyable (null) and the query takes the ordinary path. Whether a literal may
// really become a parameter is decided later from the parse tree (src/session/literal-plan-cache.ts).

export type LiteralClass = 'int4' | 'int8' | 'numeric';

export interface NumericLiteral {
  /** [start, end) in the query text (JavaScript string offsets). */
  readonly start: number;
  readonly end: number;
  readonly kind: LiteralClass;
}

export interface NormalizedQuery {
  readonly key: string;
  readonly literals: readonly NumericLiteral[];
}

/** Longer texts are not worth keying (bulk statements) and would make keys large. */
const MAX_TEXT_LENGTH = 4096;
const MARKER: Record<LiteralClass, string> = { int4: '\u0000i', int8: '\u0000l', numeric: '\u0000n' };
const INT4_MAX = 2147483647n;
const INT8_MAX = 9223372036854775807n;

/** The text's key and its numeric literals, or null when the text is not understood. */
export function normalizeLiterals(sql: string): NormalizedQuery | null {
  const n = sql.length;
  if (n > MAX_TEXT_LENGTH) return null;
  const literals: NumericLiteral[] = [];
  let key = '';
  let copied = 0;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isDigit(c) || (c === DOT && isDigit(sql.charCodeAt(i + 1)))) {
      const end = scanNumber(sql, i);
      if (end < 0) return null;
      const kind = classify(sql, i, end);
      key += sql.slice(copied, i) + MARKER[kind];
      copied = end;
      literals.push({ start: i, end, kind });
      i = end;
    } else if (isIdentStart(c)) {
      const end = scanIdentifier(sql, i);
      // E'…' (and e'…') is an escape string: backslashes escape quotes inside it.
      if (end === i + 1 && (c === 0x45 || c === 0x65) && sql.charCodeAt(end) === QUOTE) {
        i = scanQuoted(sql, end, QUOTE, true);
        if (i < 0) return null;
      } else i = end;
    } else if (c === QUOTE || c === DQUOTE) {
      i = scanQuoted(sql, i, c, false);
      if (i < 0) return null;
    } else if (c === DOLLAR) {
      i = scanDollarQuote(sql, i);
      if (i < 0) return null;
    } else if (c === 0x2d && sql.charCodeAt(i + 1) === 0x2d) { // -- comment
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 0x2f && sql.charCodeAt(i + 1) === 0x2a) { // /* comment */, nested
      i = scanBlockComment(sql, i);
      if (i < 0) return null;
    } else i++;
  }
  if (!literals.length) return { key: sql, literals };
  return { key: key + sql.slice(copied), literals };
}

/** The literal's value as PostgreSQL's scanner and make_const would type it. */
export function classify(sql: string, start: number, end: number): LiteralClass {
  for (let i = start; i < end; i++) if (!isDigit(sql.charCodeAt(i))) return 'numeric';
  if (end - start < 10) return 'int4';
  const v = BigInt(sql.slice(start, end));
  return v <= INT4_MAX ? 'int4' : v <= INT8_MAX ? 'int8' : 'numeric';
}

const DOT = 0x2e, QUOTE = 0x27, DQUOTE = 0x22, DOLLAR = 0x24, BACKSLASH = 0x5c;

function isDigit(c: number): boolean { return c >= 0x30 && c <= 0x39; }
function isIdentStart(c: number): boolean { return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80; }
function isIdentChar(c: number): boolean { return isIdentStart(c) || isDigit(c) || c === DOLLAR; }

/** digits [. digits] [e[+-]digits], or . digits [e…]; -1 when something sticks to it. */
function scanNumber(sql: string, i: number): number {
  while (isDigit(sql.charCodeAt(i))) i++;
  if (sql.charCodeAt(i) === DOT) {
    // `1..2` and the like are not plain numbers.
    if (sql.charCodeAt(i + 1) === DOT) return -1;
    i++;
    while (isDigit(sql.charCodeAt(i))) i++;
  }
  const e = sql.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    let j = i + 1;
    const s = sql.charCodeAt(j);
    if (s === 0x2b || s === 0x2d) j++;
    if (!isDigit(sql.charCodeAt(j))) return -1;
    while (isDigit(sql.charCodeAt(j))) j++;
    i = j;
  }
  const next = sql.charCodeAt(i);
  if (isIdentChar(next) || next === DOT) return -1;
  return i;
}

function scanIdentifier(sql: string, i: number): number {
  i++;
  while (i < sql.length && isIdentChar(sql.charCodeAt(i))) i++;
  return i;
}

/** A '…' string or "…" identifier from its opening quote; doubled quotes stay inside. -1 if unterminated. */
function scanQuoted(sql: string, i: number, quote: number, backslashEscapes: boolean): number {
  for (let j = i + 1; j < sql.length; j++) {
    const c = sql.charCodeAt(j);
    if (backslashEscapes && c === BACKSLASH) { j++; continue; }
    if (c === quote) {
      if (sql.charCodeAt(j + 1) === quote) { j++; continue; }
      return j + 1;
    }
  }
  return -1;
}

/** $tag$ … $tag$ (tag possibly empty). A parameter ($1) or anything else is not understood: -1. */
function scanDollarQuote(sql: string, i: number): number {
  let j = i + 1;
  if (sql.charCodeAt(j) !== DOLLAR) {
    if (!isIdentStart(sql.charCodeAt(j))) return -1;
    while (isIdentStart(sql.charCodeAt(j)) || isDigit(sql.charCodeAt(j))) j++;
    if (sql.charCodeAt(j) !== DOLLAR) return -1;
  }
  const tag = sql.slice(i, j + 1);
  const close = sql.indexOf(tag, j + 1);
  return close < 0 ? -1 : close + tag.length;
}

function scanBlockComment(sql: string, i: number): number {
  let depth = 0;
  for (let j = i; j < sql.length - 1; j++) {
    const c = sql.charCodeAt(j), d = sql.charCodeAt(j + 1);
    if (c === 0x2f && d === 0x2a) { depth++; j++; } else if (c === 0x2a && d === 0x2f) {
      depth--;
      j++;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

// Pattern helpers the parser calls on behalf of SQL syntax: like_escape (LIKE … ESCAPE),
// similar_to_escape (SIMILAR TO, SUBSTRING … SIMILAR), and substring(text FROM pattern), plus
// overlay(… PLACING …), as PostgreSQL defines them.

import { SqlError } from '../errors.js';
import { T } from '../types/datatype.js';
import type { DataType } from '../types/datatype.js';
import { compileRegex } from './pattern.js';
import { registerFunction, signature } from './registry.js';

const t = T.text;
const isUnknown = (x: DataType) => x.kind === 'scalar' && x.id === 'unknown';

/** Rewrite a LIKE pattern that uses `esc` as its escape character to one that uses backslash. */
function likeEscape(pattern: string, esc: string): string {
  const cs = [...esc];
  if (cs.length > 1) throw new SqlError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  if (cs.length === 0) return pattern.replace(/\\/g, '\\\\'); // no escape character at all
  const e = cs[0];
  if (e === '\\') return pattern;
  let out = '';
  const p = [...pattern];
  for (let i = 0; i < p.length; i++) {
    if (p[i] === e) {
      if (i + 1 >= p.length) throw new SqlError('22025', 'LIKE pattern must not end with escape character');
      out += '\\' + p[++i];
    } else out += p[i] === '\\' ? '\\\\' : p[i];
  }
  return out;
}
registerFunction('like_escape', signature([t, t], t, (a) => likeEscape(a[0] as string, a[1] as string)));

/** PostgreSQL's similar_escape: an SQL regular expression as an anchored POSIX one. */
function similarToRegex(pattern: string, esc: string | null): string {
  const e = esc === null ? '\\' : esc;
  if ([...e].length > 1) throw new SqlError('22025', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  let out = '';
  let inBracket = false;
  const p = [...pattern];
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (e !== '' && c === e) {
      if (i + 1 >= p.length) throw new SqlError('2201B', 'invalid regular expression: trailing escape');
      out += '\\' + p[++i];
    } else if (inBracket) {
      if (c === ']') inBracket = false;
      out += c === '\\' ? '\\\\' : c;
    } else if (c === '[') { inBracket = true; out += c; }
    else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '.' || c === '$' || c === '^') out += '\\' + c;
    else if (c === '\\') out += '\\\\';
    else out += c;
  }
  return `^(?:${out})$`;
}
registerFunction('similar_to_escape', signature([t], t, (a) => similarToRegex(a[0] as string, null)));
registerFunction('similar_to_escape', signature([t, t], t, (a) => similarToRegex(a[0] as string, a[1] as string)));
registerFunction('similar_escape', signature([t, t], t, (a) => similarToRegex(a[0] as string, a[1] as string | null), { strict: false }));

/** substring(s, pattern): the first parenthesised group of the POSIX match, else the whole match. */
function regexSubstring(s: string, pattern: string): string | null {
  const m = compileRegex(pattern, '').exec(s);
  if (!m) return null;
  return m.length > 1 ? m[1] ?? null : m[0];
}
// An untyped second argument makes substring(text, unknown) the pattern form, as in PostgreSQL
// (the string category is preferred); this resolver runs before the (text, int) one.
registerFunction('substring', (args) => (args.length === 2 && isUnknown(args[1])
  ? { type: t, argTypes: [t, t], strict: true, impl: (a) => regexSubstring(a[0] as string, a[1] as string) }
  : undefined));
/** substring(s SIMILAR pattern ESCAPE e): the text between the #" markers, or the whole match. */
registerFunction('substring', signature([t, t, t], t, (a) => {
  const re = similarToRegex(a[1] as string, a[2] as string);
  const esc = a[2] as string;
  const marker = esc === '' ? null : `\\${esc}"`;
  if (marker && re.includes(marker)) {
    const parts = re.split(marker);
    if (parts.length !== 3) throw new SqlError('2201B', 'SQL regular expression may not contain more than two escape-double-quote separators');
    const src = `${parts[0]}(?:)(${parts[1]})${parts[2]}`.replace(/^\^\(\?:/, '^(?:');
    const m = compileRegex(src, 's').exec(a[0] as string);
    return m ? m[1] ?? null : null;
  }
  const m = compileRegex(re, 's').exec(a[0] as string);
  return m ? m[0] : null;
}));

function overlay(s: string, repl: string, from: number, count?: number): string {
  const cs = [...s];
  const n = count ?? [...repl].length;
  if (from < 1) throw new SqlError('22011', 'negative substring length not allowed');
  return cs.slice(0, from - 1).join('') + repl + cs.slice(from - 1 + Math.max(0, n)).join('');
}
registerFunction('overlay', signature([t, t, T.int4, T.int4], t, (a) => overlay(a[0] as string, a[1] as string, a[2] as number, a[3] as number)));
registerFunction('overlay', signature([t, t, T.int4], t, (a) => overlay(a[0] as string, a[1] as string, a[2] as number)));

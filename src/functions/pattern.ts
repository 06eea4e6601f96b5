// LIKE/ILIKE patterns and POSIX regular expressions, translated to JavaScript RegExps.

import { SqlError, SqlState } from '../errors.js';

export function likeToRegExp(pattern: string, caseInsensitive: boolean, escape = '\\'): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === escape && escape !== '') {
      i++;
      if (i >= pattern.length) throw new SqlError(SqlState.InvalidParameterValue ?? '22025', 'LIKE pattern must not end with escape character');
      re += pattern[i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(re + '$', caseInsensitive ? 'is' : 's');
}

const reCache = new Map<string, RegExp>();
export function compileRegex(pattern: string, flags: string): RegExp {
  const key = flags + '\u0000' + pattern;
  let re = reCache.get(key);
  if (!re) {
    try {
      // POSIX classes JS lacks: translate the common ones.
      const src = pattern
        .replace(/\[\[:alpha:\]\]/g, '[A-Za-z]').replace(/\[:alpha:\]/g, 'A-Za-z')
        .replace(/\[\[:digit:\]\]/g, '\\d').replace(/\[:digit:\]/g, '0-9')
        .replace(/\[\[:alnum:\]\]/g, '[A-Za-z0-9]').replace(/\[:alnum:\]/g, 'A-Za-z0-9')
        .replace(/\[\[:space:\]\]/g, '\\s').replace(/\[:space:\]/g, '\\s')
        .replace(/\[\[:upper:\]\]/g, '[A-Z]').replace(/\[:upper:\]/g, 'A-Z')
        .replace(/\[\[:lower:\]\]/g, '[a-z]').replace(/\[:lower:\]/g, 'a-z')
        .replace(/\\m/g, '\\b').replace(/\\M/g, '\\b').replace(/\\y/g, '\\b');
      re = new RegExp(src, flags);
    } catch (e) {
      throw new SqlError('2201B', `invalid regular expression: ${(e as Error).message}`);
    }
    if (reCache.size > 1000) reCache.clear();
    reCache.set(key, re);
  }
  return re;
}

export function regexMatch(s: string, pattern: string, caseInsensitive: boolean): boolean {
  const re = compileRegex(pattern, caseInsensitive ? 'i' : '');
  re.lastIndex = 0;
  return re.test(s);
}

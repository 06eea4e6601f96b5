import { describe, expect, it } from 'vitest';
import { normalizeLiterals } from './normalize-literals.js';

/** The literals' texts and classes. */
function literals(sql: string): [string, string][] | null {
  const q = normalizeLiterals(sql);
  return q ? q.literals.map((l) => [sql.slice(l.start, l.end), l.kind]) : null;
}

const key = (sql: string) => normalizeLiterals(sql)?.key;

describe('normalizeLiterals', () => {
  it('finds numeric literals and types them as PostgreSQL does', () => {
    expect(literals('SELECT abalance FROM accounts WHERE aid = 17;')).toEqual([['17', 'int4']]);
    expect(literals('SELECT 2147483647, 2147483648, 9223372036854775807, 9223372036854775808')).toEqual([
      ['2147483647', 'int4'], ['2147483648', 'int8'], ['9223372036854775807', 'int8'], ['9223372036854775808', 'numeric'],
    ]);
    expect(literals('SELECT 1.5, .5, 1., 1e5, 2.5E-3, 00000000000000000001')).toEqual([
      ['1.5', 'numeric'], ['.5', 'numeric'], ['1.', 'numeric'], ['1e5', 'numeric'], ['2.5E-3', 'numeric'], ['00000000000000000001', 'int4'],
    ]);
  });

  it('gives texts that differ only in numbers of the same class the same key', () => {
    expect(key('SELECT * FROM t WHERE id = 1')).toBe(key('SELECT * FROM t WHERE id = 99999'));
    expect(key('SELECT * FROM t WHERE id = 1')).not.toBe(key('SELECT * FROM t WHERE id = 9999999999'));
    expect(key('SELECT * FROM t WHERE id = 1')).not.toBe(key('SELECT * FROM t WHERE id = 1.0'));
    expect(key('SELECT * FROM t WHERE id = 1')).not.toBe(key('SELECT * FROM t WHERE id = -1'));
  });

  it('skips digits inside identifiers, strings, quoted names and comments', () => {
    expect(literals(`SELECT t1.c2, "x 3", 'a 4', E'it\\'s 5', $$ 6 $$, $q$ 7 $q$ FROM t1 -- 8\nWHERE c2 = 9 /* 10 /* 11 */ 12 */`)).toEqual([['9', 'int4']]);
    expect(literals("SELECT 'it''s 1', U&'2', B'101', X'1F'")).toEqual([]);
  });

  it('gives up on what it does not understand', () => {
    expect(literals('SELECT * FROM t WHERE id = $1')).toBeNull();
    expect(literals('SELECT 0x1F')).toBeNull();
    expect(literals('SELECT 1_000')).toBeNull();
    expect(literals('SELECT 123abc')).toBeNull();
    expect(literals("SELECT 'unterminated")).toBeNull();
    expect(literals('SELECT 1 /* unterminated')).toBeNull();
    expect(literals('SELECT 1e')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryStateBackend, MemoryStateTable } from './memory-state.js';
import { SCOPE_SEP } from './keyed-state.js';

const sorted = <T>(xs: Iterable<[string, T]>) => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : 1));

describe('MemoryStateTable', () => {
  it('gets, puts and deletes keys and lists what changed since the last commit', () => {
    const t = new MemoryStateTable<number>('t', true);
    t.put('a', 1); t.put('b', 2); t.put('a', 3);
    expect(t.get('a')).toBe(3);
    expect(sorted(t.changes())).toEqual([['a', 3], ['b', 2]]);
    t.commit();
    expect(t.changedCount).toBe(0);
    expect(t.delete('b')).toBe(true);
    expect(t.delete('zz')).toBe(false);
    t.put('c', 4);
    expect(sorted(t.changes())).toEqual([['b', undefined], ['c', 4]]);
    expect(t.size).toBe(2);
  });

  it('keeps scopes apart, iterates one scope by prefix and reports a dropped scope as deletes', () => {
    const t = new MemoryStateTable<string>('minput', true);
    const g1 = t.scope('g1'), g2 = t.scope('g2');
    g1.put('x', 'X'); g1.put('y', 'Y'); g2.put('x', 'other');
    expect(t.scope('g1')).toBe(g1);
    expect(sorted(t.iterate('g1' + SCOPE_SEP))).toEqual([['g1' + SCOPE_SEP + 'x', 'X'], ['g1' + SCOPE_SEP + 'y', 'Y']]);
    expect(sorted(t.iterate('g2' + SCOPE_SEP + 'x'))).toEqual([['g2' + SCOPE_SEP + 'x', 'other']]);
    t.commit();
    t.dropScope('g1');
    expect(sorted(t.changes())).toEqual([['g1' + SCOPE_SEP + 'x', undefined], ['g1' + SCOPE_SEP + 'y', undefined]]);
    expect(t.scope('g1').size).toBe(0);
    t.commit();
    expect(t.changedCount).toBe(0);
    expect(sorted(t.iterate(''))).toEqual([['g2' + SCOPE_SEP + 'x', 'other']]);
  });

  it('tracks nothing unless asked to (nothing commits yet, so the change set must not grow)', () => {
    const t = new MemoryStateTable<number>('t', false);
    t.put('a', 1); t.scope('s').put('b', 2); t.delete('a');
    expect(t.changedCount).toBe(0);
    expect([...t.changes()]).toEqual([]);
    const tracked = new MemoryStateBackend({ trackChanges: true }).table<number>('t');
    tracked.put('a', 1);
    expect([...tracked.changes()]).toEqual([['a', 1]]);
  });

  it('hands out one table per name from a backend', () => {
    const b = new MemoryStateBackend();
    expect(b.table('a')).toBe(b.table('a'));
    expect(b.table('a')).not.toBe(b.table('b'));
    expect([...b.all()].map((t) => t.name)).toEqual(['a', 'b']);
  });
});

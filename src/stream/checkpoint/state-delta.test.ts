// A packed checkpoint delta gives back exactly the entries put in, in order, across chunk boundaries.

import { describe, expect, it } from 'vitest';
import { StateDelta, StateDeltaBuilder } from './state-delta.js';

function entriesOf(d: StateDelta): [string, string | null][] {
  const out: [string, string | null][] = [];
  d.forEach((k, v) => out.push([k, v]));
  return out;
}

describe('StateDelta', () => {
  it('returns every entry in order: deletes, empty values, digits and commas in keys and values, non-Latin-1 text', () => {
    const input: [string, string | null][] = [
      ['3/0/0/groups/a', '{"n":1}'], ['3/0/0/groups/b', null], ['', ''], ['12,3', '-1,'],
      ['3/0/1/t/ключ', '"значение 🌊"'], ['k\u0000\u0001', '[1,2,3]'],
    ];
    const b = new StateDeltaBuilder();
    for (const [k, v] of input) b.add(k, v);
    const d = b.finish();
    expect(entriesOf(d)).toEqual(input);
    expect(d.entries).toBe(input.length);
    expect(d.bytes).toBe(input.reduce((n, [k, v]) => n + k.length + (v?.length ?? 0), 0));
  });

  it('splits a large delta into chunks and reads across them', () => {
    const b = new StateDeltaBuilder();
    const input: [string, string | null][] = [];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 60_000; i++) {
      const entry: [string, string | null] = [`op/${i}/${rand() % 1000}`, rand() % 9 === 0 ? null : 'x'.repeat(rand() % 60) + i];
      input.push(entry);
      b.add(entry[0], entry[1]);
    }
    const d = b.finish();
    expect((d as unknown as { chunks: string[] }).chunks.length).toBeGreaterThan(1);
    expect(entriesOf(d)).toEqual(input);
  });

  it('an empty delta visits nothing', () => {
    expect(entriesOf(new StateDeltaBuilder().finish())).toEqual([]);
    expect(new StateDeltaBuilder().finish().entries).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { Numeric } from '../../types/numeric.js';
import { Interval } from '../../types/datetime.js';
import { MemoryStateTable } from '../state/memory-state.js';
import { decodeStateValue, encodeStateValue, registerPlainStateClass, restoreFields } from './state-codec.js';

const roundTrip = (v: unknown) => decodeStateValue(encodeStateValue(v));

class Running { n = 3; big = 12n; sum = new Numeric(1999n, 2); seen = new Map<string, number>([['a', 1]]); }
registerPlainStateClass(Running);

describe('state codec', () => {
  it('round-trips every datum kind', () => {
    const v = [null, true, 1.5, -0.25, 'x', 2n ** 70n, -5n, new Numeric(-123456789n, 4), Numeric.NaN, new Interval(1, -2, 3_000_000), new Uint8Array([0, 255, 16]), Infinity, -Infinity, NaN, [1, [2n, 'y']]];
    expect(roundTrip(v)).toEqual(v);
    const out = roundTrip(v) as unknown[];
    expect(out[7]).toBeInstanceOf(Numeric);
    expect((out[8] as Numeric).nan).toBe(true);
    expect(out[9]).toBeInstanceOf(Interval);
    expect(out[10]).toBeInstanceOf(Uint8Array);
  });

  it('round-trips records, Maps, Sets and records with $-keys', () => {
    const v = { row: [1, 'a'], degree: 2, m: new Map<unknown, unknown>([['k', { n: 1n }], [3, new Set(['p', 'q'])]]), $weird: { $b: 'not a bigint' }, u: undefined };
    expect(roundTrip(v)).toEqual(v);
  });

  it('revives registered classes with their prototype', () => {
    const out = roundTrip({ states: [new Running()] }) as { states: Running[] };
    expect(out.states[0]).toBeInstanceOf(Running);
    expect(out.states[0]).toEqual(new Running());
  });

  it('gives an unregistered class back as its public fields, for its owner to rebuild', () => {
    class Counter { n = 1; readonly #config: string; constructor(config: string) { this.#config = config; } get config(): string { return this.#config; } }
    const saved = new Counter('from the checkpoint');
    saved.n = 42;
    expect(encodeStateValue(saved)).not.toContain('from the checkpoint'); // private fields are configuration, not state
    const fresh = restoreFields(new Counter('from the operator'), roundTrip(saved));
    expect(fresh).toBeInstanceOf(Counter);
    expect(fresh.n).toBe(42);
    expect(fresh.config).toBe('from the operator');
  });

  it('refuses to restore fields of one class into another, naming both', () => {
    class Unknown { x = 1; }
    class Other { x = 2; }
    expect(() => restoreFields(new Other(), roundTrip(new Unknown()))).toThrow(/class Unknown cannot restore a Other/);
  });

  it('stores a state-table scope inside a value as a reference, not its entries', () => {
    const scope = new MemoryStateTable<number>('t', true).scope('s');
    scope.put('a', 1);
    const text = encodeStateValue({ values: scope, best: 4 });
    expect(text).toBe('{"values":{"$r":"keyed-state"},"best":4}');
  });

  it('names the path of a value that holds a function', () => {
    expect(() => encodeStateValue({ a: [1, { cmp: () => 0 }] })).toThrow(/\$\.a\[1\]\.cmp holds a function/);
  });
});

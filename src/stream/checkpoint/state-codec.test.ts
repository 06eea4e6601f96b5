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

  it('names paths through Maps and Sets too', () => {
    expect(() => encodeStateValue([new Map([['k', new Set([Symbol('x')])]])])).toThrow(/\$\[0\]\.get\(k\)\.item holds a symbol/);
  });

  // Checkpoints written by earlier versions must keep decoding, and this text is what they hold.
  it('writes the documented text for every tag', () => {
    class Acc { n = 1; total = 5n; }
    const cases: [unknown, string][] = [
      [{ row: [1n, 'a"b', 1.5, -0, null, true], degree: 0 }, '{"row":[{"$b":"1"},"a\\"b",1.5,0,null,true],"degree":0}'],
      [[NaN, Infinity, -Infinity, undefined], '[{"$f":"NaN"},{"$f":"Infinity"},{"$f":"-Infinity"},{"$u":1}]'],
      [[new Numeric(-12345n, 2), Numeric.NaN, new Interval(1, -2, 3)], '[{"$n":["-12345",2]},{"$n":"NaN"},{"$i":[1,-2,3]}]'],
      [new Uint8Array([0, 255]), '{"$x":"00ff"}'],
      [new Map<unknown, unknown>([[1, 'x'], ['k', [2n]]]), '{"$m":[[1,"x"],["k",[{"$b":"2"}]]]}'],
      [new Set(['p', 3]), '{"$s":["p",3]}'],
      [{ $b: 'not a bigint', '2': 'b', '1': 'a' }, '{"$o":{"1":"a","2":"b","$b":"not a bigint"}}'],
      [new Acc(), '{"$c":"Acc","f":{"n":1,"total":{"$b":"5"}}}'],
      [[[], {}, new Map(), new Set()], '[[],{},{"$m":[]},{"$s":[]}]'],
    ];
    for (const [value, text] of cases) {
      expect(encodeStateValue(value)).toBe(text);
      expect(JSON.parse(text)).toBeDefined();
    }
  });

  it('round-trips random nested values', () => {
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const gen = (depth: number): unknown => {
      switch (rnd(depth > 3 ? 6 : 10)) {
        case 0: return null;
        case 1: return rnd(2) === 0;
        case 2: return (rnd(2000) - 1000) / 8;
        case 3: return BigInt(rnd(1 << 30)) * 1_000_000_007n - 5n;
        case 4: return String.fromCharCode(...Array.from({ length: rnd(6) }, () => rnd(3) === 0 ? 0x22 + rnd(100) : 0x61 + rnd(26)));
        case 5: return new Numeric(BigInt(rnd(100000)) - 50000n, rnd(5));
        case 6: return Array.from({ length: rnd(4) }, () => gen(depth + 1));
        case 7: return Object.fromEntries(Array.from({ length: rnd(4) }, (_, i) => [`${rnd(2) ? '$' : ''}f${i}`, gen(depth + 1)]));
        case 8: return new Map(Array.from({ length: rnd(3) }, (_, i) => [i, gen(depth + 1)]));
        default: return new Set(Array.from({ length: rnd(3) }, () => rnd(1000)));
      }
    };
    for (let i = 0; i < 500; i++) {
      const v = gen(0);
      expect(roundTrip(v)).toEqual(v);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PARALLELISM, keyGroupFor, keyGroupRange, murmurHash, subtaskForKeyGroup } from './key-groups.js';

// Flink's MathUtils.murmurHash written out again with BigInt arithmetic mod 2^32, independent of
// the Math.imul implementation under test.
function referenceMurmur(code: number): number {
  const M = 2n ** 32n;
  const mul = (a: bigint, b: bigint) => (a * b) % M;
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (32n - r))) % M;
  let h = BigInt.asUintN(32, BigInt(code));
  h = mul(h, 0xcc9e2d51n); h = rotl(h, 15n); h = mul(h, 0x1b873593n);
  h = rotl(h, 13n); h = (h * 5n + 0xe6546b64n) % M;
  h ^= 4n;
  h ^= h >> 16n; h = mul(h, 0x85ebca6bn); h ^= h >> 13n; h = mul(h, 0xc2b2ae35n); h ^= h >> 16n;
  const signed = Number(BigInt.asIntN(32, h));
  return signed >= 0 ? signed : signed === -(2 ** 31) ? 0 : -signed;
}

describe('key groups (Flink KeyGroupRangeAssignment)', () => {
  it('murmurHash matches a BigInt re-derivation of Flink\'s MathUtils.murmurHash', () => {
    for (const code of [0, 1, 2, 42, -1, -42, 123456789, 2 ** 31 - 1, -(2 ** 31), 0x7f3a9c11]) {
      expect(murmurHash(code)).toBe(referenceMurmur(code));
      expect(murmurHash(code)).toBeGreaterThanOrEqual(0);
    }
  });

  it('agrees with the published MurmurHash3_x86_32 test vector (4 zero bytes, seed 0) = 0x2362F9DE', () => {
    // Flink's murmurHash(code) is MurmurHash3_x86_32 of the int's 4 bytes with seed 0, made non-negative.
    expect(murmurHash(0)).toBe(0x2362f9de);
    expect(keyGroupFor(0, 128)).toBe(0x2362f9de % 128); // 94
    expect(subtaskForKeyGroup(94, 2, 128)).toBe(1);
  });

  it('keyGroupFor is murmurHash(hash) % maxParallelism, always inside [0, max)', () => {
    for (const h of [0, 1, 7, 42, -5, 99999]) {
      const kg = keyGroupFor(h, 128);
      expect(kg).toBe(referenceMurmur(h) % 128);
      expect(kg).toBeGreaterThanOrEqual(0);
      expect(kg).toBeLessThan(128);
    }
    expect(keyGroupFor(42, 10)).toBe(referenceMurmur(42) % 10);
  });

  it('subtaskForKeyGroup is keyGroup * parallelism / maxParallelism', () => {
    expect(subtaskForKeyGroup(0, 2, 128)).toBe(0);
    expect(subtaskForKeyGroup(63, 2, 128)).toBe(0);
    expect(subtaskForKeyGroup(64, 2, 128)).toBe(1);
    expect(subtaskForKeyGroup(127, 2, 128)).toBe(1);
    expect(subtaskForKeyGroup(42, 3, 128)).toBe(0); // 126 / 128
    expect(subtaskForKeyGroup(43, 3, 128)).toBe(1); // 129 / 128
    expect(subtaskForKeyGroup(127, 1, 128)).toBe(0);
  });

  it('key group ranges split [0, max) into contiguous, disjoint pieces that agree with subtaskForKeyGroup', () => {
    expect(keyGroupRange(0, 2, 128)).toEqual([0, 63]);
    expect(keyGroupRange(1, 2, 128)).toEqual([64, 127]);
    expect(keyGroupRange(0, 3, 128)).toEqual([0, 42]);
    expect(keyGroupRange(1, 3, 128)).toEqual([43, 85]);
    expect(keyGroupRange(2, 3, 128)).toEqual([86, 127]);
    for (const p of [1, 2, 3, 5, 7, 128]) {
      let next = 0;
      for (let i = 0; i < p; i++) {
        const [start, end] = keyGroupRange(i, p, DEFAULT_MAX_PARALLELISM);
        expect(start).toBe(next);
        for (let kg = start; kg <= end; kg++) expect(subtaskForKeyGroup(kg, p)).toBe(i);
        next = end + 1;
      }
      expect(next).toBe(DEFAULT_MAX_PARALLELISM);
    }
  });
});

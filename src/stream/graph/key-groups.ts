// Key groups: the unit of keyed state and of hash partitioning (Flink's KeyGroupRangeAssignment).
// A key's hash picks one of `maxParallelism` key groups; each subtask of a keyed operator owns a
// contiguous range of key groups. Because the number of key groups is fixed per job, state can
// later be redistributed to a different parallelism by moving whole key groups.
//
// The formulas are Flink's, so a key hash maps to the same key group and subtask as it would there:
//   keyGroup   = murmurHash(hash) % maxParallelism
//   subtask    = keyGroup * parallelism / maxParallelism            (integer division)
//   range(i)   = [ceil(i * maxParallelism / parallelism), ((i + 1) * maxParallelism - 1) / parallelism]

/** Flink's default lower bound for max parallelism; Weir fixes it for every job. */
export const DEFAULT_MAX_PARALLELISM = 128;

/**
 * Flink's MathUtils.murmurHash(int): one round of Murmur3's 32-bit body and finalizer over a single
 * int, made non-negative. Spreads Java-style hash codes (often small consecutive ints) over key groups.
 */
export function murmurHash(code: number): number {
  let h = Math.imul(code | 0, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4; // the input length in bytes
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  if (h >= 0) return h;
  return h === -0x80000000 ? 0 : -h;
}

/** The key group of a key whose hash code is `hash` (a 32-bit int, as from hashKey). */
export function keyGroupFor(hash: number, maxParallelism: number = DEFAULT_MAX_PARALLELISM): number {
  return murmurHash(hash) % maxParallelism;
}

/** The subtask (0-based) of an operator with `parallelism` subtasks that owns key group `keyGroup`. */
export function subtaskForKeyGroup(keyGroup: number, parallelism: number, maxParallelism: number = DEFAULT_MAX_PARALLELISM): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The key groups [start, end] (inclusive) owned by subtask `subtask` (0-based). */
export function keyGroupRange(subtask: number, parallelism: number, maxParallelism: number = DEFAULT_MAX_PARALLELISM): readonly [number, number] {
  const start = Math.floor((subtask * maxParallelism + parallelism - 1) / parallelism);
  const end = Math.floor(((subtask + 1) * maxParallelism - 1) / parallelism);
  return [start, end];
}

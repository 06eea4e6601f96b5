// A seeded pseudo-random generator that restarts for every record: the state is a hash of
// (seed, stream, record number), so record n has the same values whichever reader, split or
// restart produces it. This is what makes generated sources reproducible, splittable and
// seekable without replaying anything (nexmark-rs seeds a small RNG per event id the same way).
// The step function is mulberry32; the hash is murmur3's 32-bit finalizer.

const TWO_POW_32 = 4294967296;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a string, for deriving per-column streams from column names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}

export class RecordRandom {
  private state = 0;
  private readonly seedLo: number;
  private readonly seedHi: number;

  /** `seed` is any integer that fits a double exactly; `stream` separates independent uses of one seed. */
  constructor(seed: number, private readonly stream = 0) {
    this.seedLo = seed >>> 0;
    this.seedHi = Math.floor(seed / TWO_POW_32) >>> 0;
  }

  /** Restart the sequence for record `n` (a non-negative integer below 2^53). */
  reset(n: number, substream = 0): void {
    const lo = n >>> 0;
    const hi = Math.floor(n / TWO_POW_32) >>> 0;
    let h = fmix(this.seedLo ^ Math.imul(this.stream + 1, 0x9e3779b1));
    h = fmix(h ^ this.seedHi ^ Math.imul(substream, 0x85ebca77));
    h = fmix(h ^ lo);
    this.state = fmix(h ^ Math.imul(hi, 0x27d4eb2f) ^ 0x165667b1);
  }

  /** 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1), 53 bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n) for 0 < n ≤ 2^53. */
  nextInt(n: number): number {
    if (n <= TWO_POW_32) return Math.floor((this.nextUint32() / TWO_POW_32) * n);
    return Math.floor(this.nextDouble() * n);
  }
}

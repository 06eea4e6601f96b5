// int8 values are JS bigints, and BigInt(n) allocates (~40 ns). Generated ids repeat a lot
// (hot auctions, hot bidders, categories), so a small direct-mapped cache of recent conversions
// returns the same bigint for the same number most of the time.

const SIZE = 4096;
const MASK = SIZE - 1;

export class Int8Cache {
  private readonly keys = new Float64Array(SIZE).fill(-1);
  private readonly values: bigint[] = new Array<bigint>(SIZE).fill(0n);

  /** `n` must be a non-negative safe integer. */
  get(n: number): bigint {
    const slot = n & MASK;
    if (this.keys[slot] === n) return this.values[slot];
    const v = BigInt(n);
    this.keys[slot] = n;
    this.values[slot] = v;
    return v;
  }
}

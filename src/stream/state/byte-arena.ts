// Blocks of bytes for state kept packed (join-rows.ts), carved from 256 KB pages. A typed array
// per join key cost a microsecond to create and grow — more than packing saved — and each was
// three objects for the collector; here a block is an address (a number), and a key's bytes move
// to a block of twice the size when they outgrow theirs. Block sizes are powers of two from
// 32 bytes to 32 KB, each with a free list of its own (a freed block serves the next request of its
// size); bytes beyond the largest block get a typed array of their own (join-rows.ts).
//
// Blocks are freed explicitly (their owner's key was deleted, spilled or dropped); pages live as
// long as the arena, which lives as long as its operator.

const PAGE_BITS = 18;
const PAGE = 1 << PAGE_BITS;
const MIN_BITS = 5;
const MAX_BITS = 15;

/** The largest block an arena hands out. */
export const MAX_BLOCK = 1 << MAX_BITS;

/** The block size that holds `size` bytes (size ≤ MAX_BLOCK). */
export function blockSize(size: number): number { return 1 << sizeClass(size); }

function sizeClass(size: number): number {
  let c = MIN_BITS;
  while ((1 << c) < size) c++;
  return c;
}

export class ByteArena {
  private readonly pages: Uint8Array[] = [];
  private readonly free: number[][] = Array.from({ length: MAX_BITS + 1 }, () => []);
  private page = -1;
  private bump = PAGE;

  /** A block of `blockSize(size)` bytes: its address. */
  alloc(size: number): number {
    const c = sizeClass(size);
    const list = this.free[c];
    if (list.length) return list.pop()!;
    const n = 1 << c;
    if (this.bump + n > PAGE) {
      this.pages.push(new Uint8Array(PAGE));
      this.page = this.pages.length - 1;
      this.bump = 0;
    }
    const addr = this.page * PAGE + this.bump;
    this.bump += n;
    return addr;
  }

  /** Gives back the block at `addr`, which `alloc(size)` returned. */
  release(addr: number, size: number): void { this.free[sizeClass(size)].push(addr); }

  /** The page the block at `addr` lies in (read and write it from `offsetOf(addr)`). */
  pageOf(addr: number): Uint8Array { return this.pages[Math.floor(addr / PAGE)]; }
  offsetOf(addr: number): number { return addr % PAGE; }

  /** Bytes of pages allocated (in use or free). */
  get bytes(): number { return this.pages.length * PAGE; }
}

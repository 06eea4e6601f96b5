// Blocks of bytes for state kept packed (join-rows.ts), carved from 256 KB pages. A typed array
// per join key cost a microsecond to create and grow — more than packing saved — and each was
// three objects for the collector; here a block is an address (a number), and a key's bytes move
// to a block of twice the size when they outgrow theirs. Block sizes are powers of two from
// 32 bytes to 32 KB, each with a free list of its own (a freed block serves the next request of its
// size); bytes beyond the largest block get a typed array of their own (join-rows.ts).
//
// Blocks are freed explicitly (their owner's key was deleted, spilled or dropped); pages live as
// long as the arena, which lives as long as its operator. The state memory budget counts what the
// blocks in use hold, not the pages: a spilled key's block is free for the next key, and counting
// it as state would make a task spill again for memory it already gave up (arenaSlackBytes).

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

/** This thread's arenas, for arenaSlackBytes (an arena goes when its operator does). */
const arenas = new Set<WeakRef<ByteArena>>();

/** Bytes of this thread's arena pages that hold no block in use (free blocks, pages' unused rest). */
export function arenaSlackBytes(): number {
  let slack = 0;
  for (const ref of arenas) {
    const arena = ref.deref();
    if (arena) slack += arena.slack; else arenas.delete(ref);
  }
  return slack;
}

export class ByteArena {
  private readonly pages: Uint8Array[] = [];
  private readonly free: number[][] = Array.from({ length: MAX_BITS + 1 }, () => []);
  private page = -1;
  private bump = PAGE;
  /** Bytes of pages in no block in use. */
  slack = 0;

  constructor() { arenas.add(new WeakRef(this)); }

  /** A block of `blockSize(size)` bytes: its address. */
  alloc(size: number): number {
    const c = sizeClass(size);
    const list = this.free[c];
    const n = 1 << c;
    this.slack -= n;
    if (list.length) return list.pop()!;
    if (this.bump + n > PAGE) {
      // The old page's rest is never handed out: memory in use as far as the budget goes.
      this.slack -= PAGE - this.bump;
      this.pages.push(new Uint8Array(PAGE));
      this.page = this.pages.length - 1;
      this.bump = 0;
      this.slack += PAGE;
    }
    const addr = this.page * PAGE + this.bump;
    this.bump += n;
    return addr;
  }

  /** Gives back the block at `addr`, which `alloc(size)` returned. */
  release(addr: number, size: number): void {
    const c = sizeClass(size);
    this.free[c].push(addr);
    this.slack += 1 << c;
  }

  /** The page the block at `addr` lies in (read and write it from `offsetOf(addr)`). */
  pageOf(addr: number): Uint8Array { return this.pages[Math.floor(addr / PAGE)]; }
  offsetOf(addr: number): number { return addr % PAGE; }

  /** Bytes of pages allocated (in use or free). */
  get bytes(): number { return this.pages.length * PAGE; }
}

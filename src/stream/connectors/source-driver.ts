// Drives the readers of one source in the in-process runtime: polls a batch from each split in
// turn, pushes it as a chunk of inserts, and yields to the event loop between rounds so queries
// and barriers keep flowing. The first round runs inside start(), like a table's snapshot, so a
// small bounded source is complete before CREATE MATERIALIZED VIEW returns. When every split is
// paced and nothing is due, it sleeps briefly; when all bounded splits are done, it ends.

import { Op, type Chunk } from '../chunk.js';
import type { Row } from '../../types/value.js';
import type { SourceSplitReader } from './source-reader.js';

/** Rows per poll: one chunk. */
export const SOURCE_BATCH_ROWS = 1024;
/** How long to sleep when a paced source has nothing due yet. */
const IDLE_WAIT_MS = 5;

export interface SourceDriverHooks {
  /** Called once when every split is exhausted. */
  onEnd?(): void;
  /** Called if a reader fails; the driver stops. Without it, the error is thrown from start() or logged. */
  onError?(e: unknown): void;
  /** The clock readers pace against (tests may drive it). */
  now?(): number;
}

export class SourceDriver {
  private readonly live: SourceSplitReader[];
  private stopped = false;
  private immediate: NodeJS.Immediate | null = null;
  private timeout: NodeJS.Timeout | null = null;
  private ended = false;
  rowsEmitted = 0;

  constructor(readers: SourceSplitReader[], private readonly push: (c: Chunk) => void, private readonly hooks: SourceDriverHooks = {}) {
    this.live = [...readers];
  }

  get finished(): boolean { return this.ended; }

  start(): void {
    this.round(true);
  }

  stop(): void {
    this.stopped = true;
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timeout) clearTimeout(this.timeout);
    this.immediate = this.timeout = null;
    for (const r of this.live.splice(0)) r.close?.();
  }

  private round(first: boolean): void {
    this.immediate = this.timeout = null;
    if (this.stopped) return;
    let produced = 0;
    try {
      const now = this.hooks.now?.() ?? Date.now();
      for (let i = 0; i < this.live.length; i++) {
        const rows = this.live[i].poll(SOURCE_BATCH_ROWS, now);
        if (rows === null) { this.live[i].close?.(); this.live.splice(i--, 1); continue; }
        if (rows.length) { produced += rows.length; this.emit(rows); }
        if (this.stopped) return;
      }
    } catch (e) {
      this.stop();
      if (this.hooks.onError) this.hooks.onError(e);
      else if (first) throw e;
      else console.error('source reader failed:', e);
      return;
    }
    if (this.live.length === 0) {
      this.ended = true;
      this.hooks.onEnd?.();
      return;
    }
    if (produced > 0) this.immediate = setImmediate(() => this.round(false));
    else this.timeout = setTimeout(() => this.round(false), IDLE_WAIT_MS);
  }

  private emit(rows: Row[]): void {
    this.rowsEmitted += rows.length;
    const ops = new Array<Op>(rows.length).fill(Op.Insert);
    this.push({ ops, rows });
  }
}

// Where a TaskManager's cold state goes when its heap passes the state memory budget: one LevelDB
// of its own (classic-level) under <data-dir>/spill/, emptied when the TaskManager starts — it
// is working memory, not durable state (checkpoints are). Operators read state synchronously,
// so reads use classic-level's getSync; writes are batched and written in the background, and
// until a write is on disk it is served from `pending`. Each state table writes under a prefix
// of its own, removed when its task ends.

import { ClassicLevel } from 'classic-level';
import { mkdirSync, rmSync } from 'node:fs';

/** One state table's view of the spill store (keys are the table's full keys). */
export interface SpillPort {
  read(key: string): string | undefined;
  /** Store an encoded value (null: remove the key); visible to `read` at once. */
  write(key: string, encoded: string | null): void;
  /** Forget every key of the table (its task ended). */
  clear(): void;
  /** Every key the table has out here now (writes still pending included). */
  keys(): Promise<string[]>;
}

export class SpillStore {
  /**
   * Writes not yet on disk, read before LevelDB, each with its sequence number: a batch removes
   * a key from here only if no later write of it came (an earlier batch must not uncover a
   * later one that is still to be written).
   */
  private readonly pending = new Map<string, { readonly value: string | null; readonly seq: number }>();
  /** Writes waiting for the next batch. */
  private queued = new Map<string, { readonly value: string | null; readonly seq: number }>();
  private seq = 0;
  /** Batches are written one after another, so a later write of a key lands after an earlier one. */
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private nextTable = 1;
  private failure: unknown = null;
  /** Entries written out so far (for metrics and tests). */
  written = 0;

  private constructor(private readonly db: ClassicLevel<string, string>) {}

  static async open(dir: string): Promise<SpillStore> {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const db = new ClassicLevel<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await db.open();
    return new SpillStore(db);
  }

  port(): SpillPort {
    const prefix = `${this.nextTable++}/`;
    return {
      read: (key) => this.read(prefix + key),
      write: (key, encoded) => this.write(prefix + key, encoded),
      clear: () => this.clear(prefix),
      keys: () => this.keys(prefix),
    };
  }

  private async keys(prefix: string): Promise<string[]> {
    if (this.failure) throw this.failure;
    // The writes not on disk yet are copied first, then LevelDB is read: a batch that lands
    // meanwhile (and leaves `pending`) is then in the copy, the read, or both — never in neither.
    const unwritten = [...this.pending].filter(([k]) => k.startsWith(prefix));
    const out = new Set<string>();
    for await (const k of this.db.keys({ gte: prefix, lt: prefix + '\uffff' })) out.add(k.slice(prefix.length));
    for (const [k, w] of unwritten) {
      if (w.value === null) out.delete(k.slice(prefix.length)); else out.add(k.slice(prefix.length));
    }
    return [...out];
  }

  private read(key: string): string | undefined {
    if (this.failure) throw this.failure;
    const p = this.pending.get(key);
    if (p !== undefined) return p.value ?? undefined;
    return this.db.getSync(key) ?? undefined;
  }

  private write(key: string, encoded: string | null): void {
    if (this.failure) throw this.failure;
    const w = { value: encoded, seq: ++this.seq };
    this.pending.set(key, w);
    this.queued.set(key, w);
    if (encoded !== null) this.written++;
    if (!this.scheduled) { this.scheduled = true; setImmediate(() => this.flush()); }
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queued;
    this.queued = new Map();
    this.writing = this.writing.then(async () => {
      const b = this.db.batch();
      for (const [k, w] of batch) { if (w.value === null) b.del(k); else b.put(k, w.value); }
      await b.write();
      // On disk now, unless written again meanwhile (that write is still pending).
      for (const [k, w] of batch) if (this.pending.get(k)?.seq === w.seq) this.pending.delete(k);
    }).catch((e: unknown) => { this.failure ??= e; });
  }

  private clear(prefix: string): void {
    for (const k of this.pending.keys()) if (k.startsWith(prefix)) this.pending.delete(k);
    for (const k of this.queued.keys()) if (k.startsWith(prefix)) this.queued.delete(k);
    this.writing = this.writing.then(() => this.db.clear({ gte: prefix, lt: prefix + '\uffff' })).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.writing;
    await this.db.close();
  }
}

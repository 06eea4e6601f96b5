// Each task's state as of its latest confirmed checkpoint, one LevelDB key per state key, so a
// restore can read it *lazily*: the task starts at once and reads a key the first time an
// operator asks for it (a synchronous point read, classic-level's getSync), instead of loading
// every versioned entry before it processes a record. The versioned keyspace (v/…, see
// level-checkpoint-storage.ts) stays the record of every retained checkpoint; this one is an index
// of the newest, in the spirit of RisingWave's Hummock serving reads straight from the
// checkpointed store.
//
//   l/<job>/<task>/k/<op>/<table>/<key>        a top-level key, read lazily: "#<checkpoint id>",
//                                              naming its version in the versioned keyspace
//   l/<job>/<task>/e/<op>/<table>/<full key>   a scoped key, or any key of a resident table: its
//                                              value, read in full before the task starts
//   lc/<job>/<task>                            the checkpoint the keyspace reflects
//
// Why a reference and not a copy of the value: the values are nearly all of a checkpoint's bytes,
// and writing each twice doubled what LevelDB writes and compacts — on a two-core machine the
// largest cost of checkpointing a join-heavy job (Nexmark q4 through Kafka, docs/benchmarks.md).
// A lazy read is two point reads instead of one. The version referred to is never collected while
// it can be read here: a restore reads this keyspace only when its mark is the checkpoint restored
// (retained, so every key's newest version up to it is kept), and afterwards only keys the task
// has not touched since, which no later checkpoint of the job has changed. Keyspaces written
// before references (values in k/ too) read as they are: a value is JSON, never "#…".
//
// A task writes it when a checkpoint is confirmed complete (its delta, in one batch with the
// mark), so it never holds anything a completed checkpoint does not. A restore uses it only when
// the mark names the very checkpoint restored; otherwise (an older checkpoint, a crash between
// the metadata and this write, state from before this keyspace) the task loads eagerly and, in
// the background once it runs, writes the keyspace again.

import type { ClassicLevel } from 'classic-level';
import { SCOPE_SEP } from '../state/keyed-state.js';
import type { StateDelta } from './state-delta.js';
import { versionKey } from './version-keys.js';

/** Entries per batch when the keyspace is rebuilt from an eager restore. */
const REBUILD_BATCH = 4096;

/** A lazily read key's entry: the checkpoint whose version holds its value. */
const REF = '#';
const REF_CODE = 35;
/** The letter after the task in a lazily read key (l/<job>/<task>/k/…). */
const K = 107;

/** Where one table's lazily read keys live. */
export interface LatestTableSource {
  /** The encoded value of top-level `key` (undefined: none). Synchronous. */
  read(key: string): string | undefined;
  /** Every top-level key stored for the table. */
  keys(): Promise<string[]>;
  /** Every entry, in batches (a background warm-up reads them while the task runs). */
  batches(): AsyncIterable<readonly (readonly [string, string])[]>;
}

export class LatestStateStore {
  /** `resolve`: a versioned entry's value as stored → the value (reading a blob file if it points to one). */
  constructor(private readonly db: ClassicLevel<string, string>, private readonly resolve: (jobId: string, stored: string) => string) {}

  private base(jobId: string, task: string): string { return `l/${jobId}/${task}/`; }

  /**
   * The keyspace key of a checkpoint state key ("<task>/<op>/<table>/<full key>", as tasks write
   * them), or null for keys outside operator tables (a sink's committables).
   */
  private keyOf(jobId: string, task: string, stateKey: string, resident: (op: number, table: string) => boolean): string | null {
    const rest = stateKey.slice(task.length + 1);
    const a = rest.indexOf('/');
    const b = a < 0 ? -1 : rest.indexOf('/', a + 1);
    if (b < 0) return null;
    const op = Number(rest.slice(0, a));
    if (!Number.isInteger(op)) return null;
    const table = rest.slice(a + 1, b);
    const eager = resident(op, table) || rest.includes(SCOPE_SEP, b + 1);
    return `${this.base(jobId, task)}${eager ? 'e' : 'k'}/${rest}`;
  }

  /** The checkpoint task `task`'s keyspace reflects (0: none, or not usable). */
  async mark(jobId: string, task: string): Promise<number> {
    return Number((await this.db.get(`lc/${jobId}/${task}`)) ?? 0);
  }

  /**
   * Checkpoint `checkpointId` is complete: apply its deltas, in order (a key's latest change wins;
   * `full`: the first is the task's whole state, which replaces the keyspace), and move the mark,
   * atomically for a delta. `version`: the checkpoint that wrote them to the versioned keyspace (a
   * task writes every delta not yet confirmed again with each checkpoint: the newest of them).
   */
  async apply(jobId: string, task: string, checkpointId: number, deltas: readonly StateDelta[], full: boolean, resident: (op: number, table: string) => boolean, version = checkpointId): Promise<void> {
    if (full) await this.reset(jobId, task);
    const batch = this.db.batch();
    const ref = REF + version, lazyAt = this.base(jobId, task).length;
    const visit = (k: string, v: string | null) => {
      const key = this.keyOf(jobId, task, k, resident);
      if (key === null) return;
      if (v === null) batch.del(key);
      else batch.put(key, key.charCodeAt(lazyAt) === K ? ref : v);
    };
    for (const d of deltas) d.forEach(visit);
    batch.put(`lc/${jobId}/${task}`, String(checkpointId));
    await batch.write();
  }

  /** The keyspace no longer reflects a checkpoint (its keys stay for a lazily restored reader). */
  async unmark(jobId: string, task: string): Promise<void> {
    await this.db.del(`lc/${jobId}/${task}`);
  }

  /** Forget the task's keyspace (mark first: interrupted, nothing claims a partial keyspace). */
  async reset(jobId: string, task: string): Promise<void> {
    await this.unmark(jobId, task);
    const base = this.base(jobId, task);
    await this.db.clear({ gte: base, lt: base + '\uffff' });
  }

  /** Every task's keyspace of the job (rescaling, dropping the job). */
  async resetJob(jobId: string): Promise<void> {
    await this.db.clear({ gte: `lc/${jobId}/`, lt: `lc/${jobId}/\uffff` });
    await this.db.clear({ gte: `l/${jobId}/`, lt: `l/${jobId}/\uffff` });
  }

  /**
   * Write the task's keyspace again from its versioned state as of `checkpointId` (`each` reads
   * it, see LevelCheckpointStorage.eachState), then set the mark. Runs in the background after an
   * eager restore; the task's later deltas are applied after it.
   */
  async rebuild(jobId: string, task: string, checkpointId: number, each: (visit: (stateKey: string, text: string, version: number) => void, afterBatch: () => Promise<void>) => Promise<void>, resident: (op: number, table: string) => boolean): Promise<void> {
    await this.reset(jobId, task);
    let batch = this.db.batch();
    const lazyAt = this.base(jobId, task).length;
    // Each read batch is written before the next is read: a second copy of the state never piles up in memory.
    await each((stateKey, text, version) => {
      const key = this.keyOf(jobId, task, stateKey, resident);
      if (key !== null) batch.put(key, key.charCodeAt(lazyAt) === K ? REF + version : text);
    }, async () => {
      const full = batch;
      batch = this.db.batch();
      await full.write();
    });
    await batch.write();
    await this.db.put(`lc/${jobId}/${task}`, String(checkpointId));
  }

  /** Every eagerly restored entry of the task: scoped keys and resident tables, with their operator and table. */
  async eachEager(jobId: string, task: string, visit: (op: number, table: string, fullKey: string, text: string) => void): Promise<void> {
    const base = `${this.base(jobId, task)}e/`;
    for await (const [key, text] of this.db.iterator({ gte: base, lt: base + '\uffff', fillCache: false })) {
      const rest = key.slice(base.length);
      const a = rest.indexOf('/');
      const b = rest.indexOf('/', a + 1);
      visit(Number(rest.slice(0, a)), rest.slice(a + 1, b), rest.slice(b + 1), text);
    }
  }

  /** One table's lazily read keys. */
  table(jobId: string, task: string, op: number, table: string): LatestTableSource {
    const prefix = `${this.base(jobId, task)}k/${op}/${table}/`;
    const stateKey = `${task}/${op}/${table}/`;
    /** The value an entry stands for; undefined when its version is gone (see batches). */
    const value = (key: string, entry: string): string | undefined => {
      if (entry.charCodeAt(0) !== REF_CODE) return entry; // a keyspace from before references
      const stored = this.db.getSync(versionKey(jobId, stateKey + key, Number(entry.slice(1))));
      return stored === null || stored === undefined || stored === '' ? undefined : this.resolve(jobId, stored);
    };
    return {
      read: (key) => {
        const entry = this.db.getSync(prefix + key);
        if (entry === null || entry === undefined) return undefined;
        const text = value(key, entry);
        // Only an untouched key is read, and no checkpoint since the restore changed it: its version is kept.
        if (text === undefined) throw new Error(`checkpointed state ${stateKey}${key}: the version ${entry} names is missing`);
        return text;
      },
      keys: async () => {
        const out: string[] = [];
        for await (const k of this.db.keys({ gte: prefix, lt: prefix + '\uffff', fillCache: false })) out.push(k.slice(prefix.length));
        return out;
      },
      batches: () => this.batches(prefix, value),
    };
  }

  /**
   * A table's entries in batches, values looked up (in key order, so mostly from cached blocks).
   * The iterator reads the keyspace as it was when it started: an entry the task has changed since
   * may name a version a later checkpoint made obsolete and collected — such a key is touched, so
   * the warm-up would skip it anyway; it is left out.
   */
  private async *batches(prefix: string, value: (key: string, entry: string) => string | undefined): AsyncGenerator<[string, string][]> {
    const it = this.db.iterator({ gte: prefix, lt: prefix + '\uffff', fillCache: false });
    try {
      for (;;) {
        const batch = await it.nextv(REBUILD_BATCH);
        if (!batch.length) return;
        const out: [string, string][] = [];
        for (const [k, entry] of batch) {
          const key = k.slice(prefix.length), text = value(key, entry);
          if (text !== undefined) out.push([key, text]);
        }
        yield out;
      }
    } finally {
      await it.close();
    }
  }
}

// Checkpoints in LevelDB (classic-level) under <data-dir>/checkpoints, one database shared by the
// main thread and the TaskManager workers (classic-level's multithreading option).
//
//   v/<job>/<state key>\0<inverted checkpoint id>  → value JSON ("" = deleted), or a pointer to
//                                                  it in a blob file (blob-files.ts)  versioned state
//   m/<job>/<checkpoint id, 10 digits>             → CompletedCheckpoint JSON      metadata
//   t/<job>                                        → highest checkpoint id that may have been triggered
//   a/<job>                                        → [lo, hi][]: abandoned checkpoint ids
//
// Tasks write only what changed since the last completed checkpoint, each version tagged with
// the checkpoint id; reading state "as of checkpoint C" takes, per key, the newest version ≤ C.
// So snapshots are incremental, any retained checkpoint can be restored, and versions written
// for a checkpoint that never completed are harmless (they hold values as of that barrier) and
// removed by discard(). Metadata is written last, with sync, so a checkpoint counts only once
// everything it names is on disk (LevelDB's log is one file: the synced write covers earlier ones).
//
// A checkpoint that fails, and on recovery every checkpoint after the one restored, is *abandoned*
// rather than deleted: its id goes on the job's abandoned list, reads skip versions with such an
// id, and the next garbage-collection scan removes them. Deleting them at once would mean scanning
// every version of the job (there is no index by checkpoint id): seconds for a large state, on the
// path of every recovery. The restored job numbers its checkpoints after every id that may have
// been triggered (the `t/` mark: the coordinator reserves ids in blocks before their barriers go
// out), so no new version takes an abandoned id.
//
// Values of BLOB_MIN_CHARS or more live in blob files, the version holding a pointer
// (blob-files.ts); each scan ends by collecting the files no kept version points into
// (blob-collector.ts).

import { ClassicLevel } from 'classic-level';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BlobCollector, LiveBlobs } from './blob-collector.js';
import { BLOB_MIN_CHARS, BlobFiles, isPointer } from './blob-files.js';
import type { CheckpointStorage } from './checkpoint-coordinator.js';
import type { CompletedCheckpoint } from './types.js';
import { LatestStateStore } from './latest-state.js';
import type { StateDelta } from './state-delta.js';
import { fromInverted, inverted, pad } from './version-keys.js';

export type StateEntry = readonly [key: string, value: string | null];

/** Checkpoint ids lo..hi (inclusive) whose state versions no read may see. */
type IdRange = readonly [lo: number, hi: number];

function abandonedId(ranges: readonly IdRange[], id: number): boolean {
  for (const [lo, hi] of ranges) if (id >= lo && id <= hi) return true;
  return false;
}

/**
 * LevelDB's memtable (its default is 4 MB). A checkpoint of a join-heavy job writes tens of MB of
 * state at random keys (versioned, then its keys again in the latest-state keyspace); with 4 MB memtables
 * every checkpoint became a stream of level-0 files and compactions competing with the tasks for
 * the two cores (Nexmark q4 through Kafka at a 1 s interval: 0.44–0.51 of the checkpoint-off rate,
 * 0.61–0.63 with 64 MB; docs/benchmarks.md). Costs up to twice this in memory while one flushes.
 */
const WRITE_BUFFER_BYTES = 64 * 1024 * 1024;

/** Entries per read of a restore's iterator. */
const READ_BATCH = 4096;

/**
 * Garbage collection scans every state version of a job (there is no index by version), so the
 * coordinator's subsume runs it only once the checkpoints completed since the last scan wrote
 * as many bytes as the job's state took on disk then (at least GC_MIN_BYTES): the scanning cost
 * per checkpoint is then proportional to what the checkpoint wrote, not to the whole state, and
 * stale versions stay within about the size of the state. Old metadata goes at once.
 */
const GC_MIN_BYTES = 4 * 1024 * 1024;

interface GcMark {
  /** The newest completed checkpoint whose bytes are counted in `writtenSince`. */
  countedUpTo: number;
  writtenSince: number;
  /** On-disk size of the job's state at the last scan (LevelDB's estimate). */
  stateBytes: number;
}

/** Is some id of `sorted` (ascending) in [lo, hi)? */
function keptWithin(sorted: readonly number[], lo: number, hi: number): boolean {
  let a = 0, b = sorted.length;
  while (a < b) { const m = (a + b) >> 1; if (sorted[m] < lo) a = m + 1; else b = m; }
  return a < sorted.length && sorted[a] < hi;
}

export class LevelCheckpointStorage implements CheckpointStorage {
  private readonly gcMarks = new Map<string, GcMark>();
  /** The abandoned ids of each job this instance changed (only the main thread changes them). */
  private readonly abandonedCache = new Map<string, IdRange[]>();
  private readonly blobCollector: BlobCollector;
  /** Per job, the garbage collection running (one at a time: a scan may move values between files). */
  private readonly collecting = new Map<string, Promise<void>>();

  /** Each task's state as of its latest confirmed checkpoint, for lazy restores (latest-state.ts). */
  readonly latestState: LatestStateStore;

  private constructor(private readonly db: ClassicLevel<string, string>, readonly dir: string, readonly blobs: BlobFiles) {
    this.latestState = new LatestStateStore(db, (jobId, stored) => this.resolve(jobId, stored));
    this.blobCollector = new BlobCollector(blobs, {
      each: (jobId, visit) => this.eachStateEntry(jobId, visit),
      repoint: async (entries) => { const batch = this.db.batch(); for (const [k, p] of entries) batch.put(k, p); await batch.write(); },
    });
  }

  static async open(dataDir: string): Promise<LevelCheckpointStorage> {
    const dir = join(dataDir, 'checkpoints');
    mkdirSync(dir, { recursive: true });
    const db = new ClassicLevel<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8', multithreading: true, writeBufferSize: WRITE_BUFFER_BYTES });
    await db.open();
    return new LevelCheckpointStorage(db, dir, new BlobFiles(join(dataDir, 'checkpoint-blobs')));
  }

  /** A versioned entry's value: as stored, or read from its blob file. */
  private resolve(jobId: string, stored: string): string {
    return isPointer(stored) ? this.blobs.read(jobId, stored) : stored;
  }

  externalPath(jobId: string, checkpointId: number, isSavepoint: boolean): string {
    return join(this.dir, jobId, `${isSavepoint ? 'savepoint' : 'chk'}-${checkpointId}`);
  }

  /** A task's delta for checkpoint `checkpointId`: changed keys with their value (null: deleted). Returns bytes written. */
  async writeState(jobId: string, checkpointId: number, entries: Iterable<StateEntry>): Promise<number> {
    const write = this.versionWriter(jobId, checkpointId);
    for (const [k, v] of entries) write.put(k, v);
    return write.done();
  }

  /** writeState for encoded deltas, in order in one batch (a key's latest change wins). */
  async writeDeltas(jobId: string, checkpointId: number, deltas: readonly StateDelta[]): Promise<number> {
    const write = this.versionWriter(jobId, checkpointId);
    for (const d of deltas) d.forEach(write.put);
    return write.done();
  }

  private versionWriter(jobId: string, checkpointId: number) {
    const batch = this.db.batch();
    const blobs = this.blobs.writer(jobId, checkpointId);
    let bytes = 0;
    const prefix = `v/${jobId}/`, suffix = '\0' + inverted(checkpointId);
    return {
      put: (k: string, v: string | null) => {
        const key = prefix + k + suffix;
        const value = v ?? '';
        batch.put(key, value.length >= BLOB_MIN_CHARS ? blobs.add(value) : value);
        bytes += key.length + value.length;
      },
      // The values are on disk before the pointers to them.
      done: async () => { await blobs.done(); await batch.write(); return bytes; },
    };
  }

  /**
   * Every state key under `prefix` as of checkpoint `checkpointId` (deleted keys left out).
   * Versions older than `since` are ignored: a task that wrote a full snapshot at `since`
   * (after rescaling) must not see keys an earlier task of the same name left behind.
   */
  async readState(jobId: string, checkpointId: number, prefix: string, since = 0): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await this.eachState(jobId, checkpointId, prefix, since, (key, value) => { out.set(key, value); });
    return out;
  }

  /**
   * readState without collecting: each key's value as of the checkpoint (and the checkpoint that
   * wrote that version), in key order, as read.
   * `afterBatch` runs after each batch of entries is visited (a consumer that writes what it reads
   * keeps pace with it).
   */
  async eachState(jobId: string, checkpointId: number, prefix: string, since: number, visit: (key: string, value: string, version: number) => void, afterBatch?: () => Promise<void>): Promise<void> {
    const base = `v/${jobId}/`;
    const abandoned = await this.readAbandoned(jobId); // fresh: a task's instance caches nothing
    let lastKey: string | null = null;
    const it = this.db.iterator({ gte: base + prefix, lt: base + prefix + '\uffff', fillCache: false });
    // In batches (one promise per entry would cost more than reading it), and the next batch is
    // read while this one is visited: LevelDB reads on libuv's pool while this thread decodes.
    let next = it.nextv(READ_BATCH);
    try {
      for (;;) {
        const batch = await next;
        if (!batch.length) break;
        next = it.nextv(READ_BATCH);
        for (const [full, value] of batch) {
          const sep = full.lastIndexOf('\0');
          const key = full.slice(base.length, sep);
          if (key === lastKey) continue; // an older version of a key already decided
          const version = fromInverted(full.slice(sep + 1));
          if (version > checkpointId) continue; // newer than the checkpoint
          if (abandoned.length && abandonedId(abandoned, version)) continue; // never part of a checkpoint
          lastKey = key;
          if (version < since) continue; // before the task's full snapshot: not its state
          if (value !== '') visit(key, this.resolve(jobId, value), version);
        }
        await afterBatch?.();
      }
    } finally {
      await next.catch(() => undefined); // a read still in flight (the visitor threw) ends first
      await it.close();
    }
  }

  async writeCompleted(c: CompletedCheckpoint): Promise<void> {
    await this.db.put(`m/${c.jobId}/${pad(c.checkpointId)}`, JSON.stringify(c), { sync: true });
  }

  async completed(jobId: string): Promise<CompletedCheckpoint[]> {
    const out: CompletedCheckpoint[] = [];
    for await (const v of this.db.values({ gte: `m/${jobId}/`, lt: `m/${jobId}/\uffff` })) out.push(JSON.parse(v) as CompletedCheckpoint);
    return out;
  }

  /** The checkpoint to restore a job from: the newest one, or the newest non-savepoint if preferred. */
  async latest(jobId: string, preferCheckpoint = true): Promise<CompletedCheckpoint | null> {
    const all = await this.completed(jobId);
    if (!all.length) return null;
    const newest = all[all.length - 1];
    if (!preferCheckpoint) return newest;
    const checkpoints = all.filter((c) => !c.isSavepoint);
    const lastCheckpoint = checkpoints[checkpoints.length - 1];
    // Flink's prefer-checkpoint-for-recovery: a newer savepoint loses to the latest checkpoint.
    return lastCheckpoint ?? newest;
  }

  /** Find a checkpoint by its external path or by 'chk-10' / 'savepoint-12' within a job. */
  async find(jobId: string, ref: string): Promise<CompletedCheckpoint | null> {
    const m = /(chk|savepoint)-(\d+)\/?$/.exec(ref);
    if (!m) return null;
    const v = await this.db.get(`m/${jobId}/${pad(Number(m[2]))}`);
    return v === undefined ? null : (JSON.parse(v) as CompletedCheckpoint);
  }

  /** Ids up to `upTo` may be triggered from now on (before their barriers go out): a restore numbers after them. */
  async reserveIds(jobId: string, upTo: number): Promise<void> {
    await this.db.put(`t/${jobId}`, String(upTo));
  }

  /** A checkpoint that did not complete: abandon its id (its versions go at the next scan). */
  async discard(jobId: string, checkpointId: number): Promise<void> {
    const ranges = await this.abandon(jobId, checkpointId, checkpointId);
    const batch = this.db.batch();
    batch.del(`m/${jobId}/${pad(checkpointId)}`);
    batch.put(`a/${jobId}`, JSON.stringify(ranges));
    await batch.write();
  }

  /**
   * Recovery from checkpoint `checkpointId`: every checkpoint after it — completed ones of a
   * history the restore abandons, attempts that never completed — is dropped (metadata now, state
   * versions by the next scan). Returns the id the restored job's next checkpoint takes: after
   * every id ever triggered, so no new version lands on an abandoned id.
   */
  async abandonAfter(jobId: string, checkpointId: number): Promise<number> {
    const mark = await this.db.get(`t/${jobId}`);
    let hi = Number(mark ?? 0);
    if (mark === undefined) {
      // A store from before the mark existed: find the newest version by scanning, once.
      await this.eachStateEntry(jobId, (k) => { hi = Math.max(hi, fromInverted(k.slice(k.lastIndexOf('\0') + 1))); });
    }
    const batch = this.db.batch();
    for await (const k of this.db.keys({ gt: `m/${jobId}/${pad(checkpointId)}`, lt: `m/${jobId}/\uffff` })) {
      batch.del(k);
      hi = Math.max(hi, Number(k.slice(k.lastIndexOf('/') + 1)));
    }
    if (hi > checkpointId) {
      batch.put(`a/${jobId}`, JSON.stringify(await this.abandon(jobId, checkpointId + 1, hi)));
      batch.put(`t/${jobId}`, String(hi));
    }
    await batch.write();
    return Math.max(hi, checkpointId) + 1;
  }

  /** The job's abandoned ids as stored (what a read skips). */
  private async readAbandoned(jobId: string): Promise<IdRange[]> {
    const v = await this.db.get(`a/${jobId}`);
    return v === undefined ? [] : (JSON.parse(v) as IdRange[]);
  }

  /** Add lo..hi to the job's abandoned ids; returns the list to store. Synchronous after the first
   * read, so concurrent callers on this thread each store a list that includes the other's range. */
  private async abandon(jobId: string, lo: number, hi: number): Promise<IdRange[]> {
    const ranges = await this.cachedAbandoned(jobId);
    ranges.push([lo, hi]);
    return ranges;
  }

  /** This thread's copy of the job's abandoned ids, changed in place by whoever changes them. */
  private async cachedAbandoned(jobId: string): Promise<IdRange[]> {
    if (!this.abandonedCache.has(jobId)) {
      const stored = await this.readAbandoned(jobId);
      if (!this.abandonedCache.has(jobId)) this.abandonedCache.set(jobId, stored);
    }
    return this.abandonedCache.get(jobId)!;
  }

  /**
   * Keep the newest `retained` checkpoints plus every savepoint; drop older metadata, and every
   * state version no kept checkpoint reads. Checkpoint c reads, per key, the newest version ≤ c,
   * so version v (the next newer one being u) is needed exactly when a kept c lies in [v, u) —
   * an old savepoint keeps the versions it reads, not every version written after it. Versions
   * newer than every completed checkpoint belong to one in progress and stay.
   *
   * `lazy` (the coordinator after each checkpoint): drop the metadata now, scan the state only
   * when enough was written since the last scan (GC_MIN_BYTES above). Stale versions are harmless
   * meanwhile: a read takes the newest version at or before its checkpoint.
   */
  async subsume(jobId: string, retained: number, lazy = false): Promise<void> {
    const before = this.collecting.get(jobId) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(() => this.collect(jobId, retained, lazy));
    this.collecting.set(jobId, run);
    try { await run; } finally { if (this.collecting.get(jobId) === run) this.collecting.delete(jobId); }
  }

  private async collect(jobId: string, retained: number, lazy: boolean): Promise<void> {
    const all = await this.completed(jobId);
    const checkpoints = all.filter((c) => !c.isSavepoint);
    const drop = checkpoints.slice(0, Math.max(0, checkpoints.length - retained));
    const newestCompleted = Math.max(0, ...all.map((c) => c.checkpointId));
    const scan = !lazy || await this.scanDue(jobId, all, newestCompleted);
    if (!drop.length && !scan) return;
    const kept = all.filter((c) => !drop.includes(c)).map((c) => c.checkpointId).sort((a, b) => a - b);
    const batch = this.db.batch();
    for (const c of drop) batch.del(`m/${jobId}/${pad(c.checkpointId)}`);
    if (!scan) { await batch.write(); return; }
    // Abandoned ids below the newest completed checkpoint take no more writes (every task passed
    // their barriers long ago): their versions go now, and so do the ids from the list.
    const abandoned = (await this.readAbandoned(jobId)).filter(([, hi]) => hi < newestCompleted);
    const live = new LiveBlobs();
    let lastKey: string | null = null;
    let newer = Infinity; // the next newer version of the current key
    await this.eachStateEntry(jobId, (full, value) => {
      const sep = full.lastIndexOf('\0');
      const key = full.slice(0, sep);
      if (key !== lastKey) { lastKey = key; newer = Infinity; }
      const id = fromInverted(full.slice(sep + 1));
      if (abandoned.length && abandonedId(abandoned, id)) { batch.del(full); return; } // as if never written
      const until = newer;
      newer = id;
      if (id <= newestCompleted && !keptWithin(kept, id, until)) { batch.del(full); return; }
      live.add(value);
    });
    if (abandoned.length) {
      const ranges = await this.cachedAbandoned(jobId);
      for (let i = ranges.length - 1; i >= 0; i--) if (abandoned.some((a) => a[0] === ranges[i][0] && a[1] === ranges[i][1])) ranges.splice(i, 1);
      batch.put(`a/${jobId}`, JSON.stringify(ranges));
    }
    await batch.write();
    await this.blobCollector.collect(jobId, live, newestCompleted, lazy);
    const stateBytes = live.bytes + await this.db.approximateSize(`v/${jobId}/`, `v/${jobId}/\uffff`).catch(() => 0);
    this.gcMarks.set(jobId, { countedUpTo: newestCompleted, writtenSince: 0, stateBytes });
  }

  /** Has enough been written since the last scan of this job's state (see GC_MIN_BYTES)? */
  private async scanDue(jobId: string, all: readonly CompletedCheckpoint[], newestCompleted: number): Promise<boolean> {
    const mark = this.gcMarks.get(jobId);
    if (!mark) {
      // A new job's first checkpoint (id 1: none before it, none failed) completed: every version
      // in the store is one it reads or one of a checkpoint in progress, so there is nothing to
      // collect — no scan of the state it has just written. Otherwise (a restarted or restored
      // job) start from a clean store.
      if (all.length === 1 && newestCompleted === 1 && !(await this.readAbandoned(jobId)).length) {
        this.gcMarks.set(jobId, { countedUpTo: newestCompleted, writtenSince: 0, stateBytes: all[0].sizeBytes });
        return false;
      }
      return true;
    }
    for (const c of all) if (c.checkpointId > mark.countedUpTo) mark.writtenSince += c.sizeBytes;
    mark.countedUpTo = Math.max(mark.countedUpTo, newestCompleted);
    return mark.writtenSince >= Math.max(GC_MIN_BYTES, mark.stateBytes);
  }

  /** State versions stored for a job (all keys, all versions): what garbage collection leaves. */
  async countVersions(jobId: string): Promise<number> {
    let n = 0;
    await this.eachStateEntry(jobId, () => { n++; });
    return n;
  }

  /**
   * Cancellation with DELETE_ON_CANCELLATION, and DROP: remove the job's checkpoints but keep its
   * savepoints (they belong to the user, as in Flink) and the state versions they read.
   */
  async dropCheckpoints(jobId: string): Promise<void> {
    const all = await this.completed(jobId);
    if (all.some((c) => c.isSavepoint)) {
      await this.subsume(jobId, 0);
      await this.latestState.resetJob(jobId); // the job is gone: nothing restores lazily from it
    } else await this.dropJob(jobId);
  }

  /** Remove everything of a job, savepoints too (a new job reusing the key starts clean). */
  async dropJob(jobId: string): Promise<void> {
    await this.collecting.get(jobId)?.catch(() => undefined); // a relocation would write files after the rm
    this.gcMarks.delete(jobId);
    // Metadata first: interrupted half-way (a crash), no checkpoint may name state already gone.
    await this.db.clear({ gte: `m/${jobId}/`, lt: `m/${jobId}/\uffff` });
    await this.db.clear({ gte: `v/${jobId}/`, lt: `v/${jobId}/\uffff` });
    await this.db.batch().del(`a/${jobId}`).del(`t/${jobId}`).write();
    await this.blobs.dropJob(jobId);
    this.abandonedCache.delete(jobId);
    this.blobCollector.forget(jobId);
    await this.latestState.resetJob(jobId);
  }

  /** Every state version of a job (all keys, all versions, in order) with its stored value (a pointer for values in blob files). */
  private async eachStateEntry(jobId: string, visit: (key: string, value: string) => void): Promise<void> {
    const it = this.db.iterator({ gte: `v/${jobId}/`, lt: `v/${jobId}/\uffff`, fillCache: false });
    let next = it.nextv(READ_BATCH); // read ahead, as eachState does
    try {
      for (;;) {
        const entries = await next;
        if (!entries.length) break;
        next = it.nextv(READ_BATCH);
        for (const [k, v] of entries) visit(k, v);
      }
    } finally {
      await next.catch(() => undefined);
      await it.close();
    }
  }

  async close(): Promise<void> { this.blobs.close(); await this.db.close(); }
}

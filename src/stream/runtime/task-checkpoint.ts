// A task's part of a checkpoint (Flink's SubtaskCheckpointCoordinator). On checkpoint barrier N,
// once the chain has processed it, the task snapshots synchronously: the changed keys of every
// state table of its operators (encoded now, so later processing cannot change them), its source
// reader's position and its sink's pre-commit. The delta then goes to LevelDB while the task
// keeps processing, and the task acknowledges N with its state handle — or declines N.
//
// Incremental: each table's change set is committed after the snapshot, so checkpoint N writes
// only what changed since N-1. Until a checkpoint is confirmed complete its delta is kept and
// written again with the next one, so a checkpoint that failed (and whose versions the
// coordinator discarded) leaves no hole in the state of the next. Once confirmed, the deltas also
// go to the task's latest-state keyspace (checkpoint/latest-state.ts), which a restore of that
// checkpoint reads lazily.
//
// State key layout, under v/<storage job>/ in the checkpoint store:
//   <vertexId>/<subtask>/<operator index in chain>/<table name>/<full key>
//   <vertexId>/<subtask>/sink/committables          a sink's uncommitted committables

import { LevelCheckpointStorage } from '../checkpoint/level-checkpoint-storage.js';
import { encodeStateValue } from '../checkpoint/state-codec.js';
import { StateDelta, StateDeltaBuilder } from '../checkpoint/state-delta.js';
import type { MemoryStateBackend } from '../state/memory-state.js';
import type { SourcePosition, SourceSplitReader } from '../connectors/source-reader.js';
import type { SinkCommittable } from '../connectors/sink-writer.js';
import type { CheckpointAck, CheckpointDecline, TaskCheckpointing } from './messages.js';

/** One LevelDB handle per data directory per thread (classic-level's multithreading shares the files). */
const stores = new Map<string, Promise<LevelCheckpointStorage>>();

export function checkpointStore(dataDir: string): Promise<LevelCheckpointStorage> {
  let s = stores.get(dataDir);
  if (!s) {
    s = LevelCheckpointStorage.open(dataDir);
    s.catch(() => stores.delete(dataDir));
    stores.set(dataDir, s);
  }
  return s;
}

/** Close the handles this thread opened (server shutdown). */
export async function closeCheckpointStores(): Promise<void> {
  const all = [...stores.values()];
  stores.clear();
  await Promise.all(all.map((p) => p.then((s) => s.close()).catch(() => undefined)));
}

/** What a task acknowledges a checkpoint with (the StateHandle of its TaskAcknowledgement). */
export interface TaskStateHandle {
  readonly [key: string]: SourcePosition;
  /** Prefix of the task's state keys in the job's versioned state. */
  readonly state: string;
  /** State keys written for this checkpoint. */
  readonly keys: number;
  /** The source reader's position after the barrier (source tasks). */
  readonly position: SourcePosition;
  /** The checkpoint of the task's last full snapshot: its state is read from versions since then. */
  readonly since: number;
}

/** Where a sink task's uncommitted committables are kept in its checkpointed state (JSON, oldest first). */
export const SINK_COMMITTABLES_KEY = 'sink/committables';

/** The sink side of a snapshot: checkpoint N's pre-commit with the earlier ones still uncommitted. */
export interface PreCommitting { preCommitted(checkpointId: number): Promise<SinkCommittable[]> | null }

export interface TaskCheckpointSinks {
  acknowledge(ack: CheckpointAck): void;
  decline(decline: CheckpointDecline): void;
}

export class TaskCheckpointer {
  /** Deltas of checkpoints not yet confirmed complete, oldest first (`full`: the whole state). */
  private unconfirmed: { readonly id: number; readonly delta: StateDelta; readonly full: boolean }[] = [];
  /**
   * About how many bytes of encoded deltas this task holds: from its snapshot until the delta is
   * in the latest-state keyspace. Not state: the memory budget does not count it (state-memory.ts).
   */
  heldBytes = 0;
  /** Writes of the latest-state keyspace, one after another. */
  private latestWrites: Promise<void> = Promise.resolve();
  /** One failed: the keyspace is given up for this attempt. */
  private latestBroken = false;
  private full = false;

  constructor(
    private readonly jobId: number,
    readonly taskKey: string,
    private readonly config: TaskCheckpointing,
    private readonly backends: readonly MemoryStateBackend[],
    private readonly reader: SourceSplitReader | null,
    private readonly sink: PreCommitting | null,
    private readonly out: TaskCheckpointSinks,
  ) {}

  /** State writes still running. */
  private readonly writes = new Set<Promise<void>>();

  /** Resolves once no state write of this task runs any more (a restarted attempt waits for it). */
  async idle(): Promise<void> {
    while (this.writes.size) await Promise.allSettled([...this.writes]);
  }

  /** Synchronous part, on the barrier; the write and the acknowledgement follow asynchronously. */
  snapshot(checkpointId: number, alignmentMs: number): void {
    let current: StateDelta;
    const full = this.full;
    try {
      current = this.collect();
    } catch (e) {
      this.decline(checkpointId, e);
      return;
    }
    this.backends.forEach((b) => { for (const t of b?.all() ?? []) t.commit(); });
    this.heldBytes += current.bytes;
    this.unconfirmed.push({ id: checkpointId, delta: current, full });
    // Written in order in one batch, so a key's latest change wins.
    const deltas = sinceLastFull(this.unconfirmed).map((u) => u.delta);
    if (full) this.since = checkpointId;
    const since = this.since;
    const position = this.reader ? this.reader.position() : null;
    const preCommit = this.sink?.preCommitted(checkpointId) ?? Promise.resolve(null);
    const write = (async () => {
      const store = await checkpointStore(this.config.dataDir);
      // A sink's uncommitted committables (for a write-ahead sink, its rows) are state like any
      // other, written with this checkpoint's version (deleted when there are none).
      if (this.sink) {
        const committables = await preCommit;
        const sink = new StateDeltaBuilder();
        sink.add(`${this.taskKey}/${SINK_COMMITTABLES_KEY}`, committables?.length ? JSON.stringify(committables) : null);
        deltas.push(sink.finish());
      }
      const bytes = await store.writeDeltas(this.config.storageJob, checkpointId, deltas);
      let keys = 0;
      for (const d of deltas) keys += d.entries;
      const handle: TaskStateHandle = { state: `${this.taskKey}/`, keys, position, since };
      this.out.acknowledge({ jobId: this.jobId, task: this.taskKey, checkpointId, handle, sizeBytes: bytes, alignmentMs });
    })().catch((e: unknown) => this.decline(checkpointId, e));
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** Where restored state is read from since (carried in every handle until a new full snapshot). */
  private since = 0;

  /** Restored: state versions since `since` make up this task's state. */
  restoredSince(since: number): void { this.since = since; }

  /** Restored from another job's checkpoint or rescaled: the next snapshot writes every key, not a delta. */
  writeFullSnapshotNext(): void { this.full = true; }

  /** A full snapshot is due (it iterates every table, so no state may be spilled until then). */
  get fullSnapshotPending(): boolean { return this.full; }

  /** Encode every changed key now: values are live objects the next records will mutate. */
  private collect(): StateDelta {
    const out = new StateDeltaBuilder();
    const full = this.full;
    // Sparse: only stateful operators of the chain have a backend (holes are skipped).
    this.backends.forEach((b, i) => {
      for (const t of b?.all() ?? []) {
        const prefix = `${this.taskKey}/${i}/${t.name}/`;
        for (const [k, v] of full ? t.iterate('') : t.changes()) {
          try {
            out.add(prefix + k, v === undefined ? null : encodeStateValue(v));
          } catch (e) {
            throw new Error(`state table ${t.name} of operator ${i}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }
    });
    this.full = false;
    return out.finish();
  }

  /**
   * Restored eagerly from checkpoint `checkpointId` of this job: write the latest-state keyspace
   * again from the versioned state (in the background; deltas confirmed later are applied after).
   */
  rebuildLatest(checkpointId: number, done?: (ms: number) => void): void {
    const { storageJob } = this.config;
    const since = this.since;
    this.chainLatest(async (store) => {
      const start = performance.now();
      await store.latestState.rebuild(storageJob, this.taskKey, checkpointId,
        (visit, afterBatch) => store.eachState(storageJob, checkpointId, `${this.taskKey}/`, since, visit, afterBatch), this.isResident);
      done?.(performance.now() - start);
    });
  }

  private readonly isResident = (op: number, table: string) => this.backends[op]?.isResident(table) ?? false;

  /** Run a write of the latest-state keyspace after the ones before it; a failure gives the keyspace up. */
  private chainLatest(run: (store: LevelCheckpointStorage) => Promise<void>, after?: () => void): void {
    const { storageJob, dataDir } = this.config;
    const write = this.latestWrites.then(async () => {
      if (this.latestBroken) return;
      try {
        await run(await checkpointStore(dataDir));
      } catch {
        // A delta missing from the keyspace would make it wrong: give it up for this attempt by
        // removing its mark (restores load eagerly, and rebuild it). Its keys stay: a lazily
        // restored table may still read them, and its untouched keys are still right.
        this.latestBroken = true;
        await checkpointStore(dataDir).then((store) => store.latestState.unmark(storageJob, this.taskKey)).catch(() => undefined);
      }
    }).catch(() => undefined).finally(after);
    this.latestWrites = write;
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /**
   * Checkpoint N is complete: its delta (and older ones) are durable and readable; they go to the
   * latest-state keyspace now, so that a restore of N can read it lazily.
   */
  confirm(checkpointId: number): void {
    const done = this.unconfirmed.filter((u) => u.id <= checkpointId);
    this.unconfirmed = this.unconfirmed.filter((u) => u.id > checkpointId);
    let bytes = 0;
    for (const u of done) bytes += u.delta.bytes;
    const release = () => { this.heldBytes -= bytes; };
    if (!done.length || this.latestBroken) { release(); return; }
    const applied = sinceLastFull(done);
    const { storageJob } = this.config;
    // Each snapshot writes every delta not yet confirmed again, under its own id: the newest
    // applied one's id is where all of them are in the versioned keyspace.
    const version = applied[applied.length - 1].id;
    this.chainLatest((store) => store.latestState.apply(storageJob, this.taskKey, checkpointId, applied.map((u) => u.delta), applied[0].full, this.isResident, version), release);
  }

  private decline(checkpointId: number, e: unknown): void {
    this.out.decline({ jobId: this.jobId, checkpointId, task: this.taskKey, reason: e instanceof Error ? e.message : String(e) });
  }
}

/** The deltas from the last full snapshot on (a full snapshot replaces everything before it). */
function sinceLastFull<T extends { readonly full: boolean }>(deltas: readonly T[]): T[] {
  let from = 0;
  deltas.forEach((d, i) => { if (d.full) from = i; });
  return deltas.slice(from);
}

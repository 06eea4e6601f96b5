// Flink's CheckpointCoordinator, one per JobMaster. On a timer (respecting the minimum pause
// after the last checkpoint and the maximum of concurrent ones) it triggers checkpoint N: the
// job's sources inject barrier N. Each task acknowledges with its state handle; when every task
// has, the completed checkpoint's metadata is written — last, atomically — and only then are the
// tasks told that N is complete (sinks commit their transactions on that notice). A checkpoint
// that outlives its timeout, or that a task declines, is discarded with its partial state; more
// consecutive failures than tolerated fail the job over.

import type { CheckpointConfig } from './checkpoint-config.js';
import { STATE_FORMAT, type CheckpointStats, type CompletedCheckpoint, type StateHandle, type TaskAcknowledgement, type TaskKey } from './types.js';

/** What the coordinator needs from its JobMaster. */
export interface CheckpointTarget {
  /** Inject barrier `checkpointId` at every source subtask. */
  triggerCheckpoint(checkpointId: number, timestamp: number, isSavepoint: boolean): void;
  /** Every task that must acknowledge a checkpoint of the job as it runs now. */
  tasksToAcknowledge(): readonly TaskKey[];
  notifyCheckpointComplete(checkpointId: number): void;
  notifyCheckpointAborted(checkpointId: number): void;
  /** More consecutive failures than tolerated: restart the job from its latest checkpoint. */
  failJob(reason: string): void;
  /** Fingerprint of the job's graph, recorded in each completed checkpoint. */
  readonly jobGraph?: string;
}

/** Where completed checkpoints and their partial state live. */
export interface CheckpointStorage {
  /** Write the completed checkpoint's metadata; after this resolves the checkpoint counts. */
  writeCompleted(checkpoint: CompletedCheckpoint): Promise<void>;
  /** Delete (or abandon) whatever tasks wrote for a checkpoint that did not complete. */
  discard(jobId: string, checkpointId: number): Promise<void>;
  /** Record that ids up to `checkpointId` may be triggered, before any task writes for them (a restore numbers after it). */
  reserveIds?(jobId: string, upTo: number): Promise<void>;
  /** Keep the newest `retained` completed checkpoints (and savepoints), delete older ones
   * (`lazy`: their state versions may be collected later, with those of later checkpoints). */
  subsume(jobId: string, retained: number, lazy?: boolean): Promise<void>;
  externalPath(jobId: string, checkpointId: number, isSavepoint: boolean): string;
}

interface Pending {
  readonly stats: CheckpointStats;
  readonly expected: Set<TaskKey>;
  readonly handles: Map<TaskKey, StateHandle>;
  readonly timer: NodeJS.Timeout;
  readonly done: { resolve(c: CompletedCheckpoint): void; reject(e: Error): void };
  /** Its metadata is being written: a discard must wait for that write, or the write could land after it. */
  writing?: boolean;
}

const HISTORY = 50;

/**
 * Checkpoint ids are reserved in blocks (the store records the highest id that may have been
 * triggered, so a restore numbers after it): a trigger within the block injects its barriers at
 * once, and the next block is reserved while RESERVE_AHEAD ids of this one are left.
 */
const RESERVE_BLOCK = 20;
const RESERVE_AHEAD = 10;

export class CheckpointCoordinator {
  private nextId: number;
  private readonly pending = new Map<number, Pending>();
  private readonly stats: CheckpointStats[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastCompletedAt = 0;
  private consecutiveFailures = 0;
  private stopped = false;
  latest: CompletedCheckpoint | null = null;
  /** Ids up to this one are reserved in the store (see RESERVE_BLOCK); null: the store keeps no reservation. */
  private reservedUpTo: number | null = null;
  private reserving: { readonly upTo: number; readonly done: Promise<void> } | null = null;

  constructor(
    private readonly jobId: string,
    readonly config: CheckpointConfig,
    private readonly target: CheckpointTarget,
    private readonly storage: CheckpointStorage,
    /** Restored jobs continue numbering after their latest checkpoint, as Flink does. */
    startAfter = 0,
    private readonly now: () => number = Date.now,
  ) {
    this.nextId = startAfter + 1;
  }

  /** A restore decided where numbering continues (after every id the job's store has seen). */
  continueAt(nextId: number): void { this.nextId = Math.max(this.nextId, nextId); }

  /** Reserve the first block of ids (before the job runs, so that its first trigger is immediate). */
  async reserveIds(): Promise<void> {
    if (!this.storage.reserveIds) return;
    this.reservedUpTo ??= this.nextId - 1;
    await this.reserveUpTo(this.nextId);
  }

  /**
   * Resolves once ids up to at least `needed` are reserved. Reservations are written one after
   * another (the stored mark only grows); one in flight that reaches far enough is shared.
   */
  private reserveUpTo(needed: number): Promise<void> {
    if (this.reservedUpTo !== null && this.reservedUpTo >= needed) return Promise.resolve();
    if (this.reserving && this.reserving.upTo >= needed) return this.reserving.done;
    const upTo = Math.max(needed, this.reserving?.upTo ?? 0, this.reservedUpTo ?? 0) + RESERVE_BLOCK - 1;
    const before = this.reserving?.done.catch(() => undefined) ?? Promise.resolve();
    const done = before.then(() => this.track(this.storage.reserveIds!(this.jobId, upTo))).then(() => { this.reservedUpTo = Math.max(this.reservedUpTo ?? 0, upTo); });
    const entry = { upTo, done };
    this.reserving = entry;
    void done.finally(() => { if (this.reserving === entry) this.reserving = null; }).catch(() => undefined);
    return done;
  }

  /** Start periodic checkpoints (no-op when the interval is off). */
  start(): void {
    if (this.config.intervalMs === null || this.stopped) return;
    this.schedule(this.config.intervalMs);
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.config.intervalMs === null) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = null; this.periodic(); }, delayMs);
    this.timer.unref();
  }

  private periodic(): void {
    const interval = this.config.intervalMs!;
    if (this.pending.size >= this.config.maxConcurrent) return this.schedule(interval);
    const pause = this.lastCompletedAt + this.config.minPauseMs - this.now();
    if (this.lastCompletedAt && pause > 0) return this.schedule(pause);
    this.trigger(false).catch(() => undefined);
    this.schedule(interval);
  }

  /**
   * Trigger a checkpoint now (or a savepoint); resolves when it completes, rejects if it fails.
   * `force` (FLUSH of a job with external sinks) ignores the maximum of concurrent checkpoints.
   */
  trigger(isSavepoint: boolean, force = false): Promise<CompletedCheckpoint> {
    if (this.stopped) return Promise.reject(new Error('the job is no longer running'));
    if (!isSavepoint && !force && this.pending.size >= this.config.maxConcurrent) {
      return Promise.reject(new Error(`${this.pending.size} checkpoint(s) already in progress (max concurrent ${this.config.maxConcurrent})`));
    }
    const id = this.nextId++;
    const triggeredAt = this.now();
    const tasks = this.target.tasksToAcknowledge();
    const stats: CheckpointStats = { id, status: 'IN_PROGRESS', isSavepoint, triggeredAt, durationMs: null, sizeBytes: 0, alignmentMs: 0, acknowledged: 0, expected: tasks.length };
    this.remember(stats);
    return new Promise<CompletedCheckpoint>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(id, `checkpoint ${id} expired after ${this.config.timeoutMs} ms before all tasks acknowledged`), this.config.timeoutMs);
      timer.unref();
      this.pending.set(id, { stats, expected: new Set(tasks), handles: new Map(), timer, done: { resolve, reject } });
      const inject = () => {
        if (!this.pending.has(id)) return; // failed or stopped meanwhile
        try {
          this.target.triggerCheckpoint(id, triggeredAt, isSavepoint);
        } catch (e) {
          this.fail(id, `checkpoint ${id} could not be triggered: ${e instanceof Error ? e.message : String(e)}`);
        }
      };
      if (this.reservedUpTo === null) { inject(); return; }
      // Within the reserved block: at once (FLUSH relies on the id being queued when this returns).
      if (id + RESERVE_AHEAD > this.reservedUpTo) void this.reserveUpTo(id + RESERVE_AHEAD).catch(() => undefined);
      if (id <= this.reservedUpTo) { inject(); return; }
      this.reserveUpTo(id).then(inject, (e: unknown) => this.fail(id, `checkpoint ${id} could not be recorded: ${e instanceof Error ? e.message : String(e)}`));
    });
  }

  acknowledge(ack: TaskAcknowledgement): void {
    const p = this.pending.get(ack.checkpointId);
    if (!p || !p.expected.has(ack.task) || p.handles.has(ack.task)) return; // late, unknown or duplicate
    p.handles.set(ack.task, ack.handle);
    p.stats.acknowledged++;
    p.stats.sizeBytes += ack.sizeBytes;
    p.stats.alignmentMs = Math.max(p.stats.alignmentMs, ack.alignmentMs);
    if (p.handles.size === p.expected.size) void this.complete(ack.checkpointId, p);
  }

  /** A task could not take its part of checkpoint `checkpointId`. */
  decline(checkpointId: number, task: TaskKey, reason: string): void {
    if (this.pending.has(checkpointId)) this.fail(checkpointId, `task ${task} declined checkpoint ${checkpointId}: ${reason}`);
  }

  private async complete(id: number, p: Pending): Promise<void> {
    clearTimeout(p.timer);
    const completedAt = this.now();
    const checkpoint: CompletedCheckpoint = {
      jobId: this.jobId, checkpointId: id, isSavepoint: p.stats.isSavepoint, triggeredAt: p.stats.triggeredAt, completedAt,
      tasks: Object.fromEntries(p.handles), sizeBytes: p.stats.sizeBytes,
      externalPath: this.storage.externalPath(this.jobId, id, p.stats.isSavepoint),
      jobGraph: this.target.jobGraph, stateFormat: STATE_FORMAT,
    };
    p.writing = true;
    try {
      await this.track(this.storage.writeCompleted(checkpoint));
    } catch (e) {
      p.writing = false;
      this.fail(id, `writing checkpoint ${id} failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!this.pending.delete(id)) {
      // Failed (timeout, job stopped) while the metadata was being written: discard it now.
      void this.track(this.storage.discard(this.jobId, id)).catch(() => undefined);
      return;
    }
    p.stats.status = 'COMPLETED';
    p.stats.durationMs = completedAt - p.stats.triggeredAt;
    p.stats.externalPath = checkpoint.externalPath;
    this.lastCompletedAt = completedAt;
    this.consecutiveFailures = 0;
    this.latest = checkpoint;
    // Older pending checkpoints are subsumed by this one (Flink aborts them too).
    for (const older of [...this.pending.keys()]) if (older < id) this.fail(older, `checkpoint ${older} subsumed by checkpoint ${id}`, false);
    this.target.notifyCheckpointComplete(id);
    p.done.resolve(checkpoint);
    await this.track(this.storage.subsume(this.jobId, this.config.retained, true)).catch(() => undefined);
  }

  private fail(id: number, reason: string, counts = true): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.stats.status = 'FAILED';
    p.stats.durationMs = this.now() - p.stats.triggeredAt;
    p.stats.failure = reason;
    if (!p.writing) void this.track(this.storage.discard(this.jobId, id)).catch(() => undefined);
    this.target.notifyCheckpointAborted(id);
    p.done.reject(new Error(reason));
    if (!counts || p.stats.isSavepoint) return;
    this.consecutiveFailures++;
    if (this.consecutiveFailures > this.config.tolerableFailures) {
      this.consecutiveFailures = 0;
      this.target.failJob(`${reason} (more than ${this.config.tolerableFailures} consecutive checkpoint failure(s) tolerated)`);
    }
  }

  private remember(s: CheckpointStats): void {
    this.stats.push(s);
    if (this.stats.length > HISTORY) this.stats.shift();
  }

  history(): readonly CheckpointStats[] { return this.stats; }

  /** Storage operations still running (metadata, discards, subsumption). */
  private readonly inFlight = new Set<Promise<unknown>>();

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const done = () => { this.inFlight.delete(p); };
    p.then(done, done);
    return p;
  }

  /**
   * Resolves once no storage operation of this coordinator runs any more. A restarted attempt
   * waits for it: a subsumption or discard finishing late would delete what the restore reads.
   */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Stop triggering; pending checkpoints are aborted. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const id of [...this.pending.keys()]) this.fail(id, 'the job stopped', false);
  }
}

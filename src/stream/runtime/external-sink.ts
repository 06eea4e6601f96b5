// A sink to an external system (file, Kafka, PostgreSQL), run inside its subtask: rows go to the
// connector's SinkWriter as they arrive. With checkpointing on, checkpoint barrier N pre-commits
// (the line between N and N+1 is drawn at the barrier) and N's committable is committed only when
// the JobMaster reports N complete. A checkpoint that fails leaves its committable pending: it
// commits, in order, with the next checkpoint that completes, and until then every checkpoint
// carries it in its state (as Flink's TwoPhaseCommitSinkFunction keeps pendingCommitTransactions),
// so a crash after that later checkpoint still commits it. The task acknowledges a checkpoint
// barrier once N is committed (or aborted), so FLUSH — which makes its barrier a checkpoint for
// such jobs — returns after the external system shows the rows. With checkpointing off, every
// barrier pre-commits and commits at once. Commits run one after another, in order.

import { SqlError, SqlState } from '../../errors.js';
import type { Chunk } from '../chunk.js';
import type { Barrier, Output, StreamOperator } from '../operators/operator.js';
import type { StreamNode } from '../plan/stream-plan.js';
import type { SinkCommittable, SinkWriter } from '../connectors/sink-writer.js';

// The sink connectors pull in Kafka and PostgreSQL clients; a TaskManager loads them only when it
// is given a task that writes to one, which keeps worker start-up short.
let registry: typeof import('../connectors/sink-registry.js') | null = null;

export async function loadExternalSinks(): Promise<void> { registry ??= await import('../connectors/sink-registry.js'); }

/** Does this chain end in a sink to an external system? */
export function needsExternalSink(nodes: readonly StreamNode[]): boolean {
  return nodes.some((n) => n.op === 'sink' && n.connector !== 'blackhole' && n.connector !== 'table');
}

interface PendingCommit {
  readonly committable: Promise<SinkCommittable>;
  /** Settles the checkpoint barrier's acknowledgement: committed, aborted, or failed. */
  readonly settle: { resolve(): void; reject(e: unknown): void };
  /** Its commit has started: a later completion must not start it again. */
  committing: boolean;
}

export class ExternalSinkOperator implements StreamOperator {
  private commits: Promise<void> = Promise.resolve();
  private lastCommit: Promise<void> | null = null;
  /** Pre-committed checkpoints whose commit has not finished, by checkpoint id (insertion = id order). */
  private readonly pending = new Map<number, PendingCommit>();

  /** Cancelled or failed: nothing further is committed. */
  private closed = false;

  /**
   * `openAs`: a writer of the same sink under another subtask's identity (its transactional ids,
   * its files), for settling what an old subtask left when the job is rescaled.
   */
  constructor(private readonly writer: SinkWriter, private readonly checkpointing = false, private readonly openAs?: (subtask: number, parallelism: number) => SinkWriter) {}

  /** Run `step` after the commits before it, unless the task was cancelled meanwhile. */
  private afterCommits<T>(step: () => Promise<T> | T): Promise<T> {
    return this.commits.then(() => {
      if (this.closed) throw new SqlError(SqlState.QueryCanceled, 'the sink task was cancelled');
      return step();
    });
  }

  processChunk(chunk: Chunk): void {
    if (chunk.rows.length) this.writer.write(chunk);
  }

  processBarrier(b: Barrier, _out: Output): void {
    if (!this.checkpointing) {
      const committable = this.writer.preCommit(b.checkpointId ?? b.epoch);
      this.commits = this.afterCommits(async () => { await this.writer.commit(await committable); });
      this.lastCommit = this.commits;
      return;
    }
    if (b.checkpointId === undefined) return;
    const id = b.checkpointId;
    const committable = this.writer.preCommit(id); // draws the line synchronously (SinkWriter contract)
    committable.catch(() => undefined); // a failed pre-commit fails the checkpoint that awaits it
    let settle!: PendingCommit['settle'];
    this.lastCommit = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
    this.pending.set(id, { committable, settle, committing: false });
  }

  /**
   * What checkpoint `checkpointId` records for the sink: its own pre-commit and every earlier one
   * not yet committed (a failed checkpoint's, or one still completing), in order. Recovery
   * commits them all; commits are idempotent, so one that did happen meanwhile is harmless.
   */
  preCommitted(checkpointId: number): Promise<SinkCommittable[]> | null {
    const upTo = [...this.pending].filter(([id]) => id <= checkpointId).map(([, p]) => p.committable);
    return upTo.length ? Promise.all(upTo) : null;
  }

  /** Checkpoint N is complete: commit every pending transaction up to N, in order. */
  notifyCheckpointComplete(checkpointId: number): void {
    for (const [id, p] of this.pending) {
      if (id > checkpointId) break;
      if (p.committing) continue;
      p.committing = true;
      // It stays pending (and in every checkpoint's state) until the commit has finished: a
      // checkpoint taken meanwhile may complete before it, and a crash then must still commit it.
      this.commits = this.afterCommits(async () => { await this.writer.commit(await p.committable); this.pending.delete(id); });
      this.commits.then(() => p.settle.resolve(), (e: unknown) => p.settle.reject(e));
    }
  }

  /** Checkpoint N failed: its barrier is acknowledged; its transaction commits with a later checkpoint. */
  notifyCheckpointAborted(checkpointId: number): void { this.pending.get(checkpointId)?.settle.resolve(); }

  /** Recovery: commit the restored checkpoint's transactions, abort whatever else was left open. */
  async recover(committables: readonly SinkCommittable[]): Promise<void> { await this.writer.recover(committables); }

  /**
   * Rescaled: settle old subtask `subtask` of `parallelism` under its own identity — commit its
   * restored committables, fence or abort what it left open — as Flink's KafkaSink recovers the
   * transactional ids of subtasks that no longer exist.
   */
  async recoverAs(subtask: number, parallelism: number, committables: readonly SinkCommittable[]): Promise<void> {
    if (!this.openAs) throw new SqlError(SqlState.InternalError, 'this sink cannot recover another subtask\'s transactions');
    const w = this.openAs(subtask, parallelism);
    try { await w.recover(committables); } finally { await w.close(); }
  }

  /** The commit of the barrier just processed; the task acknowledges the barrier after it. */
  takeCommit(): Promise<void> | null { const c = this.lastCommit; this.lastCommit = null; return c; }

  /**
   * Cancelled: no commit starts any more; one already running finishes (a commit is not
   * interruptible), and `idle()` tells when — a restarted attempt must not write concurrently.
   */
  close(): void {
    this.closed = true;
    this.idleAfterClose ??= this.commits.catch(() => undefined).then(() => this.writer.close()).catch(() => undefined);
  }

  private idleAfterClose: Promise<void> | null = null;

  /** Resolves once the sink is closed and nothing of it runs any more. */
  idle(): Promise<void> { return this.idleAfterClose ?? Promise.resolve(); }
}

export function openExternalSink(node: Extract<StreamNode, { op: 'sink' }>, subtask: number, parallelism: number, checkpointing = false): ExternalSinkOperator | null {
  if (!registry) throw new SqlError(SqlState.InternalError, 'external sink connectors were not loaded before deployment');
  const connector = registry.externalSinkConnector(node.connector);
  if (!connector) return null;
  const columns = node.columns.map((c) => ({ name: c.name, type: c.type }));
  const open = (s: number, p: number) => connector.open(node.options, { sinkId: node.sinkName, subtask: s, parallelism: p, columns, keyColumns: node.input.upsertKey ?? null });
  try {
    return new ExternalSinkOperator(open(subtask, parallelism), checkpointing, open);
  } catch (e) {
    if (e instanceof SqlError) throw e;
    throw new SqlError(SqlState.InternalError, `sink ${node.sinkName}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

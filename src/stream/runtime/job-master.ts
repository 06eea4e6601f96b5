// One job's master (Flink's JobMaster with its scheduler): it expands the JobGraph into the
// ExecutionGraph, requests slots from the ResourceManager, wires a credit-based channel for every
// producer→consumer pair of every edge (a MessageChannel whose two ports travel to the two
// subtasks' TaskManagers), feeds table sources from the main thread, deploys every subtask, and
// from then on injects barriers, collects acknowledgements, and commits each epoch's sink output.
// Any task failure fails the whole job: every task is cancelled and the slots go back.

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { SqlError, SqlState } from '../../errors.js';
import { assignSlots, requiredSlots, slotName, toExecutionGraph } from '../graph/execution-graph.js';
import type { ExecutionGraph, ExecutionVertex, JobGraph, JobVertex } from '../graph/types.js';
import type { StreamNode } from '../plan/stream-plan.js';
import type { Chunk } from '../chunk.js';
import { unpackChunk } from './chunk-codec.js';
import type { EpochCommitter } from './epoch-committer.js';
import type { JobMasterGateway, ResourceManagerGateway, TaskExecutorGateway } from './gateways.js';
import type { BarrierAck, ChannelEnd, InputChannelDescriptor, InputGateDescriptor, JobSpec, ResultPartitionDescriptor, TaskDeploymentDescriptor, TaskStateUpdate } from './messages.js';
import type { PlannedJob } from './job-plan.js';
import { PendingBarrier } from './pending-barrier.js';
import { TableFeed, type TableAccess } from './table-feed.js';
import { deserializeError } from './task-errors.js';
import { CheckpointCoordinator } from '../checkpoint/checkpoint-coordinator.js';
import type { CheckpointConfig } from '../checkpoint/checkpoint-config.js';
import type { LevelCheckpointStorage } from '../checkpoint/level-checkpoint-storage.js';
import type { CheckpointAck, CheckpointDecline, TaskCheckpointing, TaskMetrics, TaskRestore } from './messages.js';
import type { CompletedCheckpoint } from '../checkpoint/types.js';
import type { TaskStateHandle } from './task-checkpoint.js';
import { VIEW_STATE_PREFIX } from './epoch-committer.js';
import { needsExternalSink } from './external-sink.js';
import { fingerprintJobGraph } from './job-plan.js';
import type { SourcePosition } from '../connectors/source-reader.js';
import { isSplitPosition, rescaledSplitPosition } from '../connectors/split-position.js';

/** How long a stopping job waits for its tasks to report they stopped (a wedged worker does not hold a restart forever). */
const TERMINATION_GRACE_MS = 10_000;

/**
 * Buffers each input channel may hold (Flink's exclusive buffers per channel). Enough to ride out
 * a GC pause of the consuming thread: with 4, a producer on the other TaskManager stalled within a
 * few milliseconds of its consumer's scavenge, and the two threads' pauses added up (Nexmark q4 at
 * parallelism 2: 1.26× → 1.36× of parallelism 1, medians of 5 runs, docs/benchmarks.md).
 */
export const CHANNEL_CREDITS = 16;

export interface JobMasterServices {
  readonly resourceManager: ResourceManagerGateway;
  readonly tables: TableAccess;
  /** The main-thread end of the job's view or sink; null when the sink runs entirely in the task (blackhole). */
  createCommitter(node: Extract<StreamNode, { op: 'materialize' | 'sink' }>): EpochCommitter | null;
  /** The job failed on its own (a task error, a lost TaskManager). */
  onFailed(error: SqlError): void;
  /** Set unless the job's checkpoint.interval is off. */
  readonly checkpoint?: JobCheckpointServices;
}

export interface JobCheckpointServices {
  readonly config: CheckpointConfig;
  /** The main thread's handle on <dataDir>/checkpoints. */
  readonly storage: LevelCheckpointStorage;
  readonly dataDir: string;
  /** The job's key in the store: stable across restarts (the maintained relation's oid). */
  readonly storageJob: string;
  /** Start from this checkpoint (recovery, restore.from); absent: start empty. */
  readonly restoreFrom?: CompletedCheckpoint;
}

/** The pseudo-task that acknowledges a view's rows in a checkpoint (the main-thread committer). */
const COMMITTER_TASK = 'view';

export type JobMasterState = 'CREATED' | 'RUNNING' | 'FAILED' | 'CANCELED';

interface Deployed { readonly ev: ExecutionVertex; readonly attemptId: string; readonly gateway: TaskExecutorGateway; readonly source: boolean }

function tail(v: JobVertex): StreamNode { return v.operators[v.operators.length - 1]; }

export class JobMaster implements JobMasterGateway {
  state: JobMasterState = 'CREATED';
  error: SqlError | null = null;
  private graph: ExecutionGraph | null = null;
  private readonly deployed: Deployed[] = [];
  private readonly feeds: TableFeed[] = [];
  private committer: EpochCommitter | null = null;
  private sinkVertex = -1;
  private readonly pending = new Map<number, PendingBarrier>();
  /** Epochs whose barrier reached every task and whose output is committed. */
  lastCompletedEpoch = 0;
  /** Null when checkpointing is off. */
  readonly checkpoints: CheckpointCoordinator | null = null;
  /** Triggered checkpoints waiting for barriers to carry them, oldest first (one per barrier). */
  private readonly queuedCheckpoints: number[] = [];
  private readonly externalSink: boolean;

  constructor(readonly spec: JobSpec, private readonly planned: PlannedJob, private readonly services: JobMasterServices) {
    this.externalSink = planned.graph.vertices.some((v) => needsExternalSink(v.operators));
    const cp = services.checkpoint;
    if (cp) {
      this.checkpoints = new CheckpointCoordinator(cp.storageJob, cp.config, {
        jobGraph: fingerprintJobGraph(planned.graph, false),
        // Checkpoint barriers are the job's regular barriers: the next one carries the id.
        triggerCheckpoint: (id) => { this.queuedCheckpoints.push(id); },
        tasksToAcknowledge: () => this.tasksToAcknowledge(),
        notifyCheckpointComplete: (id) => {
          this.committer?.confirm?.(id);
          for (const g of this.gateways()) g.notifyCheckpointComplete(this.jobId, id);
        },
        notifyCheckpointAborted: (id) => { for (const g of this.gateways()) g.notifyCheckpointAborted(this.jobId, id); },
        failJob: (reason) => this.fail(new SqlError('58000', `the job failed: ${reason}`)),
      }, cp.storage, cp.restoreFrom?.checkpointId ?? 0);
      if (cp.restoreFrom) this.checkpoints.latest = cp.restoreFrom;
    }
  }

  private gateways(): Set<TaskExecutorGateway> { return new Set(this.deployed.map((d) => d.gateway)); }

  /** What tasks need to take part in checkpoints; undefined when the job does not checkpoint. */
  private taskCheckpointing(): TaskCheckpointing | undefined {
    const cp = this.services.checkpoint;
    return cp ? { mode: cp.config.mode, dataDir: cp.dataDir, storageJob: cp.storageJob } : undefined;
  }

  get jobId(): number { return this.spec.jobId; }
  get executionGraph(): ExecutionGraph | null { return this.graph; }

  /** Schedule: slots, channels, feeds, deployment. Resolves when every subtask runs. */
  async start(taskManagersReady: Promise<void> = Promise.resolve()): Promise<void> {
    const rm = this.services.resourceManager;
    const job = this.planned.graph;
    const [restore] = await Promise.all([this.prepareCheckpointStorage().then(async (r) => { await this.checkpoints?.reserveIds(); return r; }), taskManagersReady]);
    const slots = await rm.requestSlots(this.jobId, requiredSlots(job));
    try {
      const graph = assignSlots(toExecutionGraph(job), slots);
      this.graph = graph;
      const sink = job.vertices.find((v) => { const t = tail(v); return t.op === 'materialize' || t.op === 'sink'; });
      if (sink) {
        this.sinkVertex = sink.id;
        this.committer = this.services.createCommitter(tail(sink) as Extract<StreamNode, { op: 'materialize' | 'sink' }>);
        // A view starts from the checkpoint's rows, or empty (a failover also drops the old rows).
        const cp = this.services.checkpoint;
        const rows = restore && cp ? await cp.storage.readState(restore.jobId, restore.checkpointId, VIEW_STATE_PREFIX) : new Map<string, string>();
        this.committer?.restore?.(rows, restore !== null && restore.jobId !== cp?.storageJob);
      }
      const tdds = this.wire(graph, restore);
      await Promise.all(tdds.map(({ tdd, gateway }) => gateway.submitTask(tdd)));
      if (this.state === 'CREATED') this.state = 'RUNNING';
      if (this.error) throw this.error;
      this.checkpoints?.start();
    } catch (e) {
      const err = e instanceof SqlError ? e : new SqlError(SqlState.InternalError, e instanceof Error ? e.message : String(e));
      this.stop('FAILED', err);
      throw err;
    }
  }

  /**
   * Before scheduling: a fresh job clears whatever its store holds; a restoring job checks the
   * checkpoint fits its graph and abandons what was written after it (attempts that never
   * completed, or a later history), numbering its own checkpoints after all of that.
   */
  private async prepareCheckpointStorage(): Promise<CompletedCheckpoint | null> {
    const cp = this.services.checkpoint;
    if (!cp) return null;
    const from = cp.restoreFrom ?? null;
    if (!from) { await cp.storage.dropJob(cp.storageJob); return null; }
    // The same graph, possibly at another parallelism (older checkpoints recorded it with).
    const shape = fingerprintJobGraph(this.planned.graph, false);
    if (from.jobGraph !== undefined && from.jobGraph !== shape && from.jobGraph !== this.planned.fingerprint) {
      throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `checkpoint ${from.checkpointId} was taken by a different job graph and cannot be restored into this one`,
        { hint: 'the query or the catalog it reads changed since the checkpoint' });
    }
    for (const v of this.planned.graph.vertices) this.checkRescalable(from, v);
    if (from.jobId === cp.storageJob) {
      this.checkpoints?.continueAt(await cp.storage.abandonAfter(cp.storageJob, from.checkpointId));
      // Rescaled: subtasks that no longer exist would leave their latest-state keyspaces behind
      // (those that do write theirs again with their first, full, snapshot).
      if (this.planned.graph.vertices.some((v) => this.oldTasks(from, v).length !== v.parallelism)) await cp.storage.latestState.resetJob(cp.storageJob);
    } else await cp.storage.dropJob(cp.storageJob);
    return from;
  }

  /** The checkpoint's subtasks of vertex `v`, in subtask order. */
  private oldTasks(from: CompletedCheckpoint, v: JobVertex): string[] {
    return Object.keys(from.tasks).filter((k) => k.startsWith(`${v.id}/`)).sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]));
  }

  /**
   * A vertex restores at another parallelism by key groups (keyed state is redistributed, each
   * new subtask keeping the keys routed to it). Sources whose positions are per partition (Kafka)
   * merge them; generated splits skip what the old splits produced (split-position.ts). An
   * external sink's transactions move too: each new subtask settles some old subtasks' (task-restore.ts).
   */
  private checkRescalable(from: CompletedCheckpoint, v: JobVertex): void {
    const old = this.oldTasks(from, v);
    if (old.length === v.parallelism && old.every((k, i) => k === `${v.id}/${i}`)) return;
    const refuse = (why: string) => new SqlError(SqlState.ObjectNotInPrerequisiteState, `checkpoint ${from.checkpointId} ran ${v.name} with ${old.length} subtask(s), and it cannot be restored with ${v.parallelism}: ${why}`,
      { hint: `restore with WITH (parallelism = ${old.length})` });
    if (!old.length) throw refuse('it holds no state for it');
    const positions = old.map((k) => (from.tasks[k] as Partial<TaskStateHandle>).position ?? null).filter((p) => p !== null);
    const perPartition = (p: SourcePosition) => typeof p === 'object' && p !== null && !Array.isArray(p) && !isSplitPosition(p);
    if (!positions.every(perPartition) && !positions.every(isSplitPosition)) throw refuse('its source positions are neither per partition nor per generated split');
  }

  /** Build every subtask's deployment descriptor with the ports of its channels. */
  private wire(graph: ExecutionGraph, restore: CompletedCheckpoint | null): { tdd: TaskDeploymentDescriptor; gateway: TaskExecutorGateway }[] {
    const job = graph.job;
    const key = (vertex: number, subtask: number) => `${vertex}/${subtask}`;
    const inputs = new Map<string, Map<number, InputGateDescriptor & { channels: InputChannelDescriptor[] }>>();
    const outputs = new Map<string, ResultPartitionDescriptor[]>();
    const taskManagerOf = new Map(graph.vertices.map((ev) => [key(ev.vertexId, ev.subtask), ev.slot!.taskManager]));
    for (const part of graph.partitions) {
      const edge = job.edges.find((e) => e.id === part.edgeId)!;
      const consumerParallelism = job.vertices.find((v) => v.id === edge.target)!.parallelism;
      const rpd: ResultPartitionDescriptor & { channels: (ChannelEnd & { consumerSubtask: number })[] } = { edgeId: edge.id, partitioner: edge.partitioner, channels: [], consumerParallelism };
      for (const c of part.consumerSubtasks) {
        const k = key(edge.target, c);
        // Both ends in one TaskManager: a local pipe (objects, no packing); else a MessageChannel.
        let producerEnd: ChannelEnd, consumerEnd: ChannelEnd;
        if (taskManagerOf.get(k) === taskManagerOf.get(key(edge.source, part.producerSubtask))) {
          const localId = `${this.jobId}/${edge.id}/${part.producerSubtask}->${c}`;
          producerEnd = consumerEnd = { localId };
        } else {
          const ch = new MessageChannel();
          producerEnd = { port: ch.port1 };
          consumerEnd = { port: ch.port2 };
        }
        rpd.channels.push({ consumerSubtask: c, ...producerEnd });
        if (!inputs.has(k)) inputs.set(k, new Map());
        const gates = inputs.get(k)!;
        if (!gates.has(edge.id)) gates.set(edge.id, { edgeId: edge.id, targetInput: edge.targetInput, channels: [] });
        gates.get(edge.id)!.channels.push({ producerSubtask: part.producerSubtask, ...consumerEnd });
      }
      const pk = key(edge.source, part.producerSubtask);
      if (!outputs.has(pk)) outputs.set(pk, []);
      outputs.get(pk)!.push(rpd);
    }
    return graph.vertices.map((ev) => {
      const vertex = job.vertices.find((v) => v.id === ev.vertexId)!;
      const head = vertex.operators[0];
      let feed: MessagePort | undefined;
      if (head.op === 'tableSource') {
        const ch = new MessageChannel();
        // Only subtask 0 reads the table; wider table sources would only see barriers.
        this.feeds.push(new TableFeed(ch.port1, head.tableOid, this.services.tables, ev.subtask === 0));
        ch.port1.unref();
        feed = ch.port2;
      }
      const gateway = this.services.resourceManager.taskExecutor(ev.slot!.taskManager);
      if (!gateway) throw new SqlError(SqlState.InternalError, `slot ${slotName(ev.slot!)} belongs to no TaskManager`);
      const attemptId = `${this.jobId}/${ev.vertexId}/${ev.subtask}`;
      this.deployed.push({ ev, attemptId, gateway, source: head.op === 'connectorSource' || head.op === 'values' });
      const tdd: TaskDeploymentDescriptor = {
        job: this.spec, attemptId, vertexId: ev.vertexId, subtask: ev.subtask, slot: ev.slot!, maxParallelism: job.maxParallelism,
        inputs: [...(inputs.get(key(ev.vertexId, ev.subtask))?.values() ?? [])], outputs: outputs.get(key(ev.vertexId, ev.subtask)) ?? [],
        feed, credits: CHANNEL_CREDITS, checkpointing: this.taskCheckpointing(),
        restore: restore ? this.taskRestore(restore, vertex, ev.subtask, job.maxParallelism) : undefined,
      };
      return { tdd, gateway };
    });
  }

  /**
   * Inject barrier `epoch` at every source; resolves when the epoch is committed (or the job
   * stopped). It carries the checkpoint the coordinator triggered since the last barrier, if
   * any. `flush`: FLUSH asks; a job with an external sink then makes this barrier a checkpoint,
   * so its sinks commit before the barrier completes.
   */
  triggerBarrier(epoch: number, flush = false): Promise<void> {
    if (this.state !== 'RUNNING') return Promise.resolve();
    let later: Promise<unknown> | null = null;
    if (flush && this.externalSink && this.checkpoints && !this.queuedCheckpoints.length) {
      const done = this.checkpoints.trigger(false, true).catch(() => undefined);
      // Normally queued at once (its id was reserved); if not, it goes on a later barrier and
      // FLUSH waits for it all the same.
      if (!this.queuedCheckpoints.length) later = done;
    }
    const checkpointId = this.queuedCheckpoints.shift();
    const pb = new PendingBarrier(epoch, this.deployed.map((d) => d.attemptId));
    this.pending.set(epoch, pb);
    const barrier = checkpointId === undefined ? { epoch } : { epoch, checkpointId };
    for (const f of this.feeds) f.barrier(barrier);
    for (const d of this.deployed) if (d.source) d.gateway.triggerBarrier(d.attemptId, barrier);
    return later ? Promise.all([pb.done, later]).then(() => undefined) : pb.done;
  }

  private taskRestore(from: CompletedCheckpoint, v: JobVertex, subtask: number, maxParallelism: number): TaskRestore {
    const handleOf = (task: string) => from.tasks[task] as Partial<TaskStateHandle> | undefined;
    const foreign = from.jobId !== this.services.checkpoint!.storageJob;
    const old = this.oldTasks(from, v);
    if (old.length === v.parallelism) {
      const handle = handleOf(`${v.id}/${subtask}`);
      return {
        checkpointId: from.checkpointId, storageJob: from.jobId, position: handle?.position ?? undefined,
        fullSnapshot: foreign, since: handle?.since ?? 0,
      };
    }
    // Rescaled: every old subtask's state, filtered by key group; partition positions merged, or
    // generated splits' positions turned into what each new split must skip.
    const positions = old.map((k) => handleOf(k)?.position ?? null);
    let position: SourcePosition | undefined;
    if (positions.some((p) => p !== null)) {
      if (positions.every((p) => p !== null && isSplitPosition(p))) position = rescaledSplitPosition(positions as SourcePosition[]) as unknown as SourcePosition;
      else position = Object.assign({}, ...positions.filter((p) => p !== null && typeof p === 'object' && !Array.isArray(p))) as SourcePosition;
    }
    return {
      checkpointId: from.checkpointId, storageJob: from.jobId, position, fullSnapshot: true, since: 0,
      rescale: { from: old.map((task) => ({ task, since: handleOf(task)?.since ?? 0 })), subtask, parallelism: v.parallelism, maxParallelism },
    };
  }

  /** Every subtask that acknowledges a checkpoint, as "<vertexId>/<subtask>" (checkpoints' TaskKey), and a view's committer. */
  tasksToAcknowledge(): string[] {
    const tasks = this.deployed.map((d) => `${d.ev.vertexId}/${d.ev.subtask}`);
    if (this.committer?.snapshot) tasks.push(COMMITTER_TASK);
    return tasks;
  }

  acknowledgeBarrier(ack: BarrierAck): void {
    const pb = this.pending.get(ack.epoch);
    if (!pb || this.state !== 'RUNNING') return;
    pb.acknowledge(`${this.jobId}/${ack.vertexId}/${ack.subtask}`, ack.vertexId === this.sinkVertex ? ack.subtask : null, ack.output);
    if (!pb.complete) return;
    this.pending.delete(ack.epoch);
    try {
      if (this.committer) {
        const chunks: Chunk[] = [];
        for (const s of [...pb.outputs.keys()].sort((a, b) => a - b)) for (const p of pb.outputs.get(s)!) chunks.push(unpackChunk(p));
        this.committer.commit(ack.epoch, chunks);
        if (ack.checkpointId !== undefined) this.snapshotCommitter(ack.checkpointId);
      }
      this.lastCompletedEpoch = ack.epoch;
    } catch (e) {
      this.fail(e instanceof SqlError ? e : new SqlError(SqlState.InternalError, e instanceof Error ? e.message : String(e)));
    }
    pb.finish();
  }

  /** The checkpoint's epoch is committed: the view's rows as of now are its part of the checkpoint. */
  private snapshotCommitter(checkpointId: number): void {
    const cp = this.services.checkpoint;
    const coordinator = this.checkpoints;
    if (!cp || !coordinator || !this.committer?.snapshot) return;
    const entries = this.committer.snapshot(checkpointId);
    const write = cp.storage.writeState(cp.storageJob, checkpointId, entries);
    this.viewWrites.add(write);
    void write.finally(() => this.viewWrites.delete(write)).catch(() => undefined);
    write.then((sizeBytes) => {
      if (this.state !== 'RUNNING') return;
      const handle: Record<string, string | number> = { state: VIEW_STATE_PREFIX, keys: entries.size };
      coordinator.acknowledge({ task: COMMITTER_TASK, checkpointId, handle, sizeBytes, alignmentMs: 0 });
    }, (e: unknown) => coordinator.decline(checkpointId, COMMITTER_TASK, e instanceof Error ? e.message : String(e)));
  }

  /** The latest metrics of every subtask, by vertex id (REST's back-pressure and record counts). */
  private readonly taskMetrics = new Map<number, TaskMetrics[]>();

  reportTaskMetrics(m: TaskMetrics): void {
    if (this.state !== 'RUNNING') return;
    let v = this.taskMetrics.get(m.vertexId);
    if (!v) { v = []; this.taskMetrics.set(m.vertexId, v); }
    v[m.subtask] = m;
  }

  /** A vertex's subtasks' latest metrics; null until every subtask reported once. */
  vertexMetrics(vertexId: number): readonly TaskMetrics[] | null {
    const v = this.taskMetrics.get(vertexId);
    const parallelism = this.planned.graph.vertices.find((x) => x.id === vertexId)?.parallelism ?? 0;
    if (!v || v.length < parallelism || v.some((x) => !x)) return null;
    return v;
  }

  /** The JobGraph this attempt runs. */
  get jobGraph(): JobGraph { return this.planned.graph; }

  acknowledgeCheckpoint(ack: CheckpointAck): void {
    if (this.state === 'RUNNING') this.checkpoints?.acknowledge(ack);
  }

  declineCheckpoint(d: CheckpointDecline): void {
    if (this.state === 'RUNNING') this.checkpoints?.decline(d.checkpointId, d.task, d.reason);
  }

  updateTaskExecutionState(update: TaskStateUpdate): void {
    if (update.state === 'FAILED') this.fail(update.error ? deserializeError(update.error) : new SqlError(SqlState.InternalError, `task ${update.attemptId} failed`));
    if (update.state === 'CANCELED') this.taskTerminated(update.attemptId);
  }

  taskManagerLost(taskManager: string, reason: string): void {
    const onIt = this.deployed.filter((d) => d.ev.slot?.taskManager === taskManager);
    if (onIt.length || this.state === 'CREATED') this.fail(new SqlError('58000', reason));
    // A lost TaskManager runs nothing any more.
    for (const d of onIt) this.taskTerminated(d.attemptId);
  }

  /** Writes of the view's rows to checkpoints still running. */
  private readonly viewWrites = new Set<Promise<number>>();

  /** Attempts not yet known to have stopped running, once the job is stopping. */
  private readonly running = new Set<string>();
  private terminatedNow: (() => void) | null = null;
  private readonly tasksStopped: Promise<void> = new Promise((resolve) => { this.terminatedNow = resolve; });

  /**
   * Resolves once nothing of this attempt runs any more: its tasks stopped (a sink commit or state
   * write in flight included, or after a grace period), and its own checkpoint storage operations
   * finished. A restarted attempt starts only then, so two attempts never write at once.
   */
  get terminated(): Promise<void> {
    return this.tasksStopped.then(async () => {
      await this.checkpoints?.idle();
      while (this.viewWrites.size) await Promise.allSettled([...this.viewWrites]);
    });
  }

  private taskTerminated(attemptId: string): void {
    if (this.running.delete(attemptId) && this.running.size === 0 && this.state !== 'RUNNING') this.terminatedNow?.();
  }

  /** Resolves when everything committed so far is durable. */
  async flushed(): Promise<void> { await this.committer?.flushed?.(); }

  private fail(err: SqlError): void {
    if (this.state === 'FAILED' || this.state === 'CANCELED') return;
    const wasRunning = this.state === 'RUNNING';
    this.stop('FAILED', err);
    if (wasRunning) this.services.onFailed(err);
  }

  cancel(): void { this.stop('CANCELED', null); }

  /** Cancel every task, release the job in its TaskManagers, close feeds, give the slots back. */
  private stop(state: 'FAILED' | 'CANCELED', err: SqlError | null): void {
    if (this.state === 'FAILED' || this.state === 'CANCELED') return;
    this.state = state;
    this.error = err;
    this.checkpoints?.stop();
    for (const f of this.feeds.splice(0)) f.close();
    const tms = new Set<TaskExecutorGateway>();
    for (const d of this.deployed) { d.gateway.cancelTask(d.attemptId); tms.add(d.gateway); this.running.add(d.attemptId); }
    for (const tm of tms) tm.releaseJob(this.jobId);
    if (this.running.size === 0) this.terminatedNow?.();
    setTimeout(() => this.terminatedNow?.(), TERMINATION_GRACE_MS).unref();
    this.services.resourceManager.releaseSlots(this.jobId);
    for (const pb of this.pending.values()) pb.finish();
    this.pending.clear();
  }
}

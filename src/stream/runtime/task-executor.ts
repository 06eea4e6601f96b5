// The TaskManager's executor (Flink's TaskExecutor), living in a worker thread: it accepts task
// deployments, rebuilds each job's graph once from its spec (cached per job), wires the subtask's
// channels, runs it, and reports state changes and barrier acknowledgements back through the one
// message port it shares with the main thread. It knows nothing of the JobMaster but its messages.

import { getHeapStatistics } from 'node:v8';
import { SqlError, SqlState } from '../../errors.js';
import { ExecContext } from '../../executor/context.js';
import { compileExpr } from '../../executor/compile-expr.js';
import type { StreamNode } from '../plan/stream-plan.js';
import type { FromTaskExecutor, TaskDeploymentDescriptor, ToTaskExecutor } from './messages.js';
import { planJob, type PlannedJob } from './job-plan.js';
import { CreditReceiver, CreditSender } from './credit-channel.js';
import { LocalPipes } from './local-channel.js';
import { OperatorChain, createChainOperators, isSourceNode } from './operator-chain.js';
import { RecordWriterOutput, ResultPartitionWriter } from './record-writer.js';
import { StreamTask, type TaskSource } from './stream-task.js';
import { ConnectorSource, TableFeedSource, ValuesSource } from './task-sources.js';
import { serializeError } from './task-errors.js';
import { openSourceReader } from './source-readers.js';
import { loadExternalSinks, needsExternalSink } from './external-sink.js';
import { TaskCheckpointer } from './task-checkpoint.js';
import { restoreTask } from './task-restore.js';
import { sourceIdleTimeoutMs } from '../source-options.js';
import type { MemoryStateBackend } from '../state/memory-state.js';
import type { StateMemory } from '../state/state-memory.js';

/** How often task metrics are reported. */
const METRICS_INTERVAL_MS = 1000;

interface JobEntry { readonly planned: PlannedJob; readonly exec: ExecContext; readonly fingerprint: string }

function streamingExecContext(timeZone: string): ExecContext {
  const noSubqueries = { table: () => { throw new SqlError(SqlState.FeatureNotSupported, 'subqueries are not supported in streaming queries'); } };
  const noSystem = { rows: () => { throw new SqlError(SqlState.FeatureNotSupported, 'system catalogs are not supported in streaming queries'); } };
  const noSession = new Proxy({}, { get: () => () => { throw new SqlError(SqlState.FeatureNotSupported, 'session functions are not available in streaming queries'); } });
  return new ExecContext([], { timeZone, statementTime: Date.now() * 1000, session: noSession as never }, noSubqueries, noSystem, () => false);
}

export class TaskExecutor {
  private readonly jobs = new Map<number, JobEntry>();
  private readonly tasks = new Map<string, { readonly jobId: number; readonly task: StreamTask; readonly vertexId: number; readonly subtask: number }>();
  /** Channels whose two ends both run here. */
  private readonly pipes = new LocalPipes();

  constructor(private readonly send: (m: FromTaskExecutor) => void, private readonly stateMemory: StateMemory | null = null) {
    // Every second, the TaskManager's memory, and each running task's back-pressure and rows read
    // (Flink's metric reporter).
    setInterval(() => {
      const heap = getHeapStatistics();
      this.send({ type: 'taskManagerMetrics', metrics: {
        heapUsedBytes: heap.used_heap_size, heapCommittedBytes: heap.total_heap_size, heapMaxBytes: heap.heap_size_limit,
        stateMemoryBytes: this.stateMemory?.budgetBytes ?? null, spilledEntries: this.stateMemory?.spilledEntries ?? 0,
      } });
      if (!this.tasks.size) return;
      const metrics = [...this.tasks.values()].map(({ jobId, task, vertexId, subtask }) => ({ jobId, vertexId, subtask, backPressuredRatio: task.takeBackPressuredRatio(), rowsIn: task.rowsIn }));
      this.send({ type: 'taskMetrics', metrics });
    }, METRICS_INTERVAL_MS).unref();
  }

  handle(m: ToTaskExecutor): void {
    switch (m.type) {
      case 'submitTask': void this.submit(m.requestId, m.tdd); return;
      case 'cancelTask': {
        const t = this.tasks.get(m.attemptId);
        if (!t) return;
        this.tasks.delete(m.attemptId);
        t.task.cancel();
        this.reportTerminated(t.jobId, m.attemptId, t.task);
        return;
      }
      case 'triggerBarrier': this.tasks.get(m.attemptId)?.task.triggerBarrier(m.barrier); return;
      case 'notifyCheckpointComplete': case 'notifyCheckpointAborted':
        for (const t of this.tasks.values()) if (t.jobId === m.jobId) t.task.notifyCheckpoint(m.checkpointId, m.type === 'notifyCheckpointComplete');
        return;
      case 'releaseJob':
        for (const [id, t] of this.tasks) if (t.jobId === m.jobId) { t.task.cancel(); this.tasks.delete(id); this.reportTerminated(t.jobId, id, t.task); }
        this.jobs.delete(m.jobId);
        return;
    }
  }

  /** CANCELED is terminal: sent once nothing of the task runs any more. */
  private reportTerminated(jobId: number, attemptId: string, task: StreamTask): void {
    void task.terminated().then(() => this.send({ type: 'updateTaskExecutionState', update: { jobId, attemptId, state: 'CANCELED' } }));
  }

  /** Deploy and answer; the JobMaster sends nothing else for the task before the answer. */
  private async submit(requestId: number, tdd: TaskDeploymentDescriptor): Promise<void> {
    try {
      const vertex = this.job(tdd).planned.graph.vertices.find((v) => v.id === tdd.vertexId);
      if (vertex && needsExternalSink(vertex.operators)) await loadExternalSinks();
      // A restoring task reports RUNNING only once its state is back (a failed restore fails the deployment).
      await this.deploy(tdd);
      this.send({ type: 'submitTaskResult', requestId });
      this.send({ type: 'updateTaskExecutionState', update: { jobId: tdd.job.jobId, attemptId: tdd.attemptId, state: 'RUNNING' } });
    } catch (e) {
      this.send({ type: 'submitTaskResult', requestId, error: serializeError(e) });
    }
  }

  /** Tasks running now (for metrics and tests). */
  get taskCount(): number { return this.tasks.size; }

  private job(tdd: TaskDeploymentDescriptor): JobEntry {
    let j = this.jobs.get(tdd.job.jobId);
    if (!j) {
      const planned = planJob(tdd.job);
      j = { planned, exec: streamingExecContext(tdd.job.settings.timeZone), fingerprint: planned.fingerprint };
      this.jobs.set(tdd.job.jobId, j);
    }
    if (j.fingerprint !== tdd.job.fingerprint) {
      throw new SqlError(SqlState.InternalError, `job ${tdd.job.jobId}: the TaskManager derived a different job graph than the JobMaster`, { detail: `${j.fingerprint}\n${tdd.job.fingerprint}` });
    }
    return j;
  }

  private deploy(tdd: TaskDeploymentDescriptor): Promise<unknown> {
    const job = this.job(tdd);
    const vertex = job.planned.graph.vertices.find((v) => v.id === tdd.vertexId);
    if (!vertex) throw new SqlError(SqlState.InternalError, `job ${tdd.job.jobId} has no vertex ${tdd.vertexId}`);
    const head = vertex.operators[0];
    const label = `${vertex.name} (${tdd.subtask + 1}/${vertex.parallelism})`;
    let task: StreamTask | null = null;
    const wake = () => task?.schedule();

    const partitions = tdd.outputs.map((o) => {
      const senders = [...o.channels].sort((a, b) => a.consumerSubtask - b.consumerSubtask)
        .map((c) => (c.localId ? this.pipes.sender(c.localId, tdd.credits, wake) : new CreditSender(c.port!, wake)));
      return new ResultPartitionWriter(o.partitioner, senders, tdd.maxParallelism);
    });
    const writer = new RecordWriterOutput(partitions);
    const cp = tdd.checkpointing;
    const checkpointState: MemoryStateBackend[] | undefined = cp ? [] : undefined;
    const backends: MemoryStateBackend[] = [];
    const where = { subtask: tdd.subtask, parallelism: vertex.parallelism, checkpointState, stateMemory: this.stateMemory ?? undefined, backends };
    const chain = new OperatorChain(createChainOperators(vertex.operators, job.exec, where), writer);
    let heldBytes = () => 0; // the checkpointer's, once it exists (below)
    const memory = this.stateMemory?.forTask(backends, () => heldBytes()) ?? null;
    const inputs = [...tdd.inputs].sort((a, b) => a.targetInput - b.targetInput)
      .flatMap((g) => g.channels.map((c) => (c.localId ? this.pipes.receiver(c.localId, tdd.credits, g.targetInput, wake) : new CreditReceiver(c.port!, g.targetInput, tdd.credits, wake))));
    const source = this.source(head, tdd, job, () => task!, chain);
    const checkpointer = cp ? new TaskCheckpointer(tdd.job.jobId, `${tdd.vertexId}/${tdd.subtask}`, cp, checkpointState!, source instanceof ConnectorSource ? source.reader : null, chain.externalSink, {
      acknowledge: (ack) => this.send({ type: 'acknowledgeCheckpoint', ack }),
      decline: (decline) => this.send({ type: 'declineCheckpoint', decline }),
    }) : null;
    if (checkpointer) heldBytes = () => checkpointer.heldBytes;

    task = new StreamTask(label, chain, writer, inputs, source, {
      acknowledge: (b, output) => this.send({ type: 'acknowledgeBarrier', ack: { jobId: tdd.job.jobId, vertexId: tdd.vertexId, subtask: tdd.subtask, epoch: b.epoch, checkpointId: b.checkpointId, output } }),
      fail: (e) => {
        this.tasks.delete(tdd.attemptId);
        this.send({ type: 'updateTaskExecutionState', update: { jobId: tdd.job.jobId, attemptId: tdd.attemptId, state: 'FAILED', error: serializeError(e) } });
        this.reportTerminated(tdd.job.jobId, tdd.attemptId, task!);
      },
      afterBarrier: memory ? () => { memory.relieve(checkpointer?.fullSnapshotPending ?? false); } : undefined,
    }, checkpointer, cp?.mode !== 'AT_LEAST_ONCE');
    if (memory) void task.terminated().then(() => memory.release());
    this.tasks.set(tdd.attemptId, { jobId: tdd.job.jobId, task, vertexId: tdd.vertexId, subtask: tdd.subtask });
    if (!tdd.restore || !cp) { task.schedule(); return Promise.resolve(); }
    checkpointer!.restoredSince(tdd.restore.since);
    if (tdd.restore.fullSnapshot) checkpointer!.writeFullSnapshotNext();
    const restoreStart = performance.now();
    const restored = restoreTask({
      taskKey: `${tdd.vertexId}/${tdd.subtask}`, dataDir: cp.dataDir, storageJob: cp.storageJob, backends: checkpointState!, chain,
      reader: source instanceof ConnectorSource ? source.reader : null, sink: chain.externalSink,
      relieve: memory ? () => { memory.relieve(checkpointer!.fullSnapshotPending); } : undefined,
    }, tdd.restore);
    task.holdUntil(restored);
    void restored.then(({ rebuildLatest, lazy }) => {
      // Eager: write the latest-state keyspace again; lazy: read the untouched keys in the background.
      if (rebuildLatest) checkpointer!.rebuildLatest(tdd.restore!.checkpointId, (ms) => process.stderr.write(`weir: task ${label} wrote its latest-state keyspace again in ${Math.round(ms)} ms\n`));
      if (lazy) {
        const warmStart = performance.now();
        // Over the memory budget, warming waits: the task's barriers spill, and it goes on after.
        // A cancelled task stops warming (the rejection ends it).
        const pause = async () => {
          while (memory?.overBudget() && task!.isRunning) await new Promise((r) => setTimeout(r, 100));
          if (!task!.isRunning) throw new Error('task cancelled');
        };
        void Promise.all(checkpointState!.map((b) => b?.warmUp(pause))).then(
          () => process.stderr.write(`weir: task ${label} warmed up its lazily restored state in ${Math.round(performance.now() - warmStart)} ms\n`), () => undefined);
      }
    }, () => undefined);
    void restored.then(({ entries, lazy }) => process.stderr.write(`weir: task ${label} restored ${entries} state entries from checkpoint ${tdd.restore!.checkpointId} in ${Math.round(performance.now() - restoreStart)} ms${lazy ? ', the rest read lazily' : ''}\n`), () => undefined);
    return restored.then(() => undefined);
  }

  private source(head: StreamNode, tdd: TaskDeploymentDescriptor, job: JobEntry, task: () => StreamTask, chain: OperatorChain): TaskSource | null {
    switch (head.op) {
      case 'tableSource':
        if (!tdd.feed) throw new SqlError(SqlState.InternalError, `table source task ${tdd.attemptId} was deployed without its feed`);
        // Restored: the table's current rows arrive as the difference from the checkpointed image.
        return new TableFeedSource(tdd.feed, task, tdd.restore && chain.tableImage ? chain.tableImage : null);
      case 'values':
        // VALUES runs once; a wider vertex would repeat its rows.
        return new ValuesSource(tdd.subtask === 0 ? head.rows.map((r) => r.map((e) => compileExpr(e, job.exec)([]))) : []);
      case 'connectorSource': {
        const v = job.planned.graph.vertices.find((x) => x.id === tdd.vertexId)!;
        return new ConnectorSource(openSourceReader(head, { index: tdd.subtask, count: v.parallelism }), sourceIdleTimeoutMs(head.options));
      }
      default: return null;
    }
  }
}

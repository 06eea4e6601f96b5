// Owns the running streaming jobs of a database: submits a job for each materialized view and
// sink to the runtime (src/stream/runtime: Dispatcher → JobMaster → TaskManagers in worker
// threads), injects barriers (periodically, and on FLUSH), and records failures for SHOW JOBS.
// WEIR_STREAM_RUNTIME=local runs jobs in this thread with LocalJob instead (the first runtime,
// kept for comparison).

import { join } from 'node:path';
import { SqlError, SqlState } from '../errors.js';
import type { Database } from '../database.js';
import type { RelationDef } from '../catalog/catalog.js';
import type { Row } from '../types/value.js';
import { ExecContext } from '../executor/context.js';
import type { SessionFunctions } from '../plan/expr.js';
import type { Chunk } from './chunk.js';
import { MvWriter } from './mv-writer.js';
import { MaterializeOperator } from './operators/materialize.js';
import { BlackholeSink, TableSink } from './operators/sinks.js';
import type { StreamOperator } from './operators/operator.js';
import { LocalJob, type JobEnvironment } from './runtime/local-job.js';
import { type StreamNode, streamInputs } from './plan/stream-plan.js';
import { createConnectorSource } from './connectors/index.js';
import { externalSinkConnector } from './connectors/sink-registry.js';
import { MiniCluster, clusterConfigFromEnv, type ClusterConfig } from './runtime/cluster.js';
import { Dispatcher } from './runtime/dispatcher.js';
import type { JobMaster } from './runtime/job-master.js';
import { snapshotCatalog } from './runtime/job-plan.js';
import { defaultParallelism, parseParallelism } from './graph/parallelism.js';
import { type CheckpointConfig, jobCheckpointConfig } from './checkpoint/checkpoint-config.js';
import type { CheckpointCoordinator } from './checkpoint/checkpoint-coordinator.js';
import type { CheckpointStats } from './checkpoint/types.js';
import { checkpointStore, closeCheckpointStores } from './runtime/task-checkpoint.js';
import type { JobCheckpointServices } from './runtime/job-master.js';
import type { JobGraph } from './graph/types.js';
import type { TaskMetrics } from './runtime/messages.js';
import { RESTORE_FROM_OPTION, type Recovery, chooseRestorePoint, findCheckpoint } from './checkpoint/restore-point.js';
import { type EpochCommitter, TableSinkCommitter, ViewCommitter } from './runtime/epoch-committer.js';
import { RestartBackoff, type RestartStrategyConfig, jobRestartStrategy, restartStrategyConfig } from './runtime/restart-strategy.js';

export type JobStatus = 'RUNNING' | 'RESTARTING' | 'FAILED' | 'CANCELED' | 'FINISHED';

export interface JobInfo {
  readonly id: number;
  readonly name: string;
  readonly kind: RelationDef['kind'];
  readonly targetOid: number;
  status: JobStatus;
  error?: string;
  readonly startedAt: number;
  readonly plan: StreamNode;
  readonly parallelism?: number;
  /** Times the job was restarted from a checkpoint after a failure (its restart strategy). */
  restarts: number;
}

/** What a job is planned under: the submitting session's settings, and its parallelism. */
export interface JobSettings {
  readonly timeZone: string;
  readonly searchPath: string;
  readonly user: string;
  readonly parallelism: number;
  /** The session's checkpoint.* settings overridden by the job's WITH options. */
  readonly checkpoint?: CheckpointConfig;
  /** The session's restart.* settings overridden by the job's WITH options. */
  readonly restart?: RestartStrategyConfig;
}

/** A running job as the manager drives it, whichever runtime runs it. */
interface RunningJob {
  readonly info: JobInfo;
  /** Tables and views the job reads: their jobs' epochs must complete before this job's. */
  readonly inputs: readonly number[];
  barrier(epoch: number, flush?: boolean): Promise<void>;
  flushed(): Promise<void>;
  /** Stop the job's tasks. Its checkpoints stay: a failed start, a lost race or a shutdown is not a cancellation. */
  stop(): void;
  /** CANCEL JOB: stop, and apply the retention policy (DELETE_ON_CANCELLATION drops the checkpoints). */
  cancelByUser?(): void;
  /** The running attempt's JobGraph and its subtasks' latest metrics (cluster runtime only). */
  readonly runtimeView?: JobRuntimeView;
  /** Failover: release the failed attempt, keeping its checkpoints for the next one; resolves once its tasks stopped. */
  detach?(): Promise<void>;
  /** The job's checkpoint coordinator; null when checkpointing is off (or the local runtime runs it). */
  readonly checkpoints: CheckpointCoordinator | null;
  readonly checkpointConfig: CheckpointConfig | null;
  /** DROP: delete whatever the job checkpointed. */
  discard?(): void;
}

/** What the REST API shows of a running job: the graph it runs and each vertex's task metrics. */
export interface JobRuntimeView {
  readonly graph: JobGraph;
  vertexMetrics(vertexId: number): readonly TaskMetrics[] | null;
}

/** What a failover needs to start the job again. */
interface JobDefinition {
  readonly rel: RelationDef;
  readonly plan: StreamNode;
  readonly settings: JobSettings;
  readonly backoff: RestartBackoff;
}

/** One row of SHOW CHECKPOINTS / the REST API's checkpoint history. */
export interface JobCheckpointStats extends Readonly<CheckpointStats> { readonly jobId: number; readonly jobName: string }

/** Barrier interval: how often views become visible without an explicit FLUSH. */
const BARRIER_INTERVAL_MS = 200;

function tableInputs(n: StreamNode, out: number[] = []): number[] {
  if (n.op === 'tableSource') out.push(n.tableOid);
  for (const c of streamInputs(n)) tableInputs(c, out);
  return out;
}

export class StreamingManager {
  private readonly jobs = new Map<number, RunningJob>();
  private readonly definitions = new Map<number, JobDefinition>();
  private stopping = false;
  private readonly errors = new Map<number, SqlError>();
  private nextJobId = 1;
  /** Runtime ids of job attempts (JobSpec.jobId), distinct for each restart. */
  private nextAttemptId = 1;
  private epoch = 0;
  private timer: NodeJS.Timeout | null = null;
  private periodic: Promise<void> | null = null;
  private readonly useLocal: boolean;
  private cluster: MiniCluster | null = null;
  private dispatcher: Dispatcher | null = null;

  constructor(private readonly db: Database, private readonly session: SessionFunctions, private readonly clusterConfig: ClusterConfig = clusterConfigFromEnv()) {
    this.useLocal = process.env.WEIR_STREAM_RUNTIME === 'local';
  }

  list(): JobInfo[] { return [...this.jobs.values()].map((j) => j.info); }
  jobFor(oid: number): JobInfo | undefined { return [...this.jobs.values()].find((j) => j.info.targetOid === oid)?.info; }

  /** The cluster running the jobs (started on first use); null with the local runtime. */
  get runtime(): MiniCluster | null { return this.cluster; }

  /**
   * Start the job that maintains `rel` from `plan`; resolves once the view holds its first epoch.
   * `recovery` 'latest' (a restart) continues from the job's latest completed checkpoint when it
   * has one and its sources can be rewound; 'fresh' (CREATE) starts empty, or from the
   * checkpoint or savepoint named by WITH (restore.from = …).
   */
  async start(rel: RelationDef, plan: StreamNode, settingsIn: JobSettings | string, recovery: Recovery = 'fresh'): Promise<JobInfo> {
    const settings: JobSettings = typeof settingsIn === 'string' ? { timeZone: settingsIn, searchPath: '"$user", public', user: 'weir', parallelism: 1 } : settingsIn;
    const info: JobInfo = { id: this.nextJobId++, name: rel.name, kind: rel.kind, targetOid: rel.oid, status: 'RUNNING', startedAt: Date.now(), plan, parallelism: this.useLocal ? 1 : settings.parallelism, restarts: 0 };
    const job = this.useLocal ? this.startLocal(info, plan, settings.timeZone) : await this.startOnCluster(info, rel, plan, settings, recovery);
    this.jobs.set(info.id, job);
    const backoff = new RestartBackoff(settings.restart ?? restartStrategyConfig({}, false));
    backoff.started();
    this.definitions.set(info.id, { rel, plan, settings, backoff });
    await job.barrier(++this.epoch);
    if (recovery === 'fresh' && (info.status === 'FAILED' || info.status === 'RESTARTING')) {
      // CREATE reports a job that fails at once and leaves nothing running. A job restored after
      // a restart instead goes on under its restart strategy, like any failed job.
      info.status = 'FAILED';
      job.stop();
      this.jobs.delete(info.id);
      this.definitions.delete(info.id);
      throw this.errors.get(info.id) ?? new SqlError(SqlState.InternalError, info.error ?? 'the job failed');
    }
    this.ensureTimer();
    return info;
  }

  private fail(info: JobInfo, e: SqlError): void {
    info.status = 'FAILED';
    info.error = `${e.code}: ${e.message}`;
    this.errors.set(info.id, e);
  }

  /**
   * A running job failed: record why, and restart it from its latest checkpoint after the delay
   * its restart strategy gives — or leave it FAILED once the strategy gives up.
   */
  private failover(info: JobInfo, e: SqlError): void {
    this.fail(info, e);
    const def = this.definitions.get(info.id);
    const delay = def && !this.stopping ? def.backoff.onFailure() : null;
    if (delay === null) return;
    info.status = 'RESTARTING';
    const timer = setTimeout(() => void this.restart(info, def!), delay);
    timer.unref();
  }

  private async restart(info: JobInfo, def: JobDefinition): Promise<void> {
    // Cancelled or dropped while waiting: stay so.
    if (info.status !== 'RESTARTING' || this.stopping || this.jobs.get(info.id)?.info !== info) return;
    try {
      await this.jobs.get(info.id)?.detach?.();
      const job = await this.startOnCluster(info, def.rel, def.plan, def.settings, 'latest');
      if (info.status !== 'RESTARTING' || this.stopping) { job.stop(); return; }
      this.jobs.set(info.id, job);
      info.status = 'RUNNING';
      info.restarts++;
      def.backoff.started();
    } catch (e) {
      this.failover(info, e instanceof SqlError ? e : new SqlError(SqlState.InternalError, e instanceof Error ? e.message : String(e)));
    }
  }

  private async startOnCluster(info: JobInfo, rel: RelationDef, plan: StreamNode, settings: JobSettings, recovery: Recovery): Promise<RunningJob> {
    if (!this.cluster) {
      this.cluster = new MiniCluster({ ...this.clusterConfig, spillDir: this.clusterConfig.spillDir ?? join(this.db.dataDir, 'spill') });
      this.dispatcher = new Dispatcher(this.cluster);
    }
    const db = this.db;
    const config = settings.checkpoint ?? null;
    let checkpoint: JobCheckpointServices | undefined;
    if (config && config.intervalMs !== null) {
      const storage = await checkpointStore(db.dataDir);
      const storageJob = String(rel.oid);
      const restoreFrom = await chooseRestorePoint(storage, storageJob, rel, plan, config, recovery);
      // As Flink's JobMaster logs it: which checkpoint a restarted job continues from.
      if (recovery !== 'fresh') process.stderr.write(`weir: job ${rel.name} ${restoreFrom ? `restores from checkpoint ${restoreFrom.checkpointId} of job ${restoreFrom.jobId}` : 'starts empty (no checkpoint to restore)'}\n`);
      checkpoint = { config, storage, dataDir: db.dataDir, storageJob, restoreFrom: restoreFrom ?? undefined };
    } else if (rel.options?.[RESTORE_FROM_OPTION] !== undefined && recovery === 'fresh') {
      throw new SqlError(SqlState.InvalidParameterValue, `${RESTORE_FROM_OPTION} needs checkpointing on (checkpoint.interval is off)`);
    }
    const jm: JobMaster = await this.dispatcher!.submitJob({
      jobId: this.nextAttemptId++, relOid: rel.oid, catalog: snapshotCatalog(db.catalog), parallelism: settings.parallelism,
      settings: { timeZone: settings.timeZone, searchPath: settings.searchPath, user: settings.user },
    }, {
      tables: {
        tableRows: (oid: number): Iterable<Row> => db.tables.table(oid)?.rows.values() ?? [],
        subscribe: (l) => { db.tables.listeners.add(l); return () => db.tables.listeners.delete(l); },
        throttle: (gate) => { db.tables.throttles.add(gate); return () => db.tables.throttles.delete(gate); },
      },
      createCommitter: (node) => this.committer(node, checkpoint !== undefined),
      onFailed: (e) => this.failover(info, e),
      checkpoint,
    });
    return {
      info, inputs: tableInputs(plan),
      barrier: (epoch, flush) => jm.triggerBarrier(epoch, flush),
      flushed: () => jm.flushed(),
      stop: () => { void this.dispatcher!.cancelJob(jm); },
      cancelByUser: () => {
        // Cancelled with DELETE_ON_CANCELLATION: the job's checkpoints go too, once its tasks have
        // stopped writing (DROP: discard()).
        const cancelled = this.dispatcher!.cancelJob(jm);
        if (checkpoint?.config.retention === 'DELETE_ON_CANCELLATION') void cancelled.then(() => checkpoint.storage.dropCheckpoints(checkpoint.storageJob)).catch(() => undefined);
      },
      detach: () => this.dispatcher!.cancelJob(jm),
      runtimeView: { graph: jm.jobGraph, vertexMetrics: (v) => jm.vertexMetrics(v) },
      discard: () => { if (checkpoint) void this.dispatcher!.cancelJob(jm).then(() => checkpoint.storage.dropCheckpoints(checkpoint.storageJob)).catch(() => undefined); },
      checkpoints: jm.checkpoints, checkpointConfig: checkpoint ? checkpoint.config : null,
    };
  }

  private committer(node: Extract<StreamNode, { op: 'materialize' | 'sink' }>, checkpointing: boolean): EpochCommitter | null {
    const db = this.db;
    if (node.op === 'materialize') {
      const table = db.tables.table(node.targetOid) ?? db.tables.createVolatile(node.targetOid, node.columns.map((c) => c.type));
      return new ViewCommitter(new MvWriter(db.tables, table), checkpointing);
    }
    // Blackhole and external sinks (file, Kafka, PostgreSQL) write from their tasks.
    if (node.connector === 'blackhole' || externalSinkConnector(node.connector)) return null;
    if (node.connector === 'table') return new TableSinkCommitter(new TableSink(db.tables, this.sinkTarget(node)));
    throw new SqlError(SqlState.FeatureNotSupported, `sink connector "${node.connector}" is not supported yet`);
  }

  private sinkTarget(node: Extract<StreamNode, { op: 'sink' }>): number {
    const target = this.db.catalog.relationByOid(Number(node.options['table.oid']));
    if (!target) throw new SqlError(SqlState.UndefinedTable, `sink target table does not exist`);
    return target.oid;
  }

  private startLocal(info: JobInfo, plan: StreamNode, timeZone: string): RunningJob {
    const sinks: StreamOperator[] = [];
    const job = new LocalJob(plan, this.localEnvironment(timeZone, sinks), (e) => this.fail(info, e));
    job.start();
    if (job.failed) throw job.failed;
    return {
      info, inputs: tableInputs(plan),
      barrier: async (epoch) => { if (info.status === 'RUNNING') job.barrier({ epoch }); },
      flushed: async () => { for (const s of sinks) if (s instanceof TableSink) await s.flushed(); },
      stop: () => job.stop(),
      checkpoints: null, checkpointConfig: null,
    };
  }

  private localEnvironment(timeZone: string, sinks: StreamOperator[]): JobEnvironment {
    const db = this.db;
    const exec = new ExecContext([], { timeZone, statementTime: Date.now() * 1000, session: this.session },
      { table: () => { throw new SqlError(SqlState.FeatureNotSupported, 'subqueries are not supported in streaming queries'); } },
      { rows: () => { throw new SqlError(SqlState.FeatureNotSupported, 'system catalogs are not supported in streaming queries'); } },
      () => false);
    return {
      exec,
      tableRows: (oid: number): Iterable<Row> => db.tables.table(oid)?.rows.values() ?? [],
      subscribe: (l) => { db.tables.listeners.add(l); return () => db.tables.listeners.delete(l); },
      createSink: (node) => {
        let op: StreamOperator;
        if (node.op === 'materialize') {
          const table = db.tables.table(node.targetOid) ?? db.tables.createVolatile(node.targetOid, node.columns.map((c) => c.type));
          op = new MaterializeOperator(new MvWriter(db.tables, table));
        } else if (node.connector === 'blackhole') op = new BlackholeSink();
        else if (node.connector === 'table') op = new TableSink(db.tables, this.sinkTarget(node));
        else throw new SqlError(SqlState.FeatureNotSupported, `sink connector "${node.connector}" is not supported yet`);
        sinks.push(op);
        return op;
      },
      createConnectorSource: (node, push: (c: Chunk) => void, onEnd: () => void) => createConnectorSource(node, push, { onEnd }),
    };
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // A slow round is not piled onto: the next tick starts one once it finished.
      if (!this.periodic) this.periodic = this.barrierAll().finally(() => { this.periodic = null; });
    }, BARRIER_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * One barrier epoch through every running job. A job's barrier is injected once the jobs of the
   * views it reads have committed the same epoch, so a view over a view sees its input's epoch.
   */
  private async barrierAll(flush = false): Promise<void> {
    const epoch = ++this.epoch;
    const done = new Map<number, Promise<void>>();
    const all: Promise<void>[] = [];
    for (const j of [...this.jobs.values()].sort((a, b) => a.info.id - b.info.id)) {
      if (j.info.status !== 'RUNNING') continue;
      const deps = j.inputs.map((oid) => done.get(oid)).filter((p): p is Promise<void> => p !== undefined);
      const p = Promise.all(deps).then(() => (j.info.status === 'RUNNING' ? j.barrier(epoch, flush) : undefined));
      done.set(j.info.targetOid, p);
      all.push(p);
    }
    await Promise.all(all);
  }

  /** FLUSH: every change committed before now is visible in every view and written by every sink. */
  async flush(): Promise<void> {
    await this.barrierAll(true);
    for (const j of this.jobs.values()) await j.flushed();
  }

  cancel(id: number): JobInfo {
    const j = this.jobs.get(id);
    if (!j) throw new SqlError(SqlState.UndefinedObject, `job ${id} does not exist`);
    (j.cancelByUser ?? j.stop)();
    if (j.info.status === 'RUNNING' || j.info.status === 'RESTARTING') j.info.status = 'CANCELED';
    return j.info;
  }

  /** Stop and forget the job maintaining `oid` (DROP MATERIALIZED VIEW / SINK). */
  drop(oid: number): void {
    for (const [id, j] of this.jobs) {
      if (j.info.targetOid !== oid) continue;
      j.stop();
      j.discard?.();
      this.jobs.delete(id);
      this.definitions.delete(id);
    }
  }

  /** SAVEPOINT JOB id / STOP JOB id WITH SAVEPOINT (and the REST trigger): the savepoint's path. */
  async savepoint(jobId: number, stop: boolean): Promise<string> {
    const j = this.runningJob(jobId);
    if (!j.checkpoints) throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `job ${jobId} does not checkpoint (checkpoint.interval is off), so it cannot take a savepoint`);
    let done;
    try {
      done = await j.checkpoints.trigger(true);
    } catch (e) {
      throw new SqlError('58000', `savepoint of job ${jobId} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (stop) this.cancel(jobId);
    return done.externalPath;
  }

  /** RESTORE JOB id FROM 'chk-10' | '<path>': restart the running job from that checkpoint or savepoint. */
  async restoreJob(jobId: number, ref: string): Promise<void> {
    const j = this.runningJob(jobId);
    const def = this.definitions.get(jobId);
    if (!def || !j.checkpointConfig) throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `job ${jobId} does not checkpoint (checkpoint.interval is off), so it has nothing to restore from`);
    const store = await checkpointStore(this.db.dataDir);
    await findCheckpoint(store, String(def.rel.oid), ref);
    const info = j.info;
    info.status = 'RESTARTING';
    await j.detach?.();
    // Read again once the old attempt is gone: its last subsumption may have removed the checkpoint.
    const from = await findCheckpoint(store, String(def.rel.oid), ref).catch((e: unknown) => e as SqlError);
    if (from instanceof SqlError) {
      void this.restart(info, def); // back from the latest checkpoint instead
      throw from;
    }
    try {
      const job = await this.startOnCluster(info, def.rel, def.plan, def.settings, from);
      this.jobs.set(jobId, job);
      info.status = 'RUNNING';
      def.backoff.started();
    } catch (e) {
      const err = e instanceof SqlError ? e : new SqlError(SqlState.InternalError, e instanceof Error ? e.message : String(e));
      this.failover(info, err); // the restart strategy decides, as for any failure
      throw err;
    }
  }

  private runningJob(jobId: number): RunningJob {
    const j = this.jobs.get(jobId);
    if (!j) throw new SqlError(SqlState.UndefinedObject, `job ${jobId} does not exist`);
    if (j.info.status !== 'RUNNING') throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `job ${jobId} is ${j.info.status.toLowerCase()}, not running`);
    return j;
  }

  /** Checkpoint statistics, oldest first: of one job, or of every running job. */
  checkpointHistory(jobId?: number): JobCheckpointStats[] {
    const out: JobCheckpointStats[] = [];
    for (const j of this.jobs.values()) {
      if (jobId !== undefined && j.info.id !== jobId) continue;
      for (const st of j.checkpoints?.history() ?? []) out.push({ ...st, jobId: j.info.id, jobName: j.info.name });
    }
    return out;
  }

  /** A job's effective checkpoint configuration; null when it does not checkpoint. */
  checkpointConfig(jobId: number): CheckpointConfig | undefined { return this.jobs.get(jobId)?.checkpointConfig ?? undefined; }

  /** Where a job's latest completed checkpoint lives (Flink's external path), if any. */
  lastCheckpointExternalPath(jobId: number): string | null { return this.jobs.get(jobId)?.checkpoints?.latest?.externalPath ?? null; }

  /** The graph a job's current attempt runs, with task metrics; undefined for the local runtime. */
  runtimeView(jobId: number): JobRuntimeView | undefined { return this.jobs.get(jobId)?.runtimeView; }

  /** Does the job exist (running or failed)? */
  hasJob(jobId: number): boolean { return this.jobs.has(jobId); }

  stopAll(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const j of this.jobs.values()) j.stop();
    const c = this.cluster;
    this.cluster = null;
    return (c ? c.close() : Promise.resolve()).then(() => closeCheckpointStores());
  }
}

/** The settings a job is planned under, from the creating session's GUCs and the relation's WITH options. */
export function jobSettings(get: (name: string) => string | undefined, user: string, options: Readonly<Record<string, string>> = {}): JobSettings {
  const parallelism = options.parallelism !== undefined
    ? parseParallelism(options.parallelism, 'parallelism')
    : parseParallelism(get('streaming_parallelism') ?? String(defaultParallelism()), 'streaming_parallelism');
  const checkpoint = jobCheckpointConfig(get, options);
  return { timeZone: get('TimeZone') ?? 'UTC', searchPath: get('search_path') ?? '"$user", public', user, parallelism, checkpoint, restart: jobRestartStrategy(get, options, checkpoint.intervalMs !== null) };
}

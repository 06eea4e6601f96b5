// Data-only messages between the runtime's roles (Flink's RPC payloads). Everything here survives
// structured clone, so a TaskManager can live in a worker thread (or, later, another process):
// no closures, no class instances, errors as plain { code, message } records.

import type { MessagePort } from 'node:worker_threads';
import type { RelationDef, SchemaDef } from '../../catalog/catalog.js';
import type { Partitioner, SlotId } from '../graph/types.js';
import type { Barrier, Watermark } from '../operators/operator.js';
import type { PackedChunk } from './chunk-codec.js';
import type { CheckpointingMode } from '../checkpoint/checkpoint-config.js';
import type { TaskAcknowledgement } from '../checkpoint/types.js';
import type { SourcePosition } from '../connectors/source-reader.js';

/** The catalog as the job saw it when it was submitted: enough to bind its SELECT again. */
export interface CatalogSnapshot {
  readonly schemas: readonly SchemaDef[];
  readonly relations: readonly RelationDef[];
}

/**
 * What a TaskManager needs to rebuild a job's graph deterministically: compiled expressions
 * cannot cross threads, so the job travels as its SQL (the maintained relation's query) plus the
 * catalog and settings it was bound under, and the worker plans and lowers it again.
 */
export interface JobSpec {
  /**
   * The runtime's id of this attempt of the job: new for every (re)start, so messages of a failed
   * attempt still in flight (acknowledgements, channel ids) can never reach its successor.
   * SHOW JOBS keeps its own id across attempts.
   */
  readonly jobId: number;
  /** The materialized view / stream / sink this job maintains (its query is in the snapshot). */
  readonly relOid: number;
  readonly catalog: CatalogSnapshot;
  readonly settings: { readonly timeZone: string; readonly searchPath: string; readonly user: string };
  readonly parallelism: number;
  /** Plan aggregations in one phase: the job restores a checkpoint taken when parallelism 1 was
   * planned without two-phase aggregation (before 7 December 2026). */
  readonly singlePhaseAgg?: true;
  /** Fingerprint of the JobGraph the JobMaster built; the worker refuses to run a different one. */
  readonly fingerprint: string;
}

export type ExecutionState = 'DEPLOYING' | 'RUNNING' | 'FINISHED' | 'CANCELED' | 'FAILED';

export interface SerializedError { readonly code: string; readonly message: string; readonly detail?: string; readonly hint?: string }

/** A channel's end: a port when the other end is in another TaskManager, else a local pipe id. */
export interface ChannelEnd { readonly port?: MessagePort; readonly localId?: string }
export interface InputChannelDescriptor extends ChannelEnd { readonly producerSubtask: number }
export interface InputGateDescriptor { readonly edgeId: number; readonly targetInput: number; readonly channels: readonly InputChannelDescriptor[] }
export interface ResultPartitionDescriptor {
  readonly edgeId: number;
  readonly partitioner: Partitioner;
  /** One channel per consumer subtask this partition feeds, in consumer-subtask order. */
  readonly channels: readonly (ChannelEnd & { readonly consumerSubtask: number })[];
  readonly consumerParallelism: number;
}

/** Flink's TaskDeploymentDescriptor: one subtask of one vertex, with its channels. */
export interface TaskDeploymentDescriptor {
  readonly job: JobSpec;
  readonly attemptId: string;
  readonly vertexId: number;
  readonly subtask: number;
  readonly slot: SlotId;
  readonly maxParallelism: number;
  readonly inputs: readonly InputGateDescriptor[];
  readonly outputs: readonly ResultPartitionDescriptor[];
  /** Table sources: the main thread's feed of table rows, changes and barriers. */
  readonly feed?: MessagePort;
  /** Credits each input channel grants its producer (buffers of one chunk each). */
  readonly credits: number;
  /** Set when the job checkpoints: how barriers align, and where tasks write their state. */
  readonly checkpointing?: TaskCheckpointing;
  /** Set when the task starts from a checkpoint instead of empty. */
  readonly restore?: TaskRestore;
}

/** What a task restores from: its state, source position and sink transactions at one checkpoint. */
export interface TaskRestore {
  readonly checkpointId: number;
  /** The job whose checkpoint it is (another job's, for restore.from = '<path>'). */
  readonly storageJob: string;
  /** The source reader's position recorded for this task, if it reads a source. */
  readonly position?: SourcePosition;
  /** The restored state is not in this job's store yet: the first checkpoint writes all of it. */
  readonly fullSnapshot: boolean;
  /** The task's state is read from versions at or after this checkpoint (its last full snapshot). */
  readonly since: number;
  /**
   * Rescaling: the old subtasks whose state this task reads (each with its own `since`), and the
   * key groups it owns now; it keeps only the entries of keys routed to it.
   */
  readonly rescale?: { readonly from: readonly { readonly task: string; readonly since: number }[]; readonly subtask: number; readonly parallelism: number; readonly maxParallelism: number };
}

export interface TaskCheckpointing {
  readonly mode: CheckpointingMode;
  /** The data directory; tasks open <dataDir>/checkpoints (LevelDB, shared across threads). */
  readonly dataDir: string;
  /** The job's key in checkpoint storage (stable across restarts: the maintained relation). */
  readonly storageJob: string;
}

/** TaskManager → JobMaster: a task's part of a checkpoint is written (Flink's AcknowledgeCheckpoint). */
export interface CheckpointAck extends TaskAcknowledgement { readonly jobId: number }

/** TaskManager → JobMaster: a task could not take its part of a checkpoint. */
export interface CheckpointDecline { readonly jobId: number; readonly checkpointId: number; readonly task: string; readonly reason: string }

/** TaskManager → JobMaster, every second: how a running task is doing (Flink's task metrics). */
export interface TaskMetrics {
  readonly jobId: number;
  readonly vertexId: number;
  readonly subtask: number;
  /** Fraction of the last interval its output waited for credit (0..1). */
  readonly backPressuredRatio: number;
  /** Rows it has read so far. */
  readonly rowsIn: number;
}

/** TaskManager → JobMaster: a barrier passed this task (sinks attach the epoch's output). */
export interface BarrierAck {
  readonly jobId: number;
  readonly vertexId: number;
  readonly subtask: number;
  readonly epoch: number;
  /** Set when the barrier was a checkpoint's. */
  readonly checkpointId?: number;
  readonly output?: readonly PackedChunk[];
}

export interface TaskStateUpdate {
  readonly jobId: number;
  readonly attemptId: string;
  readonly state: ExecutionState;
  readonly error?: SerializedError;
}

/** Main thread → worker. */
export type ToTaskExecutor =
  | { readonly type: 'submitTask'; readonly requestId: number; readonly tdd: TaskDeploymentDescriptor }
  | { readonly type: 'cancelTask'; readonly attemptId: string }
  | { readonly type: 'triggerBarrier'; readonly attemptId: string; readonly barrier: Barrier }
  | { readonly type: 'releaseJob'; readonly jobId: number }
  | { readonly type: 'notifyCheckpointComplete'; readonly jobId: number; readonly checkpointId: number }
  | { readonly type: 'notifyCheckpointAborted'; readonly jobId: number; readonly checkpointId: number };

/** Worker → main thread. */
export type FromTaskExecutor =
  | { readonly type: 'registerTaskExecutor' }
  | { readonly type: 'submitTaskResult'; readonly requestId: number; readonly error?: SerializedError }
  | { readonly type: 'updateTaskExecutionState'; readonly update: TaskStateUpdate }
  | { readonly type: 'acknowledgeBarrier'; readonly ack: BarrierAck }
  | { readonly type: 'acknowledgeCheckpoint'; readonly ack: CheckpointAck }
  | { readonly type: 'declineCheckpoint'; readonly decline: CheckpointDecline }
  | { readonly type: 'taskMetrics'; readonly metrics: readonly TaskMetrics[] }
  | { readonly type: 'taskManagerMetrics'; readonly metrics: TaskManagerMetrics };

/** A TaskManager's memory, reported every second (Flink's Status.JVM.Memory.Heap.* and managed memory). */
export interface TaskManagerMetrics {
  readonly heapUsedBytes: number;
  readonly heapCommittedBytes: number;
  readonly heapMaxBytes: number;
  /** The state memory budget, or null when state never spills. */
  readonly stateMemoryBytes: number | null;
  /** State entries written to the spill store so far. */
  readonly spilledEntries: number;
}

/** Table-source task → main-thread table feed: rows taken off the feed (its credit comes back). */
export interface FeedAck { readonly taken: number }

/** Main-thread table feed → table-source task, in commit order. */
/** `start`: the table's rows when the job started (then `startDone`), as opposed to later changes. */
export type FeedMessage = { readonly rows: PackedChunk; readonly start?: true } | { readonly startDone: true } | { readonly barrier: Barrier };

/** Producer ↔ consumer on one channel: data needs a credit, barriers ride free but stay in order. */
export type ChannelMessage = { readonly d: PackedChunk } | { readonly b: Barrier } | { readonly w: Watermark } | { readonly idle: boolean } | { readonly credit: number };

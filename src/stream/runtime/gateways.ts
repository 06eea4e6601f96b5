// The only ways across the runtime's role boundaries (Flink's *Gateway interfaces). Every method
// carries plain messages (messages.ts), so an in-thread object and a proxy to a worker thread —
// or to another process — can stand behind the same interface.

import type { SlotId } from '../graph/types.js';
import type { Barrier } from '../operators/operator.js';
import type { BarrierAck, CheckpointAck, CheckpointDecline, TaskDeploymentDescriptor, TaskStateUpdate, TaskMetrics } from './messages.js';

/** A TaskManager, as the JobMaster and ResourceManager see it. */
export interface TaskExecutorGateway {
  readonly id: string;
  /** Deploy one subtask; resolves once it runs, rejects (with its SqlError) if it could not start. */
  submitTask(tdd: TaskDeploymentDescriptor): Promise<void>;
  cancelTask(attemptId: string): void;
  /** Source tasks only: inject a barrier between two batches. */
  triggerBarrier(attemptId: string, barrier: Barrier): void;
  /** Forget the job's cached graph and stop anything of it still running. */
  releaseJob(jobId: number): void;
  /** Checkpoint `checkpointId` of the job is complete: its tasks' sinks commit. */
  notifyCheckpointComplete(jobId: number, checkpointId: number): void;
  notifyCheckpointAborted(jobId: number, checkpointId: number): void;
}

/** A job's master, as its tasks see it. */
export interface JobMasterGateway {
  readonly jobId: number;
  updateTaskExecutionState(update: TaskStateUpdate): void;
  acknowledgeBarrier(ack: BarrierAck): void;
  acknowledgeCheckpoint(ack: CheckpointAck): void;
  declineCheckpoint(decline: CheckpointDecline): void;
  /** Periodic task metrics (back-pressure, rows in). */
  reportTaskMetrics(metrics: TaskMetrics): void;
  /** A TaskManager running some of this job's subtasks is gone. */
  taskManagerLost(taskManager: string, reason: string): void;
}

/** Slots, as TaskManagers offer them and JobMasters request them. */
export interface ResourceManagerGateway {
  /** A TaskManager joins with its slot report (how many slots it offers). */
  registerTaskExecutor(gateway: TaskExecutorGateway, slots: number): void;
  /** A TaskManager left (or crashed); returns the jobs that held slots on it. */
  unregisterTaskExecutor(id: string): number[];
  /** `count` slots for one job, spread over TaskManagers; rejects with 53000 when too few are free. */
  requestSlots(jobId: number, count: number): Promise<SlotId[]>;
  releaseSlots(jobId: number): void;
  taskExecutor(id: string): TaskExecutorGateway | undefined;
}

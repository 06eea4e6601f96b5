// What checkpoints are made of: the handles tasks acknowledge with, the completed checkpoint's
// metadata (written last, atomically), and the statistics SHOW CHECKPOINTS and the REST API show.

import type { SourcePosition } from '../connectors/source-reader.js';

/** JSON a task returns for its part of a checkpoint: where its state went, positions, committables. */
export type StateHandle = SourcePosition;

/** "<vertexId>/<subtask>": one acknowledging task. */
export type TaskKey = string;

export interface TaskAcknowledgement {
  readonly task: TaskKey;
  readonly checkpointId: number;
  readonly handle: StateHandle;
  /** Bytes the task wrote for this checkpoint (incremental: only what changed). */
  readonly sizeBytes: number;
  /** Time the task held aligned channels back, waiting for the last barrier. */
  readonly alignmentMs: number;
}

export interface CompletedCheckpoint {
  readonly jobId: string;
  readonly checkpointId: number;
  readonly isSavepoint: boolean;
  readonly triggeredAt: number;
  readonly completedAt: number;
  /** Every task's handle, by task key. */
  readonly tasks: Readonly<Record<TaskKey, StateHandle>>;
  readonly sizeBytes: number;
  /** The name users restore from (Flink's …/chk-10). */
  readonly externalPath: string;
  /** Fingerprint of the JobGraph that took it: state restores only into the same graph. */
  readonly jobGraph?: string;
  /**
   * How task state is laid out (STATE_FORMAT). Absent: before table sources kept their image
   * (operators/table-image.ts), when a table-source task's operators had other indexes.
   */
  readonly stateFormat?: number;
}

/** The layout checkpoints are written in now: 2 = table sources keep an image at operator 0. */
export const STATE_FORMAT = 2;

export type CheckpointStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface CheckpointStats {
  readonly id: number;
  status: CheckpointStatus;
  readonly isSavepoint: boolean;
  readonly triggeredAt: number;
  durationMs: number | null;
  sizeBytes: number;
  alignmentMs: number;
  acknowledged: number;
  readonly expected: number;
  failure?: string;
  externalPath?: string;
}

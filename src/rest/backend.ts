// What the REST API reads and asks of the runtime. The JobManager side implements it; the HTTP
// layer only shapes it into Flink's JSON, so Flink tooling (dashboards, scripts that look up
// lastCheckpointExternalPath) works against Weir unchanged.

import type { CheckpointConfig } from '../stream/checkpoint/checkpoint-config.js';
import type { CheckpointStats } from '../stream/checkpoint/types.js';

export type RestJobState = 'CREATED' | 'RUNNING' | 'FAILING' | 'FAILED' | 'CANCELLING' | 'CANCELED' | 'FINISHED' | 'RESTARTING';

export interface RestVertex {
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly status: RestJobState;
  /** Per subtask: fraction of time its output was blocked waiting for credit (0..1); null until sampled. */
  readonly backPressuredRatio: readonly number[] | null;
  /** Null until the runtime reports record counts. */
  readonly recordsIn: number | null;
  readonly recordsOut: number | null;
}

export interface RestJob {
  readonly id: string;
  readonly name: string;
  readonly state: RestJobState;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly failure?: string;
  readonly vertices: readonly RestVertex[];
}

export interface RestTaskManager {
  readonly id: string;
  readonly slots: number;
  readonly freeSlots: number;
  readonly lastHeartbeat: number;
  /** Heap and state memory from the TaskManager's last report, if one came yet. */
  readonly memory?: { readonly heapUsed: number; readonly heapCommitted: number; readonly heapMax: number; readonly stateMemory: number | null; readonly spilledEntries: number };
}

export interface RestBackend {
  jobs(): readonly RestJob[];
  checkpointConfig(jobId: string): CheckpointConfig | undefined;
  checkpointHistory(jobId: string): readonly CheckpointStats[];
  /** Where the job would restore from now (Flink's metric lastCheckpointExternalPath). */
  lastCheckpointExternalPath(jobId: string): string | null;
  taskManagers(): readonly RestTaskManager[];
  cancel(jobId: string): Promise<void>;
  /** Trigger a savepoint; resolves with its external path. */
  savepoint(jobId: string, cancelJob: boolean): Promise<string>;
}

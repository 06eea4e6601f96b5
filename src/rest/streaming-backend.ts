// The REST API's view of a running Weir: jobs from the StreamingManager (their graphs lowered
// again from the stream plan, as EXPLAIN (TYPE job) shows them), TaskManagers from the
// ResourceManager's slot report, checkpoints from each job's CheckpointCoordinator.
// Flink identifies jobs by 32 hex digits; Weir's job ids are small integers, written in hex.

import type { StreamingManager, JobInfo } from '../stream/manager.js';
import { lowerStreamPlan } from '../stream/graph/lower.js';
import type { CheckpointConfig } from '../stream/checkpoint/checkpoint-config.js';
import type { CheckpointStats } from '../stream/checkpoint/types.js';
import type { RestBackend, RestJob, RestJobState, RestTaskManager } from './backend.js';

export function restJobId(id: number): string { return id.toString(16).padStart(32, '0'); }
function weirJobId(rest: string): number { return /^[0-9a-f]{1,32}$/i.test(rest) ? parseInt(rest, 16) : NaN; }

/** What the checkpointing side of the manager offers (present once checkpoints run). */
export interface CheckpointInfo {
  checkpointConfig(jobId: number): CheckpointConfig | undefined;
  checkpointHistory(jobId: number): readonly CheckpointStats[];
  lastCheckpointExternalPath(jobId: number): string | null;
  savepoint(jobId: number, cancelJob: boolean): Promise<string>;
}

function state(s: JobInfo['status']): RestJobState {
  return s === 'CANCELED' ? 'CANCELED' : s;
}

export class StreamingRestBackend implements RestBackend {
  constructor(private readonly manager: StreamingManager & Partial<CheckpointInfo>) {}

  jobs(): readonly RestJob[] {
    return this.manager.list().map((j) => {
      const parallelism = j.parallelism ?? 1;
      // The graph the job's attempt really runs (two-phase aggregation included), with its metrics.
      const view = this.manager.runtimeView?.(j.id);
      const graph = view?.graph ?? lowerStreamPlan(j.plan, { jobName: j.name, parallelism }).jobGraph;
      return {
        id: restJobId(j.id), name: j.name, state: state(j.status), startTime: j.startedAt, endTime: null, failure: j.error,
        vertices: graph.vertices.map((v) => {
          const metrics = j.status === 'RUNNING' ? view?.vertexMetrics(v.id) ?? null : null;
          return {
            id: String(v.id).padStart(32, '0'), name: v.name, parallelism: v.parallelism, status: state(j.status),
            backPressuredRatio: metrics ? metrics.map((m) => Math.round(m.backPressuredRatio * 1000) / 1000) : null,
            recordsIn: metrics ? metrics.reduce((n, m) => n + m.rowsIn, 0) : null, recordsOut: null,
          };
        }),
      };
    });
  }

  checkpointConfig(jobId: string): CheckpointConfig | undefined { return this.manager.checkpointConfig?.(weirJobId(jobId)); }
  checkpointHistory(jobId: string): readonly CheckpointStats[] { return this.manager.checkpointHistory?.(weirJobId(jobId)) ?? []; }
  lastCheckpointExternalPath(jobId: string): string | null { return this.manager.lastCheckpointExternalPath?.(weirJobId(jobId)) ?? null; }

  taskManagers(): readonly RestTaskManager[] {
    const cluster = this.manager.runtime;
    const now = Date.now();
    return cluster ? cluster.resourceManager.slotReport().map((t) => {
      const tm = cluster.taskManager(t.id);
      const m = tm?.metrics;
      const memory = m ? { heapUsed: m.heapUsedBytes, heapCommitted: m.heapCommittedBytes, heapMax: m.heapMaxBytes, stateMemory: m.stateMemoryBytes, spilledEntries: m.spilledEntries } : undefined;
      return { id: t.id, slots: t.slots, freeSlots: t.free, lastHeartbeat: tm?.lastHeartbeat ?? now, memory };
    }) : [];
  }

  async cancel(jobId: string): Promise<void> { this.manager.cancel(weirJobId(jobId)); }

  savepoint(jobId: string, cancelJob: boolean): Promise<string> {
    if (!this.manager.savepoint) return Promise.reject(new Error('savepoints are not available in this build'));
    return this.manager.savepoint(weirJobId(jobId), cancelJob);
  }
}

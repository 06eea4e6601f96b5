// Weir's runtime state as the JSON bodies of Flink's REST API (flink-runtime-web's documented
// shapes: /overview, /jobs, /jobs/:id, /jobs/:id/checkpoints, …). Field names are Flink's, with
// its hyphens and its mix of snake and kebab case.

import { VERSION } from './version.js';
import type { CheckpointConfig } from '../stream/checkpoint/checkpoint-config.js';
import type { CheckpointStats } from '../stream/checkpoint/types.js';
import type { RestJob, RestTaskManager, RestVertex } from './backend.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function overview(jobs: readonly RestJob[], tms: readonly RestTaskManager[]): Json {
  const count = (s: string) => jobs.filter((j) => j.state === s).length;
  return {
    taskmanagers: tms.length,
    'slots-total': tms.reduce((a, t) => a + t.slots, 0),
    'slots-available': tms.reduce((a, t) => a + t.freeSlots, 0),
    'jobs-running': count('RUNNING') + count('RESTARTING'),
    'jobs-finished': count('FINISHED'),
    'jobs-cancelled': count('CANCELED'),
    'jobs-failed': count('FAILED'),
    'flink-version': VERSION.flinkCompat,
    'flink-commit': VERSION.weir,
  };
}

export function jobList(jobs: readonly RestJob[]): Json {
  return { jobs: jobs.map((j) => ({ id: j.id, status: j.state })) };
}

export function jobsOverview(jobs: readonly RestJob[], now: number): Json {
  return { jobs: jobs.map((j) => ({ jid: j.id, name: j.name, state: j.state, 'start-time': j.startTime, 'end-time': j.endTime ?? -1, duration: (j.endTime ?? now) - j.startTime, 'last-modification': j.endTime ?? j.startTime, tasks: taskCounts(j.vertices) })) };
}

function taskCounts(vs: readonly RestVertex[]): Json {
  const total = vs.reduce((a, v) => a + v.parallelism, 0);
  const running = vs.filter((v) => v.status === 'RUNNING').reduce((a, v) => a + v.parallelism, 0);
  return { total, created: 0, scheduled: 0, deploying: 0, running, finished: 0, canceling: 0, canceled: 0, failed: 0, reconciling: 0, initializing: 0 };
}

export function jobDetail(j: RestJob, now: number): Json {
  return {
    jid: j.id, name: j.name, isStoppable: false, state: j.state,
    'start-time': j.startTime, 'end-time': j.endTime ?? -1, duration: (j.endTime ?? now) - j.startTime, now,
    timestamps: { CREATED: j.startTime, RUNNING: j.startTime, ...(j.endTime ? { [j.state]: j.endTime } : {}) },
    vertices: j.vertices.map((v) => ({
      id: v.id, name: v.name, maxParallelism: 128, parallelism: v.parallelism, status: v.status,
      'start-time': j.startTime, 'end-time': j.endTime ?? -1, duration: (j.endTime ?? now) - j.startTime,
      tasks: taskCounts([v]),
      metrics: { 'read-records': v.recordsIn ?? 0, 'read-records-complete': v.recordsIn !== null, 'write-records': v.recordsOut ?? 0, 'write-records-complete': v.recordsOut !== null },
    })),
    'status-counts': taskCounts(j.vertices),
    plan: { jid: j.id, name: j.name, nodes: j.vertices.map((v) => ({ id: v.id, parallelism: v.parallelism, operator: '', description: v.name })) },
    ...(j.failure ? { 'failure-cause': j.failure } : {}),
  };
}

function checkpointEntry(s: CheckpointStats): Json {
  return {
    '@class': s.status === 'COMPLETED' ? 'completed' : s.status === 'FAILED' ? 'failed' : 'in_progress',
    id: s.id, status: s.status, is_savepoint: s.isSavepoint, savepointFormat: s.isSavepoint ? 'CANONICAL' : null,
    trigger_timestamp: s.triggeredAt, latest_ack_timestamp: s.triggeredAt + (s.durationMs ?? 0),
    state_size: s.sizeBytes, checkpointed_size: s.sizeBytes, end_to_end_duration: s.durationMs ?? -1,
    alignment_buffered: 0, processed_data: 0, persisted_data: 0,
    num_subtasks: s.expected, num_acknowledged_subtasks: s.acknowledged,
    checkpoint_type: s.isSavepoint ? 'SAVEPOINT' : 'CHECKPOINT',
    ...(s.externalPath ? { external_path: s.externalPath, discarded: false } : {}),
    ...(s.failure ? { failure_message: s.failure, failure_timestamp: s.triggeredAt + (s.durationMs ?? 0) } : {}),
  };
}

function minAvgMax(xs: number[]): Json {
  if (!xs.length) return { min: 0, max: 0, avg: 0 };
  return { min: Math.min(...xs), max: Math.max(...xs), avg: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) };
}

export function checkpoints(history: readonly CheckpointStats[]): Json {
  const completed = history.filter((s) => s.status === 'COMPLETED');
  const failed = history.filter((s) => s.status === 'FAILED');
  const last = <T>(xs: T[]) => (xs.length ? xs[xs.length - 1] : undefined);
  const lastCheckpoint = last(completed.filter((s) => !s.isSavepoint));
  const lastSavepoint = last(completed.filter((s) => s.isSavepoint));
  const lastFailed = last(failed);
  return {
    counts: { restored: 0, total: history.length, in_progress: history.filter((s) => s.status === 'IN_PROGRESS').length, completed: completed.length, failed: failed.length },
    summary: {
      state_size: minAvgMax(completed.map((s) => s.sizeBytes)),
      checkpointed_size: minAvgMax(completed.map((s) => s.sizeBytes)),
      end_to_end_duration: minAvgMax(completed.map((s) => s.durationMs ?? 0)),
      alignment_buffered: minAvgMax([]), processed_data: minAvgMax([]), persisted_data: minAvgMax([]),
    },
    latest: {
      completed: lastCheckpoint ? checkpointEntry(lastCheckpoint) : null,
      savepoint: lastSavepoint ? checkpointEntry(lastSavepoint) : null,
      failed: lastFailed ? checkpointEntry(lastFailed) : null,
      restored: null,
    },
    history: [...history].reverse().map(checkpointEntry),
  };
}

export function checkpointConfigJson(c: CheckpointConfig): Json {
  return {
    mode: c.mode.toLowerCase(),
    interval: c.intervalMs ?? 0x7fffffffffff,
    timeout: c.timeoutMs,
    min_pause: c.minPauseMs,
    max_concurrent: c.maxConcurrent,
    externalization: { enabled: true, delete_on_cancellation: c.retention === 'DELETE_ON_CANCELLATION' },
    state_backend: 'LevelDBStateBackend',
    checkpoint_storage: 'LevelDBCheckpointStorage',
    unaligned_checkpoints: false,
    tolerable_failed_checkpoints: c.tolerableFailures,
    aligned_checkpoint_timeout: 0,
    checkpoints_after_tasks_finish: true,
    state_changelog_enabled: false,
  };
}

export function backpressure(v: RestVertex, now: number): Json {
  const level = (r: number) => (r > 0.5 ? 'high' : r > 0.1 ? 'low' : 'ok');
  // Flink answers "deprecated" when it has no fresh sample for the vertex.
  if (!v.backPressuredRatio) return { status: 'deprecated', 'backpressure-level': 'ok', 'end-timestamp': now, subtasks: [] };
  const worst = Math.max(0, ...v.backPressuredRatio);
  return {
    status: 'ok', 'backpressure-level': level(worst), 'end-timestamp': now,
    subtasks: v.backPressuredRatio.map((r, i) => ({ subtask: i, 'backpressure-level': level(r), ratio: r, idleRatio: 0, busyRatio: 1 - r })),
  };
}

function taskManagerInfo(t: RestTaskManager, now: number): Record<string, Json> {
  return {
    id: t.id, path: `weir://worker/${t.id}`, dataPort: -1, jmxPort: -1,
    timeSinceLastHeartbeat: Math.max(0, now - t.lastHeartbeat), slotsNumber: t.slots, freeSlots: t.freeSlots,
    totalResource: { cpuCores: t.slots }, freeResource: { cpuCores: t.freeSlots },
    // Flink's managed memory is what state may use off-heap; Weir's is the state memory budget.
    hardware: { cpuCores: t.slots, physicalMemory: -1, freeMemory: -1, managedMemory: t.memory?.stateMemory ?? -1 },
  };
}

export function taskManagers(tms: readonly RestTaskManager[], now: number): Json {
  return { taskmanagers: tms.map((t) => taskManagerInfo(t, now)) };
}

/** GET /taskmanagers/:id: Flink's TaskManagerDetailsInfo, with the heap metrics Weir has. */
export function taskManagerDetail(t: RestTaskManager, now: number): Json {
  const m = t.memory;
  return {
    ...taskManagerInfo(t, now),
    metrics: {
      heapUsed: m?.heapUsed ?? -1, heapCommitted: m?.heapCommitted ?? -1, heapMax: m?.heapMax ?? -1,
      managedMemoryTotal: m?.stateMemory ?? -1, stateSpilledEntries: m?.spilledEntries ?? 0,
    },
  };
}

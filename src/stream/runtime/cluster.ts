// The runtime's roles in one place (Flink's MiniCluster): a ResourceManager, TaskManagers in
// worker threads (started on first use, so a server without streaming jobs starts none), and the
// Dispatcher that runs one JobMaster per job. A TaskManager that dies fails the jobs that had
// slots on it and is replaced on the next submission.

import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STATE_MEMORY_BYTES } from '../state/state-memory.js';
import type { JobMasterGateway } from './gateways.js';
import { ResourceManager } from './resource-manager.js';
import { RemoteTaskExecutor } from './remote-task-executor.js';

export interface ClusterConfig {
  /** Worker threads; default one per core. */
  readonly taskManagers: number;
  /** Slots each TaskManager offers (a slot runs one parallel slice of one job). */
  readonly slotsPerTaskManager: number;
  /** Heap size past which a TaskManager spills state (state-memory.ts). */
  readonly stateMemoryBytes: number;
  /** Directory of the TaskManagers' spill stores (under the data directory); none: state stays in memory. */
  readonly spillDir?: string;
}

export function clusterConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const int = (v: string | undefined, d: number) => { const n = Number(v); return Number.isInteger(n) && n > 0 ? n : d; };
  return { taskManagers: int(env.WEIR_TASK_MANAGERS, availableParallelism()), slotsPerTaskManager: int(env.WEIR_SLOTS, 64), stateMemoryBytes: int(env.WEIR_STATE_MEMORY, DEFAULT_STATE_MEMORY_BYTES) };
}

export class MiniCluster {
  readonly resourceManager = new ResourceManager();
  private readonly workers = new Map<string, RemoteTaskExecutor>();
  private readonly jobMasters = new Map<number, JobMasterGateway>();
  private nextTm = 1;
  private starting: Promise<void> | null = null;
  private closed = false;

  constructor(readonly config: ClusterConfig) {
    // Spilled state is working memory: what an earlier process left is of no use.
    if (config.spillDir) rmSync(config.spillDir, { recursive: true, force: true });
  }

  /** Start (or top up after a crash) the TaskManagers and wait until they registered. */
  ensureStarted(): Promise<void> {
    if (this.starting) return this.starting;
    const missing = this.config.taskManagers - this.workers.size;
    if (missing <= 0) return Promise.resolve();
    const started: Promise<void>[] = [];
    for (let i = 0; i < missing; i++) {
      const id = `tm-${this.nextTm++}`;
      const state = this.config.spillDir ? { memoryBytes: this.config.stateMemoryBytes, spillDir: join(this.config.spillDir, id) } : null;
      const tm = new RemoteTaskExecutor(id, (jobId) => this.jobMasters.get(jobId), (lostId, reason) => this.lost(lostId, reason), state);
      this.workers.set(id, tm);
      started.push(tm.registered.then(() => { if (tm.alive) this.resourceManager.registerTaskExecutor(tm, this.config.slotsPerTaskManager); }));
    }
    this.starting = Promise.all(started).then(() => undefined).finally(() => { this.starting = null; });
    return this.starting;
  }

  private lost(id: string, reason: string): void {
    this.workers.delete(id);
    if (this.config.spillDir) rmSync(join(this.config.spillDir, id), { recursive: true, force: true });
    if (this.closed) return;
    for (const jobId of this.resourceManager.unregisterTaskExecutor(id)) this.jobMasters.get(jobId)?.taskManagerLost(id, reason);
  }

  /** The JobMaster that messages about `jobId` are routed to. */
  registerJobMaster(jm: JobMasterGateway): void { this.jobMasters.set(jm.jobId, jm); }
  unregisterJobMaster(jobId: number): void { this.jobMasters.delete(jobId); }

  taskManager(id: string): RemoteTaskExecutor | undefined { return this.workers.get(id); }
  taskManagerIds(): string[] { return [...this.workers.keys()]; }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers.values()].map((w) => w.terminate()));
    this.workers.clear();
  }
}

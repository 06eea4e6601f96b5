// The main thread's handle on a TaskManager worker thread: implements TaskExecutorGateway by
// posting messages to the worker, and hands the worker's messages (task states, barrier
// acknowledgements) to the JobMaster of their job. A worker that exits or throws is reported once
// through `onLost`, so the jobs it ran can fail instead of hanging.

import { type MessagePort, Worker } from 'node:worker_threads';
import type { Barrier } from '../operators/operator.js';
import type { JobMasterGateway, TaskExecutorGateway } from './gateways.js';
import type { FromTaskExecutor, TaskDeploymentDescriptor, TaskManagerMetrics, ToTaskExecutor } from './messages.js';
import { deserializeError } from './task-errors.js';
import { SqlError, SqlState } from '../../errors.js';

/** How long a TaskManager may take to deploy one subtask (it rebuilds the job's plan first). */
const SUBMIT_TIMEOUT_MS = 60_000;

/** The TaskManager entry module next to this file, as TypeScript source or compiled JavaScript. */
/** Where a TaskManager spills state, and from which heap size on (state-memory.ts). */
export interface TaskManagerStateConfig { readonly memoryBytes: number; readonly spillDir: string }

/** What a TaskManager worker is started with. */
export interface TaskManagerWorkerData { readonly entry: string; readonly id: string; readonly state: TaskManagerStateConfig | null }

function entryUrl(): string {
  const self = import.meta.url;
  return new URL(self.endsWith('.ts') ? './task-manager-main.ts' : './task-manager-main.js', self).href;
}

function portsOf(tdd: TaskDeploymentDescriptor): MessagePort[] {
  const ports: MessagePort[] = [];
  if (tdd.feed) ports.push(tdd.feed);
  for (const g of tdd.inputs) for (const c of g.channels) if (c.port) ports.push(c.port);
  for (const p of tdd.outputs) for (const c of p.channels) if (c.port) ports.push(c.port);
  return ports;
}

export class RemoteTaskExecutor implements TaskExecutorGateway {
  private readonly worker: Worker;
  private nextRequest = 1;
  private readonly requests = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private lost = false;
  readonly registered: Promise<void>;

  constructor(
    readonly id: string,
    private readonly jobMaster: (jobId: number) => JobMasterGateway | undefined,
    private readonly onLost: (id: string, reason: string) => void,
    state: TaskManagerStateConfig | null = null,
  ) {
    const workerData: TaskManagerWorkerData = { entry: entryUrl(), id, state };
    this.worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData, execArgv: [], name: id });
    this.worker.unref();
    let registered!: () => void, failed!: (e: Error) => void;
    this.registered = new Promise((res, rej) => { registered = res; failed = rej; });
    this.worker.on('message', (m: FromTaskExecutor) => {
      switch (m.type) {
        case 'registerTaskExecutor': registered(); return;
        case 'submitTaskResult': {
          const r = this.requests.get(m.requestId);
          this.requests.delete(m.requestId);
          if (m.error) r?.reject(deserializeError(m.error)); else r?.resolve();
          return;
        }
        case 'updateTaskExecutionState': this.jobMaster(m.update.jobId)?.updateTaskExecutionState(m.update); return;
        case 'acknowledgeBarrier': this.jobMaster(m.ack.jobId)?.acknowledgeBarrier(m.ack); return;
        case 'acknowledgeCheckpoint': this.jobMaster(m.ack.jobId)?.acknowledgeCheckpoint(m.ack); return;
        case 'declineCheckpoint': this.jobMaster(m.decline.jobId)?.declineCheckpoint(m.decline); return;
        case 'taskMetrics': for (const t of m.metrics) this.jobMaster(t.jobId)?.reportTaskMetrics(t); return;
        case 'taskManagerMetrics': this.metrics = m.metrics; this.lastHeartbeat = Date.now(); return;
      }
    });
    const lose = (reason: string) => {
      if (this.lost) return;
      this.lost = true;
      failed(new Error(reason));
      for (const r of this.requests.values()) r.reject(new Error(reason));
      this.requests.clear();
      this.onLost(this.id, reason);
    };
    this.worker.on('error', (e) => lose(`TaskManager ${id} crashed: ${e.message}`));
    this.worker.on('exit', (code) => lose(`TaskManager ${id} exited with code ${code}`));
  }

  get alive(): boolean { return !this.lost; }

  /** The latest memory report, and when it came (the worker's heartbeat). */
  metrics: TaskManagerMetrics | null = null;
  lastHeartbeat = Date.now();

  private post(m: ToTaskExecutor, transfer: MessagePort[] = []): void {
    if (!this.lost) this.worker.postMessage(m, transfer);
  }

  submitTask(tdd: TaskDeploymentDescriptor): Promise<void> {
    if (this.lost) return Promise.reject(new Error(`TaskManager ${this.id} is gone`));
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      // Like every gateway call in Flink, a deployment has a deadline: a wedged worker fails it.
      const timer = setTimeout(() => {
        this.requests.delete(requestId);
        reject(new SqlError(SqlState.QueryCanceled, `TaskManager ${this.id} did not deploy ${tdd.attemptId} within ${SUBMIT_TIMEOUT_MS / 1000} s`));
      }, SUBMIT_TIMEOUT_MS);
      timer.unref();
      this.requests.set(requestId, {
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.post({ type: 'submitTask', requestId, tdd }, portsOf(tdd));
    });
  }

  cancelTask(attemptId: string): void { this.post({ type: 'cancelTask', attemptId }); }
  triggerBarrier(attemptId: string, barrier: Barrier): void { this.post({ type: 'triggerBarrier', attemptId, barrier }); }
  releaseJob(jobId: number): void { this.post({ type: 'releaseJob', jobId }); }
  notifyCheckpointComplete(jobId: number, checkpointId: number): void { this.post({ type: 'notifyCheckpointComplete', jobId, checkpointId }); }
  notifyCheckpointAborted(jobId: number, checkpointId: number): void { this.post({ type: 'notifyCheckpointAborted', jobId, checkpointId }); }

  /** Stop the worker (server shutdown). */
  async terminate(): Promise<void> {
    this.lost = true;
    await this.worker.terminate();
  }

  /** How busy the worker's thread has been (0..1) since `since`, or since it started. */
  utilization(since?: ReturnType<Worker['performance']['eventLoopUtilization']>): ReturnType<Worker['performance']['eventLoopUtilization']> {
    return this.worker.performance.eventLoopUtilization(since);
  }

  /** Tests: kill the worker as a crash would (its jobs must fail, the server stay up). */
  killForTest(): void { void this.worker.terminate(); }
}

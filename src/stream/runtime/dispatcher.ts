// The JobManager's front door (Flink's Dispatcher): takes a job submission, derives its graph,
// starts a JobMaster for it on the cluster, and stops it again. One JobMaster per job; the
// dispatcher keeps no other state, so StreamingManager owns naming, epochs and SHOW JOBS.

import type { SqlError } from '../../errors.js';
import type { MiniCluster } from './cluster.js';
import { JobMaster, type JobMasterServices } from './job-master.js';
import { type PlannedJob, planJobToRestore } from './job-plan.js';
import type { JobSpec } from './messages.js';

export type JobSubmission = Omit<JobSpec, 'fingerprint'>;

export class Dispatcher {
  constructor(private readonly cluster: MiniCluster) {}

  /** Plan, schedule and deploy; resolves with the running JobMaster or rejects with the SqlError. */
  async submitJob(submission: JobSubmission, services: Omit<JobMasterServices, 'resourceManager'>): Promise<JobMaster> {
    let planned: PlannedJob;
    ({ submission, planned } = planJobToRestore(submission, services.checkpoint?.restoreFrom?.jobGraph));
    // TaskManagers boot (worker threads) while the JobMaster prepares its checkpoint storage.
    const taskManagersReady = this.cluster.ensureStarted();
    const jm = new JobMaster({ ...submission, fingerprint: planned.fingerprint }, planned, { ...services, resourceManager: this.cluster.resourceManager });
    this.cluster.registerJobMaster(jm);
    try {
      await jm.start(taskManagersReady);
    } catch (e) {
      void jm.terminated.then(() => this.cluster.unregisterJobMaster(jm.jobId));
      throw e as SqlError;
    }
    return jm;
  }

  /** Cancel; the JobMaster keeps hearing from its tasks until they all stopped (`jm.terminated`). */
  cancelJob(jm: JobMaster): Promise<void> {
    jm.cancel();
    return jm.terminated.then(() => this.cluster.unregisterJobMaster(jm.jobId));
  }
}

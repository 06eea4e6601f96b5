// The slots EXPLAIN (TYPE execution) shows: where a job's subtasks would be placed on an idle
// cluster of the configured TaskManagers (WEIR_TASK_MANAGERS × WEIR_SLOTS), asked of a fresh
// ResourceManager so the placement policy is the runtime's own. Slots held by running jobs are not
// counted, so the same statement explains the same way every time.

import type { JobGraph, SlotId } from '../../stream/graph/types.js';
import { requiredSlots } from '../../stream/graph/execution-graph.js';
import { clusterConfigFromEnv } from '../../stream/runtime/cluster.js';
import { ResourceManager } from '../../stream/runtime/resource-manager.js';
import type { TaskExecutorGateway } from '../../stream/runtime/gateways.js';

/** A TaskManager as far as slot planning needs it: an id and a slot report. It never runs tasks. */
class PlannedTaskManager implements TaskExecutorGateway {
  constructor(readonly id: string) {}
  submitTask(): Promise<void> { return Promise.reject(new Error(`${this.id} only exists to plan slots`)); }
  cancelTask(): void {}
  triggerBarrier(): void {}
  releaseJob(): void {}
  notifyCheckpointComplete(): void {}
  notifyCheckpointAborted(): void {}
}

export async function previewSlots(job: JobGraph): Promise<SlotId[]> {
  const config = clusterConfigFromEnv();
  const rm = new ResourceManager();
  for (let i = 1; i <= config.taskManagers; i++) rm.registerTaskExecutor(new PlannedTaskManager(`tm-${i}`), config.slotsPerTaskManager);
  return rm.requestSlots(0, requiredSlots(job));
}

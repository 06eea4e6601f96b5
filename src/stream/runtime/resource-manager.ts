// The slot pool (Flink's ResourceManager + SlotManager): TaskManagers register with a slot report,
// JobMasters request slots for their jobs and release them when the job ends. Slots are handed out
// spread over TaskManagers (the one with the most free slots first), so a job's parallel subtasks
// land in different worker threads and really run on different cores.

import { SqlError, SqlState } from '../../errors.js';
import type { SlotId } from '../graph/types.js';
import type { ResourceManagerGateway, TaskExecutorGateway } from './gateways.js';

interface Registered { readonly gateway: TaskExecutorGateway; readonly slots: (number | null)[] }

export class ResourceManager implements ResourceManagerGateway {
  private readonly tms = new Map<string, Registered>();

  registerTaskExecutor(gateway: TaskExecutorGateway, slots: number): void {
    this.tms.set(gateway.id, { gateway, slots: new Array<number | null>(slots).fill(null) });
  }

  unregisterTaskExecutor(id: string): number[] {
    const tm = this.tms.get(id);
    this.tms.delete(id);
    return tm ? [...new Set(tm.slots.filter((j): j is number => j !== null))] : [];
  }

  taskExecutor(id: string): TaskExecutorGateway | undefined { return this.tms.get(id)?.gateway; }

  get taskManagerCount(): number { return this.tms.size; }

  freeSlots(): number {
    let n = 0;
    for (const tm of this.tms.values()) for (const s of tm.slots) if (s === null) n++;
    return n;
  }

  async requestSlots(jobId: number, count: number): Promise<SlotId[]> {
    const free = this.freeSlots();
    if (free < count) {
      const total = [...this.tms.values()].reduce((n, tm) => n + tm.slots.length, 0);
      throw new SqlError(SqlState.InsufficientResources, `the job needs ${count} task slots but only ${free} of ${total} are free`, {
        hint: 'Lower streaming_parallelism, drop unused materialized views, or start Weir with more --task-managers / --slots.',
      });
    }
    const out: SlotId[] = [];
    for (let i = 0; i < count; i++) {
      let best: [string, Registered] | null = null;
      let bestFree = -1;
      for (const e of this.tms) {
        const f = e[1].slots.filter((s) => s === null).length;
        // Prefer TaskManagers this job does not use yet, then the emptiest.
        const fresh = out.some((s) => s.taskManager === e[0]) ? 0 : 1_000_000;
        if (f > 0 && f + fresh > bestFree) { best = e; bestFree = f + fresh; }
      }
      const [tmId, tm] = best!;
      const slot = tm.slots.indexOf(null);
      tm.slots[slot] = jobId;
      out.push({ taskManager: tmId, slot });
    }
    return out;
  }

  /** Per TaskManager: its slots and how many are free (the REST API's /taskmanagers). */
  slotReport(): { readonly id: string; readonly slots: number; readonly free: number }[] {
    return [...this.tms].map(([id, tm]) => ({ id, slots: tm.slots.length, free: tm.slots.filter((s) => s === null).length }));
  }

  /** The slots a job holds now. */
  slotsOf(jobId: number): SlotId[] {
    const out: SlotId[] = [];
    for (const [id, tm] of this.tms) tm.slots.forEach((j, slot) => { if (j === jobId) out.push({ taskManager: id, slot }); });
    return out;
  }

  releaseSlots(jobId: number): void {
    for (const tm of this.tms.values()) for (let i = 0; i < tm.slots.length; i++) if (tm.slots[i] === jobId) tm.slots[i] = null;
  }
}

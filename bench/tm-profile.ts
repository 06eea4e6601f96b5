// CPU profiles of the TaskManager worker threads over a stretch of a benchmark: with
// WEIR_TM_CPU_PROFILE=dir, worker-bootstrap.mjs starts and stops a profiler on each worker when
// told on the 'weir-tm-profile' channel and writes dir/<TaskManager id>.cpuprofile (node's
// --cpu-prof never reaches worker threads that are terminated).

import { availableParallelism } from 'node:os';
import { renameSync } from 'node:fs';
import { join } from 'node:path';

export interface TaskManagerProfiles {
  /** Write every TaskManager's profile; with a label, as dir/<label>-<TaskManager id>.cpuprofile. */
  stop(label?: string): Promise<void>;
}

/** Start profiling every TaskManager (null unless WEIR_TM_CPU_PROFILE names a directory). */
export function startTaskManagerProfiles(): TaskManagerProfiles | null {
  const dir = process.env.WEIR_TM_CPU_PROFILE;
  if (!dir) return null;
  const channel = new BroadcastChannel('weir-tm-profile');
  channel.postMessage('start');
  return {
    async stop(label) {
      const ids: string[] = [];
      const written = new Promise<void>((resolve) => {
        const taskManagers = Number(process.env.WEIR_TASK_MANAGERS ?? availableParallelism());
        channel.onmessage = ({ data }: MessageEvent<string>) => {
          ids.push(data.replace(/^written /, ''));
          if (ids.length === taskManagers) resolve();
        };
        setTimeout(resolve, 5000).unref();
      });
      channel.postMessage('stop');
      await written;
      channel.close();
      if (label) for (const id of ids) renameSync(join(dir, `${id}.cpuprofile`), join(dir, `${label}-${id}.cpuprofile`));
    },
  };
}

// Rescaling a job with an external sink: every old subtask's restored committables are settled
// exactly once, each under the identity of the old subtask that pre-committed them (its
// transactional id, its file), by the new subtask j mod (new parallelism).

import { describe, expect, it } from 'vitest';
import type { SinkCommittable, SinkWriter } from '../connectors/sink-writer.js';
import { ExternalSinkOperator } from './external-sink.js';
import type { TaskRestore } from './messages.js';
import { recoverSink } from './task-restore.js';

/** Each writer logs "identity: recovered committables". */
function sinkFor(subtask: number, parallelism: number, log: string[]): ExternalSinkOperator {
  const writer = (s: number, p: number): SinkWriter => ({
    write: () => undefined,
    preCommit: async (id) => ({ id }),
    commit: async () => undefined,
    recover: async (cs: readonly SinkCommittable[]) => { log.push(`${s}/${p}: ${cs.map((c) => (c as { id: string }).id).join(',')}`); },
    close: async () => undefined,
  });
  return new ExternalSinkOperator(writer(subtask, parallelism), true, writer);
}

const restore = (subtask: number, parallelism: number, oldParallelism: number): TaskRestore => ({
  checkpointId: 9, storageJob: 'j', since: 0, fullSnapshot: true,
  rescale: { from: Array.from({ length: oldParallelism }, (_, i) => ({ task: `1/${i}`, since: 0 })), subtask, parallelism, maxParallelism: 128 },
});

/** Old subtask i pre-committed "i.a" and "i.b". */
const committables = (oldParallelism: number): SinkCommittable[][] => Array.from({ length: oldParallelism }, (_, i) => [{ id: `${i}.a` }, { id: `${i}.b` }]);

describe('recovering a rescaled sink', () => {
  it('scaling 5 → 2: new subtask i settles old subtasks i, i+2, i+4 under their own identities', async () => {
    const log: string[][] = [[], []];
    for (const i of [0, 1]) await recoverSink(sinkFor(i, 2, log[i]), restore(i, 2, 5), committables(5));
    expect(log[0]).toEqual(['2/5: 2.a,2.b', '4/5: 4.a,4.b', '0/2: 0.a,0.b']);
    expect(log[1]).toEqual(['3/5: 3.a,3.b', '1/2: 1.a,1.b']);
  });

  it('scaling 2 → 3: the new subtask starts clean, the others take over their namesakes', async () => {
    const log: string[] = [];
    for (const i of [0, 1, 2]) await recoverSink(sinkFor(i, 3, log), restore(i, 3, 2), committables(2));
    expect(log).toEqual(['0/3: 0.a,0.b', '1/3: 1.a,1.b', '2/3: ']);
  });

  it('without rescaling, recovers the task\'s own committables', async () => {
    const log: string[] = [];
    const { rescale: _, ...same } = restore(1, 2, 2);
    await recoverSink(sinkFor(1, 2, log), same, [[{ id: 'x' }]]);
    expect(log).toEqual(['1/2: x']);
  });
});

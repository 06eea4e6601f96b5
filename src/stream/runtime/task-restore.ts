// A task's part of recovery (Flink's restore of an OperatorSubtaskState): before the task reads
// its first record, its operators' state tables are reloaded from the checkpoint the JobMaster
// chose, its source reader seeks to the position the checkpoint recorded, and its sink commits
// the transactions the checkpoint pre-committed (read from the task's state, after fencing
// whatever a previous attempt left open). Only then does the task start.

import { SqlError, SqlState } from '../../errors.js';
import type { MemoryStateBackend } from '../state/memory-state.js';
import type { SourceSplitReader } from '../connectors/source-reader.js';
import type { ExternalSinkOperator } from './external-sink.js';
import type { OperatorChain } from './operator-chain.js';
import type { TaskRestore } from './messages.js';
import type { KeyOwnership } from '../operators/operator.js';
import type { Row } from '../../types/value.js';
import { hashKey } from '../graph/key-hash.js';
import { keyGroupFor, subtaskForKeyGroup } from '../graph/key-groups.js';
import { SINK_COMMITTABLES_KEY, checkpointStore } from './task-checkpoint.js';
import type { SinkCommittable } from '../connectors/sink-writer.js';

export interface RestoreTarget {
  /** "<vertexId>/<subtask>": the task's prefix in the checkpointed state. */
  readonly taskKey: string;
  readonly dataDir: string;
  /** Stateful operators' backends by chain index (holes for stateless ones). */
  readonly backends: readonly (MemoryStateBackend | undefined)[];
  readonly chain: OperatorChain;
  readonly reader: SourceSplitReader | null;
  readonly sink: ExternalSinkOperator | null;
  /** Spill state if the TaskManager is over its memory budget (state-memory.ts). */
  readonly relieve?: () => void;
}

/** Restored entries between two checks of the memory budget. */
const RELIEVE_EVERY = 10_000;

/** Reload state, seek the source, settle the sink; returns the number of state entries loaded. */
export async function restoreTask(t: RestoreTarget, r: TaskRestore): Promise<number> {
  const store = await checkpointStore(t.dataDir);
  // Rescaling reads every old subtask of the vertex; otherwise the task reads its own state.
  const sources = r.rescale?.from ?? [{ task: t.taskKey, since: r.since }];
  let loaded = 0;
  // The sink's committables, per old subtask (in subtask order).
  const committables: SinkCommittable[][] = sources.map(() => []);
  for (const [index, source] of sources.entries()) {
    const prefix = `${source.task}/`;
    // Keys are <operator index>/<table name>/<full key> below the task's prefix (task-checkpoint.ts).
    await store.eachState(r.storageJob, r.checkpointId, prefix, source.since, (key, text) => {
      if (key === prefix + SINK_COMMITTABLES_KEY) { committables[index] = JSON.parse(text) as SinkCommittable[]; return; }
      const a = key.indexOf('/', prefix.length);
      const b = a < 0 ? -1 : key.indexOf('/', a + 1);
      const op = Number(key.slice(prefix.length, a));
      const backend = b < 0 ? undefined : t.backends[op];
      if (!backend) throw new SqlError(SqlState.InternalError, `checkpoint ${r.checkpointId} holds state "${key}" for no stateful operator of task ${t.taskKey}: the job's graph changed since`);
      // Kept encoded: decoded when an operator first touches it (memory-state.ts).
      backend.restoreEncoded(key.slice(a + 1, b), key.slice(b + 1), text);
      // State larger than the memory budget: spill restored entries as they come in.
      if (++loaded % RELIEVE_EVERY === 0) t.relieve?.();
    });
  }
  t.chain.restoreState(r.rescale ? ownedBy(r.rescale) : null);
  if (r.position !== undefined && r.position !== null) {
    if (!t.reader) throw new SqlError(SqlState.InternalError, `checkpoint ${r.checkpointId} holds a source position for task ${t.taskKey}, which reads no source`);
    t.reader.seek(r.position);
  }
  if (t.sink) await recoverSink(t.sink, r, committables);
  return loaded;
}

/**
 * Settle the sink's restored committables. Rescaled, new subtask i settles every old subtask j
 * with j mod (new parallelism) = i, each under j's identity (its transactional id, its file),
 * and its own writer takes over its old namesake's — or starts clean if there was none.
 */
export async function recoverSink(sink: ExternalSinkOperator, r: TaskRestore, committables: readonly SinkCommittable[][]): Promise<void> {
  if (!r.rescale) { await sink.recover(committables[0]); return; }
  const { subtask, parallelism } = r.rescale;
  const old = committables.length;
  for (let j = subtask + parallelism; j < old; j += parallelism) await sink.recoverAs(j, old, committables[j]);
  await sink.recover(subtask < old ? committables[subtask] : []);
}

/** The keys a hash exchange routes to this subtask at its new parallelism. */
function ownedBy(r: { readonly subtask: number; readonly parallelism: number; readonly maxParallelism: number }): KeyOwnership {
  return (key) => subtaskForKeyGroup(keyGroupFor(hashKey(key as Row, key.map((_, i) => i)), r.maxParallelism), r.parallelism, r.maxParallelism) === r.subtask;
}

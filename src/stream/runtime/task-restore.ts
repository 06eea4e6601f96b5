// A task's part of recovery (Flink's restore of an OperatorSubtaskState): before the task reads
// its first record, its operators' state tables are reloaded from the checkpoint the JobMaster
// chose, its source reader seeks to the position the checkpoint recorded, and its sink commits
// the transactions the checkpoint pre-committed (read from the task's state, after fencing
// whatever a previous attempt left open). Only then does the task start.
//
// When the task's latest-state keyspace reflects exactly that checkpoint (the usual case: the
// latest one, confirmed), the tables are restored *lazily*: only scoped keys and resident tables
// are read now, every other key on first use (checkpoint/latest-state.ts). Otherwise the versioned
// state is loaded in full, and the task's checkpointer writes the keyspace again once it runs.

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
  /** The running job's key in checkpoint storage (its latest-state keyspace is under it). */
  readonly storageJob: string;
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

/**
 * Reload state, seek the source, settle the sink. Returns the state entries loaded now, whether
 * the rest is read lazily, and whether the latest-state keyspace must be written again (an eager
 * restore of the task's own checkpoint; rescaled and foreign restores write a full snapshot next).
 */
export async function restoreTask(t: RestoreTarget, r: TaskRestore): Promise<{ entries: number; lazy: boolean; rebuildLatest: boolean }> {
  const store = await checkpointStore(t.dataDir);
  const latest = store.latestState;
  const own = !r.rescale && !r.fullSnapshot && r.storageJob === t.storageJob;
  const lazy = own && (await latest.mark(t.storageJob, t.taskKey)) === r.checkpointId;
  // Rescaling reads every old subtask of the vertex; otherwise the task reads its own state.
  const sources = r.rescale?.from ?? [{ task: t.taskKey, since: r.since }];
  let loaded = 0;
  const backendOf = (op: number, key: string) => {
    const backend = t.backends[op];
    if (!backend) throw new SqlError(SqlState.InternalError, `checkpoint ${r.checkpointId} holds state "${key}" for no stateful operator of task ${t.taskKey}: the job's graph changed since`);
    return backend;
  };
  // The sink's committables, per old subtask (in subtask order).
  const committables: SinkCommittable[][] = sources.map(() => []);
  const readCommittables = (key: string, text: string, index: number, prefix: string) => {
    if (key !== prefix + SINK_COMMITTABLES_KEY) return false;
    committables[index] = JSON.parse(text) as SinkCommittable[];
    return true;
  };
  if (lazy) {
    await latest.eachEager(t.storageJob, t.taskKey, (op, table, fullKey, text) => {
      backendOf(op, `${op}/${table}/${fullKey}`).restoreEncoded(table, fullKey, text);
      if (++loaded % RELIEVE_EVERY === 0) t.relieve?.();
    });
    t.backends.forEach((b, op) => b?.restoreLazily((table) => latest.table(t.storageJob, t.taskKey, op, table)));
    const prefix = `${t.taskKey}/sink/`;
    await store.eachState(r.storageJob, r.checkpointId, prefix, r.since, (key, text) => { readCommittables(key, text, 0, `${t.taskKey}/`); });
  } else {
    for (const [index, source] of sources.entries()) {
      const prefix = `${source.task}/`;
      // Keys are <operator index>/<table name>/<full key> below the task's prefix (task-checkpoint.ts).
      await store.eachState(r.storageJob, r.checkpointId, prefix, source.since, (key, text) => {
        if (readCommittables(key, text, index, prefix)) return;
        const a = key.indexOf('/', prefix.length);
        const b = a < 0 ? -1 : key.indexOf('/', a + 1);
        const backend = backendOf(b < 0 ? NaN : Number(key.slice(prefix.length, a)), key);
        // Kept encoded: decoded when an operator first touches it (memory-state.ts).
        backend.restoreEncoded(key.slice(a + 1, b), key.slice(b + 1), text);
        // State larger than the memory budget: spill restored entries as they come in.
        if (++loaded % RELIEVE_EVERY === 0) t.relieve?.();
      });
    }
  }
  t.chain.restoreState(r.rescale ? ownedBy(r.rescale) : null);
  if (r.position !== undefined && r.position !== null) {
    if (!t.reader) throw new SqlError(SqlState.InternalError, `checkpoint ${r.checkpointId} holds a source position for task ${t.taskKey}, which reads no source`);
    t.reader.seek(r.position);
  }
  if (t.sink) await recoverSink(t.sink, r, committables);
  return { entries: loaded, lazy, rebuildLatest: own && !lazy };
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

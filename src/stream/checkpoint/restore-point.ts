// Which checkpoint a starting job restores from (Flink's `-s <path>` and its recovery rule).
//   restart after a crash or a failover: the job's latest completed checkpoint (the latest
//     non-savepoint when checkpoint.prefer_checkpoint_for_recovery is on), if it has one;
//   CREATE … WITH (restore.from = 'chk-10' | 'savepoint-3' | '<external path>'): that one, which
//     may belong to another job (a path ends in …/<job>/chk-<id>, as SHOW CHECKPOINTS prints it).
// Connector sources rewind to their recorded positions. Tables and views keep no change history,
// so their sources instead checkpoint the rows they delivered and, restored, deliver only the
// difference to the current rows (operators/table-image.ts): tables are durable, and the views a
// job reads are restored before it. Only VALUES cannot say whether it already ran, so a job
// reading it restarts empty.

import { basename, dirname } from 'node:path';
import { SqlError, SqlState } from '../../errors.js';
import type { RelationDef } from '../../catalog/catalog.js';
import { type StreamNode, streamInputs } from '../plan/stream-plan.js';
import type { CheckpointConfig } from './checkpoint-config.js';
import type { LevelCheckpointStorage } from './level-checkpoint-storage.js';
import { STATE_FORMAT, type CompletedCheckpoint } from './types.js';

export const RESTORE_FROM_OPTION = 'restore.from';

/** The first source of the plan that cannot be rewound to a checkpointed position, if any. */
export function unreplayableSource(n: StreamNode): StreamNode | undefined {
  if (n.op === 'values') return n;
  for (const c of streamInputs(n)) { const u = unreplayableSource(c); if (u) return u; }
  return undefined;
}


/** How a job starts: empty (or from restore.from), from its latest checkpoint, or from a chosen one. */
export type Recovery = 'fresh' | 'latest' | CompletedCheckpoint;

export async function chooseRestorePoint(
  storage: LevelCheckpointStorage, storageJob: string, rel: RelationDef, plan: StreamNode, config: CheckpointConfig, recovery: Recovery,
): Promise<CompletedCheckpoint | null> {
  const blocker = unreplayableSource(plan);
  const tables = readsTable(plan);
  if (typeof recovery === 'object') {
    if (blocker) throw notReplayable(blocker);
    return usable(recovery, tables);
  }
  const ref = rel.options?.[RESTORE_FROM_OPTION];
  if (recovery === 'latest') {
    if (blocker) return null;
    const latest = await storage.latest(storageJob, config.preferCheckpointForRecovery);
    // A job over tables whose checkpoint predates table images restarts empty, as it did then.
    if (latest) return tables && (latest.stateFormat ?? 1) < STATE_FORMAT ? null : latest;
  }
  if (ref === undefined) return null;
  if (blocker) throw notReplayable(blocker);
  return usable(await findCheckpoint(storage, storageJob, ref), tables);
}

function readsTable(n: StreamNode): boolean {
  return n.op === 'tableSource' || streamInputs(n).some(readsTable);
}

/** A chosen checkpoint of a job over tables must have been written with table images. */
function usable(c: CompletedCheckpoint, tables: boolean): CompletedCheckpoint {
  if (tables && (c.stateFormat ?? 1) < STATE_FORMAT) {
    throw new SqlError(SqlState.ObjectNotInPrerequisiteState, `checkpoint ${c.checkpointId} was taken before jobs over tables kept their table's rows, and cannot restore this job`,
      { hint: 'create the job without restore.from: it recomputes from the tables' });
  }
  return c;
}

function notReplayable(_blocker: StreamNode): SqlError {
  return new SqlError(SqlState.FeatureNotSupported, `restoring from a checkpoint needs a job whose sources can all be rewound, but it reads VALUES`,
    { hint: 'a job over VALUES recomputes its rows instead' });
}

/** 'chk-10' / 'savepoint-3' of `ownJob`, or an external path naming its job. */
export async function findCheckpoint(storage: LevelCheckpointStorage, ownJob: string, ref: string): Promise<CompletedCheckpoint> {
  const name = basename(ref.replace(/\/+$/, ''));
  if (!/^(chk|savepoint)-\d+$/.test(name)) {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid ${RESTORE_FROM_OPTION}: "${ref}"`, { hint: "name a checkpoint as 'chk-10', 'savepoint-3', or by the path SHOW CHECKPOINTS prints" });
  }
  const job = name === ref ? ownJob : basename(dirname(ref.replace(/\/+$/, '')));
  const found = await storage.find(job, name);
  if (!found || (found.isSavepoint !== name.startsWith('savepoint'))) {
    throw new SqlError(SqlState.UndefinedObject, `checkpoint "${ref}" does not exist`, { hint: 'SHOW CHECKPOINTS lists the retained ones' });
  }
  return found;
}

// Which checkpoint a job restores from, for jobs over tables: only checkpoints written since table
// sources keep their image (stateFormat 2) hold the state such a job needs at the indexes it uses.
// An older one is passed over on a restart (the job recomputes, as it always did) and refused
// when named.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../../types/datatype.js';
import type { RelationDef } from '../../catalog/catalog.js';
import type { StreamNode } from '../plan/stream-plan.js';
import { DEFAULT_CHECKPOINT_CONFIG } from './checkpoint-config.js';
import { LevelCheckpointStorage } from './level-checkpoint-storage.js';
import { chooseRestorePoint } from './restore-point.js';
import { STATE_FORMAT, type CompletedCheckpoint } from './types.js';

let dir: string;
let store: LevelCheckpointStorage;
beforeAll(async () => { dir = mkdtempSync(join(tmpdir(), 'weir-restore-point-')); store = await LevelCheckpointStorage.open(dir); });
afterAll(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });

const columns = [{ name: 'k', type: T.int4 }];
const overTable: StreamNode = { op: 'tableSource', id: 1, columns, changelog: 'retract', tableOid: 99, name: 't' };
const overSource: StreamNode = { op: 'connectorSource', id: 1, columns, changelog: 'append-only', sourceOid: 98, name: 's', connector: 'datagen', options: {} };
const rel = (options: Record<string, string> = {}) => ({ oid: 1, name: 'v', options } as unknown as RelationDef);
const meta = (job: string, id: number, stateFormat?: number): CompletedCheckpoint => ({
  jobId: job, checkpointId: id, isSavepoint: false, triggeredAt: id, completedAt: id, tasks: {}, sizeBytes: 0, externalPath: store.externalPath(job, id, false), stateFormat,
});

describe('chooseRestorePoint', () => {
  it('passes over a pre-image checkpoint for a job over tables, and uses it for other jobs', async () => {
    await store.writeCompleted(meta('old', 3));
    expect(await chooseRestorePoint(store, 'old', rel(), overTable, DEFAULT_CHECKPOINT_CONFIG, 'latest')).toBeNull();
    expect((await chooseRestorePoint(store, 'old', rel(), overSource, DEFAULT_CHECKPOINT_CONFIG, 'latest'))?.checkpointId).toBe(3);
    await expect(chooseRestorePoint(store, 'old', rel({ 'restore.from': 'chk-3' }), overTable, DEFAULT_CHECKPOINT_CONFIG, 'fresh')).rejects.toMatchObject({ code: '55000' });
  });

  it('restores a job over tables from a checkpoint written with table images', async () => {
    await store.writeCompleted(meta('new', 4, STATE_FORMAT));
    expect((await chooseRestorePoint(store, 'new', rel(), overTable, DEFAULT_CHECKPOINT_CONFIG, 'latest'))?.checkpointId).toBe(4);
  });
});

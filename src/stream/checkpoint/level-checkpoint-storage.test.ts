import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_MIN_CHARS } from './blob-files.js';
import { LevelCheckpointStorage } from './level-checkpoint-storage.js';
import { StateDeltaBuilder, type StateDelta } from './state-delta.js';
import type { CompletedCheckpoint } from './types.js';

let dir: string;
let store: LevelCheckpointStorage;
beforeAll(async () => { dir = mkdtempSync(join(tmpdir(), 'weir-chk-')); store = await LevelCheckpointStorage.open(dir); });
afterAll(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });

const meta = (jobId: string, id: number, isSavepoint = false): CompletedCheckpoint => ({
  jobId, checkpointId: id, isSavepoint, triggeredAt: id, completedAt: id + 1, tasks: {}, sizeBytes: 0, externalPath: store.externalPath(jobId, id, isSavepoint),
});

function delta(entries: readonly (readonly [string, string | null])[]): StateDelta {
  const b = new StateDeltaBuilder();
  for (const [k, v] of entries) b.add(k, v);
  return b.finish();
}

describe('LevelCheckpointStorage', () => {
  it('reads state as of any checkpoint from incremental deltas', async () => {
    await store.writeState('j1', 1, [['op/a', '1'], ['op/b', '2']]);
    await store.writeState('j1', 2, [['op/a', '10'], ['op/c', '3']]);
    await store.writeState('j1', 3, [['op/b', null]]);
    const at = async (id: number) => Object.fromEntries(await store.readState('j1', id, 'op/'));
    expect(await at(1)).toEqual({ 'op/a': '1', 'op/b': '2' });
    expect(await at(2)).toEqual({ 'op/a': '10', 'op/b': '2', 'op/c': '3' });
    expect(await at(3)).toEqual({ 'op/a': '10', 'op/c': '3' });
    expect(await store.readState('j10', 3, 'op/')).toEqual(new Map()); // job ids do not prefix each other
  });

  it('subsumes old checkpoints but keeps every version a retained one reads', async () => {
    for (let id = 1; id <= 3; id++) await store.writeCompleted(meta('j1', id));
    await store.subsume('j1', 2);
    expect((await store.completed('j1')).map((c) => c.checkpointId)).toEqual([2, 3]);
    expect(Object.fromEntries(await store.readState('j1', 2, 'op/'))).toEqual({ 'op/a': '10', 'op/b': '2', 'op/c': '3' });
    expect(Object.fromEntries(await store.readState('j1', 3, 'op/'))).toEqual({ 'op/a': '10', 'op/c': '3' });
  });

  it('keeps, for an old savepoint, only the versions it reads, not every version written since', async () => {
    for (let id = 1; id <= 7; id++) await store.writeState('j5', id, [['k', `v${id}`], ...(id === 1 ? [['z', 'once'] as const] : [])]);
    await store.writeCompleted(meta('j5', 1, true));
    for (let id = 2; id <= 6; id++) { await store.writeCompleted(meta('j5', id)); await store.subsume('j5', 2); }
    // Kept: savepoint 1 and checkpoints 5, 6; 7 is in progress (no metadata yet).
    expect((await store.completed('j5')).map((c) => c.checkpointId)).toEqual([1, 5, 6]);
    const at = async (id: number) => Object.fromEntries(await store.readState('j5', id, ''));
    expect(await at(1)).toEqual({ k: 'v1', z: 'once' });
    expect(await at(5)).toEqual({ k: 'v5', z: 'once' });
    expect(await at(6)).toEqual({ k: 'v6', z: 'once' });
    expect(await at(7)).toEqual({ k: 'v7', z: 'once' });
    expect(await store.countVersions('j5')).toBe(5); // k: v1, v5, v6, v7; z: once
  });

  it('lazily: drops old metadata at once, scans the state only once checkpoints wrote enough since the last scan', async () => {
    const withSize = (id: number, sizeBytes: number): CompletedCheckpoint => ({ ...meta('j6', id), sizeBytes });
    await store.writeState('j6', 1, [['k', 'v1']]);
    await store.writeCompleted(withSize(1, 10));
    await store.subsume('j6', 1, true); // a new job's first checkpoint: nothing to collect, no scan
    for (let id = 2; id <= 4; id++) {
      await store.writeState('j6', id, [['k', `v${id}`]]);
      await store.writeCompleted(withSize(id, 1000));
      await store.subsume('j6', 1, true);
    }
    // Metadata of 1–3 is gone, their versions stay (3 kB written since the scan: below the threshold).
    expect((await store.completed('j6')).map((c) => c.checkpointId)).toEqual([4]);
    expect(await store.countVersions('j6')).toBe(4);
    expect(Object.fromEntries(await store.readState('j6', 4, ''))).toEqual({ k: 'v4' });
    // A checkpoint that wrote more than the state's size (and the 4 MB floor) triggers the scan.
    await store.writeState('j6', 5, [['k', 'v5']]);
    await store.writeCompleted(withSize(5, 5 * 1024 * 1024));
    await store.subsume('j6', 1, true);
    expect(await store.countVersions('j6')).toBe(1);
    expect(Object.fromEntries(await store.readState('j6', 5, ''))).toEqual({ k: 'v5' });
  });

  it('lazily: scans at once a job this process did not see start (restarted, its old versions may still be there)', async () => {
    for (let id = 1; id <= 3; id++) {
      await store.writeState('j8', id, [['k', `v${id}`]]);
      await store.writeCompleted(meta('j8', id));
    }
    await store.subsume('j8', 1, true);
    expect(await store.countVersions('j8')).toBe(1);
    expect(Object.fromEntries(await store.readState('j8', 3, ''))).toEqual({ k: 'v3' });
  });

  it('discards a failed checkpoint and prefers a checkpoint over a newer savepoint when asked', async () => {
    await store.writeState('j2', 1, [['k', 'one']]);
    await store.writeCompleted(meta('j2', 1));
    await store.writeState('j2', 2, [['k', 'two']]);
    await store.discard('j2', 2);
    expect(Object.fromEntries(await store.readState('j2', 5, ''))).toEqual({ k: 'one' });
    await store.writeCompleted(meta('j2', 3, true));
    expect((await store.latest('j2', true))!.checkpointId).toBe(1);
    expect((await store.latest('j2', false))!.checkpointId).toBe(3);
    expect((await store.find('j2', store.externalPath('j2', 3, true)))!.isSavepoint).toBe(true);
    expect((await store.find('j2', 'chk-1'))!.checkpointId).toBe(1);
    expect(await store.find('j2', 'chk-7')).toBeNull();
    await store.dropJob('j2');
    expect(await store.completed('j2')).toEqual([]);
  });

  it('reads a task from its last full snapshot on (keys an earlier task of the same name left are not its state)', async () => {
    await store.writeState('j3', 1, [['t/a', 'old'], ['t/b', 'old']]);
    await store.writeState('j3', 4, [['t/a', 'full']]); // rescaled: a full snapshot at 4 holds only a
    await store.writeState('j3', 5, [['t/c', 'new']]);
    expect(Object.fromEntries(await store.readState('j3', 5, 't/', 4))).toEqual({ 't/a': 'full', 't/c': 'new' });
    expect(Object.fromEntries(await store.readState('j3', 5, 't/'))).toEqual({ 't/a': 'full', 't/b': 'old', 't/c': 'new' });
  });

  it('abandons everything after the checkpoint a job restores from, and keeps savepoints when dropping checkpoints', async () => {
    await store.writeState('j4', 1, [['k', 'one']]);
    await store.writeCompleted(meta('j4', 1));
    await store.writeState('j4', 2, [['k', 'two']]);
    await store.writeCompleted(meta('j4', 2, true));
    await store.writeState('j4', 3, [['k', 'three']]);
    await store.writeCompleted(meta('j4', 3));
    await store.reserveIds('j4', 4); // 4 was in progress when the job died
    await store.writeState('j4', 4, [['k', 'four'], ['extra', 'x']]);
    // Restoring 2: 3 (completed) and 4 (never completed) are abandoned; numbering goes on at 5.
    expect(await store.abandonAfter('j4', 2)).toBe(5);
    expect((await store.completed('j4')).map((c) => c.checkpointId)).toEqual([1, 2]);
    expect(Object.fromEntries(await store.readState('j4', 9, ''))).toEqual({ k: 'two' });
    // The restored job's next checkpoint reads its own versions and nothing abandoned.
    await store.writeState('j4', 5, [['k', 'five']]);
    await store.writeCompleted(meta('j4', 5));
    expect(Object.fromEntries(await store.readState('j4', 5, ''))).toEqual({ k: 'five' });
    // The next scan removes the abandoned versions for good.
    await store.subsume('j4', 1);
    expect(await store.countVersions('j4')).toBe(2); // k: two (savepoint 2), five
    expect(Object.fromEntries(await store.readState('j4', 5, ''))).toEqual({ k: 'five' });
    await store.dropCheckpoints('j4');
    expect((await store.completed('j4')).map((c) => c.checkpointId)).toEqual([2]);
    expect(Object.fromEntries(await store.readState('j4', 2, ''))).toEqual({ k: 'two' });
  });

  it('a discarded checkpoint stays invisible to later checkpoints that did not rewrite its keys', async () => {
    await store.writeState('j7', 1, [['a', '1'], ['b', '1']]);
    await store.writeCompleted(meta('j7', 1));
    await store.writeState('j7', 2, [['a', 'failed'], ['c', 'failed']]);
    await store.discard('j7', 2);
    await store.writeState('j7', 3, [['b', '3']]);
    await store.writeCompleted(meta('j7', 3));
    expect(Object.fromEntries(await store.readState('j7', 3, ''))).toEqual({ a: '1', b: '3' });
    // A restore of 3 continues after 3 (nothing newer was triggered).
    expect(await store.abandonAfter('j7', 3)).toBe(4);
  });

  describe('large values in blob files', () => {
    // Values of BLOB_MIN_CHARS or more go to files; non-ASCII text checks byte offsets.
    const big = (tag: string, n = 200) => JSON.stringify(`${tag}:${'é✓'.repeat(3)}${'x'.repeat(n)}`);
    const files = async (jobId: string) => (await store.blobs.list(jobId)).map((f) => f.checkpointId).sort((a, b) => a - b);

    it('are read back as written, at any checkpoint, with small ones kept in LevelDB', async () => {
      expect(big('a').length).toBeGreaterThanOrEqual(BLOB_MIN_CHARS);
      await store.writeState('b1', 1, [['a', big('a1')], ['b', big('b1', 2000)], ['small', '"s"']]);
      await store.writeState('b1', 2, [['a', big('a2')], ['b', null]]);
      expect(Object.fromEntries(await store.readState('b1', 1, ''))).toEqual({ a: big('a1'), b: big('b1', 2000), small: '"s"' });
      expect(Object.fromEntries(await store.readState('b1', 2, ''))).toEqual({ a: big('a2'), small: '"s"' });
      expect(await files('b1')).toEqual([1, 2]);
    });

    it('are read lazily through the latest-state keyspace', async () => {
      await store.writeState('b2', 1, [['1/0/0/t/a', big('lazy')]]);
      await store.latestState.apply('b2', '1/0', 1, [delta([['1/0/0/t/a', big('lazy')]])], false, () => false);
      expect(store.latestState.table('b2', '1/0', 0, 't').read('a')).toBe(big('lazy'));
    });

    it('go when no kept checkpoint reads them: a lazy scan deletes a dead file at the next scan', async () => {
      await store.writeState('b3', 1, [['a', big('a1')]]);
      await store.writeCompleted(meta('b3', 1));
      await store.writeState('b3', 2, [['a', big('a2')]]);
      await store.writeCompleted(meta('b3', 2));
      await store.subsume('b3', 1, true); // first scan of this job in this process: 1's file found dead
      expect(await files('b3')).toEqual([1, 2]);
      await store.writeState('b3', 3, [['a', big('a3')]]);
      await store.writeCompleted({ ...meta('b3', 3), sizeBytes: 8 * 1024 * 1024 });
      await store.subsume('b3', 1, true);
      expect(await files('b3')).toEqual([2, 3]); // 1 was found dead twice; 2 is found dead now
      await store.writeCompleted({ ...meta('b3', 4), sizeBytes: 8 * 1024 * 1024 }); // wrote no large value
      await store.subsume('b3', 1, true);
      expect(await files('b3')).toEqual([3]);
      expect(Object.fromEntries(await store.readState('b3', 3, ''))).toEqual({ a: big('a3') });
    });

    it('of a mostly dead file move to a new one, and read the same', async () => {
      const keys = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
      await store.writeState('b4', 1, keys.map((k) => [k, big(k + '@1')] as const));
      await store.writeCompleted(meta('b4', 1));
      // Checkpoint 2 rewrites all but two keys: file 1 keeps a tenth of its values alive.
      await store.writeState('b4', 2, keys.slice(2).map((k) => [k, big(k + '@2')] as const));
      await store.writeCompleted(meta('b4', 2));
      const expected = Object.fromEntries(keys.map((k, i) => [k, big(k + (i < 2 ? '@1' : '@2'))]));
      await store.subsume('b4', 1);
      expect(Object.fromEntries(await store.readState('b4', 2, ''))).toEqual(expected);
      const sizes = await store.blobs.list('b4');
      expect(sizes).toHaveLength(3); // 1 (now dead), 2, and the two live values of 1 moved to a file of their own
      await store.subsume('b4', 1);
      const after = await store.blobs.list('b4');
      expect(after).toHaveLength(2);
      expect(Math.min(...after.map((f) => f.bytes))).toBeLessThan(Math.max(...sizes.map((f) => f.bytes)) / 5);
      expect(Object.fromEntries(await store.readState('b4', 2, ''))).toEqual(expected);
    });

    it('of many small live files are merged into one', async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}`);
      for (const [i, k] of keys.entries()) { // state only ever added to: each file stays fully alive
        await store.writeState('b6', i + 1, [[k, big(k)]]);
        await store.writeCompleted(meta('b6', i + 1));
      }
      expect(await files('b6')).toHaveLength(40);
      await store.subsume('b6', 1);
      await store.subsume('b6', 1); // the merged files are dead now, and go
      expect(await files('b6')).toEqual([40]);
      expect(Object.fromEntries(await store.readState('b6', 40, ''))).toEqual(Object.fromEntries(keys.map((k) => [k, big(k)])));
    });

    it('go with their job', async () => {
      await store.writeState('b5', 1, [['a', big('a')]]);
      expect(await files('b5')).toEqual([1]);
      await store.dropJob('b5');
      expect(await files('b5')).toEqual([]);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { insertChunk } from '../chunk.js';
import type { SinkCommittable, SinkWriter } from '../connectors/sink-writer.js';
import { ExternalSinkOperator } from './external-sink.js';

/** A writer that records what it was asked, in order. */
function recordingWriter(log: string[]): SinkWriter {
  return {
    write: (c) => { log.push(`write ${c.rows.length}`); },
    preCommit: async (id) => { log.push(`preCommit ${id}`); return { txn: id }; },
    commit: async (c: SinkCommittable) => { log.push(`commit ${(c as { txn: number }).txn}`); },
    recover: async () => undefined,
    close: async () => undefined,
  };
}

const out = { emit: () => undefined };
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('ExternalSinkOperator with checkpointing', () => {
  it('pre-commits on checkpoint barriers only and commits when the checkpoint completes', async () => {
    const log: string[] = [];
    const op = new ExternalSinkOperator(recordingWriter(log), true);
    op.processChunk(insertChunk([[1]]));
    op.processBarrier({ epoch: 1 }, out);
    expect(op.takeCommit()).toBeNull(); // a plain barrier is acknowledged at once, nothing commits
    op.processBarrier({ epoch: 2, checkpointId: 7 }, out);
    const acked = op.takeCommit()!;
    let done = false;
    void acked.then(() => { done = true; });
    expect(await op.preCommitted(7)).toEqual([{ txn: 7 }]);
    await tick();
    expect(done).toBe(false);
    expect(log).toEqual(['write 1', 'preCommit 7']);
    op.notifyCheckpointComplete(7);
    await acked;
    expect(log).toEqual(['write 1', 'preCommit 7', 'commit 7']);
  });

  it('commits an aborted checkpoint\'s transaction with the next completed one, in order', async () => {
    const log: string[] = [];
    const op = new ExternalSinkOperator(recordingWriter(log), true);
    op.processBarrier({ epoch: 1, checkpointId: 1 }, out);
    const first = op.takeCommit()!;
    op.notifyCheckpointAborted(1);
    await first; // the barrier is acknowledged, but nothing committed
    expect(log).toEqual(['preCommit 1']);
    op.processBarrier({ epoch: 2, checkpointId: 2 }, out);
    const second = op.takeCommit()!;
    // Checkpoint 2 records both: a crash after it completes must still commit the first.
    expect(await op.preCommitted(2)).toEqual([{ txn: 1 }, { txn: 2 }]);
    op.notifyCheckpointComplete(2);
    await second;
    expect(log).toEqual(['preCommit 1', 'preCommit 2', 'commit 1', 'commit 2']);
  });

  it('keeps a checkpoint\'s transaction in later checkpoints until its commit has finished', async () => {
    const log: string[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((r) => { release = r; });
    const writer = { ...recordingWriter(log), commit: async (c: SinkCommittable) => { await blocked; log.push(`commit ${(c as { txn: number }).txn}`); } };
    const op = new ExternalSinkOperator(writer, true);
    op.processBarrier({ epoch: 1, checkpointId: 1 }, out);
    const first = op.takeCommit()!;
    op.notifyCheckpointComplete(1); // the commit starts and hangs
    op.processBarrier({ epoch: 2, checkpointId: 2 }, out);
    expect(await op.preCommitted(2)).toEqual([{ txn: 1 }, { txn: 2 }]);
    op.notifyCheckpointComplete(1); // a repeated notice starts no second commit
    release();
    await first;
    op.processBarrier({ epoch: 3, checkpointId: 3 }, out);
    expect(await op.preCommitted(3)).toEqual([{ txn: 2 }, { txn: 3 }]);
    expect(log).toEqual(['preCommit 1', 'preCommit 2', 'commit 1', 'preCommit 3']);
  });

  it('without checkpointing commits every barrier at once', async () => {
    const log: string[] = [];
    const op = new ExternalSinkOperator(recordingWriter(log), false);
    op.processBarrier({ epoch: 4 }, out);
    await op.takeCommit();
    expect(log).toEqual(['preCommit 4', 'commit 4']);
  });
});

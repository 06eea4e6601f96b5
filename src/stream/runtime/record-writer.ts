// The output side of a task: its chain's last output goes to one result partition per outgoing
// edge, where the edge's partitioner picks each row's consumer subtask (hash by key group,
// forward, broadcast, single, rebalance). Rows bound for one channel are packed per input chunk,
// so a buffer is one chunk of rows, not one row.

import { type Chunk, Op } from '../chunk.js';
import type { Row } from '../../types/value.js';
import type { Partitioner } from '../graph/types.js';
import type { Barrier, Output, Watermark } from '../operators/operator.js';
import type { OutputChannel } from './credit-channel.js';

import { hashKey } from '../graph/key-hash.js';
import { keyGroupFor, subtaskForKeyGroup } from '../graph/key-groups.js';

/** Flink's assignment: key → key group (fixed per job) → the subtask owning that range. */
export function subtaskForKey(row: Row, keys: readonly number[], maxParallelism: number, parallelism: number): number {
  return subtaskForKeyGroup(keyGroupFor(hashKey(row, keys), maxParallelism), parallelism, maxParallelism);
}

export class ResultPartitionWriter {
  private next = 0;
  constructor(
    private readonly partitioner: Partitioner,
    /** Indexed by consumer subtask for hash; the channels this producer feeds otherwise. */
    private readonly channels: readonly OutputChannel[],
    private readonly maxParallelism: number,
  ) {}

  get blocked(): boolean {
    for (const c of this.channels) if (c.blocked) return true;
    return false;
  }

  emit(chunk: Chunk): void {
    const p = this.partitioner;
    const n = this.channels.length;
    if (chunk.rows.length === 0) return;
    if (p.kind === 'hash' && n > 1) {
      const ops: Op[][] = [], rows: Row[][] = [];
      for (let i = 0; i < n; i++) { ops.push([]); rows.push([]); }
      for (let r = 0; r < chunk.rows.length; r++) {
        const s = subtaskForKey(chunk.rows[r], p.keys, this.maxParallelism, n);
        ops[s].push(chunk.ops[r]);
        rows[s].push(chunk.rows[r]);
      }
      for (let i = 0; i < n; i++) if (rows[i].length) this.channels[i].sendChunk({ ops: ops[i], rows: rows[i] });
    } else if (p.kind === 'broadcast' && n > 1) {
      for (const c of this.channels) c.sendChunk(chunk);
    } else if (p.kind === 'rebalance' && n > 1) {
      this.channels[this.next].sendChunk(chunk);
      this.next = (this.next + 1) % n;
    } else {
      this.channels[0].sendChunk(chunk);
    }
  }

  broadcastBarrier(b: Barrier): void { for (const c of this.channels) c.sendEvent({ b }); }

  /** Every consumer subtask gets the watermark, whatever the partitioner (Flink broadcasts them too). */
  broadcastWatermark(w: Watermark): void { for (const c of this.channels) c.sendEvent({ w }); }

  broadcastIdle(idle: boolean): void { for (const c of this.channels) c.sendEvent({ idle }); }

  close(): void { for (const c of this.channels) c.close(); }
}

/** The chain's tail output: every result partition gets every chunk. */
export class RecordWriterOutput implements Output {
  constructor(readonly partitions: readonly ResultPartitionWriter[]) {}
  emit(chunk: Chunk): void { for (const p of this.partitions) p.emit(chunk); }
  get blocked(): boolean {
    for (const p of this.partitions) if (p.blocked) return true;
    return false;
  }
  broadcastBarrier(b: Barrier): void { for (const p of this.partitions) p.broadcastBarrier(b); }
  emitWatermark(w: Watermark): void { for (const p of this.partitions) p.broadcastWatermark(w); }
  /** This task produces nothing for now (or again): consumers stop (or start) waiting for its watermarks. */
  emitIdle(idle: boolean): void { for (const p of this.partitions) p.broadcastIdle(idle); }
  close(): void { for (const p of this.partitions) p.close(); }
}

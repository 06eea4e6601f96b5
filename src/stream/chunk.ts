// Changelog chunks: the unit of data between streaming operators. A chunk is a batch of rows,
// each tagged with its change kind (+I insert, -D delete, -U/+U the two halves of an update).

import type { Row } from '../types/value.js';

export const enum Op {
  Insert = 0,
  Delete = 1,
  UpdateDelete = 2,
  UpdateInsert = 3,
}

export const OP_NAMES = ['+I', '-D', '-U', '+U'] as const;

export function isRetraction(op: Op): boolean { return op === Op.Delete || op === Op.UpdateDelete; }

export interface Chunk {
  readonly ops: Op[];
  readonly rows: Row[];
  /** Set by a source reading several partitions (Kafka): which one these rows came from. */
  readonly origin?: PartitionOrigin;
}

/** One partition's rows, and every partition the reading subtask owns (for per-partition event time). */
export interface PartitionOrigin { readonly partition: number; readonly owned: readonly number[] }

/** Accumulates output rows and cuts them into chunks of at most `capacity` rows. */
export class ChunkBuilder {
  private ops: Op[] = [];
  private rows: Row[] = [];
  constructor(private readonly capacity = 1024) {}

  push(op: Op, row: Row): Chunk | null {
    this.ops.push(op);
    this.rows.push(row);
    return this.rows.length >= this.capacity ? this.take() : null;
  }

  get size(): number { return this.rows.length; }

  take(): Chunk | null {
    if (this.rows.length === 0) return null;
    const c: Chunk = { ops: this.ops, rows: this.rows };
    this.ops = [];
    this.rows = [];
    return c;
  }
}

export function insertChunk(rows: Row[]): Chunk { return { ops: rows.map(() => Op.Insert), rows }; }

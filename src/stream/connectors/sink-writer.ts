// The contract between a sink task and an external system, shaped for exactly-once delivery by
// two-phase commit (Flink's TwoPhaseCommitSinkFunction): rows are written into an open
// transaction; on checkpoint barrier N the writer pre-commits (flushes) and hands back a
// committable, which the checkpoint stores; once checkpoint N is complete, the committable is
// committed. After a crash, the committables of the restored checkpoint are committed again
// (commit must be idempotent) and everything else the writer had open is aborted.

import type { Chunk } from '../chunk.js';
import type { SourceColumn, SourcePosition } from './source-reader.js';

/** JSON describing one pre-committed transaction (what a checkpoint records for a sink subtask). */
export type SinkCommittable = SourcePosition;

export interface SinkContext {
  /** Stable across restarts: the sink's name and subtask, used for transactional ids. */
  readonly sinkId: string;
  readonly subtask: number;
  readonly parallelism: number;
  readonly columns: readonly SourceColumn[];
  /** Column positions of the key of the sink's changelog (upsert sinks), if any. */
  readonly keyColumns: readonly number[] | null;
}

export interface SinkWriter {
  /** Accept changes; sends may run in the background, failures surface on the next call. */
  write(chunk: Chunk): void;
  /**
   * Barrier of checkpoint `checkpointId`: make everything written so far durable but not yet
   * visible. The line is drawn synchronously, when the call is made: rows written after the call
   * (even before the promise settles) belong to the next checkpoint.
   */
  preCommit(checkpointId: number): Promise<SinkCommittable>;
  /** Checkpoint complete: make a pre-committed transaction visible. Idempotent; retried on failure. */
  commit(committable: SinkCommittable): Promise<void>;
  /** Recovery: abort whatever this sink subtask left open that no completed checkpoint covers. */
  recover(committed: readonly SinkCommittable[]): Promise<void>;
  close(): Promise<void>;
}

export interface SinkConnector {
  readonly name: string;
  validate(options: Readonly<Record<string, string>>, columns: readonly SourceColumn[], keyColumns: readonly number[] | null): void;
  open(options: Readonly<Record<string, string>>, ctx: SinkContext): SinkWriter;
}

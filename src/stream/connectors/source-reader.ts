// The contract between a connector (nexmark, datagen, Kafka…) and the source task that drives it.
// A source vertex with parallelism n runs n readers, reader i over split i of n; together they
// emit exactly what one reader over the whole source would. A reader is polled, never pushes,
// so the task decides batch sizes and where barriers go; its position is plain JSON so a
// checkpoint can store it and a restarted task can seek back to it.

import type { PartitionOrigin } from '../chunk.js';
import type { DataType } from '../../types/datatype.js';
import type { Row } from '../../types/value.js';

export interface SourceColumn {
  readonly name: string;
  readonly type: DataType;
  /** No operator of the query reads it: the reader may leave it NULL rather than decode it. */
  readonly unused?: boolean;
}

export interface SourceSplit {
  readonly index: number;
  readonly count: number;
}

export type SourcePosition = null | boolean | number | string | SourcePosition[] | { [key: string]: SourcePosition };

export interface SourceSplitReader {
  /**
   * Up to `maxRows` next rows (inserts), shaped as the source's declared columns.
   * Returns an empty array when nothing is due yet (a rate limit, or no new data), and `null`
   * once a bounded split is exhausted.
   * `nowMs` is the caller's clock, so rate-limited generators pace against it and tests can drive time.
   */
  poll(maxRows: number, nowMs: number): Row[] | null;
  /** Where the next poll continues; JSON, for checkpoints. */
  position(): SourcePosition;
  /** Continue from a position previously returned by `position()` of a reader over the same split. */
  seek(position: SourcePosition): void;
  /**
   * True once the reader knows it will never produce a row — a Kafka subtask that owns no
   * partition —, so it must not hold event time back (Flink marks such readers idle).
   */
  readonly idle?: boolean;
  /**
   * A reader over several partitions (Kafka) returns one partition's rows per poll and names it
   * here, with every partition it owns, so event time is tracked per partition (Flink's
   * per-split watermarks): a partition that is behind does not see its rows dropped because
   * another one ran ahead.
   */
  readonly polled?: PartitionOrigin | null;
  close?(): void;
}

export interface SourceConnector {
  readonly name: string;
  /** Check options and columns at CREATE SOURCE; throws SqlError (22023 / 42804 / 0A000) with a clear message. */
  validate(options: Readonly<Record<string, string>>, columns: readonly SourceColumn[]): void;
  open(options: Readonly<Record<string, string>>, columns: readonly SourceColumn[], split: SourceSplit): SourceSplitReader;
  /** Options as they are stored at CREATE SOURCE, after `validate` (e.g. 'now' fixed to a time). */
  prepare?(options: Readonly<Record<string, string>>): Record<string, string>;
  /** The number of splits the options ask for (e.g. nexmark.split); a runtime may use it as the source's parallelism. */
  splitCount?(options: Readonly<Record<string, string>>): number;
}

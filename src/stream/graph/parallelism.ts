// The job parallelism: how many parallel subtasks keyed operators and connector sources run with.
// Set per session with `SET streaming_parallelism = N` and per job with
// `CREATE MATERIALIZED VIEW … WITH (parallelism = N)`; at most the max parallelism (key groups).

import { availableParallelism } from 'node:os';
import { SqlError, SqlState } from '../../errors.js';
import { DEFAULT_MAX_PARALLELISM } from './key-groups.js';

/** One subtask per CPU core, as the runtime's task threads. */
export function defaultParallelism(): number {
  return Math.max(1, Math.min(availableParallelism(), DEFAULT_MAX_PARALLELISM));
}

/** Check a job parallelism given as a number. */
export function checkParallelism(parallelism: number): void {
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > DEFAULT_MAX_PARALLELISM) {
    throw new SqlError(SqlState.InvalidParameterValue, `parallelism must be an integer from 1 to ${DEFAULT_MAX_PARALLELISM}, got ${parallelism}`);
  }
}

/** Parse a parallelism from SQL text (a setting or a WITH option named `name`). */
export function parseParallelism(text: string, name: string): number {
  const t = text.trim();
  const n = /^[+]?\d+$/.test(t) ? Number(t) : NaN;
  if (!(n >= 1 && n <= DEFAULT_MAX_PARALLELISM)) {
    throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "${name}": "${text}"`, {
      detail: `${name} must be an integer from 1 to ${DEFAULT_MAX_PARALLELISM} (the max parallelism).`,
    });
  }
  return n;
}

// Errors crossing a thread boundary: a task's exception becomes a plain record in the worker and
// an SqlError again in the main thread, so SHOW JOBS and the client see the original SQLSTATE.

import { SqlError, SqlState } from '../../errors.js';
import type { SerializedError } from './messages.js';

export function serializeError(e: unknown): SerializedError {
  if (e instanceof SqlError) return { code: e.code, message: e.message, detail: e.detail, hint: e.hint };
  return { code: SqlState.InternalError, message: e instanceof Error ? e.message : String(e) };
}

export function deserializeError(s: SerializedError): SqlError {
  return new SqlError(s.code, s.message, { detail: s.detail, hint: s.hint });
}

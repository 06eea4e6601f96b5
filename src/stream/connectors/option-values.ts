// Reading connector options (strings from WITH (…)) into typed values, with SQLSTATE 22023
// naming the option when a value is malformed or out of range.

import { SqlError, SqlState } from '../../errors.js';

export type Options = Readonly<Record<string, string>>;

export function badOption(name: string, value: string, expected: string): SqlError {
  return new SqlError(SqlState.InvalidParameterValue, `invalid value for option "${name}": "${value}"`, { detail: `Expected ${expected}.` });
}

/** An integer option within [min, max]; `undefined` when absent. */
export function intOption(options: Options, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const t = raw.trim();
  if (!/^[+-]?\d+$/.test(t)) throw badOption(name, raw, `an integer between ${min} and ${max}`);
  const v = Number(t);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw badOption(name, raw, `an integer between ${min} and ${max}`);
  return v;
}

/** A finite number option within [min, max]; `undefined` when absent. */
export function numberOption(options: Options, name: string, min = 0, max = Number.MAX_VALUE): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const t = raw.trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v) || v < min || v > max) throw badOption(name, raw, `a number between ${min} and ${max}`);
  return v;
}

/** One of a fixed set of words (case-insensitive); `undefined` when absent. */
export function enumOption<T extends string>(options: Options, name: string, allowed: readonly T[]): T | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  const hit = allowed.find((a) => a === v);
  if (!hit) throw badOption(name, raw, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  return hit;
}

/**
 * Flink's table option (FLIP-296): a source subtask that has read nothing for this long is idle —
 * the watermarks of the others go on without it — until it reads again. Off by default.
 */
export const IDLE_TIMEOUT_OPTION = 'scan.watermark.idle-timeout';

/** Options every source takes, handled by Weir, not by the connector: `weir.*` (recorded with the
 * relation: its watermark) and the idle timeout. */
export function isRuntimeSourceOption(key: string): boolean { return key === 'connector' || key.startsWith('weir.') || key === IDLE_TIMEOUT_OPTION; }

/** Reject options this connector does not know, so a typo is an error instead of a silent default. */
export function rejectUnknownOptions(connector: string, options: Options, known: (key: string) => boolean): void {
  for (const key of Object.keys(options)) {
    if (isRuntimeSourceOption(key) || known(key)) continue;
    throw new SqlError(SqlState.InvalidParameterValue, `unknown option "${key}" for connector '${connector}'`);
  }
}

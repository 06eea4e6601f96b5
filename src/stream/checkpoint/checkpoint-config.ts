// Checkpointing options (Flink's CheckpointConfig), per job in CREATE … WITH (…) and as server
// defaults through SET. Both Flink's configuration keys and Weir's short names are accepted:
//   execution.checkpointing.interval                 | checkpoint.interval          '1s', '500ms', 'off'
//   execution.checkpointing.mode                     | checkpoint.mode              'exactly_once' | 'at_least_once'
//   execution.checkpointing.timeout                  | checkpoint.timeout           '60s'
//   execution.checkpointing.max-concurrent-checkpoints | checkpoint.max_concurrent    1
//   execution.checkpointing.min-pause                | checkpoint.min_pause         '500ms'
//   execution.checkpointing.externalized-checkpoint-retention | checkpoint.retention 'retain_on_cancellation' | 'delete_on_cancellation'
//   execution.checkpointing.prefer-checkpoint-for-recovery | checkpoint.prefer_checkpoint_for_recovery  true
//   execution.checkpointing.tolerable-failed-checkpoints | checkpoint.tolerable_failures  0
//   state.checkpoints.num-retained                   | checkpoint.retained          3
// Weir checkpoints by default (every 10 s); only an explicit 'off' disables it.

import { SqlError, SqlState } from '../../errors.js';

export type CheckpointingMode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
export type CheckpointRetention = 'RETAIN_ON_CANCELLATION' | 'DELETE_ON_CANCELLATION';

export interface CheckpointConfig {
  /** Null when checkpointing is off. */
  readonly intervalMs: number | null;
  readonly mode: CheckpointingMode;
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
  readonly minPauseMs: number;
  readonly retention: CheckpointRetention;
  readonly preferCheckpointForRecovery: boolean;
  readonly tolerableFailures: number;
  readonly retained: number;
}

export const DEFAULT_CHECKPOINT_CONFIG: CheckpointConfig = {
  intervalMs: 10_000,
  mode: 'EXACTLY_ONCE',
  timeoutMs: 60_000,
  maxConcurrent: 1,
  minPauseMs: 500,
  retention: 'DELETE_ON_CANCELLATION',
  preferCheckpointForRecovery: true,
  tolerableFailures: 0,
  retained: 3,
};

type Field = keyof CheckpointConfig;

const KEYS: Record<string, Field> = {
  'execution.checkpointing.interval': 'intervalMs', 'checkpoint.interval': 'intervalMs',
  'execution.checkpointing.mode': 'mode', 'checkpoint.mode': 'mode',
  'execution.checkpointing.timeout': 'timeoutMs', 'checkpoint.timeout': 'timeoutMs',
  'execution.checkpointing.max-concurrent-checkpoints': 'maxConcurrent', 'checkpoint.max_concurrent': 'maxConcurrent',
  'execution.checkpointing.min-pause': 'minPauseMs', 'checkpoint.min_pause': 'minPauseMs',
  'execution.checkpointing.externalized-checkpoint-retention': 'retention', 'checkpoint.retention': 'retention',
  'execution.checkpointing.prefer-checkpoint-for-recovery': 'preferCheckpointForRecovery', 'checkpoint.prefer_checkpoint_for_recovery': 'preferCheckpointForRecovery',
  'execution.checkpointing.tolerable-failed-checkpoints': 'tolerableFailures', 'checkpoint.tolerable_failures': 'tolerableFailures',
  'state.checkpoints.num-retained': 'retained', 'checkpoint.retained': 'retained',
};

/**
 * Flink's configuration key → Weir's short name, for a table of option names → fields in which
 * the short names start with `shortPrefix` (the SET aliases).
 */
export function flinkKeyAliases(keys: Readonly<Record<string, string>>, shortPrefix: string): Record<string, string> {
  const names = Object.keys(keys);
  return Object.fromEntries(names.filter((k) => !k.startsWith(shortPrefix)).map((k) => [k, names.find((s) => s.startsWith(shortPrefix) && keys[s] === keys[k])!]));
}

export const CHECKPOINT_FLINK_KEYS: Readonly<Record<string, string>> = flinkKeyAliases(KEYS, 'checkpoint.');

/** The job's configuration: the session's checkpoint.* settings, then the job's WITH options. */
export function jobCheckpointConfig(get: (name: string) => string | undefined, options: Readonly<Record<string, string>>): CheckpointConfig {
  const defaults: Record<string, string> = {};
  for (const name of Object.keys(describeCheckpointConfig(DEFAULT_CHECKPOINT_CONFIG))) {
    const v = get(name);
    if (v !== undefined) defaults[name] = v;
  }
  return checkpointConfig(checkpointConfig(DEFAULT_CHECKPOINT_CONFIG, defaults), options);
}

/** True for an option name that configures checkpointing. */
export function isCheckpointOption(name: string): boolean { return name.toLowerCase() in KEYS; }

/** 22023 for an option value, saying what was expected. */
export function invalidOptionValue(name: string, value: string, expected: string): SqlError {
  return new SqlError(SqlState.InvalidParameterValue, `invalid value for ${name}: "${value}" (expected ${expected})`);
}

const UNITS: Record<string, number> = { ms: 1, millisecond: 1, milliseconds: 1, s: 1000, sec: 1000, second: 1000, seconds: 1000, m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hour: 3_600_000, hours: 3_600_000 };

/** '1s', '500 ms', '2min', '1h', or a bare number of milliseconds. */
export function parseDurationMs(name: string, value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? (m[2] ? UNITS[m[2].toLowerCase()] : 1) : undefined;
  if (!m || unit === undefined) throw invalidOptionValue(name, value, "a duration such as '500ms', '10s' or '1min'");
  return Math.round(Number(m[1]) * unit);
}

function parseCount(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min) throw invalidOptionValue(name, value, `an integer ≥ ${min}`);
  return n;
}

function parseBool(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(v)) return true;
  if (['false', 'off', 'no', '0'].includes(v)) return false;
  throw invalidOptionValue(name, value, 'true or false');
}

/** Apply every checkpoint option found in `options` on top of `base`; other options are ignored. */
export function checkpointConfig(base: CheckpointConfig, options: Readonly<Record<string, string>>): CheckpointConfig {
  const out: { -readonly [K in Field]: CheckpointConfig[K] } = { ...base };
  for (const [rawName, value] of Object.entries(options)) {
    const name = rawName.toLowerCase();
    const field = KEYS[name];
    if (!field) continue;
    switch (field) {
      case 'intervalMs': {
        const off = /^\s*(off|none|disabled?)\s*$/i.test(value);
        out.intervalMs = off ? null : parseDurationMs(name, value);
        if (out.intervalMs !== null && out.intervalMs < 10) throw invalidOptionValue(name, value, 'at least 10ms, or off');
        break;
      }
      case 'mode': {
        const v = value.trim().toUpperCase().replace(/[- ]/g, '_');
        if (v !== 'EXACTLY_ONCE' && v !== 'AT_LEAST_ONCE') throw invalidOptionValue(name, value, "'exactly_once' or 'at_least_once'");
        out.mode = v;
        break;
      }
      case 'timeoutMs': out.timeoutMs = parseDurationMs(name, value); if (out.timeoutMs < 10) throw invalidOptionValue(name, value, 'at least 10ms'); break;
      case 'minPauseMs': out.minPauseMs = parseDurationMs(name, value); break;
      case 'maxConcurrent': out.maxConcurrent = parseCount(name, value, 1); break;
      case 'tolerableFailures': out.tolerableFailures = parseCount(name, value, 0); break;
      case 'retained': out.retained = parseCount(name, value, 1); break;
      case 'preferCheckpointForRecovery': out.preferCheckpointForRecovery = parseBool(name, value); break;
      case 'retention': {
        const v = value.trim().toUpperCase().replace(/[- ]/g, '_');
        if (v !== 'RETAIN_ON_CANCELLATION' && v !== 'DELETE_ON_CANCELLATION') throw invalidOptionValue(name, value, "'retain_on_cancellation' or 'delete_on_cancellation'");
        out.retention = v;
        break;
      }
    }
  }
  return out;
}

/** The options as Weir's short names, for SHOW and the REST API's /checkpoints/config. */
export function describeCheckpointConfig(c: CheckpointConfig): Record<string, string> {
  return {
    'checkpoint.interval': c.intervalMs === null ? 'off' : `${c.intervalMs}ms`,
    'checkpoint.mode': c.mode.toLowerCase(),
    'checkpoint.timeout': `${c.timeoutMs}ms`,
    'checkpoint.max_concurrent': String(c.maxConcurrent),
    'checkpoint.min_pause': `${c.minPauseMs}ms`,
    'checkpoint.retention': c.retention.toLowerCase(),
    'checkpoint.prefer_checkpoint_for_recovery': String(c.preferCheckpointForRecovery),
    'checkpoint.tolerable_failures': String(c.tolerableFailures),
    'checkpoint.retained': String(c.retained),
  };
}

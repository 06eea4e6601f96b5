// Session settings (GUCs): the ones drivers read or set, with PostgreSQL's defaults. Unknown
// settings a driver sends are accepted and remembered, so `SET extra_float_digits = 3` just works.

import { SqlError, SqlState } from '../errors.js';
import { isValidTimeZone } from '../types/datetime.js';
import { SERVER_VERSION, SERVER_VERSION_NUM } from '../version.js';
import { defaultParallelism, parseParallelism } from '../stream/graph/parallelism.js';
import { RESTART_FLINK_KEYS, describeRestartStrategy, restartStrategyConfig } from '../stream/runtime/restart-strategy.js';
import { CHECKPOINT_FLINK_KEYS, DEFAULT_CHECKPOINT_CONFIG, checkpointConfig, describeCheckpointConfig } from '../stream/checkpoint/checkpoint-config.js';

interface SettingDef { value: string; reportable?: boolean; readonly?: boolean; description: string; check?: (v: string) => string }

function defs(): Record<string, SettingDef> {
  return {
    server_version: { value: SERVER_VERSION, reportable: true, readonly: true, description: 'Shows the server version.' },
    server_version_num: { value: SERVER_VERSION_NUM, readonly: true, description: 'Shows the server version as an integer.' },
    server_encoding: { value: 'UTF8', reportable: true, readonly: true, description: 'Shows the server (database) character set encoding.' },
    client_encoding: {
      value: 'UTF8', reportable: true, description: "Sets the client's character set encoding.",
      check: (v) => {
        const n = v.toUpperCase().replace(/[-_]/g, '');
        if (n === 'UTF8' || n === 'UNICODE') return 'UTF8';
        if (n === 'SQLASCII') return 'SQL_ASCII';
        throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "client_encoding": "${v}"`);
      },
    },
    DateStyle: {
      value: 'ISO, MDY', reportable: true, description: 'Sets the display format for date and time values.',
      check: (v) => { if (!/iso/i.test(v) && !/^\s*(mdy|dmy|ymd)\s*$/i.test(v)) throw new SqlError(SqlState.FeatureNotSupported, `only ISO DateStyle is supported`); return 'ISO, MDY'; },
    },
    IntervalStyle: {
      value: 'postgres', reportable: true, description: 'Sets the display format for interval values.',
      check: (v) => { if (v.toLowerCase() !== 'postgres') throw new SqlError(SqlState.FeatureNotSupported, `only IntervalStyle postgres is supported`); return 'postgres'; },
    },
    TimeZone: {
      value: 'UTC', reportable: true, description: 'Sets the time zone for displaying and interpreting time stamps.',
      check: (v) => { if (!isValidTimeZone(v)) throw new SqlError(SqlState.InvalidParameterValue, `invalid value for parameter "TimeZone": "${v}"`); return v.toUpperCase() === 'UTC' ? 'UTC' : v; },
    },
    integer_datetimes: { value: 'on', reportable: true, readonly: true, description: 'Shows whether datetimes are integer based.' },
    standard_conforming_strings: { value: 'on', reportable: true, description: "Causes '...' strings to treat backslashes literally." },
    is_superuser: { value: 'on', reportable: true, readonly: true, description: 'Shows whether the current user is a superuser.' },
    session_authorization: { value: '', reportable: true, readonly: true, description: 'Sets the session user name.' },
    application_name: { value: '', reportable: true, description: 'Sets the application name to be reported in statistics and logs.' },
    search_path: { value: '"$user", public', description: 'Sets the schema search order for names that are not schema-qualified.' },
    extra_float_digits: { value: '1', description: 'Sets the number of digits displayed for floating-point values.' },
    statement_timeout: { value: '0', description: 'Sets the maximum allowed duration of any statement.' },
    lock_timeout: { value: '0', description: 'Sets the maximum allowed duration of any wait for a lock.' },
    idle_in_transaction_session_timeout: { value: '0', description: 'Sets the maximum allowed idle time between queries, when in a transaction.' },
    default_transaction_isolation: { value: 'read committed', description: 'Sets the transaction isolation level of each new transaction.' },
    transaction_isolation: { value: 'read committed', description: 'Sets the current transaction\'s isolation level.' },
    default_transaction_read_only: { value: 'off', description: 'Sets the default read-only status of new transactions.' },
    transaction_read_only: { value: 'off', description: 'Sets the current transaction\'s read-only status.' },
    max_identifier_length: { value: '63', readonly: true, description: 'Shows the maximum identifier length.' },
    max_index_keys: { value: '32', readonly: true, description: 'Shows the maximum number of index keys.' },
    lc_collate: { value: 'C', readonly: true, description: 'Shows the collation order locale.' },
    lc_ctype: { value: 'C', readonly: true, description: 'Shows the character classification and case conversion locale.' },
    lc_messages: { value: 'C', description: 'Sets the language in which messages are displayed.' },
    lc_monetary: { value: 'C', description: 'Sets the locale for formatting monetary amounts.' },
    lc_numeric: { value: 'C', description: 'Sets the locale for formatting numbers.' },
    lc_time: { value: 'C', description: 'Sets the locale for formatting date and time values.' },
    block_size: { value: '8192', readonly: true, description: 'Shows the size of a disk block.' },
    max_connections: { value: '10000', readonly: true, description: 'Sets the maximum number of concurrent connections.' },
    default_text_search_config: { value: 'pg_catalog.english', description: 'Sets default text search configuration.' },
    bytea_output: { value: 'hex', description: 'Sets the output format for bytea.' },
    client_min_messages: { value: 'notice', description: 'Sets the message levels that are sent to the client.' },
    datestyle: { value: 'ISO, MDY', description: 'alias' },
    timezone: { value: 'UTC', description: 'alias' },
    row_security: { value: 'on', description: 'Enable row security.' },
    synchronous_commit: { value: 'on', description: 'Sets the current transaction\'s synchronization level.' },
    jit: { value: 'off', description: 'Allow JIT compilation.' },
    port: { value: '0', readonly: true, description: 'Sets the TCP port the server listens on.' },
    streaming_parallelism: {
      value: String(defaultParallelism()), description: 'Sets the number of parallel subtasks of new streaming jobs.',
      check: (v) => String(parseParallelism(v, 'streaming_parallelism')),
    },
    ...checkpointDefaults(),
    ...restartDefaults(),
  };
}

/** restart.* defaults of new jobs (Flink's restart-strategy.* keys are aliases); 22023 on a bad value. */
function restartDefaults(): Record<string, SettingDef> {
  const out: Record<string, SettingDef> = {};
  for (const [name, value] of Object.entries(describeRestartStrategy(null))) {
    out[name] = {
      value, description: `Default ${name} of new streaming jobs.`,
      check: (v) => (name === 'restart.strategy' && v.trim().toLowerCase() === 'default' ? 'default' : describeRestartStrategy(restartStrategyConfig({ [name]: v }, true))[name]),
    };
  }
  return out;
}

/** checkpoint.* defaults of new jobs (Flink's execution.checkpointing.* keys are aliases); 22023 on a bad value. */
function checkpointDefaults(): Record<string, SettingDef> {
  const out: Record<string, SettingDef> = {};
  for (const [name, value] of Object.entries(describeCheckpointConfig(DEFAULT_CHECKPOINT_CONFIG))) {
    out[name] = {
      value, description: `Default ${name} of new streaming jobs.`,
      check: (v) => describeCheckpointConfig(checkpointConfig(DEFAULT_CHECKPOINT_CONFIG, { [name]: v }))[name],
    };
  }
  return out;
}

const ALIASES: Record<string, string> = { datestyle: 'DateStyle', timezone: 'TimeZone', intervalstyle: 'IntervalStyle', time_zone: 'TimeZone', ...CHECKPOINT_FLINK_KEYS, ...RESTART_FLINK_KEYS };

export class Settings {
  private readonly values: Record<string, SettingDef> = defs();
  /** Values to restore at transaction end for SET LOCAL. */
  private local: [string, string][] = [];
  private readonly original = new Map<string, string>();
  /** Bumped by every change of a value, so plans cached under older settings are made again. */
  generation = 0;

  constructor(overrides: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(overrides)) if (this.canonical(k) in this.values) this.values[this.canonical(k)].value = v;
    for (const [k, d] of Object.entries(this.values)) this.original.set(k, d.value);
  }

  canonical(name: string): string {
    if (Object.hasOwn(this.values, name) && !ALIASES[name]) return name;
    const n = name.toLowerCase();
    if (ALIASES[n]) return ALIASES[n];
    for (const k of Object.keys(this.values)) if (k.toLowerCase() === n) return k;
    return n;
  }

  get(name: string): string | undefined { return this.values[this.canonical(name)]?.value; }

  /** Set a value; returns the canonical name and whether clients must be told (ParameterStatus). */
  set(name: string, value: string, opts: { local?: boolean; startup?: boolean } = {}): { name: string; reportable: boolean } {
    const key = this.canonical(name);
    let def = this.values[key];
    if (!def) {
      // Unknown settings are accepted (drivers send many that Weir does not use).
      def = { value, description: '' };
      this.values[key] = def;
      this.original.set(key, '');
    }
    if (def.readonly && !opts.startup) throw new SqlError(SqlState.CantChangeRuntimeParam, `parameter "${key}" cannot be changed`);
    const v = def.check ? def.check(value) : value;
    if (opts.local) this.local.push([key, def.value]);
    def.value = v;
    this.generation++;
    if (key === 'TimeZone') this.values.timezone.value = v;
    if (key === 'DateStyle') this.values.datestyle.value = v;
    return { name: key, reportable: !!def.reportable };
  }

  reset(name: string): { name: string; reportable: boolean } {
    const key = this.canonical(name);
    const orig = this.original.get(key);
    if (orig === undefined) throw new SqlError(SqlState.UndefinedObject, `unrecognized configuration parameter "${name}"`);
    this.values[key].value = orig;
    this.generation++;
    return { name: key, reportable: !!this.values[key].reportable };
  }
  resetAll(): string[] {
    const changed: string[] = [];
    for (const [k, v] of this.original) if (this.values[k] && !this.values[k].readonly && this.values[k].value !== v) { this.values[k].value = v; changed.push(k); }
    if (changed.length) this.generation++;
    return changed;
  }

  /** Called at transaction end: undo SET LOCAL. */
  endTransaction(): string[] {
    const changed = this.local.reverse().map(([k, v]) => { this.values[k].value = v; return k; });
    if (changed.length) this.generation++;
    this.local = [];
    return changed;
  }

  reportable(): [string, string][] {
    return Object.entries(this.values).filter(([, d]) => d.reportable).map(([k, d]) => [k, d.value]);
  }
  isReportable(name: string): boolean { return !!this.values[this.canonical(name)]?.reportable; }

  all(): { name: string; setting: string; description: string }[] {
    return Object.entries(this.values).filter(([k]) => k !== 'datestyle' && k !== 'timezone').map(([name, d]) => ({ name, setting: d.value, description: d.description }));
  }

  known(name: string): boolean { return this.canonical(name) in this.values; }
}

// What happens when a running job fails (a task throws, a TaskManager dies, more checkpoints fail
// than tolerated): Flink's restart strategies. The job is restarted from its latest completed
// checkpoint after a delay, until the strategy gives up and the job stays FAILED.
//   restart-strategy.type                               | restart.strategy        'none' | 'fixed-delay' | 'exponential-delay'
//   restart-strategy.fixed-delay.attempts               | restart.attempts        3
//   restart-strategy.fixed-delay.delay                  | restart.delay           '1s'
//   restart-strategy.exponential-delay.initial-backoff  | restart.initial_backoff '1s'
//   restart-strategy.exponential-delay.max-backoff      | restart.max_backoff     '1min'
//   restart-strategy.exponential-delay.backoff-multiplier | restart.backoff_multiplier 1.5
//   restart-strategy.exponential-delay.reset-backoff-threshold | restart.reset_backoff_threshold '1h'
// Default (as Flink's): exponential-delay for jobs that checkpoint, none for jobs that do not —
// a job without checkpoints would restart from nothing.

import { flinkKeyAliases, invalidOptionValue as bad, parseDurationMs } from '../checkpoint/checkpoint-config.js';

export type RestartStrategyType = 'none' | 'fixed-delay' | 'exponential-delay';

export interface RestartStrategyConfig {
  readonly type: RestartStrategyType;
  /** fixed-delay: restarts allowed in a row (a run that stays up past the delay does not reset it, as in Flink). */
  readonly attempts: number;
  readonly delayMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
  /** exponential-delay: a run that stays up this long resets the back-off. */
  readonly resetThresholdMs: number;
}

type Field = Exclude<keyof RestartStrategyConfig, never>;

const KEYS: Record<string, Field> = {
  'restart-strategy.type': 'type', 'restart-strategy': 'type', 'restart.strategy': 'type',
  'restart-strategy.fixed-delay.attempts': 'attempts', 'restart.attempts': 'attempts',
  'restart-strategy.fixed-delay.delay': 'delayMs', 'restart.delay': 'delayMs',
  'restart-strategy.exponential-delay.initial-backoff': 'initialBackoffMs', 'restart.initial_backoff': 'initialBackoffMs',
  'restart-strategy.exponential-delay.max-backoff': 'maxBackoffMs', 'restart.max_backoff': 'maxBackoffMs',
  'restart-strategy.exponential-delay.backoff-multiplier': 'multiplier', 'restart.backoff_multiplier': 'multiplier',
  'restart-strategy.exponential-delay.reset-backoff-threshold': 'resetThresholdMs', 'restart.reset_backoff_threshold': 'resetThresholdMs',
};

export const DEFAULT_RESTART_STRATEGY: Omit<RestartStrategyConfig, 'type'> = {
  attempts: 3, delayMs: 1000, initialBackoffMs: 1000, maxBackoffMs: 60_000, multiplier: 1.5, resetThresholdMs: 3_600_000,
};

/** Flink's configuration key → Weir's short name (the SET aliases). */
export const RESTART_FLINK_KEYS: Readonly<Record<string, string>> = flinkKeyAliases(KEYS, 'restart.');

export function isRestartOption(name: string): boolean { return name.toLowerCase() in KEYS; }

/** Apply the restart options in `options` over `base` (unset type: by whether the job checkpoints). */
export function restartStrategyConfig(options: Readonly<Record<string, string>>, checkpointing: boolean, base: Partial<RestartStrategyConfig> = {}): RestartStrategyConfig {
  const out: { -readonly [K in Field]: RestartStrategyConfig[K] } = { type: checkpointing ? 'exponential-delay' : 'none', ...DEFAULT_RESTART_STRATEGY, ...base };
  for (const [raw, value] of Object.entries(options)) {
    const name = raw.toLowerCase();
    const field = KEYS[name];
    if (!field) continue;
    switch (field) {
      case 'type': {
        const v = value.trim().toLowerCase().replace(/[_ ]/g, '-');
        const t = v === 'fixeddelay' ? 'fixed-delay' : v === 'exponentialdelay' || v === 'exponential' ? 'exponential-delay' : v === 'off' || v === 'disable' ? 'none' : v;
        if (t !== 'none' && t !== 'fixed-delay' && t !== 'exponential-delay') throw bad(name, value, "'none', 'fixed-delay' or 'exponential-delay'");
        out.type = t;
        break;
      }
      case 'attempts': {
        if (!/^\s*\d+\s*$/.test(value)) throw bad(name, value, 'an integer ≥ 0');
        out.attempts = Number(value);
        break;
      }
      case 'multiplier': {
        const m = Number(value);
        if (!Number.isFinite(m) || m < 1) throw bad(name, value, 'a number ≥ 1');
        out.multiplier = m;
        break;
      }
      default: out[field] = parseDurationMs(name, value);
    }
  }
  return out;
}

/** The job's strategy: the session's restart.* settings, then the job's WITH options. */
export function jobRestartStrategy(get: (name: string) => string | undefined, options: Readonly<Record<string, string>>, checkpointing: boolean): RestartStrategyConfig {
  const session: Record<string, string> = {};
  for (const name of Object.keys(describeRestartStrategy(null))) {
    const v = get(name);
    if (v !== undefined && !(name === 'restart.strategy' && v === 'default')) session[name] = v;
  }
  return restartStrategyConfig({ ...session, ...options }, checkpointing);
}

/** The settings a session can SET, with their defaults (type 'default': decided per job). */
export function describeRestartStrategy(c: RestartStrategyConfig | null): Record<string, string> {
  const d = { ...DEFAULT_RESTART_STRATEGY, ...(c ?? {}) };
  return {
    'restart.strategy': c ? c.type : 'default',
    'restart.attempts': String(d.attempts),
    'restart.delay': `${d.delayMs}ms`,
    'restart.initial_backoff': `${d.initialBackoffMs}ms`,
    'restart.max_backoff': `${d.maxBackoffMs}ms`,
    'restart.backoff_multiplier': String(d.multiplier),
    'restart.reset_backoff_threshold': `${d.resetThresholdMs}ms`,
  };
}

/** Counts a job's failures and says how long to wait before the next restart, or that it gives up. */
export class RestartBackoff {
  private failures = 0;
  private backoff: number;
  private lastStart: number | null = null;

  constructor(private readonly config: RestartStrategyConfig, private readonly now: () => number = Date.now) { this.backoff = config.initialBackoffMs; }

  /** A (re)started run is up. */
  started(): void { this.lastStart = this.now(); }

  /** The job failed: the delay before restarting it, or null when the strategy gives up. */
  onFailure(): number | null {
    const c = this.config;
    switch (c.type) {
      case 'none': return null;
      case 'fixed-delay':
        if (this.failures >= c.attempts) return null;
        this.failures++;
        return c.delayMs;
      case 'exponential-delay': {
        if (this.lastStart !== null && this.now() - this.lastStart >= c.resetThresholdMs) this.backoff = c.initialBackoffMs;
        const delay = this.backoff;
        this.backoff = Math.min(c.maxBackoffMs, Math.round(this.backoff * c.multiplier));
        this.failures++;
        return delay;
      }
    }
  }

  get restarts(): number { return this.failures; }
}

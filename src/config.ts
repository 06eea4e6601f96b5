// Server configuration from command-line flags and WEIR_* environment variables.

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly passwordMethod: 'scram-sha-256' | 'password';
  /** Largest Query/Parse/Bind/CopyData message accepted (PostgreSQL allows 1 GB). */
  readonly maxMessageBytes: number;
  /** Time a new connection has to authenticate (PostgreSQL's authentication_timeout). */
  readonly authenticationTimeoutMs: number;
  /** How long SIGTERM/SIGINT lets commands in progress finish before cancelling them. */
  readonly shutdownGraceMs: number;
  /** Streaming runtime: TaskManager worker threads (default one per core) and slots each offers. */
  readonly taskManagers?: number;
  readonly slotsPerTaskManager?: number;
  /** Flink-compatible REST API port (0: ephemeral), or null when disabled with `off`. */
  readonly restPort: number | null;
  /** Heap size per TaskManager past which streaming state spills to disk; undefined: the default. */
  readonly stateMemoryBytes?: number;
}

/** Weir's default port: not PostgreSQL's 5432, so both can run side by side. */
export const DEFAULT_PORT = 4566;
/** Flink's REST default, so Flink tooling finds Weir where it looks for a JobManager. */
export const DEFAULT_REST_PORT = 8081;

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: npm start -- [--port N] [--host ADDR] [--data-dir DIR] [--password-method scram-sha-256|password]\n` +
        `       [--max-message-size BYTES (default 256MB)] [--authentication-timeout DURATION (default 60s)] [--shutdown-grace DURATION (default 30s)]\n` +
        `       [--task-managers N (default: one per core)] [--slots N (per task manager, default 64)]\n` +
        `       [--rest-port N|off (Flink-compatible REST API, default ${DEFAULT_REST_PORT})]\n` +
        `       [--state-memory SIZE (per task manager: streaming state past it spills to disk, default 512MB)]\n` +
        `environment: WEIR_PORT, WEIR_HOST, WEIR_DATA_DIR, WEIR_PASSWORD_METHOD, WEIR_MAX_MESSAGE_SIZE, WEIR_AUTHENTICATION_TIMEOUT, WEIR_SHUTDOWN_GRACE, WEIR_REST_PORT, WEIR_STATE_MEMORY\n`);
      process.exit(0);
    }
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument: ${a}`);
    flags.set(m[1], m[2] ?? argv[++i] ?? '');
  }
  const get = (flag: string, envName: string, dflt: string) => flags.get(flag) ?? env[envName] ?? dflt;
  const port = Number(get('port', 'WEIR_PORT', String(DEFAULT_PORT)));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${get('port', 'WEIR_PORT', '')}`);
  const pm = get('password-method', 'WEIR_PASSWORD_METHOD', 'scram-sha-256');
  if (pm !== 'scram-sha-256' && pm !== 'password') throw new Error(`invalid password method: ${pm}`);
  return {
    host: get('host', 'WEIR_HOST', '127.0.0.1'), port, dataDir: get('data-dir', 'WEIR_DATA_DIR', './data'), passwordMethod: pm,
    maxMessageBytes: parseBytes('max-message-size', get('max-message-size', 'WEIR_MAX_MESSAGE_SIZE', '256MB')),
    authenticationTimeoutMs: parseMs('authentication-timeout', get('authentication-timeout', 'WEIR_AUTHENTICATION_TIMEOUT', '60s')),
    shutdownGraceMs: parseMs('shutdown-grace', get('shutdown-grace', 'WEIR_SHUTDOWN_GRACE', '30s')),
    taskManagers: optionalCount('task-managers', get('task-managers', 'WEIR_TASK_MANAGERS', '')),
    slotsPerTaskManager: optionalCount('slots', get('slots', 'WEIR_SLOTS', '')),
    restPort: parseRestPort(get('rest-port', 'WEIR_REST_PORT', String(DEFAULT_REST_PORT))),
    stateMemoryBytes: optionalMemory('state-memory', get('state-memory', 'WEIR_STATE_MEMORY', '')),
  };
}

const BYTE_UNITS: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const MS_UNITS: Record<string, number> = { ms: 1, s: 1000, min: 60_000 };

/** A size such as `1048576`, `64kB`, `256MB` or `1GB` (PostgreSQL's memory units). */
function parseBytes(name: string, v: string): number {
  const m = /^\s*(\d+)\s*(B|kB|MB|GB)?\s*$/.exec(v);
  const n = m ? Number(m[1]) * (BYTE_UNITS[m[2] ?? 'B'] ?? NaN) : NaN;
  // At least 1 kB so ordinary statements fit; at most PostgreSQL's 1 GB.
  if (!(n >= 1024 && n <= 1024 ** 3)) throw new Error(`invalid ${name}: ${v} (1kB to 1GB)`);
  return n;
}

/** A memory size for state (`64MB`, `4GB`; at least 1 MB), or undefined when not given. */
function optionalMemory(name: string, v: string): number | undefined {
  if (v === '') return undefined;
  const m = /^\s*(\d+)\s*(B|kB|MB|GB|TB)?\s*$/.exec(v);
  const n = m ? Number(m[1]) * (BYTE_UNITS[m[2] ?? 'B'] ?? NaN) : NaN;
  if (!(n >= 1024 ** 2)) throw new Error(`invalid ${name}: ${v} (a size such as 512MB or 4GB, at least 1MB)`);
  return n;
}

/** A duration such as `500ms`, `2s`, `1min`; a plain number is seconds, as authentication_timeout's unit. */
function parseMs(name: string, v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*$/.exec(v);
  if (!m) throw new Error(`invalid ${name}: ${v}`);
  return Number(m[1]) * (MS_UNITS[m[2] ?? 's'] ?? NaN);
}

/** A positive count, or undefined when not given (the runtime picks its default). */
function optionalCount(name: string, v: string): number | undefined {
  if (v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new Error(`invalid ${name}: ${v} (1 to 1024)`);
  return n;
}

function parseRestPort(v: string): number | null {
  if (/^\s*off\s*$/i.test(v)) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid rest-port: ${v} (a port number, or off)`);
  return n;
}

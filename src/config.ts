// Server configuration from command-line flags and WEIR_* environment variables.

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly passwordMethod: 'scram-sha-256' | 'password';
}

/** Weir's default port: not PostgreSQL's 5432, so both can run side by side. */
export const DEFAULT_PORT = 4566;

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: npm start -- [--port N] [--host ADDR] [--data-dir DIR] [--password-method scram-sha-256|password]\n` +
        `environment: WEIR_PORT, WEIR_HOST, WEIR_DATA_DIR, WEIR_PASSWORD_METHOD\n`);
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
  return { host: get('host', 'WEIR_HOST', '127.0.0.1'), port, dataDir: get('data-dir', 'WEIR_DATA_DIR', './data'), passwordMethod: pm };
}

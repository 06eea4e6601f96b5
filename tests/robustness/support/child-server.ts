// Runs the real server process (`src/main.ts` under tsx) as a child, so a crash shows up as an
// exit and `kill -9` / SIGTERM can be sent to it. Listens on an ephemeral port on 127.0.0.1.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

export const CHILD_USER = 'weir';
const ROOT = resolve(import.meta.dirname, '../../..');

export interface ExitInfo { readonly code: number | null; readonly signal: NodeJS.Signals | null }

export interface ChildServer {
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** Everything the process wrote so far. */
  output(): { stdout: string; stderr: string };
  /** Null while the process runs. */
  exited(): ExitInfo | null;
  /** Resolves when the process exits. */
  readonly exit: Promise<ExitInfo>;
  client(extra?: Partial<pg.ClientConfig>): Promise<pg.Client>;
  /** Resident set size of the server process in bytes (from /proc). */
  rss(): number;
  /** CPU time (user + system) the server process has used, in seconds (from /proc). */
  cpuSeconds(): number;
  kill(signal: NodeJS.Signals): void;
  /** SIGKILL if still running, wait for the exit, and remove the data dir unless it was given. */
  stop(): Promise<void>;
}

export function freshDataDir(): string { return mkdtempSync(join(tmpdir(), 'weir-robust-')); }

export async function startChild(opts: { dataDir?: string; args?: string[]; env?: Record<string, string> } = {}): Promise<ChildServer> {
  const dataDir = opts.dataDir ?? freshDataDir();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', '0', '--rest-port', '0', '--data-dir', dataDir, ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, WEIR_BOOTSTRAP_USER: CHILD_USER, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  let exitInfo: ExitInfo | null = null;
  // 'close', not 'exit': its stdout and stderr are read to the end by then (the last lines explain a crash).
  const exit = new Promise<ExitInfo>((res) => child.on('close', (code, signal) => { exitInfo = { code, signal }; res(exitInfo); }));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start in 30 s: ${stderr}`)), 30_000);
    const check = () => {
      const m = /listening on [\d.]+:(\d+)/.exec(stdout);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    };
    child.stdout!.on('data', check);
    void exit.then((e) => { clearTimeout(timer); rej(new Error(`server exited (${e.code ?? e.signal}) before listening: ${stderr}`)); });
  }).catch((e: unknown) => {
    // A server that did not start leaves no process and no temporary data dir behind.
    if (!exitInfo) child.kill('SIGKILL');
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  });
  const clients: pg.Client[] = [];
  return {
    port, pid: child.pid!, dataDir, exit,
    output: () => ({ stdout, stderr }),
    exited: () => exitInfo,
    async client(extra = {}) {
      const c = new pg.Client({ host: '127.0.0.1', port, user: CHILD_USER, database: 'weir', connectionTimeoutMillis: 10_000, ...extra });
      c.on('error', () => undefined); // a server killed under the client is expected in these tests
      await c.connect();
      clients.push(c);
      return c;
    },
    rss() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    },
    cpuSeconds() {
      // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    },
    kill(signal) { if (!exitInfo) child.kill(signal); },
    async stop() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      if (!exitInfo) child.kill('SIGKILL');
      await exit;
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

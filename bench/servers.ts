// The two servers a benchmark compares: Weir as a separate process (so the load generator does not
// share its event loop) and a real PostgreSQL 15 on the same machine, both durable (Weir syncs
// every commit to LevelDB; PostgreSQL keeps fsync on). Each exposes its CPU time, so results can
// be told apart from the noise of a busy machine.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startPostgres } from '../tests/support/postgres.js';
import { serverNodeFlags } from './node-flags.js';

const ROOT = resolve(import.meta.dirname, '..');
const WEIR_USER = 'weir';

export interface BenchServer {
  readonly name: 'weir' | 'pg';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  client(): Promise<pg.Client>;
  /** CPU seconds the server has used so far (for PostgreSQL: postmaster plus exited backends). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Start Weir from source under tsx on an ephemeral port; `profileDir` adds --cpu-prof. */
export async function startWeir(opts: { profileDir?: string } = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'weir-bench-'));
  const nodeArgs = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...serverNodeFlags(), ...nodeArgs, '--import', 'tsx', 'src/main.ts', '--port', '0', '--rest-port', 'off', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, WEIR_BOOTSTRAP_USER: WEIR_USER },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`weir did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /listening on [\d.]+:(\d+)/.exec(stdout);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    void exited.then(() => { clearTimeout(timer); rej(new Error(`weir exited before listening: ${stderr}`)); });
  });
  const pid = child.pid!;
  return {
    name: 'weir', host: '127.0.0.1', port, user: WEIR_USER, database: 'weir',
    client: () => connect('127.0.0.1', port, WEIR_USER, 'weir'),
    cpuSeconds: () => processCpuSeconds(pid, false),
    async stop() {
      // SIGINT lets the server shut down cleanly, which is also when --cpu-prof writes its profile.
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startPg(): Promise<BenchServer> {
  const server = await startPostgres({ durable: true });
  const pid = Number(readFileSync(join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    name: 'pg', host: '127.0.0.1', port: server.port, user: server.user, database: 'postgres',
    client: () => connect('127.0.0.1', server.port, server.user, 'postgres'),
    cpuSeconds: () => processCpuSeconds(pid, true),
    async stop() { server.stop(); },
  };
}

async function connect(host: string, port: number, user: string, database: string): Promise<pg.Client> {
  const c = new pg.Client({ host, port, user, database });
  await c.connect();
  return c;
}

/** utime + stime (and, with `children`, the reaped children's) of a process, from /proc. */
export function processCpuSeconds(pid: number, children: boolean): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (i: number) => Number(fields[i - 3]);
  const total = ticks(14) + ticks(15) + (children ? ticks(16) + ticks(17) : 0);
  return total / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux Node supports. */
const CLOCK_TICKS = 100;

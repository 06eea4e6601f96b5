// A Weir server as a child process on a given data directory, for benchmarks that kill it
// (kill -9 needs a process of its own) or measure its memory from outside.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serverNodeFlags } from './node-flags.js';

const ROOT = resolve(import.meta.dirname, '..');

export async function child(dataDir: string, args: readonly string[] = []): Promise<{ proc: ChildProcess; port: number; exited: Promise<void>; stdout: () => string; stderr: () => string }> {
  const nodeArgs = process.env.WEIR_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []; // e.g. --cpu-prof
  const proc = spawn(process.execPath, [...serverNodeFlags(), ...nodeArgs, '--import', 'tsx', 'src/main.ts', '--port', '0', '--rest-port', 'off', '--data-dir', dataDir, ...args], { cwd: ROOT, env: { ...process.env, WEIR_BOOTSTRAP_USER: 'bench' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((res) => proc.on('exit', () => res()));
  let out = '';
  const port = await new Promise<number>((res, rej) => {
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; const m = /listening on [\d.]+:(\d+)/.exec(out); if (m) res(Number(m[1])); });
    void exited.then(() => rej(new Error('weir exited before listening')));
  });
  // Never let a full pipe stall the server; WEIR_BENCH_SERVER_LOG=1 passes its log (restore timings) on.
  // The last 256 kB of it are kept for benchmarks that read the restore log.
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (process.env.WEIR_BENCH_SERVER_LOG === '1') process.stderr.write(d);
    err = (err + d).slice(-256 * 1024);
  });
  return { proc, port, exited, stdout: () => out, stderr: () => err };
}

export type ChildServer = Awaited<ReturnType<typeof child>>;

/** SIGKILL the server and start it again on the same data directory; `killedAt` is when it died. */
export async function killAndRestart(srv: ChildServer, dataDir: string): Promise<{ srv: ChildServer; killedAt: number; listeningS: number }> {
  srv.proc.kill('SIGKILL');
  await srv.exited;
  const killedAt = performance.now();
  const next = await child(dataDir);
  return { srv: next, killedAt, listeningS: (performance.now() - killedAt) / 1000 };
}

/** Bytes the checkpoint store takes on disk: its LevelDB and the blob files beside it. */
export function checkpointStoreBytes(dataDir: string): number {
  return dirBytes(join(dataDir, 'checkpoints')) + dirBytes(join(dataDir, 'checkpoint-blobs'));
}

/** Bytes of every file under `dir` (0 if it does not exist). */
export function dirBytes(dir: string): number {
  let n = 0;
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return 0; }
  for (const e of entries) n += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

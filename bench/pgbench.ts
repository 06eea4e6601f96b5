// Runs PostgreSQL's own load generator, pgbench, with a custom script against a server, and reads
// back throughput (its summary) and latency percentiles (its per-transaction log, -l).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchServer } from './servers.js';
import { percentile } from './stats.js';

export interface PgbenchRun {
  readonly script: string;
  readonly mode: 'simple' | 'extended' | 'prepared';
  readonly clients: number;
  readonly threads: number;
  readonly seconds: number;
}

export interface PgbenchResult {
  readonly transactions: number;
  readonly tps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Server CPU per transaction, microseconds. */
  readonly cpuUsPerTx: number;
}

export function pgbenchBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'pgbench'))) return join(dir, 'pgbench');
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    for (const v of readdirSync(base).sort((a, b) => Number(b) - Number(a))) {
      const p = join(base, v, 'bin', 'pgbench');
      if (existsSync(p)) return p;
    }
  }
  throw new Error('pgbench not found (Debian: apt-get install postgresql-contrib)');
}

export async function runPgbench(server: BenchServer, run: PgbenchRun): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-pgbench-'));
  try {
    const scriptFile = join(dir, 'script.sql');
    writeFileSync(scriptFile, run.script);
    const args = [
      '-h', server.host, '-p', String(server.port), '-U', server.user,
      '-n', '-f', scriptFile, '-c', String(run.clients), '-j', String(run.threads), '-T', String(run.seconds),
      '-M', run.mode, '-l', `--log-prefix=${join(dir, 'tx')}`, server.database,
    ];
    const cpuBefore = server.cpuSeconds();
    const out = await exec(pgbenchBinary(), args);
    // Backends' CPU reaches the postmaster's children total once they have exited and been reaped.
    await new Promise((r) => setTimeout(r, 200));
    const cpu = server.cpuSeconds() - cpuBefore;
    const failed = /number of failed transactions: (\d+)/.exec(out);
    if (failed && Number(failed[1]) > 0) throw new Error(`pgbench against ${server.name}: ${failed[1]} failed transactions\n${out}`);
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
    const processed = /number of transactions actually processed: (\d+)/.exec(out);
    if (!tps || !processed) throw new Error(`pgbench output not understood:\n${out}`);
    const latencies = readLatencies(dir);
    if (!latencies.length) throw new Error(`pgbench against ${server.name} logged no transactions (files: ${readdirSync(dir).join(', ')})\n${out}`);
    const transactions = Number(processed[1]);
    return {
      transactions, tps: Number(tps[1]),
      p50Ms: percentile(latencies, 0.5) / 1000, p99Ms: percentile(latencies, 0.99) / 1000,
      cpuUsPerTx: transactions ? (cpu * 1e6) / transactions : 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per-transaction latencies (µs) from every thread's log: `client tx latency script epoch us`. */
function readLatencies(dir: string): Float64Array {
  const values: number[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.startsWith('tx')) continue;
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const a = line.indexOf(' '), b = line.indexOf(' ', a + 1), c = line.indexOf(' ', b + 1);
      if (c < 0) continue;
      values.push(Number(line.slice(b + 1, c)));
    }
  }
  return Float64Array.from(values).sort();
}

function exec(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited with ${code}:\n${out}`))));
  });
}

// Shared setup for the driver tests: a Weir test server and a real PostgreSQL 15 that both have a
// superuser `weir` and a database `weir`, so one program can be pointed at either and the two
// outputs compared (expected results come from PostgreSQL, never from Weir).

import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { startPostgres, type RealPostgres } from '../support/postgres.js';
import { psql } from '../support/psql.js';

export interface BothServers {
  readonly weir: TestServer;
  readonly real: RealPostgres;
  stop(): Promise<void>;
}

export async function startBoth(): Promise<BothServers> {
  const weir = await startServer();
  const real = await startPostgres();
  const setup = await psql(real.port, ['-d', 'postgres', '-c', 'CREATE ROLE weir SUPERUSER LOGIN', '-c', 'CREATE DATABASE weir OWNER weir'], undefined, { user: 'postgres' });
  expect(setup.stderr).toBe('');
  return {
    weir, real,
    async stop() { await weir.stop(); real.stop(); },
  };
}

export interface RunResult { stdout: string; stderr: string; status: number | null }

/** Runs a program asynchronously (the Weir server under test lives in this process), killing it after timeoutMs. */
export function run(cmd: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolve({ stdout, stderr, status }); });
    child.stdin.end(opts.input ?? '');
  });
}

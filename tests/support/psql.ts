// Runs the real psql binary against a test server.

import { spawnSync } from 'node:child_process';

export function psql(port: number, args: string[], input?: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('psql', ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'weir', '-d', 'weir', '-v', 'ON_ERROR_STOP=1', ...args], {
    input, encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '10', PAGER: '' }, timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

// Runs the real psql binary against a test server. Asynchronous on purpose: the server under
// test usually runs in this same process, so a synchronous spawn would deadlock it.

import { spawn } from 'node:child_process';

export interface PsqlResult { stdout: string; stderr: string; status: number | null }

export function psql(port: number, args: string[], input?: string, opts: { user?: string; env?: Record<string, string> } = {}): Promise<PsqlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', ['-X', '-w', '-h', '127.0.0.1', '-p', String(port), '-U', opts.user ?? 'weir', '-d', 'weir', '-v', 'ON_ERROR_STOP=1', ...args], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '10', PAGER: '', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolve({ stdout, stderr, status }); });
    child.stdin.end(input ?? '');
  });
}

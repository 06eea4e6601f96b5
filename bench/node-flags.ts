// The V8 flags `npm start` runs the server with, so benchmarks measure what users run.
// --single-threaded-gc: Weir runs one TaskManager thread per core, so V8's parallel and
// concurrent GC helper threads only compete with them for the same cores (docs/benchmarks.md has
// the measurements). WEIR_GC=parallel measures V8's default instead.

import { spawnSync } from 'node:child_process';

export function serverNodeFlags(): string[] {
  return process.env.WEIR_GC === 'parallel' ? [] : ['--single-threaded-gc'];
}

/**
 * For benchmarks that host the server in their own process (bench/in-process-server.ts): run this
 * script again under the server's flags unless it has them, and exit with that run's status.
 * (The Kafka benchmarks ran under V8's default GC until 8 December, unlike `npm start`.)
 */
export function ensureServerNodeFlags(): void {
  const missing = serverNodeFlags().filter((f) => !process.execArgv.includes(f));
  if (!missing.length) return;
  const run = spawnSync(process.execPath, [...missing, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

// npm run bench:gc — how a state-heavy workload scales from one to two worker threads, with V8's
// default (parallel, concurrent) GC and with --single-threaded-gc. Each worker builds a Map of
// row lists as a join's state does; one JSON line per (gc, threads) with each thread's time.
// The reason `npm start` runs node with --single-threaded-gc (docs/benchmarks.md).

import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';

const ROWS = 1_500_000, KEYS = 1_000_003, ROUNDS = 3;

// Plain JavaScript, run as an eval'd worker: no TypeScript loader inside the measurement.
const WORKLOAD = `
const { parentPort } = require('node:worker_threads');
const start = Date.now();
const m = new Map();
for (let r = 0; r < ${ROUNDS}; r++) {
  m.clear();
  for (let i = 0; i < ${ROWS}; i++) {
    const k = 'n' + ((i * 7919) % ${KEYS});
    const row = [i, i * 2, i * 3];
    const l = m.get(k);
    if (l) l.push(row); else m.set(k, [row]);
  }
}
parentPort.postMessage(Date.now() - start);
`;

function threads(n: number): Promise<number[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<number>((resolve, reject) => {
    const w = new Worker(WORKLOAD, { eval: true });
    w.once('message', (ms: number) => { resolve(ms); void w.terminate(); });
    w.once('error', reject);
  })));
}

if (process.argv[2] === 'child') {
  // One process per GC mode (a V8 flag cannot change once the process runs).
  const gc = process.argv[3];
  for (const n of [1, 2]) {
    const ms = await threads(n);
    console.log(JSON.stringify({ bench: 'gc_scaling', gc, threads: n, ms_per_thread: ms, rows_per_thread: ROWS * ROUNDS }));
  }
} else {
  for (const gc of ['parallel', 'single-threaded']) {
    const flags = gc === 'single-threaded' ? ['--single-threaded-gc'] : [];
    const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', import.meta.filename, 'child', gc], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) process.exitCode = 1;
  }
}

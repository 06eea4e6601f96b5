// npm run bench:nexmark [-- --events 100000 --seed 42 --queries q0,q3 --configs local:1,cluster:1,cluster:2]
// Runs the generator baseline and every query of queries.sql under each runtime configuration,
// each in its own process (so peak RSS is per query), and prints one JSON line per result on
// stdout, then a summary table on stderr. A query that fails to plan or run gets its error in
// its line instead of figures. `cluster:N` is the worker-thread runtime with
// SET streaming_parallelism = N; `local:1` the single-threaded in-process runtime.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadQueries } from './queries.js';
import { serverNodeFlags } from '../node-flags.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const events = Number(arg('events', '100000'));
const seed = Number(arg('seed', '42'));
const wanted = arg('queries', '');
const configs = arg('configs', 'local:1,cluster:1,cluster:2').split(',').map((c) => {
  const [runtime, p] = c.split(':');
  return { runtime, parallelism: Number(p ?? 1) };
});
const queries = loadQueries().filter((q) => !wanted || wanted.split(',').includes(q.name));
const here = import.meta.dirname;

function runChild(script: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...serverNodeFlags(), '--import', 'tsx', join(here, script), ...args], { cwd: join(here, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (line) resolve(JSON.parse(line) as Record<string, unknown>);
      else resolve({ script, args, error: `exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}` });
    });
  });
}

const results: Record<string, unknown>[] = [];
const emit = (r: Record<string, unknown>) => { results.push(r); console.log(JSON.stringify(r)); };

emit(await runChild('generator-baseline.ts', [String(events), String(seed)]));
for (const q of queries) {
  for (const c of configs) emit(await runChild('run-query.ts', [q.name, String(events), String(seed), c.runtime, String(c.parallelism)]));
}

// Summary: one row per query, one column per configuration.
const cols = configs.map((c) => `${c.runtime}:${c.parallelism}`);
const lines = [`| query | ${cols.map((c) => `${c} events/s | ${c} RSS MB`).join(' | ')} |`, `|---|${cols.map(() => '---|---').join('|')}|`];
for (const name of ['generator', ...queries.map((q) => q.name)]) {
  const cells = configs.map((c) => {
    const r = results.find((x) => x.query === name && (name === 'generator' || (x.runtime === c.runtime && x.parallelism === c.parallelism)));
    if (!r) return '– | –';
    return r.error ? `error: ${String(r.error).slice(0, 60)} | ${r.peak_rss_mb ?? '–'}` : `${r.events_per_s} | ${r.peak_rss_mb}`;
  });
  lines.push(`| ${name} | ${cells.join(' | ')} |`);
}
console.error(lines.join('\n'));

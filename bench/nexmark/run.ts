// npm run bench:nexmark [-- --events 100000 --seed 42 --queries q0,q3 --configs local:1,cluster:1,cluster:2 --runs 1]
// Runs the generator baseline and every query of queries.sql under each runtime configuration,
// each in its own process (so peak RSS is per query), and prints one JSON line per result on
// stdout, then a summary table on stderr. A query that fails to plan or run gets its error in
// its line instead of figures. `cluster:N` is the worker-thread runtime with
// SET streaming_parallelism = N; `local:1` the single-threaded in-process runtime.
//
// --runs N: each query runs its configurations N times, interleaved (c1, c2, c1, c2, …: a shared
// machine's speed drifts by ±20% between runs, so back-to-back pairs compare better than blocks),
// and a `summary` line per query and configuration gives the median events/s and, against the
// first configuration, the median of the per-round ratios (`vs_first`: the 2-vs-1 speedup).

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
const runs = Math.max(1, Number(arg('runs', '1')));
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

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN; };
const rate = (r: Record<string, unknown> | undefined) => (r && !r.error ? Number(r.events_per_s) : NaN);

emit(await runChild('generator-baseline.ts', [String(events), String(seed)]));
const summaries: Record<string, unknown>[] = [];
for (const q of queries) {
  const rounds: Record<string, unknown>[][] = [];
  for (let run = 0; run < runs; run++) {
    const round: Record<string, unknown>[] = [];
    for (const c of configs) {
      const r = await runChild('run-query.ts', [q.name, String(events), String(seed), c.runtime, String(c.parallelism)]);
      round.push(r);
      emit(runs > 1 ? { ...r, run } : r);
    }
    rounds.push(round);
  }
  if (runs === 1) continue;
  configs.forEach((c, i) => {
    const ok = rounds.filter((round) => Number.isFinite(rate(round[i])));
    const summary = {
      summary: true, query: q.name, runtime: c.runtime, parallelism: c.parallelism, runs: ok.length,
      events_per_s: Math.round(median(ok.map((round) => rate(round[i])))),
      peak_rss_mb: Math.max(...ok.map((round) => Number(round[i].peak_rss_mb))),
      ...(i > 0 ? { vs_first: +median(ok.filter((round) => Number.isFinite(rate(round[0]))).map((round) => rate(round[i]) / rate(round[0]))).toFixed(3) } : {}),
    };
    summaries.push(summary);
    console.log(JSON.stringify(summary));
  });
}

// Summary: one row per query, one column per configuration.
const cols = configs.map((c) => `${c.runtime}:${c.parallelism}`);
const lines = [`| query | ${cols.map((c) => `${c} events/s | ${c} RSS MB`).join(' | ')} |`, `|---|${cols.map(() => '---|---').join('|')}|`];
for (const name of ['generator', ...queries.map((q) => q.name)]) {
  const cells = configs.map((c) => {
    const r = (runs > 1 && name !== 'generator' ? summaries : results).find((x) => x.query === name && (name === 'generator' || (x.runtime === c.runtime && x.parallelism === c.parallelism)));
    if (!r) return '– | –';
    if (r.error) return `error: ${String(r.error).slice(0, 60)} | ${r.peak_rss_mb ?? '–'}`;
    return `${r.events_per_s}${r.vs_first !== undefined ? ` (×${String(r.vs_first)})` : ''} | ${r.peak_rss_mb}`;
  });
  lines.push(`| ${name} | ${cells.join(' | ')} |`);
}
console.error(lines.join('\n'));

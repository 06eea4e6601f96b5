// `npm run bench` end to end at a tiny scale: Weir as a child process and a real PostgreSQL, the
// real pgbench binary, bulk loads and a scan. Checks the output contract (one JSON object per
// line on stdout, every figure present and positive, ratio = weir / pg), not the speed.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

it('prints one JSON result per line for every benchmark, Weir and PostgreSQL side by side', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
    cwd: ROOT,
    env: { ...process.env, WEIR_BENCH_SECONDS: '2', WEIR_BENCH_SCALE: '0.01' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  const results = lines.map((l) => JSON.parse(l) as Record<string, number | string>);
  expect(results.map((x) => `${x.bench}${x.mode ? ' ' + x.mode : ''}`)).toEqual([
    'pgbench_select1 simple', 'pgbench_select1 prepared', 'pgbench_pk_lookup simple', 'pgbench_pk_lookup prepared',
    'copy_from_stdin', 'insert_multirow', 'scan_group_by',
  ]);
  for (const x of results) {
    const [w, p] = x.mode ? [x.weir_qps, x.pg_qps] : [x.weir_rows_per_s, x.pg_rows_per_s];
    expect(w, JSON.stringify(x)).toBeGreaterThan(0);
    expect(p, JSON.stringify(x)).toBeGreaterThan(0);
    expect(x.ratio as number).toBeCloseTo((w as number) / (p as number), 1);
    if (x.mode) {
      expect(x.clients).toBe(16);
      // pgbench stamps transactions with a lazily refreshed clock, so a fast server's median can
      // log as 0 µs; the 99th percentile always spans a clock tick.
      for (const k of ['weir_p99_ms', 'pg_p99_ms']) expect(x[k], k).toBeGreaterThan(0);
      for (const k of ['weir_p50_ms', 'pg_p50_ms']) expect(x[k], k).toBeGreaterThanOrEqual(0);
      expect(x.weir_p99_ms as number).toBeGreaterThanOrEqual(x.weir_p50_ms as number);
      expect(x.pg_p99_ms as number).toBeGreaterThanOrEqual(x.pg_p50_ms as number);
    }
  }
}, 300_000);

// `npm run bench` end to end at a tiny scale: Weir as a child process and a real PostgreSQL, the
// real pgbench binary, bulk loads and a scan. Checks the output contract (one JSON object per
// line on stdout, every figure present and positive, ratio = weir / pg; the fault-tolerance
// benches' lines), not the speed.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

it('prints one JSON result per line for every benchmark, Weir and PostgreSQL side by side', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
    cwd: ROOT,
    env: { ...process.env, WEIR_BENCH_SECONDS: '2', WEIR_BENCH_SCALE: '0.01', WEIR_FT_EVENTS: '50000', WEIR_FT_KAFKA_BIDS: '5000', WEIR_FT_KAFKA_Q4_EVENTS: '20000', WEIR_FT_RECOVERY_EVENTS: '20000' },
    encoding: 'utf8',
    timeout: 420_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  const all = lines.map((l) => JSON.parse(l) as Record<string, number | string>);
  const ft = all.filter((x) => ['checkpoint_overhead', 'kafka_q1', 'kafka_q4', 'recovery'].includes(x.bench as string));
  const results = all.filter((x) => !ft.includes(x));
  expect(results.map((x) => `${x.bench}${x.mode ? ' ' + x.mode : ''}`)).toEqual([
    'pgbench_select1 simple', 'pgbench_select1 prepared', 'pgbench_pk_lookup simple', 'pgbench_pk_lookup prepared',
    'copy_from_stdin', 'insert_multirow', 'scan_group_by',
  ]);
  // Fault tolerance: q1 and q4 at three checkpoint intervals, five Kafka configurations for each, one recovery.
  expect(ft.map((x) => `${x.bench} ${x.query ?? x.sink_delivery ?? ''} ${x.checkpoint_interval ?? ''}`.trim())).toEqual([
    'checkpoint_overhead q1 off', 'checkpoint_overhead q1 10s', 'checkpoint_overhead q1 1s',
    'checkpoint_overhead q4 off', 'checkpoint_overhead q4 10s', 'checkpoint_overhead q4 1s',
    ...['kafka_q1', 'kafka_q4'].flatMap((b) => ['at-least-once off', 'at-least-once 10s', 'at-least-once 1s', 'exactly-once 10s', 'exactly-once 1s'].map((c) => `${b} ${c}`)),
    'recovery',
  ]);
  for (const x of ft) {
    const rate = x.events_per_s ?? x.rows_per_s ?? x.restart_to_restored_view_s;
    expect(rate, JSON.stringify(x)).toBeGreaterThan(0);
    if (x.bench === 'kafka_q1' || x.bench === 'kafka_q4') expect(x.committed_s as number).toBeGreaterThanOrEqual(x.process_s as number);
  }
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
}, 480_000);

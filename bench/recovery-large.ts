// `WEIR_BENCH_ONLY=recovery_large npm run bench:ft`: recovery of a large state after kill -9.
// A child server deduplicates an unbounded-keyed Nexmark bid stream — the latest bid of every
// (auction, bidder), q18's shape, whole rows as state — into a blackhole sink with checkpoints,
// until the generator is drained and a checkpoint has recorded it all; then SIGKILL, start again,
// and time until the server listens (it does once every job's tasks are restored and running)
// and until the restored job completes its first checkpoint. Reported: the state (raw bytes the
// checkpoints wrote, the checkpoint store on disk, entries loaded before the tasks resumed),
// whether every stateful task restored lazily (checkpoint/latest-state.ts), the slowest task's
// restore, and how long the background warm-up of lazily restored state took.
// Environment: WEIR_FT_LARGE_EVENTS (Nexmark events, default 4,000,000); WEIR_BENCH_KEEP=1 keeps
// the data directory (to time more restarts by hand).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SOURCE_COLUMNS } from './nexmark/nexmark-sources.js';
import { round } from './stats.js';
import { checkpointStoreBytes, child, killAndRestart } from './child-server.js';

const EVENTS = Number(process.env.WEIR_FT_LARGE_EVENTS ?? 4_000_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => process.stderr.write(`[ft] ${m}\n`);

interface CheckpointRow { id: string; job: string; status: string; trigger_time: string; size_bytes: string }

export async function recoveryLarge(emit: (r: Record<string, unknown>) => void): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'weir-ft-large-'));
  const connect = async (port: number) => { const c = new pg.Client({ host: '127.0.0.1', port, user: 'bench', database: 'weir' }); await c.connect(); c.on('error', () => undefined); return c; };
  const completed = async (c: pg.Client) => ((await c.query('SHOW CHECKPOINTS')).rows as CheckpointRow[]).filter((r) => r.job === 'dedup_out' && r.status === 'COMPLETED');
  try {
    let srv = await child(dataDir);
    let c = await connect(srv.port);
    await c.query(`CREATE SOURCE bid (${SOURCE_COLUMNS.bid}) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = ${EVENTS}, seed = 42)`);
    const start = performance.now();
    await c.query(`CREATE SINK dedup_out AS SELECT auction, bidder, price, channel, url, date_time, extra FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY auction, bidder ORDER BY date_time DESC) AS rn FROM bid) t WHERE rn = 1
      WITH (connector = 'blackhole', parallelism = 2, checkpoint.interval = '2s')`);
    // Drained: two checkpoints in a row that wrote (almost) nothing, after ones that did.
    let rawBytes = 0;
    for (let quiet = 0; quiet < 2;) {
      await sleep(1000);
      const done = await completed(c);
      rawBytes = done.reduce((n, r) => n + Number(r.size_bytes), 0);
      const last = done.at(-1);
      quiet = last && rawBytes > 1e6 && Number(last.size_bytes) < 10_000 ? quiet + 1 : 0;
      log(`recovery_large: ${done.length} checkpoints, ${round(rawBytes / 1e6)} MB written`);
    }
    const computeSeconds = (performance.now() - start) / 1000;
    const storeBytes = checkpointStoreBytes(dataDir);
    const lastId = Math.max(...(await completed(c)).map((r) => Number(r.id)));
    const restart = await killAndRestart(srv, dataDir);
    srv = restart.srv;
    const killed = restart.killedAt, listening = restart.listeningS;
    c = await connect(srv.port);
    while (!(await completed(c).catch(() => [])).some((r) => Number(r.id) > lastId)) await sleep(50);
    const firstCheckpoint = (performance.now() - killed) / 1000;
    // "weir: task … restored N state entries from checkpoint K in T ms[, the rest read lazily]"
    const restores = [...srv.stderr().matchAll(/restored (\d+) state entries from checkpoint \d+ in (\d+) ms(, the rest read lazily)?/g)].map((m) => ({ entries: Number(m[1]), ms: Number(m[2]), lazy: m[3] !== undefined }));
    const lazy = restores.length > 0 && restores.every((r) => r.lazy);
    // "weir: task … warmed up its lazily restored state in T ms", one line per lazily restored task.
    const warmUps = () => [...srv.stderr().matchAll(/warmed up its lazily restored state in (\d+) ms/g)].map((m) => Number(m[1]));
    while (lazy && warmUps().length < restores.length) await sleep(100);
    emit({
      bench: 'recovery_large', events: EVENTS, compute_s: round(computeSeconds, 1),
      state_written_mb: round(rawBytes / 1e6), checkpoint_store_mb: round(storeBytes / 1e6),
      entries_restored: restores.reduce((n, r) => n + r.entries, 0), slowest_task_restore_s: round(Math.max(0, ...restores.map((r) => r.ms)) / 1000, 2),
      lazy_restore: lazy, slowest_warm_up_s: lazy ? round(Math.max(...warmUps()) / 1000, 2) : null,
      restart_to_listening_s: round(listening, 2), restart_to_first_checkpoint_s: round(firstCheckpoint, 2),
    });
    await c.end();
    srv.proc.kill('SIGINT');
    await srv.exited;
  } finally {
    if (process.env.WEIR_BENCH_KEEP === '1') log(`kept ${dataDir}`); else rmSync(dataDir, { recursive: true, force: true });
  }
}

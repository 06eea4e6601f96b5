// `npm run bench:memory`: does state stay within bounded memory while unbounded input runs?
// A Weir server (a child process, so its memory is measured from outside) started with
// --state-memory runs two aggregations over an unbounded Nexmark bid stream at a fixed rate —
// per auction and per bidder, whose key spaces grow for as long as the stream runs — and every
// 30 s one JSON line reports the groups held, events read, the server's RSS, the TaskManagers'
// heap (where operator state lives; the views' rows are in the main thread) and the bytes spilled.
// Environment: WEIR_MEMORY_SECONDS (default 300), WEIR_MEMORY_RATE (events/s, default 20000),
// WEIR_MEMORY_BUDGET (--state-memory, default 64MB; 'off' runs with the 512MB default).
// WEIR_MEMORY_WINDOWED=1: the same two aggregations per 10-second window, over a source with a
// watermark, EMIT ON WINDOW CLOSE into blackhole sinks — closed windows leave state, so the
// TaskManagers' state should stay flat without spilling (groups: those of the open windows).
// WEIR_MEMORY_JOIN=interval: auctions joined with the bids of their first 10 s (an interval join,
// both sources watermarked) into a blackhole sink — rows leave the join's state as the watermarks
// pass them; WEIR_MEMORY_JOIN=plain: the same join without the time bound, which keeps every row.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { child, dirBytes } from './child-server.js';
import { SOURCE_COLUMNS } from './nexmark/nexmark-sources.js';
import { round } from './stats.js';

const SECONDS = Number(process.env.WEIR_MEMORY_SECONDS ?? 300);
const RATE = Number(process.env.WEIR_MEMORY_RATE ?? 20_000);
const BUDGET = process.env.WEIR_MEMORY_BUDGET ?? '64MB';
const SAMPLE_MS = 30_000;
const WINDOWED = process.env.WEIR_MEMORY_WINDOWED === '1';
const JOIN = process.env.WEIR_MEMORY_JOIN as 'interval' | 'plain' | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident set of a process, in MB (procps `ps`). */
function rssMb(pid: number): number { return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024; }

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'weir-memory-'));
  const srv = await child(dataDir, ['--rest-port', '0', ...(BUDGET === 'off' ? [] : ['--state-memory', BUDGET])]);
  // The REST address is printed just after the listening line.
  // Each TaskManager's heap in use and committed (what the heap holds of the RSS), in MB.
  const heapsMb = async (): Promise<{ used: number[]; committed: number[] }> => {
    const rest = /REST API \(Flink-compatible\) on (http:\/\/[^/\s]+)/.exec(srv.stdout())?.[1];
    if (!rest) return { used: [], committed: [] };
    const { taskmanagers } = await (await fetch(`${rest}/taskmanagers`)).json() as { taskmanagers: { id: string }[] };
    const details = await Promise.all(taskmanagers.map(async (t) => (await (await fetch(`${rest}/taskmanagers/${t.id}`)).json()) as { metrics: { heapUsed: number; heapCommitted: number } }));
    return { used: details.map((d) => round(d.metrics.heapUsed / 1024 ** 2)), committed: details.map((d) => round(d.metrics.heapCommitted / 1024 ** 2)) };
  };
  // The main thread's heap (the views' rows live there), from the JobManager metrics.
  const mainHeapMb = async (): Promise<number | null> => {
    const rest = /REST API \(Flink-compatible\) on (http:\/\/[^/\s]+)/.exec(srv.stdout())?.[1];
    if (!rest) return null;
    const [m] = await (await fetch(`${rest}/jobmanager/metrics?get=Status.JVM.Memory.Heap.Committed`)).json() as { value: string }[];
    return round(Number(m.value) / 1024 ** 2);
  };
  const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'bench', database: 'weir' });
  await c.connect();
  try {
    const wm = WINDOWED || JOIN ? ", WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND" : '';
    await c.query(`CREATE SOURCE bid (${SOURCE_COLUMNS.bid}${wm}) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.rate = ${RATE}, seed = 7)`);
    if (JOIN) {
      await c.query(`CREATE SOURCE auction (${SOURCE_COLUMNS.auction}${wm}) WITH (connector = 'nexmark', nexmark.table.type = 'auction', nexmark.rate = ${RATE}, seed = 7)`);
      const bound = JOIN === 'interval' ? " AND b.date_time BETWEEN a.date_time AND a.date_time + INTERVAL '10' SECOND" : '';
      await c.query(`CREATE SINK early_bids AS SELECT a.id, a.seller, b.bidder, b.price, b.date_time FROM auction a JOIN bid b ON a.id = b.auction${bound} WITH (connector = 'blackhole', parallelism = 2)`);
    }
    if (WINDOWED || JOIN) {
      const from = "FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)";
      if (WINDOWED) await c.query(`CREATE SINK per_auction_w AS SELECT window_start, auction, count(*) AS n, max(price) AS hi, min(price) AS lo, sum(price) AS total ${from} GROUP BY window_start, auction EMIT ON WINDOW CLOSE WITH (connector = 'blackhole', parallelism = 2)`);
      if (WINDOWED) await c.query(`CREATE SINK per_bidder_w AS SELECT window_start, bidder, count(*) AS n, count(DISTINCT auction) AS auctions, max(price) AS hi ${from} GROUP BY window_start, bidder EMIT ON WINDOW CLOSE WITH (connector = 'blackhole', parallelism = 2)`);
      // What the sinks have seen so far, for the report: the open windows' groups are in state.
      await c.query(`CREATE MATERIALIZED VIEW per_auction AS SELECT window_start AS auction, count(*) AS n FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND) GROUP BY window_start`);
      await c.query(`CREATE MATERIALIZED VIEW per_bidder AS SELECT window_start AS bidder FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND) GROUP BY window_start`);
    } else {
      await c.query(`CREATE MATERIALIZED VIEW per_auction WITH (parallelism = 2) AS SELECT auction, count(*) AS n, max(price) AS hi, min(price) AS lo, sum(price) AS total FROM bid GROUP BY auction`);
      await c.query(`CREATE MATERIALIZED VIEW per_bidder WITH (parallelism = 2) AS SELECT bidder, count(*) AS n, count(DISTINCT auction) AS auctions, max(price) AS hi FROM bid GROUP BY bidder`);
    }
    const start = performance.now();
    for (let t = SAMPLE_MS; t <= SECONDS * 1000; t += SAMPLE_MS) {
      await sleep(start + t - performance.now());
      const one = async (q: string) => Number((await c.query(q)).rows[0].n);
      process.stdout.write(JSON.stringify({
        bench: JOIN ? `bounded_memory_${JOIN}_join` : WINDOWED ? 'bounded_memory_windowed' : 'bounded_memory', state_memory: BUDGET, rate: RATE, seconds: Math.round((performance.now() - start) / 1000),
        bids: await one('SELECT coalesce(sum(n), 0) AS n FROM per_auction'),
        auctions: await one('SELECT count(*) AS n FROM per_auction'), bidders: await one('SELECT count(*) AS n FROM per_bidder'),
        rss_mb: round(rssMb(srv.proc.pid!)), ...(await heapsMb().then((h) => ({ taskmanager_heap_mb: h.used, taskmanager_heap_committed_mb: h.committed }))),
        main_heap_committed_mb: await mainHeapMb(), spilled_mb: round(dirBytes(join(dataDir, 'spill')) / 1024 ** 2),
      }) + '\n');
    }
  } finally {
    await c.end();
    srv.proc.kill('SIGINT');
    await srv.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

// A Weir server in the benchmark's own process (the drain of generator splits is announced
// in-process), on a fresh data directory, and the figures of a job's completed checkpoints.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { round } from './stats.js';

/** What the benchmark may ask the server in its process. */
export interface InProcessServer {
  /** Entries the TaskManagers spilled to disk so far (from their latest heartbeats). */
  spilledEntries(): number;
}

export async function withServer<T>(f: (c: pg.Client, server: InProcessServer) => Promise<T>): Promise<T> {
  const { Database } = await import('../src/database.js');
  const { PgServer } = await import('../src/pgwire/server.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'weir-ft-'));
  const db = await Database.open({ dataDir, bootstrapUser: 'bench' });
  const server = new PgServer(db, { host: '127.0.0.1', port: 0 });
  const c = new pg.Client({ host: '127.0.0.1', port: await server.listen(), user: 'bench', database: 'weir' });
  await c.connect();
  try {
    const runtime = () => db.streaming.runtime;
    return await f(c, {
      spilledEntries: () => runtime()?.taskManagerIds().reduce((n, id) => n + (runtime()?.taskManager(id)?.metrics?.spilledEntries ?? 0), 0) ?? 0,
    });
  } finally {
    await c.end();
    await server.close(1000);
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface CheckpointRow { id: string; job: string; status: string; duration_ms: string | null; size_bytes: string; alignment_ms: string; trigger_time: string }

export async function checkpointStats(c: pg.Client, job: string): Promise<Record<string, number>> {
  const rows = ((await c.query('SHOW CHECKPOINTS')).rows as CheckpointRow[]).filter((r) => r.job === job && r.status === 'COMPLETED');
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    checkpoints: rows.length,
    checkpoint_mean_ms: round(mean(rows.map((r) => Number(r.duration_ms)))),
    checkpoint_max_bytes: Math.max(0, ...rows.map((r) => Number(r.size_bytes))),
    alignment_max_ms: Math.max(0, ...rows.map((r) => Number(r.alignment_ms))),
  };
}

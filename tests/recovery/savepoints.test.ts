// Savepoints and chosen restore points as a user drives them over SQL: SAVEPOINT JOB takes one
// and prints its path; a new view created WITH (restore.from = that path) starts from the
// savepoint's state and source position and ends exactly equal to the original; RESTORE JOB
// rewinds a running job to one of its checkpoints; STOP JOB … WITH SAVEPOINT stops it with a
// last savepoint. Mistakes get clear errors with SQLSTATEs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from '../support/server.js';
import { EXPECTED_BIDS, FAST_CHECKPOINTS, aggQuery, completedCheckpoints, createBidSource, until } from './support.js';

let srv: TestServer;
let c: pg.Client;
beforeAll(async () => {
  srv = await startServer();
  c = await srv.client();
  await createBidSource(c, 'bid');
  await c.query(`CREATE MATERIALIZED VIEW agg WITH (${FAST_CHECKPOINTS}) AS ${aggQuery('bid')}`);
}, 60_000);
afterAll(async () => { await srv?.stop(); });

const jobId = async (name: string) => ((await c.query('SHOW JOBS')).rows as { id: string; name: string }[]).find((j) => j.name === name)!.id;
const total = async (v: string) => Number((await c.query(`SELECT coalesce(sum(n), 0)::int AS n FROM ${v}`)).rows[0].n);

describe('savepoints', () => {
  it('SAVEPOINT JOB prints a path that a new job restores from, ending equal to the original', async () => {
    const id = await jobId('agg');
    await until(async () => (await total('agg')) > 2000, 'some input');
    const seenBefore = await total('agg');
    const path = (await c.query(`SAVEPOINT JOB ${id}`)).rows[0].savepoint_path as string;
    expect(path).toMatch(/\/savepoint-\d+$/);
    const listed = ((await c.query(`SHOW CHECKPOINTS FOR JOB ${id}`)).rows as { is_savepoint: boolean; status: string; external_path: string }[]).find((r) => r.external_path === path);
    expect(listed).toMatchObject({ is_savepoint: true, status: 'COMPLETED' });

    await c.query(`CREATE MATERIALIZED VIEW agg_copy WITH (restore.from = '${path}', ${FAST_CHECKPOINTS}) AS ${aggQuery('bid')}`);
    // Restored, not recomputed: at once it holds at least what the original held before the savepoint.
    expect(await total('agg_copy')).toBeGreaterThanOrEqual(seenBefore);
    await until(async () => (await total('agg')) === EXPECTED_BIDS && (await total('agg_copy')) === EXPECTED_BIDS, 'both to finish', 90_000);
    await c.query('FLUSH');
    expect((await c.query('SELECT * FROM agg_copy ORDER BY k')).rows).toEqual((await c.query('SELECT * FROM agg ORDER BY k')).rows);
  }, 120_000);

  it('RESTORE JOB rewinds a running job to one of its checkpoints, and it converges again', async () => {
    await createBidSource(c, 'bid2');
    // Keep every checkpoint, so the first is still there to go back to.
    await c.query(`CREATE MATERIALIZED VIEW agg2 WITH (${FAST_CHECKPOINTS}, checkpoint.retained = 1000) AS ${aggQuery('bid2')}`);
    const id = await jobId('agg2');
    const first = await until(async () => (await completedCheckpoints(c, 'agg2'))[0], 'a checkpoint');
    await until(async () => (await total('agg2')) > 4000, 'more input');
    await c.query(`RESTORE JOB ${id} FROM 'chk-${first}'`);
    // Back at the checkpoint: fewer rows than a moment ago, counted again from there.
    expect(await total('agg2')).toBeLessThan(4000);
    await until(async () => (await total('agg2')) === EXPECTED_BIDS, 'the job to finish', 20_000).catch(async (e: Error) => { throw new Error(e.message + JSON.stringify((await c.query('SHOW JOBS')).rows) + await total('agg2')); });
    await c.query('FLUSH');
    expect((await c.query('SELECT * FROM agg2 ORDER BY k')).rows).toEqual((await c.query('SELECT * FROM agg ORDER BY k')).rows);
    // Numbering continues from the restored checkpoint; later ones of the abandoned run are gone.
    expect(Math.min(...(await completedCheckpoints(c, 'agg2')))).toBeGreaterThan(first);
  }, 120_000);

  it('STOP JOB … WITH SAVEPOINT cancels the job after a last savepoint', async () => {
    const id = await jobId('agg2');
    const checkpoint = ((await c.query(`SHOW CHECKPOINTS FOR JOB ${id}`)).rows as { is_savepoint: boolean; status: string; external_path: string }[])
      .find((r) => r.status === 'COMPLETED' && !r.is_savepoint)!.external_path;
    const path = (await c.query(`STOP JOB ${id} WITH SAVEPOINT`)).rows[0].savepoint_path as string;
    expect(path).toMatch(/savepoint-\d+$/);
    expect(((await c.query('SHOW JOBS')).rows as { name: string; status: string }[]).find((j) => j.name === 'agg2')?.status).toBe('CANCELED');
    await expect(c.query(`SAVEPOINT JOB ${id}`)).rejects.toMatchObject({ code: '55000' });
    // The savepoint outlives the job (DELETE_ON_CANCELLATION deletes checkpoints only).
    await c.query(`CREATE MATERIALIZED VIEW agg3 WITH (restore.from = '${path}') AS ${aggQuery('bid2')}`);
    expect(await total('agg3')).toBe(EXPECTED_BIDS);
    // Its checkpoints went with the cancellation, once its tasks had stopped.
    let attempt = 0;
    await until(async () => {
      const name = `probe_${++attempt}`;
      const outcome = await c.query(`CREATE MATERIALIZED VIEW ${name} WITH (restore.from = '${checkpoint}') AS ${aggQuery('bid2')}`).then(() => 'restored', (e: { code: string }) => e.code);
      if (outcome === 'restored') await c.query(`DROP MATERIALIZED VIEW ${name}`);
      return outcome === '42704';
    }, 'the checkpoints to be deleted', 20_000, 200);
  }, 60_000);

  it('CANCEL JOB keeps the checkpoints with checkpoint.retention = retain_on_cancellation', async () => {
    await createBidSource(c, 'bid3');
    await c.query(`CREATE MATERIALIZED VIEW kept WITH (${FAST_CHECKPOINTS}, checkpoint.retention = 'retain_on_cancellation') AS ${aggQuery('bid3')}`);
    const id = await jobId('kept');
    await until(async () => (await completedCheckpoints(c, 'kept')).length > 0, 'a checkpoint');
    const checkpoint = ((await c.query(`SHOW CHECKPOINTS FOR JOB ${id}`)).rows as { status: string; external_path: string }[]).find((r) => r.status === 'COMPLETED')!.external_path;
    await c.query(`CANCEL JOB ${id}`);
    await new Promise((r) => setTimeout(r, 1000)); // as long as a deletion would take
    await c.query(`CREATE MATERIALIZED VIEW kept_again WITH (restore.from = '${checkpoint}') AS ${aggQuery('bid3')}`);
    expect(await total('kept_again')).toBeGreaterThan(0);
  }, 60_000);

  it('a job over a table restores from a savepoint and catches up with what changed since', async () => {
    await c.query('CREATE TABLE t (id int PRIMARY KEY, k int, v int)');
    await c.query('INSERT INTO t SELECT g, g % 5, g FROM generate_series(1, 200) AS g');
    const q = 'SELECT k, count(*) AS n, sum(v) AS total, min(v) AS lo FROM t GROUP BY k';
    await c.query(`CREATE MATERIALIZED VIEW over_t WITH (${FAST_CHECKPOINTS}) AS ${q}`);
    const path = (await c.query(`SAVEPOINT JOB ${await jobId('over_t')}`)).rows[0].savepoint_path as string;
    // After the savepoint: rows deleted (min(v) of every group among them), updated and added.
    await c.query('DELETE FROM t WHERE id <= 10');
    await c.query('UPDATE t SET v = v * 2 WHERE id % 3 = 0');
    await c.query('INSERT INTO t SELECT g, g % 7, g FROM generate_series(201, 260) AS g');
    await c.query(`CREATE MATERIALIZED VIEW over_t_copy WITH (restore.from = '${path}') AS ${q}`);
    await c.query('FLUSH');
    const now = (await c.query(`${q} ORDER BY k`)).rows;
    expect((await c.query('SELECT * FROM over_t_copy ORDER BY k')).rows).toEqual(now);
    expect((await c.query('SELECT * FROM over_t ORDER BY k')).rows).toEqual(now);
  }, 60_000);

  it('refuses what cannot work, with SQLSTATEs', async () => {
    await expect(c.query('SAVEPOINT JOB 999')).rejects.toMatchObject({ code: '42704' });
    await expect(c.query(`CREATE MATERIALIZED VIEW x1 WITH (restore.from = 'yesterday') AS ${aggQuery('bid')}`)).rejects.toMatchObject({ code: '22023' });
    await expect(c.query(`CREATE MATERIALIZED VIEW x2 WITH (restore.from = 'chk-424242') AS ${aggQuery('bid')}`)).rejects.toMatchObject({ code: '42704' });
    const path = (await c.query(`SAVEPOINT JOB ${await jobId('agg')}`)).rows[0].savepoint_path as string;
    await expect(c.query(`CREATE MATERIALIZED VIEW x3 WITH (restore.from = '${path}') AS SELECT a, count(*) AS n FROM (VALUES (1), (2)) AS v(a) GROUP BY a`)).rejects.toMatchObject({ code: '0A000' });
    await c.query(`CREATE MATERIALIZED VIEW no_cp WITH (checkpoint.interval = 'off') AS SELECT count(*) AS n FROM bid`);
    await expect(c.query(`SAVEPOINT JOB ${await jobId('no_cp')}`)).rejects.toMatchObject({ code: '55000' });
    expect(((await c.query("SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('x1', 'x2', 'x3')")).rows[0]).n).toBe(0);
  }, 60_000);
});

// The write-ahead file sink and the idempotent PostgreSQL upsert sink, driven the way a sink task
// drives them (write, pre-commit on a barrier, commit when the checkpoint completes) and the way
// recovery does (commit the restored checkpoint's committables again, after a crash at any step).

import { mkdtempSync, readFileSync, rmSync, truncateSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../src/types/datatype.js';
import { Numeric } from '../src/types/numeric.js';
import { type Chunk, Op } from '../src/stream/chunk.js';
import { fileSinkConnector } from '../src/stream/connectors/file/file-sink.js';
import { postgresSinkConnector } from '../src/stream/connectors/postgres/postgres-sink.js';
import type { SinkContext } from '../src/stream/connectors/sink-writer.js';
import { type RealPostgres, startPostgres } from './support/postgres.js';

const COLUMNS = [{ name: 'k', type: T.int8 }, { name: 'v', type: T.text }, { name: 'n', type: T.numeric }];
const ctx = (keyColumns: number[] | null, parallelism = 1, subtask = 0): SinkContext => ({ sinkId: 's1', subtask, parallelism, columns: COLUMNS, keyColumns });
const row = (k: number, v: string) => [BigInt(k), v, Numeric.parse(`${k}.${k}00000000000000000001`)];
const chunk = (ops: Op[], rows: ReturnType<typeof row>[]): Chunk => ({ ops, rows });

describe('file sink (write-ahead)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-file-sink-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a checkpoint only when it completes, exactly once across replays and torn appends', async () => {
    const path = join(dir, 'out.jsonl');
    const w = fileSinkConnector.open({ connector: 'file', path }, ctx(null));
    w.write(chunk([Op.Insert, Op.Insert], [row(1, 'a'), row(2, 'b"')]));
    const c1 = await w.preCommit(1);
    expect(() => readFileSync(path)).toThrow(); // nothing before the checkpoint completes
    await w.commit(c1);
    w.write(chunk([Op.Insert], [row(3, 'c')]));
    const c2 = JSON.parse(JSON.stringify(await w.preCommit(2)));
    // A crash mid-append of checkpoint 2 leaves a torn line behind.
    appendFileSync(path, '{"k":3,"v":"c"');
    const restarted = fileSinkConnector.open({ connector: 'file', path }, ctx(null));
    await restarted.recover([c2]);
    await restarted.recover([c2]); // recovery after recovery: still once
    await restarted.commit(c1);    // an older committable replayed: ignored
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { k: number; v: string; n: number });
    expect(lines.map((l) => [l.k, l.v])).toEqual([[1, 'a'], [2, 'b"'], [3, 'c']]);
    expect(readFileSync(path, 'utf8')).toContain('"n":1.100000000000000000001'); // numeric digits kept
    truncateSync(path, 0);
  });

  it('rejects retractions and bad options', () => {
    const w = fileSinkConnector.open({ connector: 'file', path: join(dir, 'r.jsonl') }, ctx(null));
    expect(() => w.write(chunk([Op.Delete], [row(1, 'a')]))).toThrow(/append-only/);
    expect(() => fileSinkConnector.validate({ connector: 'file' }, COLUMNS, null)).toThrow(/path/);
    expect(() => fileSinkConnector.validate({ connector: 'file', path: '/no/such/dir/x' }, COLUMNS, null)).toThrow(/does not exist/);
  });
});

describe('postgres sink (idempotent upserts)', () => {
  let pgs: RealPostgres;
  let db: pg.Client;
  let url: string;
  beforeAll(async () => {
    pgs = await startPostgres();
    url = `postgres://${pgs.user}@127.0.0.1:${pgs.port}/postgres`;
    db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query('CREATE TABLE target (k bigint PRIMARY KEY, v text, n numeric)');
  });
  afterAll(async () => { await db?.end(); pgs?.stop(); });

  const contents = async () => (await db.query('SELECT k::text, v, n::text FROM target ORDER BY k')).rows.map((r: { k: string; v: string; n: string }) => [r.k, r.v, r.n]);

  it('applies upserts and deletes per completed checkpoint, idempotently on replay', async () => {
    const w = postgresSinkConnector.open({ connector: 'postgres', url, table: 'target' }, ctx([0]));
    w.write(chunk([Op.Insert, Op.Insert, Op.Insert], [row(1, 'a'), row(2, 'b'), row(3, 'c')]));
    const c1 = await w.preCommit(1);
    expect(await contents()).toEqual([]);
    await w.commit(c1);
    expect(await contents()).toEqual([['1', 'a', '1.100000000000000000001'], ['2', 'b', '2.200000000000000000001'], ['3', 'c', '3.300000000000000000001']]);
    w.write(chunk([Op.UpdateDelete, Op.UpdateInsert, Op.Delete, Op.Insert, Op.Delete], [row(1, 'a'), row(1, 'a2'), row(2, 'b'), row(4, 'd'), row(4, 'd')]));
    const c2 = JSON.parse(JSON.stringify(await w.preCommit(2)));
    await w.commit(c2);
    const after = await contents();
    expect(after).toEqual([['1', 'a2', '1.100000000000000000001'], ['3', 'c', '3.300000000000000000001']]);
    const again = postgresSinkConnector.open({ connector: 'postgres', url, table: 'target' }, ctx([0]));
    await again.recover([c2]);
    expect(await contents()).toEqual(after);
    await w.close(); await again.close();
  });

  it('needs a key and reports PostgreSQL errors with their SQLSTATE', async () => {
    expect(() => postgresSinkConnector.validate({ connector: 'postgres', url, table: 'target' }, COLUMNS, null)).toThrow(/key/);
    expect(() => postgresSinkConnector.validate({ connector: 'postgres', url, table: 'target', primary_key: 'nope' }, COLUMNS, null)).toThrow(/nope/);
    const w = postgresSinkConnector.open({ connector: 'postgres', url, table: 'missing_table' }, ctx([0]));
    w.write(chunk([Op.Insert], [row(1, 'a')]));
    const err = await w.commit(await w.preCommit(1)).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: '42P01' });
    await w.close();
  });
});

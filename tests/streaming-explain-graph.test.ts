// EXPLAIN (TYPE streamgraph | job | execution) over the wire: the graphs a view's job lowers to,
// with operator chains, partitioners, parallelism, subtasks, key groups and slots.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer;
let c: pg.Client;

const JOIN_AGG = `CREATE MATERIALIZED VIEW per_seller AS
  SELECT a.seller, count(*) AS bids FROM bids b JOIN auctions a ON b.auction = a.id WHERE b.price > 10 GROUP BY a.seller`;

async function explain(type: string, sql: string): Promise<string[]> {
  const r = await c.query(`EXPLAIN (TYPE ${type}) ${sql}`);
  return r.rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']);
}
// Projections come and go with the optimizer's rules; the tests look at the other operators.
const noProject = (l: string) => l.replace(/ -> Project\b/g, '').replace(/\s+/g, ' ').trim();
const vertexLines = (lines: string[]) => lines.filter((l) => /^\s*Vertex \d+:/.test(l)).map(noProject);
const inputLines = (lines: string[]) => lines.filter((l) => /^\s*input \d+ <- /.test(l)).map((l) => l.trim());

beforeAll(async () => {
  server = await startServer();
  c = await server.client();
  await c.query('CREATE TABLE bids (id int PRIMARY KEY, auction int, price int)');
  await c.query('CREATE TABLE auctions (id int PRIMARY KEY, seller text)');
});
afterAll(async () => { await server?.stop(); });

describe('EXPLAIN (TYPE job)', () => {
  it('at parallelism 1 chains sources with their filters and projections, and breaks chains at hash edges', async () => {
    await c.query('SET streaming_parallelism = 1');
    const lines = await explain('job', JOIN_AGG);
    expect(lines[0]).toMatch(/^JobGraph per_seller\s+vertices=4 max_parallelism=128$/);
    expect(vertexLines(lines)).toEqual([
      'Vertex 1: Source: bids -> Filter parallelism=1',
      'Vertex 2: Source: auctions parallelism=1',
      'Vertex 3: HashJoin -> LocalAgg parallelism=1',
      'Vertex 4: HashAgg -> Materialize: per_seller parallelism=1',
    ]);
    expect(inputLines(lines)).toEqual([
      expect.stringMatching(/^input 0 <- Vertex 1\s+HASH\[auction\]$/),
      expect.stringMatching(/^input 1 <- Vertex 2\s+HASH\[id\]$/),
      expect.stringMatching(/^input 0 <- Vertex 3\s+HASH\[seller\]$/),
    ]);
  });

  it('at parallelism 2 runs keyed operators twice while table sources stay single', async () => {
    await c.query('SET streaming_parallelism = 2');
    const lines = await explain('job', JOIN_AGG);
    expect(vertexLines(lines).map((l) => l.replace(/^Vertex \d+: /, ''))).toEqual([
      'Source: bids -> Filter parallelism=1',
      'Source: auctions parallelism=1',
      'HashJoin -> LocalAgg parallelism=2', // two-phase aggregation: the local phase chains before the exchange
      'HashAgg -> Materialize: per_seller parallelism=2',
    ]);
    expect(inputLines(lines).every((l) => /HASH\[/.test(l))).toBe(true);
  });

  it('takes WITH (parallelism = N) over the session setting', async () => {
    await c.query('SET streaming_parallelism = 1');
    const lines = await explain('job', `CREATE MATERIALIZED VIEW cnt WITH (parallelism = 3) AS SELECT auction, count(*) FROM bids GROUP BY auction`);
    expect(vertexLines(lines)).toEqual([
      'Vertex 1: Source: bids -> LocalAgg parallelism=1',
      'Vertex 2: HashAgg -> Materialize: cnt parallelism=3',
    ]);
  });

  it('gathers a global aggregate into one subtask with a SINGLE edge', async () => {
    await c.query('SET streaming_parallelism = 4');
    const lines = await explain('job', 'SELECT count(*) FROM bids');
    expect(vertexLines(lines)).toContain('Vertex 2: HashAgg parallelism=1');
    expect(inputLines(lines)).toEqual([expect.stringMatching(/^input 0 <- Vertex 1\s+SINGLE$/)]);
  });
});

describe('EXPLAIN (TYPE job) with connector sources and sinks', () => {
  it('reads a connector source with the job parallelism and chains it up to the first exchange', async () => {
    await c.query(`CREATE SOURCE clicks (user_id int, url varchar) WITH (connector = 'datagen')`);
    await c.query('SET streaming_parallelism = 2');
    const lines = await explain('job', `CREATE SINK per_user AS SELECT user_id, count(*) FROM clicks WHERE url <> '' GROUP BY user_id WITH (connector = 'blackhole')`);
    expect(vertexLines(lines)).toEqual([
      'Vertex 1: Source: clicks -> Filter -> LocalAgg parallelism=2',
      'Vertex 2: HashAgg -> Sink: per_user parallelism=2',
    ]);
    expect(inputLines(lines)).toEqual([expect.stringMatching(/^input 0 <- Vertex 1\s+HASH\[user_id\]$/)]);
  });

  it('chains a whole exchange-free job into one vertex', async () => {
    await c.query('SET streaming_parallelism = 3');
    const lines = await explain('job', `CREATE MATERIALIZED VIEW long_urls AS SELECT user_id FROM clicks WHERE length(url) > 10`);
    expect(vertexLines(lines)).toEqual(['Vertex 1: Source: clicks -> Filter -> Materialize: long_urls parallelism=3']);
    expect(inputLines(lines)).toEqual([]);
  });
});

describe('EXPLAIN (TYPE streamgraph)', () => {
  it('lists every operator, unchained, with its input edges', async () => {
    await c.query('SET streaming_parallelism = 2');
    const lines = await explain('streamgraph', JOIN_AGG);
    const ops = lines.filter((l) => /^\s*Operator \d+:/.test(l)).map((l) => l.trim().replace(/^Operator \d+: /, '').replace(/\s+parallelism=\d+$/, ''));
    expect(ops.filter((o) => o !== 'Project')).toEqual(['Source: bids', 'Filter', 'Source: auctions', 'HashJoin', 'LocalAgg', 'HashAgg', 'Materialize: per_seller']);
    expect(lines.some((l) => /input 1 <- Operator \d+\s+HASH\[id\]/.test(l))).toBe(true);
    expect(lines.some((l) => /input 0 <- Operator \d+\s+FORWARD/.test(l))).toBe(true);
  });
});

describe('EXPLAIN (TYPE execution)', () => {
  it('shows one line per subtask with its key groups and slot, and the result partitions', async () => {
    await c.query('SET streaming_parallelism = 2');
    const lines = await explain('execution', JOIN_AGG);
    const subtasks = lines.filter((l) => / subtask \d+\/\d+ key groups /.test(l)).map(noProject);
    expect(subtasks).toHaveLength(1 + 1 + 2 + 2);
    expect(subtasks).toContain('Vertex 4 (HashAgg -> Materialize: per_seller) subtask 0/2 key groups [0, 63] slot tm-1/0');
    const second = subtasks.find((l) => l.startsWith('Vertex 4 (HashAgg -> Materialize: per_seller) subtask 1/2 key groups [64, 127] slot '));
    expect(second).toBeDefined();
    // Slot sharing: subtask 1 of every parallel vertex shares one slot, a different one from subtask 0's.
    const slotOf = (l: string) => /slot (tm-\d+\/\d+)$/.exec(l)![1];
    expect(slotOf(second!)).not.toBe('tm-1/0');
    expect(subtasks.filter((l) => / subtask 1\/2 /.test(l)).map(slotOf)).toEqual([slotOf(second!), slotOf(second!)]);
    expect(subtasks.filter((l) => l.startsWith('Vertex 1 '))).toEqual([expect.stringMatching(/subtask 0\/1 key groups \[0, 127\] slot tm-1\/0$/)]);
    const partitions = lines.filter((l) => /^\s*Partition edge/.test(l));
    // edges 1 and 2 have one producer subtask each, edge 3 (join -> agg) two
    expect(partitions).toHaveLength(4);
    expect(partitions.some((l) => /Vertex 3 subtask 1\/2 -> Vertex 4 subtasks \[0, 1\]\s+HASH\[seller\]/.test(l))).toBe(true);
  });

  it('at parallelism 1 has one subtask per vertex owning every key group', async () => {
    await c.query('SET streaming_parallelism = 1');
    const lines = await explain('execution', JOIN_AGG);
    const subtasks = lines.filter((l) => / subtask \d+\/\d+ key groups /.test(l));
    expect(subtasks).toHaveLength(4);
    expect(subtasks.every((l) => /subtask 0\/1 key groups \[0, 127\] slot tm-1\/0$/.test(l))).toBe(true);
  });
});

describe('parallelism settings', () => {
  it('rejects bad values with SQLSTATE 22023', async () => {
    for (const bad of ['0', '-1', 'two', '1.5', '129']) {
      await expect(c.query(`SET streaming_parallelism = '${bad}'`)).rejects.toMatchObject({ code: '22023' });
    }
    await expect(c.query(`CREATE MATERIALIZED VIEW bad WITH (parallelism = 0) AS SELECT * FROM bids`)).rejects.toMatchObject({ code: '22023' });
    await expect(explain('job', `CREATE MATERIALIZED VIEW bad WITH (parallelism = 'x') AS SELECT * FROM bids`)).rejects.toMatchObject({ code: '22023' });
    const r = await c.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'bad'`);
    expect(r.rows[0].n).toBe(0);
  });

  it('SHOW streaming_parallelism reports the value set', async () => {
    await c.query('SET streaming_parallelism = 3');
    expect((await c.query('SHOW streaming_parallelism')).rows[0].streaming_parallelism).toBe('3');
  });
});

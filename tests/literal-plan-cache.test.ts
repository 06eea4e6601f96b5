// The literal plan cache (src/session/literal-plan-cache.ts): simple-protocol SELECTs that differ
// only in numeric literals share one parameterized plan. It must never change an answer, an
// error or a SQLSTATE:
//   - in process, which shapes are cached and which are not (ORDER BY positions, negated or
//     overflowing literals, select-list constants), and that DDL and SET make entries again;
//   - over the wire, against a real PostgreSQL, each scenario step by step on one session, so
//     cached templates are reused with other literals, other literal types, NULLs, errors and
//     DDL in between.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Database } from '../src/database.js';
import { Session, SelectCursor } from '../src/session/session.js';
import { LiteralPlanCache } from '../src/session/literal-plan-cache.js';
import { PAUSED } from '../src/executor/stream-plan.js';
import type { Row } from '../src/types/value.js';
import { startWeirAndPostgres, type WeirAndPostgres } from './support/weir-and-postgres.js';

describe('in process: what is cached', () => {
  let db: Database;
  let dataDir: string;
  let s: Session;
  let cache: LiteralPlanCache;

  /** Run a Query message's text to the end; the rows of its last SELECT. */
  async function run(sql: string): Promise<Row[]> {
    const opened = s.openSimpleQuery(sql);
    if (opened instanceof SelectCursor) return drain(opened);
    let rows: Row[] = [];
    for await (const r of s.simpleQuery(opened)) {
      if (r instanceof Error) throw r;
      if (r instanceof SelectCursor) rows = await drain(r);
    }
    return rows;
  }

  async function drain(c: SelectCursor): Promise<Row[]> {
    const rows: Row[] = [];
    for (;;) {
      const b = c.next();
      if (b === null) break;
      if (b === PAUSED) await c.resume(); else rows.push(...b);
    }
    await c.finish();
    return rows;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'weir-literal-cache-'));
    db = await Database.open({ dataDir, bootstrapUser: 'weir' });
    s = new Session(db, { user: 'weir', database: 'weir', applicationName: '' });
    cache = new LiteralPlanCache(s);
    await run('CREATE TABLE acc (aid int PRIMARY KEY, bal int, note text)');
    await run("INSERT INTO acc VALUES (1, 10, 'one'), (2, 20, 'two'), (3, NULL, NULL)");
  });
  afterAll(async () => {
    await db?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reuses one template for every value of the same type class', () => {
    const a = cache.lookup('SELECT bal FROM acc WHERE aid = 1');
    const b = cache.lookup('SELECT bal FROM acc WHERE aid = 2');
    expect(a?.prepared.sql).toBe('SELECT bal FROM acc WHERE aid = $1');
    expect(a?.params).toEqual([1]);
    expect(b?.prepared).toBe(a?.prepared);
    expect(b?.params).toEqual([2]);
    // Another type class is another template, typed as PostgreSQL types the constant.
    const big = cache.lookup('SELECT bal FROM acc WHERE aid = 7000000000');
    expect(big?.params).toEqual([7000000000n]);
    expect(big?.prepared).not.toBe(a?.prepared);
    // Parse tree locations count UTF-8 bytes: literals after non-ASCII text are found too.
    expect(cache.lookup("SELECT 'é€' AS x, bal FROM acc WHERE aid = 3")?.prepared.sql).toBe("SELECT 'é€' AS x, bal FROM acc WHERE aid = $1");
  });

  it('leaves select-list constants, ORDER BY positions and negated literals in the text', () => {
    expect(cache.lookup('SELECT 1')).toBeNull();
    expect(cache.lookup('SELECT bal FROM acc WHERE aid = -1')).toBeNull();
    const o1 = cache.lookup('SELECT aid, bal FROM acc WHERE aid > 1 ORDER BY 2');
    const o2 = cache.lookup('SELECT aid, bal FROM acc WHERE aid > 2 ORDER BY 2');
    const o3 = cache.lookup('SELECT aid, bal FROM acc WHERE aid > 1 ORDER BY 1');
    expect(o1?.prepared.sql).toBe('SELECT aid, bal FROM acc WHERE aid > $1 ORDER BY 2');
    expect(o2?.prepared).toBe(o1?.prepared);
    expect(o3?.prepared.sql).toBe('SELECT aid, bal FROM acc WHERE aid > $1 ORDER BY 1');
  });

  it('does not cache what would bind differently or cannot be made', () => {
    // A literal the binder folds into another type (the cast happens at bind time, with a position).
    expect(cache.lookup("SELECT bal FROM acc WHERE note = 'x' OR aid::int8 = 1")?.prepared ?? null).toBeNull();
    // Numeric overflow is the ordinary path's error to report.
    expect(cache.lookup('SELECT bal FROM acc WHERE aid = 1e1001')).toBeNull();
    expect(cache.lookup('SELECT bal FROM acc WHERE aid = 1e3')?.params.map(String)).toEqual(['1000']);
    // Not a single SELECT.
    expect(cache.lookup('SELECT bal FROM acc WHERE aid = 1; SELECT 2')).toBeNull();
    expect(cache.lookup('UPDATE acc SET bal = 1 WHERE aid = 1')).toBeNull();
    expect(cache.lookup('SELECT bal FROM missing WHERE aid = 1')).toBeNull();
  });

  it('gives the answers of the uncached path', async () => {
    expect(await run('SELECT bal FROM acc WHERE aid = 2')).toEqual([[20]]);
    expect(await run('SELECT bal FROM acc WHERE aid = 3')).toEqual([[null]]);
    expect(await run('SELECT bal FROM acc WHERE aid = 4')).toEqual([]);
    expect(await run('SELECT note FROM acc WHERE aid IN (1, NULL, 3) ORDER BY 1')).toEqual([['one'], [null]]);
    expect(await run('SELECT note FROM acc WHERE aid = 1.0')).toEqual([['one']]);
    expect(await run('SELECT note FROM acc WHERE aid = 1.5')).toEqual([]);
    expect(await run('SELECT note FROM acc WHERE aid = 7000000000')).toEqual([]);
    await expect(run('SELECT note FROM acc WHERE bal + 2147483647 > 0')).rejects.toMatchObject({ code: '22003' });
    await expect(run('SELECT note FROM acc WHERE bal / 0 = 1')).rejects.toMatchObject({ code: '22012' });
  });

  it('makes entries again after DDL and after SET', async () => {
    const before = cache.lookup('SELECT bal FROM acc WHERE aid = 1');
    await run('ALTER TABLE acc ADD COLUMN extra int');
    const after = cache.lookup('SELECT bal FROM acc WHERE aid = 1');
    expect(after?.prepared).not.toBe(before?.prepared);
    await run('SET search_path = public');
    expect(cache.lookup('SELECT bal FROM acc WHERE aid = 1')?.prepared).not.toBe(after?.prepared);
    // The table is replaced by one whose key is numeric: the old template must not be used.
    const intKey = cache.lookup('SELECT bal FROM acc WHERE aid = 1');
    await run('DROP TABLE acc');
    await run('CREATE TABLE acc (aid numeric PRIMARY KEY, bal int)');
    await run('INSERT INTO acc VALUES (1, 100), (1.5, 150)');
    expect(cache.lookup('SELECT bal FROM acc WHERE aid = 1')?.prepared).not.toBe(intKey?.prepared);
    expect(await run('SELECT bal FROM acc WHERE aid = 1')).toEqual([[100]]);
    expect(await run('SELECT bal FROM acc WHERE aid = 1.50')).toEqual([[150]]);
    // And by one with no such column: an error, from the ordinary path.
    await run('DROP TABLE acc');
    await run('CREATE TABLE acc (id int PRIMARY KEY)');
    expect(cache.lookup('SELECT bal FROM acc WHERE aid = 1')).toBeNull();
    await expect(run('SELECT bal FROM acc WHERE aid = 1')).rejects.toMatchObject({ code: '42703' });
  });
});

describe('over the wire: the answers are PostgreSQL\'s', () => {
  let env: WeirAndPostgres;
  const SETUP = [
    'DROP TABLE IF EXISTS lit',
    'CREATE TABLE lit (id int PRIMARY KEY, big bigint, amount numeric(10,2), label text)',
    "INSERT INTO lit VALUES (1, 10, 1.50, 'a1'), (2, 5000000000, 2.25, 'b2'), (3, NULL, NULL, NULL), (4, -7, 0, '4')",
  ];

  beforeAll(async () => { env = await startWeirAndPostgres(SETUP); }, 120_000);
  afterAll(async () => { await env?.stop(); });

  const asText = { rowMode: 'array' as const, types: { getTypeParser: () => (v: string) => v } };

  async function answer(c: pg.Client, sql: string): Promise<unknown> {
    try {
      const r = await c.query({ text: sql, ...asText });
      return { rows: r.rows, command: r.command, fields: r.fields.map((f) => [f.name, f.dataTypeID]) };
    } catch (e) {
      return { error: (e as { code?: string }).code ?? String(e) };
    }
  }

  /** Each statement on both servers, in order, through the simple protocol; every answer must match. */
  async function scenario(steps: string[]): Promise<void> {
    for (const [i, sql] of steps.entries()) {
      const got = await answer(env.w, sql);
      const want = await answer(env.p, sql);
      expect({ step: i, sql, answer: got }).toEqual({ step: i, sql, answer: want });
    }
  }

  it('one shape with many values, types and NULLs', async () => {
    await scenario([
      'SELECT label FROM lit WHERE id = 1', 'SELECT label FROM lit WHERE id = 2', 'SELECT label FROM lit WHERE id = 99',
      'SELECT label FROM lit WHERE id = 2.0', 'SELECT label FROM lit WHERE id = 2.5', 'SELECT label FROM lit WHERE id = 3000000000',
      'SELECT label FROM lit WHERE id = 99999999999999999999', 'SELECT label FROM lit WHERE id = 2147483647',
      'SELECT id FROM lit WHERE big = 5000000000', 'SELECT id FROM lit WHERE big = 10', 'SELECT id FROM lit WHERE big = 10.0',
      'SELECT id FROM lit WHERE amount = 1.5', 'SELECT id FROM lit WHERE amount = 2.25', 'SELECT id FROM lit WHERE amount = 2',
      'SELECT id FROM lit WHERE id IN (1, 3, NULL) ORDER BY id', 'SELECT id FROM lit WHERE id IN (2, 4, 6) ORDER BY id',
      'SELECT id FROM lit WHERE id BETWEEN 2 AND 3 ORDER BY id', 'SELECT id FROM lit WHERE id BETWEEN 1 AND 1 ORDER BY id',
      'SELECT id, id + 1, id * 2.5 FROM lit WHERE id % 2 = 0 ORDER BY id', 'SELECT id, id + 10, id * 0.5 FROM lit WHERE id % 3 = 1 ORDER BY id',
      'SELECT id FROM lit WHERE id = -1', 'SELECT id FROM lit WHERE id = - 4 OR big = -7 ORDER BY id',
      "SELECT id FROM lit WHERE label = 'a1' OR id = 2 ORDER BY id", "SELECT id FROM lit WHERE label = '4' OR id = 3 ORDER BY id",
    ]);
  });

  it('positions, limits and constants that must stay literal', async () => {
    await scenario([
      'SELECT id, label FROM lit WHERE id > 0 ORDER BY 1 DESC', 'SELECT id, label FROM lit WHERE id > 1 ORDER BY 2 NULLS FIRST',
      'SELECT id % 2, count(*) FROM lit WHERE id > 0 GROUP BY 1 ORDER BY 1', 'SELECT id % 2, count(*) FROM lit WHERE id > 1 GROUP BY 1 ORDER BY 1',
      'SELECT id FROM lit WHERE id > 0 ORDER BY id LIMIT 2', 'SELECT id FROM lit WHERE id > 0 ORDER BY id LIMIT 3 OFFSET 1',
      'SELECT 1, 2.5, id FROM lit WHERE id = 1', 'SELECT 7, 0.25, id FROM lit WHERE id = 2',
      'SELECT id + 1 FROM lit WHERE id = 1 ORDER BY id + 1', 'SELECT id + 1 FROM lit WHERE id = 2 ORDER BY id + 2',
      "SELECT id FROM lit WHERE label = 'a' || 1 OR id = 4 ORDER BY id", "SELECT id FROM lit /* 5 */ WHERE id = 3 -- 6",
      "SELECT 'héllo €', id FROM lit WHERE id = 1", "SELECT 'héllo €', id FROM lit WHERE id = 2", "SELECT id AS \"naïve 1\" FROM lit WHERE id = 4 - 1",
    ]);
  });

  it('errors with their SQLSTATEs, from a cached shape too', async () => {
    await scenario([
      'SELECT id FROM lit WHERE id / 1 = 1', 'SELECT id FROM lit WHERE id / 0 = 1',
      'SELECT id FROM lit WHERE id + 1 > 0 ORDER BY id', 'SELECT id FROM lit WHERE id + 2147483647 > 0',
      'SELECT id FROM lit WHERE big * 2 > 0 ORDER BY id', 'SELECT id FROM lit WHERE big * 9223372036854775807 > 0',
      'SELECT id FROM lit WHERE nosuch = 1', 'SELECT id FROM lit WHERE id = 1 AND', 'SELECT id FROM lit WHERE id = 1 ORDER BY 3',
    ]);
  });

  it('DDL and settings between executions', async () => {
    await scenario([
      'SELECT label FROM lit WHERE id = 1',
      'ALTER TABLE lit ADD COLUMN extra int DEFAULT 5',
      'SELECT * FROM lit WHERE id = 2', 'SELECT extra FROM lit WHERE id = 3',
      'DROP TABLE lit',
      'SELECT label FROM lit WHERE id = 1',
      'CREATE TABLE lit (id numeric PRIMARY KEY, label text)',
      "INSERT INTO lit VALUES (1, 'numeric key'), (1.5, 'one and a half')",
      'SELECT label FROM lit WHERE id = 1', 'SELECT label FROM lit WHERE id = 1.50', 'SELECT label FROM lit WHERE id = 2',
      'DROP TABLE lit',
      'CREATE TABLE lit (id bigint PRIMARY KEY, label text)',
      "INSERT INTO lit VALUES (1, 'bigint key'), (5000000000, 'big')",
      'SELECT label FROM lit WHERE id = 1', 'SELECT label FROM lit WHERE id = 5000000000',
      'SET search_path = pg_catalog', 'SELECT label FROM lit WHERE id = 1', 'RESET search_path',
      'SELECT label FROM lit WHERE id = 1',
    ]);
  });
});

// Several statements in one simple Query message run as one implicit transaction, as in
// PostgreSQL: an error rolls back the statements before it, BEGIN inside the message turns the
// implicit transaction into an explicit block, COMMIT/ROLLBACK end it and later statements start
// a new one. Each script runs against the Weir server process and a real PostgreSQL, and the
// two must answer with the same messages and leave the same rows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize } from 'pg-protocol';
import { startChild, type ChildServer } from './support/child-server.js';
import { RawConn, errorFields } from './support/wire.js';
import { startPostgres, type RealPostgres } from '../support/postgres.js';

interface Target { readonly port: number; readonly user: string; readonly database: string }

let weir: ChildServer;
let pg: RealPostgres;
let targets: { weir: Target; pg: Target };

beforeAll(async () => {
  [weir, pg] = await Promise.all([startChild(), startPostgres()]);
  targets = {
    weir: { port: weir.port, user: 'weir', database: 'weir' },
    pg: { port: pg.port, user: pg.user, database: 'postgres' },
  };
});
afterAll(async () => { pg?.stop(); await weir?.stop(); });

async function open(t: Target): Promise<RawConn> {
  const c = await RawConn.open(t.port);
  c.write(serialize.startup({ user: t.user, database: t.database }));
  if (!(await c.waitFor((m) => m.type === 'Z', 10_000))) throw new Error('no ReadyForQuery after startup');
  c.messages.length = 0;
  return c;
}

/**
 * Send one Query message and describe the answer: row descriptions, data rows, command tags,
 * error SQLSTATEs and the final transaction status. Notices are left out (PostgreSQL sends
 * "there is no transaction in progress" as a WARNING, Weir as a NOTICE).
 */
async function query(c: RawConn, sql: string): Promise<string[]> {
  c.messages.length = 0;
  c.write(serialize.query(sql));
  if (!(await c.waitFor((m) => m.type === 'Z', 10_000))) throw new Error(`no ReadyForQuery after ${sql}`);
  return c.messages.flatMap((m) => {
    switch (m.type) {
      case 'T': return ['T'];
      case 'D': return [`D:${dataRow(m.body).join(',')}`];
      case 'C': return [`C:${m.body.toString('utf8', 0, m.body.length - 1)}`];
      case 'E': return [`E:${errorFields(m.body).code}`];
      case 'Z': return [`Z:${String.fromCharCode(m.body[0])}`];
      default: return [];
    }
  });
}

function dataRow(body: Buffer): string[] {
  const n = body.readInt16BE(0);
  const out: string[] = [];
  let off = 2;
  for (let i = 0; i < n; i++) {
    const len = body.readInt32BE(off);
    off += 4;
    out.push(len < 0 ? 'NULL' : body.toString('utf8', off, off + len));
    if (len > 0) off += len;
  }
  return out;
}

/** Run the scripts (one Query message each) on a fresh table; return every answer and the table after. */
async function transcript(t: Target, scripts: readonly string[]): Promise<string[][]> {
  const c = await open(t);
  const other = await open(t);
  try {
    await query(c, 'DROP TABLE IF EXISTS it; CREATE TABLE it (a int PRIMARY KEY, b text)');
    const answers: string[][] = [];
    for (const sql of scripts) answers.push(await query(c, sql));
    // What a second session sees once the first has ended its transaction (if it left one open).
    await query(c, 'ROLLBACK');
    answers.push(await query(other, 'SELECT a, b FROM it ORDER BY a'));
    return answers;
  } finally {
    c.destroy();
    other.destroy();
  }
}

const SCRIPTS: Record<string, string[]> = {
  'an error rolls back the earlier statements': [
    "INSERT INTO it VALUES (1, 'x'); INSERT INTO it VALUES (2, 'y'); SELECT 1/0;",
  ],
  'a unique violation rolls back the insert before it': [
    "INSERT INTO it VALUES (1, 'x'); INSERT INTO it VALUES (1, 'dup');",
  ],
  'all statements commit together when none fails': [
    "INSERT INTO it VALUES (1, 'x'); UPDATE it SET b = 'z' WHERE a = 1; INSERT INTO it VALUES (2, 'y'); DELETE FROM it WHERE a = 2",
    "INSERT INTO it VALUES (3, 'w'); SELECT a, b FROM it ORDER BY a; SELECT 1/0",
  ],
  'statements see the earlier statements of the message': [
    "INSERT INTO it VALUES (5, 'p'); SELECT count(*) FROM it; UPDATE it SET b = b || 'q' RETURNING a, b; SELECT 1/0",
  ],
  'BEGIN turns the implicit transaction into a block, COMMIT ends it': [
    "INSERT INTO it VALUES (1, 'a'); BEGIN; INSERT INTO it VALUES (2, 'b'); COMMIT; INSERT INTO it VALUES (3, 'c'); SELECT 1/0",
  ],
  'an error after BEGIN leaves the block failed, with the statements before BEGIN in it': [
    "INSERT INTO it VALUES (1, 'a'); BEGIN; INSERT INTO it VALUES (2, 'b'); SELECT 1/0; INSERT INTO it VALUES (3, 'c')",
    'SELECT 1',
    'ROLLBACK',
  ],
  'COMMIT without BEGIN commits what came before it': [
    "INSERT INTO it VALUES (1, 'a'); COMMIT; INSERT INTO it VALUES (2, 'b'); SELECT 1/0",
  ],
  'ROLLBACK without BEGIN discards what came before it': [
    "INSERT INTO it VALUES (1, 'a'); ROLLBACK; INSERT INTO it VALUES (2, 'b')",
  ],
  'an explicit block left open by one message continues in the next': [
    "BEGIN; INSERT INTO it VALUES (1, 'a')",
    "INSERT INTO it VALUES (2, 'b'); COMMIT; INSERT INTO it VALUES (3, 'c'); SELECT 1/0",
  ],
  'BEGIN and COMMIT in one message, then a failing statement': [
    "BEGIN; INSERT INTO it VALUES (1, 'a'); INSERT INTO it VALUES (2, 'b'); COMMIT; UPDATE it SET b = 'gone'; SELECT 1/0",
  ],
  'a SELECT failing part-way sends its first rows, then the error, and rolls back': [
    "INSERT INTO it VALUES (1, 'a'); SELECT 10 / (3 - g) FROM generate_series(1, 5) g; INSERT INTO it VALUES (2, 'b')",
  ],
  'a single statement still autocommits': [
    "INSERT INTO it VALUES (1, 'a')",
    'SELECT 1/0',
    "INSERT INTO it VALUES (1, 'again')",
  ],
};

describe('multi-statement Query messages run as an implicit transaction, as in PostgreSQL', () => {
  for (const [name, scripts] of Object.entries(SCRIPTS)) {
    it(name, async () => {
      const [fromWeir, fromPg] = await Promise.all([transcript(targets.weir, scripts), transcript(targets.pg, scripts)]);
      expect(fromWeir).toEqual(fromPg);
    });
  }

  it('other sessions do not see the statements of a message that later fails', async () => {
    const c = await open(targets.weir);
    const other = await open(targets.weir);
    try {
      await query(c, 'DROP TABLE IF EXISTS vis; CREATE TABLE vis (a int)');
      // A slow statement after the inserts gives the other session time to look.
      const pending = query(c, 'INSERT INTO vis VALUES (1); INSERT INTO vis VALUES (2); SELECT count(*) FROM generate_series(1, 1500000); SELECT 1/0');
      await new Promise((r) => setTimeout(r, 100));
      const seen = await query(other, 'SELECT count(*) FROM vis');
      expect(seen).toContain('D:0');
      expect(await pending).toContain('E:22012');
      expect(await query(other, 'SELECT count(*) FROM vis')).toContain('D:0');
    } finally {
      c.destroy();
      other.destroy();
    }
  });
});

// Two transactions that change the same row: the first to commit wins, the second fails with
// 40001 at COMMIT and changes nothing — never a silently lost update. The failed session is back
// to idle and usable, and transactions on different rows do not conflict.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startServer, type TestServer } from './support/server.js';

let srv: TestServer;
let a: pg.Client;
let b: pg.Client;
beforeAll(async () => {
  srv = await startServer();
  a = await srv.client();
  b = await srv.client();
  await a.query('CREATE TABLE acct (id int PRIMARY KEY, bal int)');
  await a.query('INSERT INTO acct SELECT g, 100 FROM generate_series(1, 4) g');
});
afterAll(async () => { await srv?.stop(); });

const bal = async (id: number) => (await a.query('SELECT bal FROM acct WHERE id = $1', [id])).rows[0]?.bal as number | undefined;

describe('concurrent writers', () => {
  it('fails the later of two updates of one row instead of losing the earlier', async () => {
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query('UPDATE acct SET bal = bal + 10 WHERE id = 1');
    await b.query('UPDATE acct SET bal = bal + 1 WHERE id = 1');
    await a.query('COMMIT');
    await expect(b.query('COMMIT')).rejects.toMatchObject({ code: '40001' });
    expect(await bal(1)).toBe(110);
    // b is idle again, and a retry sees the committed value.
    expect((await b.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await b.query('UPDATE acct SET bal = bal + 1 WHERE id = 1');
    expect(await bal(1)).toBe(111);
  });

  it('fails an update of a row another transaction deleted, and lets different rows through', async () => {
    await a.query('BEGIN');
    await b.query('BEGIN');
    await a.query('DELETE FROM acct WHERE id = 2');
    await b.query('UPDATE acct SET bal = 0 WHERE id = 2');
    await b.query('UPDATE acct SET bal = 7 WHERE id = 3');
    await a.query('UPDATE acct SET bal = 8 WHERE id = 4');
    await a.query('COMMIT');
    await expect(b.query('COMMIT')).rejects.toMatchObject({ code: '40001' });
    expect(await bal(2)).toBeUndefined();
    expect(await bal(3)).toBe(100); // b's whole transaction rolled back
    expect(await bal(4)).toBe(8);
    await b.query('BEGIN');
    await b.query('UPDATE acct SET bal = 7 WHERE id = 3');
    await a.query('UPDATE acct SET bal = 9 WHERE id = 4');
    await b.query('COMMIT');
    expect([await bal(3), await bal(4)]).toEqual([7, 9]);
  });
});

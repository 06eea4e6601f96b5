// Authentication: trust for users without a password; SCRAM-SHA-256 (default) or cleartext for
// users created with one, as psql and node-postgres perform it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { psql } from './support/psql.js';
import { startServer, type TestServer } from './support/server.js';

function connect(port: number, user: string, password?: string): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'weir' });
  return c.connect().then(() => c);
}

async function failure(p: Promise<pg.Client>): Promise<string | undefined> {
  try { const c = await p; await c.end(); return undefined; } catch (e) { return (e as { code?: string }).code; }
}

describe('SCRAM-SHA-256', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer();
    const admin = await srv.client();
    await admin.query("CREATE USER alice PASSWORD 's3cret pässword'");
    await admin.query('CREATE USER bob');
    await admin.query("CREATE ROLE carol LOGIN PASSWORD 'x'");
    await admin.query('CREATE ROLE nologin_role');
  });
  afterAll(async () => { await srv.stop(); });

  it('accepts the right password and rejects a wrong one with 28P01', async () => {
    const c = await connect(srv.port, 'alice', 's3cret pässword');
    expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: 'alice' }]);
    await c.end();
    expect(await failure(connect(srv.port, 'alice', 'wrong'))).toBe('28P01');
  });

  it('lets a user without a password in by trust', async () => {
    const c = await connect(srv.port, 'bob');
    expect((await c.query('SELECT session_user AS u')).rows).toEqual([{ u: 'bob' }]);
    await c.end();
  });

  it('rejects unknown roles and roles without LOGIN with 28000', async () => {
    expect(await failure(connect(srv.port, 'mallory'))).toBe('28000');
    expect(await failure(connect(srv.port, 'nologin_role'))).toBe('28000');
  });

  it('works with the psql binary and PGPASSWORD', async () => {
    const r = await psql(srv.port, ['-tAc', 'SELECT current_user'], undefined, { user: 'carol', env: { PGPASSWORD: 'x' } });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('carol');
    const bad = await psql(srv.port, ['-tAc', 'SELECT 1'], undefined, { user: 'carol', env: { PGPASSWORD: 'nope' } });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('password authentication failed for user "carol"');
  });

  it('changes and removes passwords with ALTER USER and drops users', async () => {
    const admin = await srv.client();
    await admin.query("ALTER USER alice PASSWORD 'new'");
    expect(await failure(connect(srv.port, 'alice', 's3cret pässword'))).toBe('28P01');
    const c = await connect(srv.port, 'alice', 'new');
    await c.end();
    await admin.query('DROP USER bob');
    expect(await failure(connect(srv.port, 'bob'))).toBe('28000');
    expect((await admin.query("SELECT rolname FROM pg_roles WHERE rolname IN ('alice', 'bob') ORDER BY 1")).rows).toEqual([{ rolname: 'alice' }]);
  });
});

describe('cleartext password method', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer({ passwordMethod: 'password' });
    const admin = await srv.client();
    await admin.query("CREATE USER dave PASSWORD 'pw'");
  });
  afterAll(async () => { await srv.stop(); });

  it('authenticates with a cleartext password message', async () => {
    const c = await connect(srv.port, 'dave', 'pw');
    expect((await c.query('SELECT current_user AS u')).rows).toEqual([{ u: 'dave' }]);
    await c.end();
    expect(await failure(connect(srv.port, 'dave', 'bad'))).toBe('28P01');
  });
});

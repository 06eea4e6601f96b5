// kill -9 durability: clients commit INSERT/UPDATE/DELETE (autocommit), explicit transactions,
// multi-statement Query messages, COPY batches and DDL as fast as they can; the server process
// is killed with SIGKILL at a random moment (often with a COPY or a transaction in flight) and
// restarted on the same data directory. Every statement that reported success must be there;
// work that never committed (an open transaction, an unfinished COPY) must not; a statement in
// flight at the kill is all there or not at all. Several rounds run on one data directory.

import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import type pg from 'pg';
import { serialize } from 'pg-protocol';
import { freshDataDir, startChild, type ChildServer } from './support/child-server.js';
import { RawConn, sleep } from './support/wire.js';
import { rng } from '../support/rng.js';

const ROUNDS = Number(process.env.WEIR_KILL9_ROUNDS ?? 5);
const SEED = Number(process.env.WEIR_KILL9_SEED ?? 7);
const TXN_ROWS = 8;
const COPY_ROWS = 400;

/** What the clients were told, and what was in flight when the server died. */
class Model {
  /** acct rows acknowledged: id → v. */
  readonly acct = new Map<number, number>();
  /** An autocommit statement sent but not answered: the row may be in either state. */
  acctInFlight: { id: number; before: number | undefined; after: number | undefined } | null = null;
  /** Transactions (explicit or multi-statement) by id: 'acked' or 'in-flight'. */
  readonly txns = new Map<number, 'acked' | 'in-flight'>();
  readonly copies = new Map<number, 'acked' | 'in-flight'>();
  readonly tables = new Map<string, 'acked' | 'in-flight'>();
  nextId = 1;
  nextTxn = 1;
  nextCopy = 1;
}

/** Runs `step` until it throws (the server was killed); returns how many steps succeeded. */
async function untilKilled(step: () => Promise<void>): Promise<number> {
  let n = 0;
  try { for (;;) { await step(); n++; } } catch { return n; }
}

function autocommitWorker(c: pg.Client, m: Model, r: () => number): Promise<number> {
  return untilKilled(async () => {
    const ids = [...m.acct.keys()];
    const pick = r();
    if (pick < 0.5 || ids.length < 10) {
      const id = m.nextId++;
      m.acctInFlight = { id, before: undefined, after: 0 };
      await c.query(`INSERT INTO acct VALUES (${id}, 0, 'auto')`);
      m.acct.set(id, 0);
    } else if (pick < 0.85) {
      const id = ids[Math.floor(r() * ids.length)];
      const v = m.acct.get(id)!;
      m.acctInFlight = { id, before: v, after: v + 1 };
      await c.query('UPDATE acct SET v = v + 1 WHERE id = $1', [id]);
      m.acct.set(id, v + 1);
    } else {
      const id = ids[Math.floor(r() * ids.length)];
      m.acctInFlight = { id, before: m.acct.get(id), after: undefined };
      await c.query('DELETE FROM acct WHERE id = $1', [id]);
      m.acct.delete(id);
    }
    m.acctInFlight = null;
  });
}

/** Explicit BEGIN … COMMIT, statement by statement, and multi-statement Query messages. */
function transactionWorker(c: pg.Client, m: Model, r: () => number): Promise<number> {
  return untilKilled(async () => {
    const t = m.nextTxn++;
    m.txns.set(t, 'in-flight');
    const rows = Array.from({ length: TXN_ROWS }, (_, k) => `(${t}, ${k}, 0)`);
    if (r() < 0.5) {
      await c.query('BEGIN');
      for (const row of rows) await c.query(`INSERT INTO txn_rows VALUES ${row}`);
      await c.query('UPDATE txn_rows SET v = 1 WHERE txn = $1', [t]);
      await c.query('COMMIT');
    } else {
      await c.query(rows.map((row) => `INSERT INTO txn_rows VALUES ${row};`).join(' ') + ` UPDATE txn_rows SET v = 1 WHERE txn = ${t};`);
    }
    m.txns.set(t, 'acked');
  });
}

/** COPY FROM STDIN in several CopyData messages, with pauses so the kill often lands mid-COPY. */
function copyWorker(c: RawConn, m: Model): Promise<number> {
  return untilKilled(async () => {
    const b = m.nextCopy++;
    m.copies.set(b, 'in-flight');
    c.messages.length = 0;
    c.write(serialize.query('COPY copy_rows FROM STDIN'));
    if (!(await c.waitFor((x) => x.type === 'G', 10_000))) throw new Error('no CopyInResponse');
    for (let part = 0; part < 4; part++) {
      const lines = Array.from({ length: COPY_ROWS / 4 }, (_, i) => `${b}\t${part * (COPY_ROWS / 4) + i}\n`).join('');
      c.write(serialize.copyData(Buffer.from(lines)));
      await sleep(5);
    }
    c.write(serialize.copyDone());
    if (!(await c.waitFor((x) => x.type === 'Z', 10_000)) || c.errors().length) throw new Error('COPY did not complete');
    m.copies.set(b, 'acked');
  });
}

function ddlWorker(c: pg.Client, m: Model, round: number): Promise<number> {
  let i = 0;
  return untilKilled(async () => {
    const name = `ddl_${round}_${i++}`;
    m.tables.set(name, 'in-flight');
    await c.query(`CREATE TABLE ${name} (a int PRIMARY KEY)`);
    await c.query(`INSERT INTO ${name} VALUES (1)`);
    m.tables.set(name, 'acked');
    await sleep(20);
  });
}

/** Check the restarted server against the model, then settle what was in flight to what is there. */
async function verify(c: pg.Client, m: Model): Promise<void> {
  const acct = new Map<number, number>();
  for (const row of (await c.query("SELECT id, v, src FROM acct")).rows) {
    expect(row.src, `uncommitted row ${row.id} survived`).toBe('auto');
    acct.set(row.id, row.v);
  }
  const f = m.acctInFlight;
  for (const [id, v] of m.acct) if (id !== f?.id) expect(acct.get(id), `acknowledged acct row ${id}`).toBe(v);
  for (const id of acct.keys()) if (id !== f?.id) expect(m.acct.has(id), `acct row ${id} was never acknowledged`).toBe(true);
  if (f) {
    expect([f.before, f.after], `in-flight statement on acct row ${f.id}`).toContain(acct.get(f.id));
    if (acct.has(f.id)) m.acct.set(f.id, acct.get(f.id)!); else m.acct.delete(f.id);
    m.acctInFlight = null;
  }

  const txnCounts = new Map<number, { n: number; v: number }>();
  for (const row of (await c.query('SELECT txn, count(*)::int AS n, min(v) AS v FROM txn_rows GROUP BY txn')).rows) txnCounts.set(row.txn, { n: row.n, v: row.v });
  for (const [t, state] of m.txns) {
    const got = txnCounts.get(t);
    if (state === 'acked') expect(got, `acknowledged transaction ${t}`).toEqual({ n: TXN_ROWS, v: 1 });
    else {
      // In flight: all of it or none of it.
      if (got) expect(got, `transaction ${t} in flight at the kill`).toEqual({ n: TXN_ROWS, v: 1 });
      m.txns.set(t, 'acked');
      if (!got) m.txns.delete(t);
    }
  }
  for (const t of txnCounts.keys()) expect(m.txns.has(t), `transaction ${t} was never sent`).toBe(true);

  const copyCounts = new Map<number, number>();
  for (const row of (await c.query('SELECT batch, count(*)::int AS n FROM copy_rows GROUP BY batch')).rows) copyCounts.set(row.batch, row.n);
  for (const [b, state] of m.copies) {
    const got = copyCounts.get(b);
    if (state === 'acked') expect(got, `acknowledged COPY batch ${b}`).toBe(COPY_ROWS);
    else {
      if (got !== undefined) expect(got, `COPY batch ${b} in flight at the kill`).toBe(COPY_ROWS);
      if (got === undefined) m.copies.delete(b); else m.copies.set(b, 'acked');
    }
  }

  const tables = new Set((await c.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'ddl\\_%'")).rows.map((r) => r.table_name as string));
  for (const [name, state] of m.tables) {
    if (state === 'acked') {
      expect(tables.has(name), `acknowledged CREATE TABLE ${name}`).toBe(true);
      expect((await c.query(`SELECT a FROM ${name}`)).rows, `acknowledged INSERT into ${name}`).toEqual([{ a: 1 }]);
    } else if (!tables.has(name)) m.tables.delete(name);
    else {
      // Created, but its INSERT was in flight: the row is there or not; settle it either way.
      const rows = (await c.query(`SELECT a FROM ${name}`)).rows;
      expect(rows.length, `rows of ${name}`).toBeLessThanOrEqual(1);
      if (!rows.length) await c.query(`INSERT INTO ${name} VALUES (1)`);
      m.tables.set(name, 'acked');
    }
  }
}

describe('kill -9 durability', () => {
  it(`keeps every acknowledged commit and no uncommitted work across ${ROUNDS} kills (seed ${SEED})`, async () => {
    const dataDir = freshDataDir();
    const r = rng(SEED);
    const m = new Model();
    const log: string[] = [];
    let srv: ChildServer | null = null;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        srv = await startChild({ dataDir });
        const admin = await srv.client();
        if (round === 0) {
          await admin.query('CREATE TABLE acct (id int PRIMARY KEY, v int NOT NULL, src text NOT NULL)');
          await admin.query('CREATE TABLE txn_rows (txn int NOT NULL, k int NOT NULL, v int NOT NULL, PRIMARY KEY (txn, k))');
          await admin.query('CREATE TABLE copy_rows (batch int NOT NULL, k int NOT NULL)');
        } else {
          await verify(admin, m);
        }
        // A transaction that will never commit: its rows must not survive the kill.
        const open = await srv.client();
        await open.query('BEGIN');
        await open.query(`INSERT INTO acct SELECT -g, 0, 'uncommitted' FROM generate_series(1, 50) g`);
        // A multi-statement Query message whose COPY never finishes: neither its INSERT nor the
        // rows copied so far may survive.
        const stuck = await RawConn.ready(srv.port);
        stuck.write(serialize.query("INSERT INTO acct VALUES (-2000, 0, 'uncommitted'); COPY acct FROM STDIN"));
        stuck.write(serialize.copyData(Buffer.from('-1000\t0\tuncommitted\n')));

        const clients = await Promise.all([srv.client(), srv.client(), srv.client()]);
        const copyConn = await RawConn.ready(srv.port);
        const work = Promise.all([
          autocommitWorker(clients[0], m, r), transactionWorker(clients[1], m, r),
          copyWorker(copyConn, m), ddlWorker(clients[2], m, round),
        ]);
        const delay = 400 + Math.floor(r() * 1600);
        await sleep(delay);
        srv.kill('SIGKILL');
        const counts = await work;
        expect((await srv.exit).signal).toBe('SIGKILL');
        log.push(`round ${round}: killed after ${delay} ms; steps ${counts.join('/')}`);
        copyConn.destroy();
        stuck.destroy();
        await srv.stop();
        srv = null;
      }
      srv = await startChild({ dataDir });
      await verify(await srv.client(), m);
      console.log(log.join('\n'));
      console.log(`acknowledged: ${m.acct.size} acct rows, ${m.txns.size} transactions, ${m.copies.size} COPY batches, ${m.tables.size} tables`);
      expect(m.txns.size + m.copies.size).toBeGreaterThan(ROUNDS);
    } finally {
      await srv?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});

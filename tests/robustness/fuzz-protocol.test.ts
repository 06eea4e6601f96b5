// Protocol fuzzing against the real server process: thousands of connections send random and
// mutated frontend messages. The server must answer each with messages that frame correctly,
// report protocol errors as ErrorResponses with a SQLSTATE, close or answer in time (never hang),
// and never crash; after every batch a normal client still gets `SELECT 1`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize } from 'pg-protocol';
import { startChild, type ChildServer } from './support/child-server.js';
import { framing, generateCase, type FuzzCase } from './support/fuzz-gen.js';
import { RawConn, errorFields } from './support/wire.js';

const CASES = Number(process.env.WEIR_FUZZ_CASES ?? 3000);
const BATCH = 250;
const CONCURRENCY = 16;
const SEED = Number(process.env.WEIR_FUZZ_SEED ?? 20240601);
const PROBE = "SELECT 'probe-ok'";

let srv: ChildServer;

beforeAll(async () => {
  srv = await startChild();
  const c = await srv.client();
  await c.query('CREATE TABLE fz (a int, b text)');
  await c.end();
});
afterAll(async () => { await srv?.stop(); });

type Outcome = 'answered' | 'closed-with-error' | 'closed' | 'refused';

/** Run one case; returns its outcome or throws with a description of what went wrong. */
async function runCase(fc: FuzzCase): Promise<Outcome> {
  const c = await RawConn.open(srv.port);
  try {
    // Sync ends an extended batch, ROLLBACK a transaction the case left open or failed.
    const probe = Buffer.concat([serialize.sync(), serialize.query('ROLLBACK'), serialize.query(PROBE)]);
    const stream = Buffer.concat([fc.bytes, probe]);
    const code = fc.startup.length >= 8 ? fc.startup.readInt32BE(4) : 0;
    c.sslReplyPending = code === 80877103 || code === 80877104; // SSLRequest / GSSENCRequest: one-byte 'N'
    c.write(fc.startup);
    // Half the cases send everything at once, the rest in a few ragged chunks.
    if (fc.seed % 2 === 0) c.write(stream);
    else for (let i = 0; i < stream.length; i += 7 + (fc.seed % 13)) c.write(stream.subarray(i, i + 7 + (fc.seed % 13)));
    const expectAnswer = !fc.startupMutated && framing(stream, fc.bytes.length) === 'complete';
    if (expectAnswer) {
      const answered = () => c.messages.some((m) => m.type === 'D' && m.body.includes('probe-ok'));
      const ok = await c.waitFor((m) => m.type === 'Z' && answered(), 8000);
      if (!ok && !c.closed) throw new Error('server neither answered the probe nor closed within 8 s (hang)');
    } else {
      // The server may be waiting for the rest of a message: end our side; it must close.
      c.end();
      if (!(await c.waitClosed(8000))) throw new Error('server did not close after the client ended a broken stream');
    }
    if (c.malformed) throw new Error(`malformed server output: ${c.malformed}`);
    for (const m of c.messages.filter((x) => x.type === 'E')) {
      const f = errorFields(m.body);
      if (!/^[0-9A-Z]{5}$/.test(f.code) || !f.message || !['ERROR', 'FATAL'].includes(f.severity)) {
        throw new Error(`ErrorResponse without a proper SQLSTATE/severity/message: ${JSON.stringify(f)}`);
      }
    }
    const answered = c.messages.some((m) => m.type === 'D' && m.body.includes('probe-ok'));
    if (answered) return 'answered';
    if (!c.closed) throw new Error('connection left open without an answer');
    const fatal = c.errors().some((e) => e.severity === 'FATAL');
    if (fatal) return 'closed-with-error';
    // Closing silently is fine only for Terminate, a mutated startup, or a stream we ended.
    const sentTerminate = fc.description.some((d) => d === 'raw 88' || d === 'type 88');
    if (expectAnswer && !sentTerminate && !fc.bytes.includes(0x58)) throw new Error('server closed without an ErrorResponse');
    return c.messages.length ? 'closed' : 'refused';
  } finally {
    c.destroy();
  }
}

async function healthy(): Promise<void> {
  expect(srv.exited(), `server exited: ${srv.output().stderr}`).toBeNull();
  const c = await srv.client();
  const r = await c.query('SELECT 1 AS one');
  expect(r.rows).toEqual([{ one: 1 }]);
  await c.end();
}

describe('protocol fuzzing over many connections', () => {
  it(`survives ${CASES} mutated message streams (seed ${SEED})`, async () => {
    const counts: Record<Outcome, number> = { answered: 0, 'closed-with-error': 0, closed: 0, refused: 0 };
    const failures: string[] = [];
    const started = Date.now();
    for (let b = 0; b < CASES; b += BATCH) {
      let next = b;
      const worker = async () => {
        while (next < Math.min(b + BATCH, CASES)) {
          const fc = generateCase(SEED + next++);
          try {
            counts[await runCase(fc)]++;
          } catch (e) {
            failures.push(`seed ${fc.seed} [${fc.description.join(' | ')}]: ${(e as Error).message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await healthy();
      if (failures.length) break;
    }
    console.log(`fuzz outcomes: ${JSON.stringify(counts)}`);
    expect(failures.slice(0, 10)).toEqual([]);
    // The mix must exercise both paths, or the generator has gone wrong.
    expect(counts.answered).toBeGreaterThan(CASES / 10);
    expect(counts['closed-with-error']).toBeGreaterThan(CASES / 10);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(srv.output().stderr).not.toMatch(/Error|at .*\.ts:\d+/);
  }, 60_000);
});

// psycopg 3 against Weir: a Python script (tests/drivers/psycopg/check.py) lists tables and columns
// through information_schema and pg_catalog as tools do, sends parameters of every supported type
// in text and binary (%t, %b, %s) with text and binary results, uses executemany, COPY in and out,
// transactions, prepared statements and errors. Its output against Weir must equal its output
// against PostgreSQL 15.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startBoth, type BothServers } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VENV = join(ROOT, '.cache', 'pyvenv');
const PYTHON = join(VENV, 'bin', 'python');
const SCRIPT = join(ROOT, 'tests', 'drivers', 'psycopg', 'check.py');

let both: BothServers;

/** A virtualenv under .cache with psycopg[binary] from PyPI (.ci/run makes it; made here when missing). */
async function ensurePsycopg(): Promise<void> {
  const probe = existsSync(PYTHON) ? await run(PYTHON, ['-c', 'import psycopg']) : null;
  if (probe?.status === 0) return;
  const venv = await run('python3', ['-m', 'venv', VENV]);
  if (venv.status !== 0) throw new Error(`python3 -m venv failed: ${venv.stderr}`);
  const pip = await run(join(VENV, 'bin', 'pip'), ['install', '-q', 'psycopg[binary]>=3.1,<4'], { timeoutMs: 300_000 });
  if (pip.status !== 0) throw new Error(`pip install psycopg failed: ${pip.stderr}`);
}

async function runAgainst(port: number): Promise<{ lines: string[]; stderr: string; status: number | null }> {
  const r = await run(PYTHON, [SCRIPT, '127.0.0.1', String(port), 'weir', 'weir'], { timeoutMs: 120_000 });
  return { lines: r.stdout.split('\n').filter((l) => l !== ''), stderr: r.stderr, status: r.status };
}

beforeAll(async () => {
  await ensurePsycopg();
  both = await startBoth();
}, 400_000);

afterAll(async () => { await both?.stop(); });

describe('psycopg 3', () => {
  it('prints the same catalog answers, values, COPY data and errors against Weir as against PostgreSQL', async () => {
    const expected = await runAgainst(both.real.port);
    expect(expected.status, expected.stderr).toBe(0);
    // Both result formats and all three placeholder kinds must have run, or the comparison says little.
    expect(expected.lines.filter((l) => l.startsWith('binary ') && l.includes(' %b ')).length).toBeGreaterThan(30);
    expect(expected.lines.filter((l) => l.startsWith('text ') && l.includes(' %t ')).length).toBeGreaterThan(30);
    expect(expected.lines.at(-1)).toBe('done');

    const actual = await runAgainst(both.weir.port);
    expect(actual.status, actual.stderr).toBe(0);
    expect(actual.lines).toEqual(expected.lines);
  }, 240_000);
});

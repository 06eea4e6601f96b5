// pgjdbc against Weir: a Java program (tests/drivers/jdbc) uses DatabaseMetaData, PreparedStatements
// with parameters of every supported type, batches, generated keys, transactions and errors,
// once with unnamed statements and text results and once with server-side prepared statements
// and binary transfer forced. Its output against Weir must equal its output against PostgreSQL 15.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startBoth, type BothServers } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TARGET = join(ROOT, '.cache', 'jdbc-target');
const CLASSPATH_FILE = join(TARGET, 'classpath.txt');

let both: BothServers;
let classpath = '';

/** Compiles the program and resolves pgjdbc into .cache/m2 (downloaded once, then cached). */
async function build(): Promise<void> {
  const r = await run('mvn', ['-B', '-q', `-Dmaven.repo.local=${join(ROOT, '.cache', 'm2')}`, '-f', join(ROOT, 'tests/drivers/jdbc/pom.xml'),
    'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${CLASSPATH_FILE}`], { timeoutMs: 600_000 });
  if (r.status !== 0) throw new Error(`mvn failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  if (!existsSync(CLASSPATH_FILE)) throw new Error('mvn did not write the classpath file');
  classpath = `${readFileSync(CLASSPATH_FILE, 'utf8').trim()}:${join(TARGET, 'classes')}`;
}

async function runAgainst(port: number): Promise<{ lines: string[]; stderr: string; status: number | null }> {
  const r = await run('java', ['-Duser.timezone=UTC', '-cp', classpath, 'weir.drivers.Main', '127.0.0.1', String(port), 'weir', 'weir'], { timeoutMs: 120_000 });
  return { lines: r.stdout.split('\n').filter((l) => l !== ''), stderr: r.stderr, status: r.status };
}

beforeAll(async () => {
  await build();
  both = await startBoth();
}, 660_000);

afterAll(async () => { await both?.stop(); });

describe('pgjdbc', () => {
  it('prints the same metadata, values and errors against Weir as against PostgreSQL', async () => {
    const expected = await runAgainst(both.real.port);
    expect(expected.status, expected.stderr).toBe(0);
    // The program must actually have exercised both modes; a short run would compare nothing.
    expect(expected.lines.filter((l) => / param \S+ run3: /.test(l)).length).toBeGreaterThan(40);
    expect(expected.lines.at(-1)).toContain('done');

    const actual = await runAgainst(both.weir.port);
    expect(actual.status, actual.stderr).toBe(0);
    expect(actual.lines).toEqual(expected.lines);
  }, 240_000);
});

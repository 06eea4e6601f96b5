// The real Kafka broker for tests: scripts/kafka.sh runs one KRaft broker on 127.0.0.1 for the
// whole test run (started by .ci/run or by vitest's global setup). Each test uses topics of its
// own, so test files can share the broker and run in parallel.

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { type Admin, type Kafka, type Producer } from 'kafkajs';
import { kafkaClient } from '../../src/stream/connectors/kafka/client.js';
import { sleep } from './until.js';

export const KAFKA_PORT = Number(process.env.WEIR_KAFKA_PORT ?? 9092);
export const KAFKA_BROKERS = [`127.0.0.1:${KAFKA_PORT}`];
export const KAFKA_BOOTSTRAP = KAFKA_BROKERS.join(',');

export function uniqueTopic(prefix: string): string { return `${prefix}-${randomBytes(4).toString('hex')}`; }

export function testKafka(): Kafka { return kafkaClient(KAFKA_BROKERS, 'weir-test'); }

export async function withAdmin<T>(f: (a: Admin) => Promise<T>): Promise<T> {
  const a = testKafka().admin();
  await a.connect();
  try { return await f(a); } finally { await a.disconnect(); }
}

export async function createTopic(topic: string, partitions = 1): Promise<void> {
  await withAdmin((a) => a.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true }));
}

export async function produce(topic: string, messages: { key?: string; value: string | null; partition?: number }[]): Promise<void> {
  const p: Producer = testKafka().producer({ allowAutoTopicCreation: false });
  await p.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) await p.send({ topic, messages: messages.slice(i, i + 500) });
  } finally { await p.disconnect(); }
}

const READ_COMMITTED_SOURCE = join(import.meta.dirname, 'java', 'ReadCommitted.java');
const KAFKA_CACHE = join(process.env.WEIR_CACHE_DIR ?? join(homedir(), '.cache', 'weir'), 'kafka');
// A short-lived client: the C1 compiler alone and the serial collector start it fastest.
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn'];
const execFileP = promisify(execFile);

let compiled: Promise<string> | undefined;
/**
 * The directory of ReadCommitted.class, compiled once per version of the source and kept beside
 * the jars (run from the source file, java compiles it on every call: seconds more a read).
 */
function readerClasses(): Promise<string> {
  compiled ??= (async () => {
    const source = readFileSync(READ_COMMITTED_SOURCE);
    const dir = join(KAFKA_CACHE, `read-committed-${createHash('sha256').update(source).digest('hex').slice(0, 16)}`);
    if (existsSync(join(dir, 'ReadCommitted.class'))) return dir;
    // Compiled aside and renamed into place, so test files starting together never see half a
    // directory; --release 11 (Kafka's clients need 11) keeps the class good for any newer JDK.
    const tmp = mkdtempSync(`${dir}.tmp-`);
    try {
      await execFileP('javac', ['-J-XX:TieredStopAtLevel=1', '--release', '11', '-cp', `${KAFKA_CACHE}/libs/*`, '-d', tmp, READ_COMMITTED_SOURCE], { timeout: 60_000 });
      try { renameSync(tmp, dir); } catch (e) { if (!existsSync(join(dir, 'ReadCommitted.class'))) throw e; } // another process was first
    } finally { rmSync(tmp, { recursive: true, force: true }); }
    return dir;
  })().catch((e: unknown) => { compiled = undefined; throw e; });
  return compiled;
}

/**
 * Every committed message of a topic, read by Kafka's own Java client with read_committed (the
 * jars scripts/kafka.sh cached). kafkajs's read_committed consumer was seen delivering records of
 * aborted transactions, so tests read what a sink published through this instead.
 */
export async function readCommitted(topic: string): Promise<{ partition: number; key: string | null; value: string | null }[]> {
  const classes = await readerClasses();
  const { stdout } = await execFileP('java', [...JVM_FLAGS, '-cp', `${classes}${delimiter}${KAFKA_CACHE}/libs/*`, 'ReadCommitted', KAFKA_BOOTSTRAP, topic], { timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  const text = (b: string) => (b === '-' ? null : Buffer.from(b, 'base64').toString('utf8'));
  return stdout.split('\n').filter((l) => /^\d+\t/.test(l)).map((l) => {
    const [partition, key, value] = l.split('\t');
    return { partition: Number(partition), key: text(key), value: text(value) };
  });
}

/**
 * readCommitted, repeated every `everyMs` until it returns at least `expect` records or
 * `timeoutMs` has passed; then the last read, however many records it has (so an assertion shows
 * the difference). Asked for one record more than a topic should have, it is a wait during which
 * nothing more must be committed: its last read ends after `timeoutMs`.
 */
export async function readCommittedUntil(topic: string, expect: number, timeoutMs = 20_000, everyMs = 400): Promise<{ partition: number; key: string | null; value: string | null }[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const msgs = await readCommitted(topic);
    if (msgs.length >= expect || Date.now() >= end) return msgs;
    await sleep(Math.min(everyMs, end - Date.now()));
  }
}

// Vitest global setup: make sure the test broker runs (once per run). CI starts it before the
// tests; a developer's `npm test` starts it here and stops it afterwards.

import { execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const PORT = Number(process.env.WEIR_KAFKA_PORT ?? 9092);

function serving(): Promise<boolean> {
  return new Promise((res) => {
    const s = createConnection({ host: '127.0.0.1', port: PORT });
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

export default async function setup(): Promise<() => void> {
  if (await serving()) return () => undefined;
  execFileSync('bash', [resolve(ROOT, 'scripts/kafka.sh'), 'start'], { stdio: 'inherit' });
  return () => { execFileSync('bash', [resolve(ROOT, 'scripts/kafka.sh'), 'stop'], { stdio: 'inherit' }); };
}

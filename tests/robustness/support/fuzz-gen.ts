// Generates hostile protocol streams for the fuzz test: valid frontend messages built with
// pg-protocol's `serialize`, then mutated (bit flips, truncation, changed or huge lengths, swapped
// type bytes, negative counts) and shuffled into sequences no driver would send (Bind before
// Parse, Execute of unknown portals, COPY messages out of place). Seeded, so failures replay.

import { serialize } from 'pg-protocol';
import { message } from './wire.js';

import { rng } from '../../support/rng.js';

export interface FuzzCase {
  readonly seed: number;
  /** The startup packet was mutated too (the server may refuse or wait for more). */
  readonly startupMutated: boolean;
  /** Bytes sent after the (valid or mutated) startup packet, probe excluded. */
  readonly bytes: Buffer;
  readonly startup: Buffer;
  readonly description: string[];
}

const SQL = [
  'SELECT 1', 'SELECT $1', 'SELECT $1::int + $2::int', 'BEGIN', 'COMMIT', 'ROLLBACK', 'COPY fz FROM STDIN',
  'COPY fz TO STDOUT', 'INSERT INTO fz VALUES (1, $1)', 'INSERT INTO fz VALUES (2, \'x\')', 'SELECT * FROM generate_series(1, 20)',
  '', ';;', 'SELECT 1/0', 'SELEC garbage', 'SELECT * FROM fz', 'UPDATE fz SET b = b || \'y\'', 'DELETE FROM fz WHERE a > 1',
  'SELECT 1; SELECT 2', 'SET statement_timeout = 100', 'SHOW ALL', 'SELECT \'\u00e9\u4e2d\'',
];
const NAMES = ['', '', 's1', 's2', 'p1', 'x'.repeat(60)];
const HUGE = [0x7fffffff, 0x40000000, 256 * 1024 * 1024 + 1, 100_000_000, 65_536, -1, -0x80000000, 0, 1, 3];

export function generateCase(seed: number): FuzzCase {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const desc: string[] = [];

  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const value = (): string | null | Buffer => {
    const k = int(5);
    return k === 0 ? null : k === 1 ? String(int(1000) - 500) : k === 2 ? randomBytes(int(12)) : k === 3 ? 'abc' : '\u0000\u00ff';
  };
  const valid = (): Buffer => {
    switch (int(16)) {
      case 0: case 1: { const s = pick(SQL); desc.push(`Q ${s}`); return serialize.query(s); }
      case 2: case 3: {
        const types = Array.from({ length: int(3) }, () => pick([0, 23, 25, 20, 16, 1700, 999999, -5]));
        const name = pick(NAMES), text = pick(SQL);
        desc.push(`P ${name} ${text} ${types.join(',')}`);
        return serialize.parse({ name, text, types });
      }
      case 4: case 5: {
        const values = Array.from({ length: int(4) }, value);
        desc.push(`B ${values.length}`);
        return serialize.bind({ portal: pick(NAMES), statement: pick(NAMES), values, binary: r() < 0.3 });
      }
      case 6: case 7: {
        const rows = pick([0, 1, 5, -1]);
        desc.push(`E ${rows}`);
        const portal = Buffer.from(`${pick(NAMES)}\0`), n = Buffer.alloc(4);
        n.writeInt32BE(rows);
        return message('E', Buffer.concat([portal, n]));
      }
      case 8: desc.push('D'); return serialize.describe({ type: r() < 0.5 ? 'S' : 'P', name: pick(NAMES) });
      case 9: desc.push('C'); return serialize.close({ type: r() < 0.5 ? 'S' : 'P', name: pick(NAMES) });
      case 10: desc.push('S'); return Buffer.from(serialize.sync());
      case 11: desc.push('H'); return Buffer.from(serialize.flush());
      case 12: desc.push('d'); return serialize.copyData(r() < 0.5 ? Buffer.from(`${int(9)}\tv${int(9)}\n`) : randomBytes(int(40)));
      case 13: desc.push(r() < 0.5 ? 'c' : 'f'); return r() < 0.5 ? Buffer.from(serialize.copyDone()) : serialize.copyFail('fuzz');
      case 14: desc.push('p'); return serialize.password('secret');
      default: {
        const t = r() < 0.5 ? int(256) : pick([...'BCDEFHPQSXcdfp'].map((c) => c.charCodeAt(0)));
        desc.push(`raw ${t}`);
        return message(t, randomBytes(int(30)));
      }
    }
  };
  const mutate = (m: Buffer): Buffer => {
    const b = Buffer.from(m);
    switch (int(8)) {
      case 0: { for (let k = 0, n = 1 + int(3); k < n; k++) b[int(b.length)] ^= 1 << int(8); desc.push('bitflip'); return b; }
      case 1: { const n = 1 + int(b.length - 1); desc.push(`truncate ${n}`); return b.subarray(0, n); }
      case 2: {
        const n = Math.max(5, int(b.length));
        const t = Buffer.from(b.subarray(0, n));
        t.writeInt32BE(n - 1, 1);
        desc.push(`truncate+fixlen ${n}`);
        return t;
      }
      case 3: { const l = b.readInt32BE(1) + int(9) - 4; b.writeInt32BE(l, 1); desc.push(`len ${l}`); return b; }
      case 4: { const l = pick(HUGE); b.writeInt32BE(l, 1); desc.push(`hugelen ${l}`); return b; }
      case 5: { b[0] = r() < 0.5 ? int(256) : pick([...'BCDEHPQScdf'].map((c) => c.charCodeAt(0))); desc.push(`type ${b[0]}`); return b; }
      case 6: {
        if (b.length >= 7) { const p = 5 + int(b.length - 6); b.writeInt16BE(pick([-1, -32768, 32767, 1000]), p); desc.push(`int16@${p}`); }
        return b;
      }
      default: { desc.push('junk'); return Buffer.concat([b, randomBytes(1 + int(20))]); }
    }
  };

  let startup = serialize.startup({ user: 'weir', database: 'weir' });
  let startupMutated = false;
  if (r() < 0.1) {
    startupMutated = true;
    const k = int(6);
    if (k === 0) { startup = Buffer.concat([serialize.requestSsl(), startup]); desc.push('ssl+startup'); }
    else if (k === 1) { startup = serialize.cancel(int(5000), int(1 << 30)); desc.push('cancel'); }
    else if (k === 2) { startup = Buffer.from(startup); startup.writeInt32BE(pick(HUGE), 0); desc.push('startup len'); }
    else if (k === 3) { startup = Buffer.from(startup); startup.writeInt32BE(pick([0x20000, 0x30001, 1234, 80877104]), 4); desc.push('startup version'); }
    else if (k === 4) { startup = Buffer.from(startup); startup[8 + int(startup.length - 8)] ^= 0xff; desc.push('startup flip'); }
    else { startup = randomBytes(int(40)); desc.push('startup random'); }
  }
  const parts: Buffer[] = [];
  for (let i = 0, n = 1 + int(8); i < n; i++) parts.push(r() < 0.15 ? mutate(valid()) : valid());
  if (r() < 0.05) parts.push(randomBytes(int(200)));
  return { seed, startupMutated, startup, bytes: Buffer.concat(parts), description: desc };
}

/**
 * How the server must frame `bytes` (sent after startup): 'complete' when every message is whole
 * and one starts exactly at `probeAt`; 'broken' otherwise (a message runs past the end, a length
 * is invalid, or the probe got swallowed by a longer message).
 */
export function framing(bytes: Buffer, probeAt: number): 'complete' | 'broken' {
  let off = 0;
  let alignedProbe = false;
  while (off < bytes.length) {
    if (off === probeAt) alignedProbe = true;
    if (bytes.length - off < 5) return 'broken';
    const len = bytes.readInt32BE(off + 1);
    if (len < 4 || off + 1 + len > bytes.length) return 'broken';
    off += 1 + len;
  }
  return alignedProbe ? 'complete' : 'broken';
}

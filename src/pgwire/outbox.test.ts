import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { Outbox } from './outbox.js';

/** A socket that records what is written (and copies it, as the kernel would). */
function fakeSocket(): { socket: Socket; written: Buffer[] } {
  const written: Buffer[] = [];
  const socket = { write: (b: Buffer) => { written.push(Buffer.from(b)); return true; }, writableLength: 0 } as unknown as Socket;
  return { socket, written };
}

describe('Outbox', () => {
  it('frames messages written in place and sends them in one write per flush', () => {
    const { socket, written } = fakeSocket();
    const o = new Outbox(socket);
    o.begin(0x43);
    o.cstring('SELECT 1');
    o.end();
    o.send(Buffer.from([0x5a, 0, 0, 0, 5, 0x49]));
    expect(written).toEqual([]);
    o.flush();
    expect(written).toEqual([Buffer.concat([Buffer.from([0x43, 0, 0, 0, 13]), Buffer.from('SELECT 1\0'), Buffer.from([0x5a, 0, 0, 0, 5, 0x49])])]);
  });

  it('writes length-prefixed values in UTF-8, short ASCII and otherwise', () => {
    const { socket, written } = fakeSocket();
    const o = new Outbox(socket);
    o.begin(0x44);
    o.lengthPrefixed('42');
    o.lengthPrefixed('héllo €');
    o.lengthPrefixed('x'.repeat(100));
    o.end();
    o.flush();
    const b = written[0];
    expect(b.readInt32BE(1)).toBe(b.length - 1);
    expect(b.readInt32BE(5)).toBe(2);
    expect(b.toString('utf8', 9, 11)).toBe('42');
    expect(b.readInt32BE(11)).toBe(Buffer.byteLength('héllo €'));
    expect(b.toString('utf8', 15, 15 + Buffer.byteLength('héllo €'))).toBe('héllo €');
  });

  it('never resends or overwrites flushed bytes when a slab fills up', () => {
    const { socket, written } = fakeSocket();
    const o = new Outbox(socket);
    const expected: Buffer[] = [];
    // Many small flushes walk through several 64 kB slabs; messages bigger than a slab too.
    for (let i = 0; i < 5000; i++) {
      const text = i % 997 === 0 ? 'y'.repeat(70_000) : `row ${i}`;
      o.begin(0x44);
      o.lengthPrefixed(text);
      o.end();
      o.flush();
      const m = Buffer.alloc(9 + Buffer.byteLength(text));
      m[0] = 0x44;
      m.writeInt32BE(m.length - 1, 1);
      m.writeInt32BE(Buffer.byteLength(text), 5);
      m.write(text, 9);
      expected.push(m);
    }
    expect(Buffer.concat(written).equals(Buffer.concat(expected))).toBe(true);
  });

  it('drops everything after close', () => {
    const { socket, written } = fakeSocket();
    const o = new Outbox(socket);
    o.send(Buffer.from([1, 2, 3]));
    o.close();
    o.begin(0x44);
    o.int32(7);
    o.end();
    o.send(Buffer.from([4]));
    o.flush();
    expect(written).toEqual([]);
  });
});

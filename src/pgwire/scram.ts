// SCRAM-SHA-256 (RFC 5802 / RFC 7677) as PostgreSQL uses it: verifiers stored in PostgreSQL's
// text form `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`, and the server side of the
// exchange (no channel binding).

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const ITERATIONS = 4096;

function hmac(key: Buffer, data: string | Buffer): Buffer { return createHmac('sha256', key).update(data).digest(); }
function sha256(data: Buffer): Buffer { return createHash('sha256').update(data).digest(); }

export function makeScramVerifier(password: string, salt = randomBytes(16), iterations = ITERATIONS): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const storedKey = sha256(hmac(salted, 'Client Key'));
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

interface Verifier { iterations: number; salt: string; storedKey: Buffer; serverKey: Buffer }
function parseVerifier(v: string): Verifier | undefined {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(v);
  if (!m) return undefined;
  return { iterations: Number(m[1]), salt: m[2], storedKey: Buffer.from(m[3], 'base64'), serverKey: Buffer.from(m[4], 'base64') };
}

export function checkPasswordAgainstVerifier(password: string, verifier: string): boolean {
  const v = parseVerifier(verifier);
  if (!v) return false;
  return makeScramVerifier(password, Buffer.from(v.salt, 'base64'), v.iterations) === verifier;
}

/** Server side of one SCRAM exchange. */
export class ScramExchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private readonly v: Verifier | undefined;

  constructor(verifier: string | undefined) {
    this.v = verifier ? parseVerifier(verifier) : undefined;
  }

  /** SASLInitialResponse → server-first-message, or an error string. */
  first(mechanism: string, data: Buffer): { ok: true; reply: string } | { ok: false; error: string } {
    if (mechanism !== 'SCRAM-SHA-256') return { ok: false, error: 'SASL authentication mechanism not supported' };
    const msg = data.toString('utf8');
    const m = /^([ny]),(?:a=[^,]*)?,(.*)$/.exec(msg);
    if (!m) return { ok: false, error: 'malformed SCRAM message' };
    this.clientFirstBare = m[2];
    const nonce = /(?:^|,)r=([^,]+)/.exec(this.clientFirstBare)?.[1];
    if (!nonce) return { ok: false, error: 'malformed SCRAM message' };
    this.nonce = nonce + randomBytes(18).toString('base64');
    const salt = this.v?.salt ?? randomBytes(16).toString('base64');
    const iter = this.v?.iterations ?? ITERATIONS;
    this.serverFirst = `r=${this.nonce},s=${salt},i=${iter}`;
    return { ok: true, reply: this.serverFirst };
  }

  /** SASLResponse (client-final) → server-final-message if the proof is right. */
  final(data: Buffer): { ok: true; reply: string } | { ok: false; error: string } {
    const msg = data.toString('utf8');
    const m = /^(c=[^,]*,r=([^,]*)),(?:.*,)?p=([^,]+)$/.exec(msg);
    if (!m || m[2] !== this.nonce || !this.v) return { ok: false, error: 'password authentication failed' };
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${m[1]}`;
    const clientSignature = hmac(this.v.storedKey, authMessage);
    const proof = Buffer.from(m[3], 'base64');
    if (proof.length !== clientSignature.length) return { ok: false, error: 'password authentication failed' };
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ clientSignature[i];
    if (!timingSafeEqual(sha256(clientKey), this.v.storedKey)) return { ok: false, error: 'password authentication failed' };
    return { ok: true, reply: `v=${hmac(this.v.serverKey, authMessage).toString('base64')}` };
  }
}

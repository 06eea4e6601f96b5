// The password exchanges of startup: cleartext (AuthenticationCleartextPassword) and
// SCRAM-SHA-256 over SASL (RFC 5802 / RFC 7677, as PostgreSQL implements them).

import * as out from './serializer.js';
import { ScramExchange, checkPasswordAgainstVerifier } from './scram.js';
import type { InboundMessage } from './inbox.js';

/** What an exchange needs from the connection. */
export interface AuthIo {
  next(): Promise<InboundMessage | null>;
  send(buf: Buffer): void;
  flush(): void;
}

async function passwordMessage(io: AuthIo): Promise<Buffer | null> {
  const m = await io.next();
  if (!m || m.kind !== 'password') return null;
  return m.data;
}

export async function cleartextAuth(io: AuthIo, verifier: string): Promise<boolean> {
  io.send(out.authenticationCleartext());
  io.flush();
  const data = await passwordMessage(io);
  if (!data) return false;
  const pw = data.subarray(0, data.indexOf(0) >= 0 ? data.indexOf(0) : data.length).toString('utf8');
  return checkPasswordAgainstVerifier(pw, verifier);
}

export async function scramAuth(io: AuthIo, verifier: string): Promise<boolean> {
  io.send(out.authenticationSasl(['SCRAM-SHA-256']));
  io.flush();
  const first = await passwordMessage(io);
  if (!first) return false;
  const mechEnd = first.indexOf(0);
  if (mechEnd < 0 || first.length < mechEnd + 5) return false;
  const mech = first.toString('utf8', 0, mechEnd);
  const len = first.readInt32BE(mechEnd + 1);
  const ex = new ScramExchange(verifier);
  const r1 = ex.first(mech, first.subarray(mechEnd + 5, mechEnd + 5 + Math.max(0, len)));
  if (!r1.ok) return false;
  io.send(out.authenticationSaslContinue(r1.reply));
  io.flush();
  const fin = await passwordMessage(io);
  if (!fin) return false;
  const r2 = ex.final(fin);
  if (!r2.ok) return false;
  io.send(out.authenticationSaslFinal(r2.reply));
  return true;
}

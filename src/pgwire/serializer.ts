// Backend (server → client) messages. The ones every query sends are constants or are written
// straight into the connection's Outbox (`write…`); the rest are serialized with pg-protocol's Writer.

import { Writer } from 'pg-protocol/dist/buffer-writer.js';
import type { SqlError } from '../errors.js';
import type { Outbox } from './outbox.js';

export const enum BackendCode {
  Authentication = 0x52, // R
  BackendKeyData = 0x4b, // K
  BindComplete = 0x32, // 2
  CloseComplete = 0x33, // 3
  CommandComplete = 0x43, // C
  CopyInResponse = 0x47, // G
  CopyOutResponse = 0x48, // H
  CopyData = 0x64, // d
  CopyDone = 0x63, // c
  DataRow = 0x44, // D
  EmptyQueryResponse = 0x49, // I
  ErrorResponse = 0x45, // E
  NoData = 0x6e, // n
  NoticeResponse = 0x4e, // N
  ParameterDescription = 0x74, // t
  ParameterStatus = 0x53, // S
  ParseComplete = 0x31, // 1
  PortalSuspended = 0x73, // s
  ReadyForQuery = 0x5a, // Z
  RowDescription = 0x54, // T
}

export interface FieldDescription {
  readonly name: string;
  readonly tableOid: number;
  readonly columnAttr: number;
  readonly typeOid: number;
  readonly typeLen: number;
  readonly typmod: number;
  readonly format: number;
}

const w = new Writer();

export function authenticationOk(): Buffer { return w.addInt32(0).flush(BackendCode.Authentication); }
export function authenticationCleartext(): Buffer { return w.addInt32(3).flush(BackendCode.Authentication); }
export function authenticationSasl(mechanisms: string[]): Buffer {
  w.addInt32(10);
  for (const m of mechanisms) w.addCString(m);
  return w.addCString('').flush(BackendCode.Authentication);
}
export function authenticationSaslContinue(data: string): Buffer { return w.addInt32(11).addString(data).flush(BackendCode.Authentication); }
export function authenticationSaslFinal(data: string): Buffer { return w.addInt32(12).addString(data).flush(BackendCode.Authentication); }
export function parameterStatus(name: string, value: string): Buffer { return w.addCString(name).addCString(value).flush(BackendCode.ParameterStatus); }
export function backendKeyData(pid: number, secret: number): Buffer { return w.addInt32(pid).addInt32(secret).flush(BackendCode.BackendKeyData); }

/** A message with no body: its five bytes, made once (callers copy, never modify them). */
function bodiless(code: BackendCode): Buffer { return Buffer.from([code, 0, 0, 0, 4]); }
const READY = { I: readyMessage('I'), T: readyMessage('T'), E: readyMessage('E') };
function readyMessage(status: 'I' | 'T' | 'E'): Buffer { return Buffer.from([BackendCode.ReadyForQuery, 0, 0, 0, 5, status.charCodeAt(0)]); }
const PARSE_COMPLETE = bodiless(BackendCode.ParseComplete);
const BIND_COMPLETE = bodiless(BackendCode.BindComplete);
const CLOSE_COMPLETE = bodiless(BackendCode.CloseComplete);
const NO_DATA = bodiless(BackendCode.NoData);
const PORTAL_SUSPENDED = bodiless(BackendCode.PortalSuspended);
const EMPTY_QUERY_RESPONSE = bodiless(BackendCode.EmptyQueryResponse);

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer { return READY[status]; }
export function parseComplete(): Buffer { return PARSE_COMPLETE; }
export function bindComplete(): Buffer { return BIND_COMPLETE; }
export function closeComplete(): Buffer { return CLOSE_COMPLETE; }
export function noData(): Buffer { return NO_DATA; }
export function portalSuspended(): Buffer { return PORTAL_SUSPENDED; }
export function emptyQueryResponse(): Buffer { return EMPTY_QUERY_RESPONSE; }
export function commandComplete(tag: string): Buffer { return w.addCString(tag).flush(BackendCode.CommandComplete); }

/** CommandComplete, written into the outbox. */
export function writeCommandComplete(o: Outbox, tag: string): void {
  o.begin(BackendCode.CommandComplete);
  o.cstring(tag);
  o.end();
}
export function copyDone(): Buffer { return w.flush(BackendCode.CopyDone); }
export function copyData(data: Buffer): Buffer { return w.add(data).flush(BackendCode.CopyData); }

export function parameterDescription(oids: readonly number[]): Buffer {
  w.addInt16(oids.length);
  for (const o of oids) w.addInt32(o | 0);
  return w.flush(BackendCode.ParameterDescription);
}

export function rowDescription(fields: readonly FieldDescription[]): Buffer {
  w.addInt16(fields.length);
  for (const f of fields) {
    w.addCString(f.name).addInt32(f.tableOid).addInt16(f.columnAttr).addInt32(f.typeOid)
      .addInt16(f.typeLen).addInt32(f.typmod).addInt16(f.format);
  }
  return w.flush(BackendCode.RowDescription);
}

/** One DataRow from already-encoded column values (null = SQL NULL). */
export function dataRow(values: readonly (Buffer | string | null)[]): Buffer {
  w.addInt16(values.length);
  for (const v of values) {
    if (v === null) w.addInt32(-1);
    else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      w.addInt32(b.length).add(b);
    } else w.addInt32(v.length).add(v);
  }
  return w.flush(BackendCode.DataRow);
}

export function copyResponse(kind: 'in' | 'out', binary: boolean, columns: number): Buffer {
  w.add(Buffer.from([binary ? 1 : 0])).addInt16(columns);
  for (let i = 0; i < columns; i++) w.addInt16(binary ? 1 : 0);
  return w.flush(kind === 'in' ? BackendCode.CopyInResponse : BackendCode.CopyOutResponse);
}

function fields(e: SqlError | { severity: string; code: string; message: string; position?: number; detail?: string; hint?: string }): void {
  w.addString('S').addCString(e.severity).addString('V').addCString(e.severity)
    .addString('C').addCString(e.code).addString('M').addCString(e.message);
  if (e.detail) w.addString('D').addCString(e.detail);
  if (e.hint) w.addString('H').addCString(e.hint);
  if (e.position) w.addString('P').addCString(String(e.position));
  w.addCString('');
}

export function errorResponse(e: SqlError): Buffer { fields(e); return w.flush(BackendCode.ErrorResponse); }
export function noticeResponse(message: string, severity = 'NOTICE', code = '00000'): Buffer {
  fields({ severity, code, message });
  return w.flush(BackendCode.NoticeResponse);
}

// One client connection: startup and authentication, then the simple and extended query
// protocols on top of a Session. Messages are handled strictly in order by a pull loop, so COPY
// can wait for its data and an error in an extended batch skips to the next Sync.

import type { Socket } from 'node:net';
import { SqlError, SqlState, toSqlError } from '../errors.js';
import type { Database } from '../database.js';
import { Session } from '../session/session.js';
import type { PreparedStatement, StatementResult } from '../session/result.js';
import { typeOid, typeLen, DataType, formatType } from '../types/datatype.js';
import type { Datum, Row } from '../types/value.js';
import { formatText, parseText, TextContext } from '../types/text-io.js';
import { decodeBinary, encodeBinary } from '../types/binary-io.js';
import type { OutputColumn } from '../plan/logical.js';
import type { FrontendMessage, StartupPacket } from './messages.js';
import { PROTOCOL_V3 } from './messages.js';
import { MessageParser, ProtocolError } from './parser.js';
import * as out from './serializer.js';
import { ScramExchange } from './scram.js';

interface Portal {
  readonly stmt: PreparedStatement;
  readonly params: Datum[];
  readonly formats: readonly number[];
  /** Rows not yet sent, once the portal has been executed and suspended. */
  pending?: { rows: Row[]; pos: number; tag: string; columns: OutputColumn[] };
  done?: boolean;
}

export interface ConnectionOptions {
  /** How to authenticate users that have a password: SCRAM-SHA-256 (default) or cleartext. */
  readonly passwordMethod: 'scram-sha-256' | 'password';
  readonly onCancelRequest: (pid: number, secret: number) => void;
}

export class Connection {
  private readonly parser = new MessageParser();
  private readonly queue: (FrontendMessage | StartupPacket)[] = [];
  private waiter: (() => void) | null = null;
  private closed = false;
  private session: Session | null = null;
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();
  private skipToSync = false;
  private outBuf: Buffer[] = [];

  constructor(private readonly socket: Socket, private readonly db: Database, private readonly opts: ConnectionOptions) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => this.onClose());
    socket.on('error', () => this.onClose());
    void this.run();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      for (const m of this.parser.push(chunk)) this.queue.push(m);
    } catch (e) {
      this.fatal(e instanceof SqlError ? e : new ProtocolError(String(e)));
      return;
    }
    // Bound memory: a client that floods us without reading results is paused.
    if (this.queue.length > 10_000) this.socket.pause();
    this.waiter?.();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiter?.();
    if (this.session) {
      this.session.cancel();
      this.db.sessions.delete(this.session.pid);
    }
  }

  private async next(): Promise<FrontendMessage | StartupPacket | null> {
    for (;;) {
      if (this.queue.length) {
        const m = this.queue.shift()!;
        if (this.queue.length < 1000 && this.socket.isPaused()) this.socket.resume();
        return m;
      }
      if (this.closed) return null;
      await new Promise<void>((r) => { this.waiter = r; });
      this.waiter = null;
    }
  }

  private send(buf: Buffer): void { this.outBuf.push(buf); if (this.outBuf.length >= 256) this.flush(); }
  private flush(): void {
    if (!this.outBuf.length || this.closed) { this.outBuf = []; return; }
    const b = this.outBuf.length === 1 ? this.outBuf[0] : Buffer.concat(this.outBuf);
    this.outBuf = [];
    this.socket.write(b);
  }

  private fatal(e: SqlError): void {
    e.severity = 'FATAL';
    this.send(out.errorResponse(e));
    this.flush();
    this.closed = true;
    this.socket.end();
  }

  private async run(): Promise<void> {
    try {
      if (!(await this.startup())) return;
      for (;;) {
        const m = await this.next();
        if (!m) return;
        if (m.kind === 'terminate') { this.flush(); this.socket.end(); this.closed = true; return; }
        await this.handle(m as FrontendMessage);
        if (this.queue.length === 0) this.flush();
      }
    } catch (e) {
      if (!this.closed) this.fatal(toSqlError(e));
    } finally {
      if (this.session) this.db.sessions.delete(this.session.pid);
    }
  }

  // ---- startup ----
  private async startup(): Promise<boolean> {
    for (;;) {
      const m = await this.next();
      if (!m) return false;
      if (m.kind === 'ssl' || m.kind === 'gssenc') { this.socket.write(Buffer.from('N')); continue; }
      if (m.kind === 'cancel') { this.opts.onCancelRequest(m.pid, m.secret); this.socket.end(); this.closed = true; return false; }
      if (m.kind !== 'startup') { this.fatal(new ProtocolError('expected startup message')); return false; }
      if (m.version !== PROTOCOL_V3) {
        this.fatal(new SqlError(SqlState.FeatureNotSupported, `unsupported frontend protocol ${m.version >> 16}.${m.version & 0xffff}: server supports 3.0 to 3.0`));
        return false;
      }
      return this.authenticate(m.params);
    }
  }

  private async authenticate(params: ReadonlyMap<string, string>): Promise<boolean> {
    const user = params.get('user');
    if (!user) { this.fatal(new SqlError(SqlState.InvalidAuthorization, 'no PostgreSQL user name specified in startup packet')); return false; }
    const u = this.db.catalog.user(user);
    if (!u) { this.fatal(new SqlError(SqlState.InvalidAuthorization, `role "${user}" does not exist`)); return false; }
    if (!u.canLogin) { this.fatal(new SqlError(SqlState.InvalidAuthorization, `role "${user}" is not permitted to log in`)); return false; }
    if (u.scram) {
      const ok = this.opts.passwordMethod === 'password' ? await this.cleartextAuth(u.scram) : await this.scramAuth(u.scram);
      if (!ok) { this.fatal(new SqlError(SqlState.InvalidPassword, `password authentication failed for user "${user}"`)); return false; }
    }
    const startupSettings: Record<string, string> = {};
    for (const [k, v] of params) if (!['user', 'database', 'application_name', 'options', 'replication'].includes(k)) startupSettings[k] = v;
    // `options=-c key=value …` as psql and libpq send them.
    const optStr = params.get('options');
    if (optStr) for (const m of optStr.matchAll(/(?:-c\s*|--)([\w.]+)=((?:\\ |\S)+)/g)) startupSettings[m[1]] = m[2].replace(/\\ /g, ' ');
    const s = new Session(this.db, { user, database: params.get('database') ?? user, applicationName: params.get('application_name') ?? '' }, startupSettings);
    this.session = s;
    this.db.sessions.set(s.pid, {
      cancel: () => s.cancel(), secret: s.secret, user, applicationName: params.get('application_name') ?? '', startedAt: Date.now(),
      query: () => s.currentQuery, state: () => (s.currentQuery ? 'active' : 'idle'),
    });
    this.send(out.authenticationOk());
    for (const [k, v] of s.settings.reportable()) this.send(out.parameterStatus(k, v));
    this.send(out.backendKeyData(s.pid, s.secret));
    this.send(out.readyForQuery('I'));
    this.flush();
    return true;
  }

  private async passwordMessage(): Promise<Buffer | null> {
    const m = await this.next();
    if (!m || m.kind !== 'password') return null;
    return m.data;
  }

  private async cleartextAuth(verifier: string): Promise<boolean> {
    this.send(out.authenticationCleartext());
    this.flush();
    const data = await this.passwordMessage();
    if (!data) return false;
    const pw = data.subarray(0, data.indexOf(0) >= 0 ? data.indexOf(0) : data.length).toString('utf8');
    const { checkPasswordAgainstVerifier } = await import('./scram.js');
    return checkPasswordAgainstVerifier(pw, verifier);
  }

  private async scramAuth(verifier: string): Promise<boolean> {
    this.send(out.authenticationSasl(['SCRAM-SHA-256']));
    this.flush();
    const first = await this.passwordMessage();
    if (!first) return false;
    const mechEnd = first.indexOf(0);
    if (mechEnd < 0 || first.length < mechEnd + 5) return false;
    const mech = first.toString('utf8', 0, mechEnd);
    const len = first.readInt32BE(mechEnd + 1);
    const ex = new ScramExchange(verifier);
    const r1 = ex.first(mech, first.subarray(mechEnd + 5, mechEnd + 5 + Math.max(0, len)));
    if (!r1.ok) return false;
    this.send(out.authenticationSaslContinue(r1.reply));
    this.flush();
    const fin = await this.passwordMessage();
    if (!fin) return false;
    const r2 = ex.final(fin);
    if (!r2.ok) return false;
    this.send(out.authenticationSaslFinal(r2.reply));
    return true;
  }

  // ---- queries ----
  private get s(): Session { return this.session!; }
  private textCtx(): TextContext { return { timeZone: this.s.timeZone(), names: this.s.catalogView }; }

  private async handle(m: FrontendMessage): Promise<void> {
    if (this.skipToSync && m.kind !== 'sync') return;
    try {
      switch (m.kind) {
        case 'query': return await this.simpleQuery(m.sql);
        case 'parse': return this.parse(m.name, m.sql, m.paramOids);
        case 'bind': return this.bind(m);
        case 'describe': return this.describe(m.target, m.name);
        case 'execute': return await this.execute(m.portal, m.maxRows);
        case 'close':
          if (m.target === 'S') this.statements.delete(m.name); else this.portals.delete(m.name);
          this.send(out.closeComplete());
          return;
        case 'sync':
          this.skipToSync = false;
          this.portals.delete('');
          this.sendParameterStatus();
          this.send(out.readyForQuery(this.s.transactionStatus));
          this.flush();
          return;
        case 'flush': this.flush(); return;
        case 'copyData': case 'copyDone': case 'copyFail': return; // stray COPY messages outside COPY are ignored, as PostgreSQL does
        case 'password': throw new ProtocolError('unexpected password message');
        case 'functionCall': throw new SqlError(SqlState.FeatureNotSupported, 'the fast-path function call interface is not supported');
      }
    } catch (e) {
      const err = this.s.onError(e);
      // A protocol violation ends the connection with a FATAL error, as in PostgreSQL.
      if (e instanceof ProtocolError) { this.fatal(err); return; }
      this.send(out.errorResponse(err));
      if (m.kind !== 'query') this.skipToSync = true;
    }
  }

  private sendParameterStatus(): void {
    for (const [k, v] of this.s.pendingParameterStatus.splice(0)) this.send(out.parameterStatus(k, v));
  }

  private sendNotices(notices: readonly string[] | undefined): void {
    for (const n of notices ?? []) this.send(out.noticeResponse(n));
  }

  private async simpleQuery(sql: string): Promise<void> {
    for await (const r of this.s.simpleQuery(sql)) {
      if (r instanceof SqlError) { this.send(out.errorResponse(r)); break; }
      if (r.kind === 'rows') {
        this.send(out.rowDescription(fields(r.columns, [])));
        this.sendRows(r.rows, r.columns, []);
        this.send(out.commandComplete(r.tag));
      } else {
        try {
          await this.sendResult(r);
        } catch (e) {
          // A failed COPY ends the whole Query message, like any other error.
          if (e instanceof ProtocolError) throw e;
          this.send(out.errorResponse(this.s.onError(e)));
          break;
        }
      }
      this.sendParameterStatus();
      this.flush();
    }
    this.sendParameterStatus();
    this.send(out.readyForQuery(this.s.transactionStatus));
    this.flush();
  }

  /** Results other than row sets: commands, COPY, empty queries. */
  private async sendResult(r: StatementResult): Promise<void> {
    switch (r.kind) {
      case 'command': this.sendNotices(r.notices); this.send(out.commandComplete(r.tag)); return;
      case 'empty': this.send(out.emptyQueryResponse()); return;
      case 'copyOut':
        this.send(out.copyResponse('out', false, r.columns));
        for (const c of r.chunks) this.send(out.copyData(c));
        this.send(out.copyDone());
        this.send(out.commandComplete(r.tag));
        return;
      case 'copyIn': {
        this.send(out.copyResponse('in', false, r.columns));
        this.flush();
        for (;;) {
          const m = await this.next();
          if (!m) { r.sink.abort(); return; }
          if (m.kind === 'copyData') { r.sink.write(m.data); continue; }
          if (m.kind === 'copyDone') {
            const tag = await r.sink.finish();
            this.send(out.commandComplete(tag));
            return;
          }
          if (m.kind === 'copyFail') { r.sink.abort(); throw new SqlError(SqlState.QueryCanceled, `COPY from stdin failed: ${m.message}`); }
          if (m.kind === 'flush' || m.kind === 'sync') continue;
          r.sink.abort();
          throw new ProtocolError(`unexpected message type 0x${m.kind} during COPY from stdin`);
        }
      }
      case 'rows': return;
    }
  }

  private sendRows(rows: readonly Row[], columns: OutputColumn[], formats: readonly number[]): void {
    const ctx = this.textCtx();
    const types = columns.map((c) => c.type);
    const binary = columns.map((_, i) => (formats.length === 1 ? formats[0] : formats[i] ?? 0) === 1);
    const n = types.length;
    const vals: (Buffer | string | null)[] = new Array(n);
    for (const r of rows) {
      for (let i = 0; i < n; i++) {
        const d = r[i];
        vals[i] = d === null ? null : binary[i] ? encodeBinary(d, types[i], ctx) : formatText(d, types[i], ctx);
      }
      this.send(out.dataRow(vals));
    }
  }

  private parse(name: string, sql: string, paramOids: readonly number[]): void {
    if (name !== '' && this.statements.has(name)) throw new SqlError(SqlState.DuplicatePreparedStatement, `prepared statement "${name}" already exists`);
    const p = this.s.prepare(sql, paramOids);
    this.statements.set(name, p);
    this.send(out.parseComplete());
  }

  private bind(m: Extract<FrontendMessage, { kind: 'bind' }>): void {
    const stmt = this.statements.get(m.statement);
    if (!stmt) throw new SqlError(SqlState.InvalidSqlStatementName, `prepared statement "${m.statement}" does not exist`);
    if (m.params.length !== stmt.paramTypes.length) {
      throw new SqlError(SqlState.ProtocolViolation, `bind message supplies ${m.params.length} parameters, but prepared statement "${m.statement}" requires ${stmt.paramTypes.length}`);
    }
    if (m.paramFormats.length > 1 && m.paramFormats.length !== m.params.length) throw new ProtocolError(`bind message has ${m.paramFormats.length} parameter formats but ${m.params.length} parameters`);
    const ctx = this.textCtx();
    const params = m.params.map((raw, i) => {
      if (raw === null) return null;
      const fmt = m.paramFormats.length === 1 ? m.paramFormats[0] : m.paramFormats[i] ?? 0;
      const t = stmt.paramTypes[i];
      try {
        return fmt === 1 ? decodeBinary(raw, t, ctx) : parseText(raw.toString('utf8'), t, ctx);
      } catch (e) {
        if (e instanceof SqlError && !e.message.includes('parameter')) e.message += ` (parameter $${i + 1} of type ${formatType(t)})`;
        throw e;
      }
    });
    if (m.portal !== '' && this.portals.has(m.portal)) throw new SqlError('42P03', `portal "${m.portal}" already exists`);
    this.portals.set(m.portal, { stmt, params, formats: m.resultFormats });
    this.send(out.bindComplete());
  }

  private describe(target: 'S' | 'P', name: string): void {
    if (target === 'S') {
      const st = this.statements.get(name);
      if (!st) throw new SqlError(SqlState.InvalidSqlStatementName, `prepared statement "${name}" does not exist`);
      this.send(out.parameterDescription(st.paramTypes.map(typeOid)));
      this.send(st.columns ? out.rowDescription(fields(st.columns, [])) : out.noData());
      return;
    }
    const p = this.portals.get(name);
    if (!p) throw new SqlError(SqlState.InvalidCursorName, `portal "${name}" does not exist`);
    this.send(p.stmt.columns ? out.rowDescription(fields(p.stmt.columns, p.formats)) : out.noData());
  }

  private async execute(name: string, maxRows: number): Promise<void> {
    const p = this.portals.get(name);
    if (!p) throw new SqlError(SqlState.InvalidCursorName, `portal "${name}" does not exist`);
    if (!p.pending) {
      if (p.done) { this.send(out.commandComplete('SELECT 0')); return; }
      const r = await this.s.execute(p.stmt, p.params);
      if (r.kind !== 'rows') { await this.sendResult(r); p.done = true; return; }
      p.pending = { rows: r.rows, pos: 0, tag: r.tag, columns: r.columns };
    }
    const pend = p.pending;
    const limit = maxRows > 0 ? Math.min(pend.rows.length, pend.pos + maxRows) : pend.rows.length;
    this.sendRows(pend.rows.slice(pend.pos, limit), pend.columns, p.formats);
    const sent = limit - pend.pos;
    pend.pos = limit;
    if (pend.pos < pend.rows.length) { this.send(out.portalSuspended()); return; }
    const tag = pend.tag.startsWith('SELECT') ? `SELECT ${sent}` : pend.tag;
    this.send(out.commandComplete(tag));
    p.pending = undefined;
    p.done = true;
  }
}

function fields(columns: readonly OutputColumn[], formats: readonly number[]): out.FieldDescription[] {
  return columns.map((c, i) => ({
    name: c.name, tableOid: c.tableOid ?? 0, columnAttr: c.attnum ?? 0, typeOid: typeOid(c.type), typeLen: typeLen(c.type),
    typmod: c.type.kind === 'scalar' ? c.type.typmod : -1, format: formats.length === 1 ? formats[0] : formats[i] ?? 0,
  }));
}

export type { DataType };

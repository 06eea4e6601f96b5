// One client connection: startup and authentication, then the simple and extended query
// protocols on top of a Session. Messages are handled strictly in order by a pull loop, so COPY
// can wait for its data and an error in an extended batch skips to the next Sync. Input arrives
// through an Inbox and output leaves through an Outbox, both bounded (see their files); shutdown()
// and forceShutdown() are the server's graceful-shutdown hooks.

import type { Socket } from 'node:net';
import { SqlError, SqlState, toSqlError } from '../errors.js';
import type { Database } from '../database.js';
import { Session, type RowStreamResult } from '../session/session.js';
import type { PreparedStatement, StatementResult } from '../session/result.js';
import { typeOid, typeLen, DataType, formatType } from '../types/datatype.js';
import type { Datum, Row } from '../types/value.js';
import { formatText, parseText, TextContext } from '../types/text-io.js';
import { decodeBinary, encodeBinary } from '../types/binary-io.js';
import type { OutputColumn } from '../plan/logical.js';
import type { FrontendMessage } from './messages.js';
import { nodeTag } from '../sql/ast.js';
import { PROTOCOL_V3 } from './messages.js';
import { ProtocolError } from './parser.js';
import { Inbox, type InboundMessage } from './inbox.js';
import { cleartextAuth, scramAuth } from './password-auth.js';
import * as out from './serializer.js';
import { Outbox } from './outbox.js';

interface Portal {
  readonly stmt: PreparedStatement;
  readonly params: Datum[];
  readonly formats: readonly number[];
  /** Rows not yet sent, once the portal has been executed and suspended. */
  pending?: { rows: Row[]; pos: number; tag: string; columns: OutputColumn[] };
  /** A SELECT portal's rows, pulled from the executor as Execute messages ask for them. */
  stream?: { result: RowStreamResult; batch: Row[]; pos: number };
  done?: boolean;
}

export interface ConnectionOptions {
  /** How to authenticate users that have a password: SCRAM-SHA-256 (default) or cleartext. */
  readonly passwordMethod: 'scram-sha-256' | 'password';
  readonly onCancelRequest: (pid: number, secret: number) => void;
  /** Largest Query/Parse/Bind/CopyData message accepted (default 256 MB). */
  readonly maxMessageBytes?: number;
  /** Time a client has to complete startup and authentication (PostgreSQL's authentication_timeout). */
  readonly authenticationTimeoutMs?: number;
  /** Bytes the socket may hold unsent before result production pauses. */
  readonly writeHighWaterMark?: number;
}

function adminShutdown(): SqlError {
  return new SqlError(SqlState.AdminShutdown, 'terminating connection due to administrator command');
}

export class Connection {
  private readonly inbox: Inbox;
  private readonly out: Outbox;
  /** 'idle' while waiting for the next command at ReadyForQuery; shutdown closes idle sessions at once. */
  private phase: 'startup' | 'idle' | 'busy' = 'startup';
  private authTimer: NodeJS.Timeout | null = null;
  /** Server shutdown: end the session once the command in progress has finished. */
  private terminating = false;
  /** Server shutdown after its grace period: the command in progress was cancelled. */
  private forced = false;
  private closed = false;
  private session: Session | null = null;
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();
  private skipToSync = false;

  constructor(private readonly socket: Socket, private readonly db: Database, private readonly opts: ConnectionOptions) {
    this.inbox = new Inbox(socket, opts.maxMessageBytes);
    this.out = new Outbox(socket, opts.writeHighWaterMark);
    socket.setNoDelay(true);
    const authMs = opts.authenticationTimeoutMs ?? 60_000;
    if (authMs > 0) {
      this.authTimer = setTimeout(() => this.fatal(new SqlError(SqlState.ProtocolViolation, 'canceling authentication due to timeout')), authMs);
      this.authTimer.unref();
    }
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => this.onClose());
    socket.on('error', () => this.onClose());
    void this.run();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.inbox.push(chunk);
    } catch (e) {
      this.fatal(e instanceof SqlError ? e : new ProtocolError(String(e)));
    }
  }

  /** The socket closed (or we are done with it): release everything. Safe to call more than once. */
  private onClose(): void {
    this.closed = true;
    this.out.close();
    this.clearAuthTimer();
    this.inbox.end();
    for (const name of [...this.portals.keys()]) this.dropPortal(name);
    if (this.session) {
      this.session.cancel();
      this.db.sessions.delete(this.session.pid);
    }
  }

  private next(): Promise<InboundMessage | null> { return this.inbox.next(); }

  private send(buf: Buffer): void { this.out.send(buf); }
  private flush(): void { this.out.flush(); }
  private clearAuthTimer(): void { if (this.authTimer) { clearTimeout(this.authTimer); this.authTimer = null; } }

  private fatal(e: SqlError): void {
    if (this.closed) return;
    e.severity = 'FATAL';
    this.send(out.errorResponse(e));
    this.flush();
    this.out.close();
    this.closed = true;
    this.clearAuthTimer();
    this.socket.end();
    // A client that never reads must not keep the socket (and its buffer) forever.
    setTimeout(() => this.socket.destroy(), 10_000).unref();
    this.inbox.end();
    if (this.session) this.session.cancel();
  }

  /** An error for the client; during a forced shutdown it ends the session instead (57P01). */
  private sendError(e: SqlError): void {
    if (this.forced) this.fatal(adminShutdown());
    else this.send(out.errorResponse(e));
  }

  /**
   * Server shutdown: a session idle at ReadyForQuery gets FATAL 57P01 now, one still starting up
   * is refused (57P03), and a busy one is ended once its current command finishes.
   */
  shutdown(): void {
    if (this.closed) return;
    if (this.phase === 'startup') this.fatal(new SqlError('57P03', 'the database system is shutting down'));
    else if (this.phase === 'idle' && !this.inbox.length) this.fatal(adminShutdown());
    else this.terminating = true;
  }

  /** Server shutdown after the grace period: cancel the command in progress and end the session. */
  forceShutdown(): void {
    if (this.closed) return;
    this.forced = true;
    this.terminating = true;
    this.session?.cancel();
    // Waiting for client input (COPY FROM STDIN, the rest of an extended batch): end now.
    if (this.inbox.waiting) this.fatal(adminShutdown());
  }

  private async run(): Promise<void> {
    try {
      if (!(await this.startup())) return;
      this.clearAuthTimer();
      for (;;) {
        if (this.terminating && !this.inbox.length) { this.fatal(adminShutdown()); return; }
        this.phase = this.inbox.length ? 'busy' : 'idle';
        const m = await this.next();
        this.phase = 'busy';
        if (!m) return;
        if (m.kind === 'terminate') { this.flush(); this.socket.end(); this.onClose(); return; }
        await this.handle(m as FrontendMessage);
        if (this.terminating && (m.kind === 'query' || m.kind === 'sync')) { this.fatal(adminShutdown()); return; }
        // A client that sends commands without reading the answers waits here (pipelining).
        if (this.inbox.length === 0) this.flush();
        if (this.out.congested) await this.out.drain();
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
      if (m.kind === 'cancel') { this.opts.onCancelRequest(m.pid, m.secret); this.socket.end(); this.onClose(); return false; }
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
      const io = { next: () => this.next(), send: (b: Buffer) => this.send(b), flush: () => this.flush() };
      const ok = this.opts.passwordMethod === 'password' ? await cleartextAuth(io, u.scram) : await scramAuth(io, u.scram);
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
          if (m.target === 'S') this.statements.delete(m.name); else this.dropPortal(m.name);
          this.send(out.closeComplete());
          return;
        case 'sync':
          this.skipToSync = false;
          this.dropPortal('');
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
      this.sendError(err);
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
      if (r instanceof SqlError) { this.sendError(r); break; }
      if (r.kind === 'rowStream') {
        if (!(await this.sendRowStream(r))) break;
      } else if (r.kind === 'rows') {
        this.send(out.rowDescription(fields(r.columns, [])));
        await this.sendRows(r.rows, r.columns, []);
        this.send(out.commandComplete(r.tag));
      } else {
        try {
          await this.sendResult(r);
        } catch (e) {
          // A failed COPY ends the whole Query message, like any other error.
          if (e instanceof ProtocolError) throw e;
          this.sendError(this.s.onError(e));
          break;
        }
      }
      this.sendParameterStatus();
      if (this.closed) break;
    }
    this.sendParameterStatus();
    this.send(out.readyForQuery(this.s.transactionStatus));
    this.flush();
  }

  /** Stream a SELECT's rows, pausing while the client is not reading. False when it failed. */
  private async sendRowStream(r: RowStreamResult): Promise<boolean> {
    let count = 0;
    let described = false;
    try {
      for await (const batch of r.batches) {
        if (this.closed) { await r.batches.return(); return false; }
        // RowDescription after the first batch: an error found before any row is then reported
        // alone, as PostgreSQL reports errors raised while planning.
        if (!described) { this.send(out.rowDescription(fields(r.columns, []))); described = true; }
        await this.sendRows(batch, r.columns, []);
        count += batch.length;
      }
      if (!described) this.send(out.rowDescription(fields(r.columns, [])));
    } catch (e) {
      this.sendError(this.s.onError(e));
      return false;
    }
    this.send(out.commandComplete(`SELECT ${count}`));
    return true;
  }

  /** Results other than row sets: commands, COPY, empty queries. */
  private async sendResult(r: StatementResult): Promise<void> {
    switch (r.kind) {
      case 'command': this.sendNotices(r.notices); this.send(out.commandComplete(r.tag)); return;
      case 'empty': this.send(out.emptyQueryResponse()); return;
      case 'copyOut':
        this.send(out.copyResponse('out', r.binary === true, r.columns));
        for (const c of r.chunks) { this.send(out.copyData(c)); if (this.out.congested) await this.out.drain(); }
        this.send(out.copyDone());
        this.send(out.commandComplete(r.tag));
        return;
      case 'copyIn': {
        this.send(out.copyResponse('in', r.binary === true, r.columns));
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

  /** Encode and send rows; waits whenever the socket's buffer is over the high-water mark. */
  private async sendRows(rows: readonly Row[], columns: OutputColumn[], formats: readonly number[]): Promise<void> {
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
      if (this.out.congested) await this.out.drain();
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
    this.dropPortal(m.portal);
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
    if (!p.pending && !p.stream && !p.done && p.stmt.stmt && nodeTag(p.stmt.stmt.node) === 'SelectStmt') {
      p.stream = { result: this.s.streamSelect(p.stmt, p.params), batch: [], pos: 0 };
    }
    if (p.stream) return this.executeStream(p, p.stream, maxRows);
    if (!p.pending) {
      if (p.done) { this.send(out.commandComplete('SELECT 0')); return; }
      const r = await this.s.execute(p.stmt, p.params);
      if (r.kind !== 'rows') { await this.sendResult(r); p.done = true; return; }
      p.pending = { rows: r.rows, pos: 0, tag: r.tag, columns: r.columns };
    }
    const pend = p.pending;
    const limit = maxRows > 0 ? Math.min(pend.rows.length, pend.pos + maxRows) : pend.rows.length;
    await this.sendRows(pend.rows.slice(pend.pos, limit), pend.columns, p.formats);
    const sent = limit - pend.pos;
    pend.pos = limit;
    if (pend.pos < pend.rows.length) { this.send(out.portalSuspended()); return; }
    const tag = pend.tag.startsWith('SELECT') ? `SELECT ${sent}` : pend.tag;
    this.send(out.commandComplete(tag));
    p.pending = undefined;
    p.done = true;
  }

  /**
   * Send up to `maxRows` rows (0: all) of a streaming SELECT portal, pausing while the client is
   * not reading; PortalSuspended when the limit is reached, as PostgreSQL does even if no rows are left.
   */
  /** Forget a portal; a SELECT it was streaming is stopped (its generator's cleanup runs). */
  private dropPortal(name: string): void {
    const p = this.portals.get(name);
    if (!p) return;
    this.portals.delete(name);
    if (p.stream) void p.stream.result.batches.return().catch(() => undefined);
  }

  private async executeStream(p: Portal, st: NonNullable<Portal['stream']>, maxRows: number): Promise<void> {
    const columns = st.result.columns;
    let sent = 0;
    try {
      while (maxRows <= 0 || sent < maxRows) {
        if (st.pos >= st.batch.length) {
          const next = await st.result.batches.next();
          if (next.done) {
            this.send(out.commandComplete(`SELECT ${sent}`));
            p.stream = undefined;
            p.done = true;
            return;
          }
          st.batch = next.value;
          st.pos = 0;
        }
        const take = maxRows > 0 ? Math.min(st.batch.length - st.pos, maxRows - sent) : st.batch.length - st.pos;
        await this.sendRows(st.batch.slice(st.pos, st.pos + take), columns, p.formats);
        st.pos += take;
        sent += take;
        if (this.closed) return;
      }
    } catch (e) {
      p.stream = undefined;
      p.done = true;
      throw e;
    }
    this.send(out.portalSuspended());
  }
}

function fields(columns: readonly OutputColumn[], formats: readonly number[]): out.FieldDescription[] {
  return columns.map((c, i) => ({
    name: c.name, tableOid: c.tableOid ?? 0, columnAttr: c.attnum ?? 0, typeOid: typeOid(c.type), typeLen: typeLen(c.type),
    typmod: c.type.kind === 'scalar' ? c.type.typmod : -1, format: formats.length === 1 ? formats[0] : formats[i] ?? 0,
  }));
}

export type { DataType };

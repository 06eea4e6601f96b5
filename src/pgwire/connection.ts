// One client connection: startup and authentication, then the simple and extended query
// protocols on top of a Session. Messages are handled strictly in order by a pull loop, so COPY
// can wait for its data and an error in an extended batch skips to the next Sync. Input arrives
// through an Inbox and output leaves through an Outbox, both bounded (see their files); shutdown()
// and forceShutdown() are the server's graceful-shutdown hooks.

import type { Socket } from 'node:net';
import { SqlError, SqlState, toSqlError } from '../errors.js';
import type { Database } from '../database.js';
import { Session, SelectCursor } from '../session/session.js';
import type { StatementResult } from '../session/result.js';
import type { ParsedStatement } from '../sql/parser.js';
import type { Row } from '../types/value.js';
import type { TextContext } from '../types/text-io.js';
import { PAUSED } from '../executor/stream-plan.js';
import type { FrontendMessage } from './messages.js';
import { PROTOCOL_V3 } from './messages.js';
import { ProtocolError } from './parser.js';
import { Inbox, type InboundMessage } from './inbox.js';
import { cleartextAuth, scramAuth } from './password-auth.js';
import * as out from './serializer.js';
import { Outbox } from './outbox.js';
import { ExtendedProtocol, type ExtendedHost } from './extended.js';
import { rowDescriptionFor, rowEncoderFor, type RowEncoder } from './row-encoder.js';

/** A simple-protocol SELECT being answered. */
interface CursorSend {
  readonly cursor: SelectCursor;
  readonly ctx: TextContext;
  /** Set once RowDescription is sent (after the first batch, or at the end when there is none). */
  encoder: RowEncoder | null;
  batch: Row[];
  pos: number;
  count: number;
  /** The rows ended and the commit was waited for: only CommandComplete is left. */
  committed: boolean;
  ok: boolean;
}

const NO_ROWS: Row[] = [];

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

export class Connection implements ExtendedHost {
  private readonly inbox: Inbox;
  readonly out: Outbox;
  private readonly ext: ExtendedProtocol;
  /** 'idle' while waiting for the next command at ReadyForQuery; shutdown closes idle sessions at once. */
  private phase: 'startup' | 'idle' | 'busy' = 'startup';
  private authTimer: NodeJS.Timeout | null = null;
  /** Server shutdown: end the session once the command in progress has finished. */
  private terminating = false;
  /** Server shutdown after its grace period: the command in progress was cancelled. */
  private forced = false;
  private closed = false;
  private openedSession: Session | null = null;
  private skipToSync = false;
  private textCtx: TextContext | null = null;

  constructor(private readonly socket: Socket, private readonly db: Database, private readonly opts: ConnectionOptions) {
    this.inbox = new Inbox(socket, opts.maxMessageBytes);
    this.out = new Outbox(socket, opts.writeHighWaterMark);
    this.ext = new ExtendedProtocol(this);
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

  get session(): Session { return this.openedSession!; }
  get isClosed(): boolean { return this.closed; }
  private get s(): Session { return this.openedSession!; }

  /** Text I/O settings of the session, remade only when its TimeZone changes. */
  textContext(): TextContext {
    const tz = this.s.timeZone();
    if (this.textCtx?.timeZone !== tz) this.textCtx = { timeZone: tz, names: this.s.catalogView };
    return this.textCtx;
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
    this.ext.closeAll();
    if (this.openedSession) {
      this.openedSession.cancel();
      this.db.sessions.delete(this.openedSession.pid);
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
    if (this.openedSession) this.openedSession.cancel();
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
    this.openedSession?.cancel();
    // Waiting for client input (COPY FROM STDIN, the rest of an extended batch): end now.
    if (this.inbox.waiting) this.fatal(adminShutdown());
  }

  /**
   * The message loop. Messages already received are handled without waiting: only a message
   * whose handling has to wait (a long query, a slow client, COPY, a commit) costs a promise.
   */
  private async run(): Promise<void> {
    try {
      if (!(await this.startup())) return;
      this.clearAuthTimer();
      for (;;) {
        if (this.terminating && !this.inbox.length) { this.fatal(adminShutdown()); return; }
        let m: InboundMessage | null | undefined = this.inbox.shift();
        if (!m) {
          this.phase = 'idle';
          m = await this.next();
        }
        this.phase = 'busy';
        if (!m) return;
        if (m.kind === 'terminate') { this.flush(); this.socket.end(); this.onClose(); return; }
        const waiting = this.handle(m as FrontendMessage);
        if (waiting) await waiting;
        if (this.terminating && (m.kind === 'query' || m.kind === 'sync')) { this.fatal(adminShutdown()); return; }
        // A client that sends commands without reading the answers waits here (pipelining).
        if (this.inbox.length === 0) this.flush();
        if (this.out.congested) await this.out.drain();
      }
    } catch (e) {
      if (!this.closed) this.fatal(toSqlError(e));
    } finally {
      if (this.openedSession) this.db.sessions.delete(this.openedSession.pid);
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
    this.openedSession = s;
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

  /** Handle one message; a promise only when it has to wait. Errors are answered here. */
  private handle(m: FrontendMessage): Promise<void> | undefined {
    if (this.skipToSync && m.kind !== 'sync') return undefined;
    try {
      const waiting = this.dispatch(m);
      if (waiting) return waiting.catch((e: unknown) => this.answerError(e, m));
    } catch (e) {
      this.answerError(e, m);
    }
    return undefined;
  }

  private dispatch(m: FrontendMessage): Promise<void> | undefined {
    switch (m.kind) {
      case 'query': return this.simpleQuery(m.sql);
      case 'parse': this.ext.parse(m.name, m.sql, m.paramOids); return undefined;
      case 'bind': this.ext.bind(m); return undefined;
      case 'describe': this.ext.describe(m.target, m.name); return undefined;
      case 'execute': return this.ext.execute(m.portal, m.maxRows);
      case 'close': this.ext.close(m.target, m.name); return undefined;
      case 'sync':
        this.skipToSync = false;
        this.ext.sync();
        this.sendParameterStatus();
        this.send(out.readyForQuery(this.s.transactionStatus));
        this.flush();
        return undefined;
      case 'flush': this.flush(); return undefined;
      case 'copyData': case 'copyDone': case 'copyFail': return undefined; // stray COPY messages outside COPY are ignored, as PostgreSQL does
      case 'password': throw new ProtocolError('unexpected password message');
      case 'functionCall': throw new SqlError(SqlState.FeatureNotSupported, 'the fast-path function call interface is not supported');
    }
  }

  private answerError(e: unknown, m: FrontendMessage): void {
    const err = this.s.onError(e);
    // A protocol violation ends the connection with a FATAL error, as in PostgreSQL.
    if (e instanceof ProtocolError) { this.fatal(err); return; }
    this.sendError(err);
    if (m.kind !== 'query') this.skipToSync = true;
  }

  private sendParameterStatus(): void {
    const owed = this.s.pendingParameterStatus;
    if (owed.length) for (const [k, v] of owed.splice(0)) this.send(out.parameterStatus(k, v));
  }

  private sendNotices(notices: readonly string[] | undefined): void {
    for (const n of notices ?? []) this.send(out.noticeResponse(n));
  }

  /** A Query message. One SELECT (the common case) is answered without a promise when its rows are at hand. */
  private simpleQuery(sql: string): Promise<void> | undefined {
    let opened: SelectCursor | ParsedStatement[];
    try {
      opened = this.s.openSimpleQuery(sql);
    } catch (e) {
      this.sendError(this.s.onError(e));
      this.endQuery();
      return undefined;
    }
    if (Array.isArray(opened)) return this.simpleQueryStatements(opened);
    const sending = this.sendCursor(opened);
    if (typeof sending !== 'boolean') return sending.then(() => this.endQuery());
    this.endQuery();
    return undefined;
  }

  /** The statements of a Query message other than a lone SELECT, in one implicit transaction. */
  private async simpleQueryStatements(stmts: ParsedStatement[]): Promise<void> {
    for await (const r of this.s.simpleQuery(stmts)) {
      if (r instanceof SqlError) { this.sendError(r); break; }
      if (r instanceof SelectCursor) {
        if (!(await this.sendCursor(r))) break;
      } else if (r.kind === 'rows') {
        this.send(rowDescriptionFor(r.columns, []));
        const encoder = rowEncoderFor(r.columns, []);
        const ctx = this.textContext();
        for (const row of r.rows) {
          encoder.write(this.out, row, ctx);
          if (this.out.congested) await this.out.drain();
        }
        out.writeCommandComplete(this.out, r.tag);
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
    this.endQuery();
  }

  private endQuery(): void {
    this.sendParameterStatus();
    this.send(out.readyForQuery(this.s.transactionStatus));
    this.flush();
  }

  /** Send a SELECT's rows and CommandComplete: true, or false when it failed (the error is sent). */
  private sendCursor(cursor: SelectCursor): boolean | Promise<boolean> {
    const st: CursorSend = { cursor, ctx: this.textContext(), encoder: null, batch: NO_ROWS, pos: 0, count: 0, committed: false, ok: false };
    return this.continueCursor(st);
  }

  private continueCursor(st: CursorSend): boolean | Promise<boolean> {
    let waiting: Promise<void> | undefined;
    try {
      waiting = this.advanceCursor(st);
    } catch (e) {
      return this.cursorFailed(st, e);
    }
    if (!waiting) return st.ok;
    return waiting.then(() => this.continueCursor(st), (e: unknown) => this.cursorFailed(st, e));
  }

  private cursorFailed(st: CursorSend, e: unknown): false {
    st.cursor.stop();
    this.sendError(this.s.onError(e));
    return false;
  }

  /** Send as far as possible; returns what to wait for before calling again, or undefined when done. */
  private advanceCursor(st: CursorSend): Promise<void> | undefined {
    const o = this.out;
    if (st.committed) return this.completeCursor(st);
    for (;;) {
      if (st.pos < st.batch.length) {
        st.encoder!.write(o, st.batch[st.pos++], st.ctx);
        st.count++;
        if (o.congested) return o.drain();
        continue;
      }
      if (this.closed) { st.cursor.stop(); return undefined; }
      const next = st.cursor.next();
      if (next === PAUSED) return st.cursor.resume();
      if (next === null) {
        // An autocommit statement commits before it reports completion.
        const committing = st.cursor.finish();
        if (committing) { st.committed = true; return committing; }
        return this.completeCursor(st);
      }
      // RowDescription after the first batch: an error found before any row is then reported
      // alone, as PostgreSQL reports errors raised while planning.
      this.describeCursor(st);
      st.batch = next;
      st.pos = 0;
    }
  }

  private describeCursor(st: CursorSend): void {
    if (st.encoder) return;
    this.send(rowDescriptionFor(st.cursor.columns, []));
    st.encoder = rowEncoderFor(st.cursor.columns, []);
  }

  private completeCursor(st: CursorSend): undefined {
    this.describeCursor(st);
    out.writeCommandComplete(this.out, `SELECT ${st.count}`);
    st.ok = true;
    return undefined;
  }

  /** Results other than row sets: commands, COPY, empty queries. */
  async sendResult(r: StatementResult): Promise<void> {
    switch (r.kind) {
      case 'command': this.sendNotices(r.notices); out.writeCommandComplete(this.out, r.tag); return;
      case 'empty': this.send(out.emptyQueryResponse()); return;
      case 'copyOut':
        this.send(out.copyResponse('out', r.binary === true, r.columns));
        for (const c of r.chunks) { this.send(out.copyData(c)); if (this.out.congested) await this.out.drain(); }
        this.send(out.copyDone());
        out.writeCommandComplete(this.out, r.tag);
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
            out.writeCommandComplete(this.out, tag);
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
}

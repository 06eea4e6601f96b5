// The extended query protocol of one connection: prepared statements and portals (Parse, Bind,
// Describe, Execute, Close). A SELECT portal is executed through a SelectCursor and answered
// synchronously when its rows are at hand (a prepared point lookup: Bind, Describe, Execute and
// Sync are answered without a promise); it only waits when the executor pauses between time
// slices or the client is not reading.

import { SqlError, SqlState } from '../errors.js';
import type { Session, SelectCursor } from '../session/session.js';
import type { PreparedStatement, StatementResult } from '../session/result.js';
import { formatType, typeOid } from '../types/datatype.js';
import type { Datum, Row } from '../types/value.js';
import { parseText, type TextContext } from '../types/text-io.js';
import { decodeBinary } from '../types/binary-io.js';
import type { OutputColumn } from '../plan/logical.js';
import { PAUSED } from '../executor/stream-plan.js';
import { nodeTag } from '../sql/ast.js';
import type { FrontendMessage } from './messages.js';
import { ProtocolError } from './parser.js';
import * as out from './serializer.js';
import type { Outbox } from './outbox.js';
import { rowDescriptionFor, rowEncoderFor, type RowEncoder } from './row-encoder.js';

/** What the protocol needs from its connection. */
export interface ExtendedHost {
  readonly session: Session;
  readonly out: Outbox;
  readonly isClosed: boolean;
  textContext(): TextContext;
  /** Send a statement result other than rows (command tags, COPY). */
  sendResult(r: StatementResult): Promise<void>;
}

interface Portal {
  readonly stmt: PreparedStatement;
  readonly params: Datum[];
  readonly formats: readonly number[];
  /** A non-SELECT statement's rows (RETURNING) not yet sent, once executed and suspended. */
  pending?: { rows: Row[]; pos: number; tag: string; columns: OutputColumn[] };
  /** A SELECT portal's rows, pulled from the executor as Execute messages ask for them. */
  stream?: { cursor: SelectCursor; encoder: RowEncoder; batch: Row[]; pos: number };
  done?: boolean;
}

/** One Execute of a streaming portal. */
interface ExecuteRun {
  readonly portal: Portal;
  readonly stream: NonNullable<Portal['stream']>;
  readonly maxRows: number;
  readonly ctx: TextContext;
  sent: number;
  /** The rows ended and the commit was waited for: only CommandComplete is left. */
  committed?: boolean;
}

type Bind = Extract<FrontendMessage, { kind: 'bind' }>;
const NO_ROWS: Row[] = [];

export class ExtendedProtocol {
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();

  constructor(private readonly host: ExtendedHost) {}

  private get s(): Session { return this.host.session; }
  private get out(): Outbox { return this.host.out; }

  parse(name: string, sql: string, paramOids: readonly number[]): void {
    if (name !== '' && this.statements.has(name)) throw new SqlError(SqlState.DuplicatePreparedStatement, `prepared statement "${name}" already exists`);
    const p = this.s.prepare(sql, paramOids);
    this.statements.set(name, p);
    this.out.send(out.parseComplete());
  }

  bind(m: Bind): void {
    const stmt = this.statements.get(m.statement);
    if (!stmt) throw new SqlError(SqlState.InvalidSqlStatementName, `prepared statement "${m.statement}" does not exist`);
    if (m.params.length !== stmt.paramTypes.length) {
      throw new SqlError(SqlState.ProtocolViolation, `bind message supplies ${m.params.length} parameters, but prepared statement "${m.statement}" requires ${stmt.paramTypes.length}`);
    }
    if (m.paramFormats.length > 1 && m.paramFormats.length !== m.params.length) throw new ProtocolError(`bind message has ${m.paramFormats.length} parameter formats but ${m.params.length} parameters`);
    const params = m.params.length ? this.decodeParams(m, stmt) : [];
    if (m.portal !== '' && this.portals.has(m.portal)) throw new SqlError('42P03', `portal "${m.portal}" already exists`);
    this.dropPortal(m.portal);
    this.portals.set(m.portal, { stmt, params, formats: m.resultFormats });
    this.out.send(out.bindComplete());
  }

  private decodeParams(m: Bind, stmt: PreparedStatement): Datum[] {
    const ctx = this.host.textContext();
    return m.params.map((raw, i) => {
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
  }

  describe(target: 'S' | 'P', name: string): void {
    if (target === 'S') {
      const st = this.statements.get(name);
      if (!st) throw new SqlError(SqlState.InvalidSqlStatementName, `prepared statement "${name}" does not exist`);
      this.out.send(out.parameterDescription(st.paramTypes.map(typeOid)));
      this.out.send(st.columns ? rowDescriptionFor(st.columns, []) : out.noData());
      return;
    }
    const p = this.portals.get(name);
    if (!p) throw new SqlError(SqlState.InvalidCursorName, `portal "${name}" does not exist`);
    this.out.send(p.stmt.columns ? rowDescriptionFor(p.stmt.columns, p.formats) : out.noData());
  }

  close(target: 'S' | 'P', name: string): void {
    if (target === 'S') this.statements.delete(name); else this.dropPortal(name);
    this.out.send(out.closeComplete());
  }

  /** Sync: the unnamed portal ends with the batch. */
  sync(): void { this.dropPortal(''); }

  /** The connection closed: stop every portal. */
  closeAll(): void { for (const name of [...this.portals.keys()]) this.dropPortal(name); }

  /** Execute: a promise only when it has to wait (time slice, slow client, COPY, DDL …). */
  execute(name: string, maxRows: number): Promise<void> | undefined {
    const p = this.portals.get(name);
    if (!p) throw new SqlError(SqlState.InvalidCursorName, `portal "${name}" does not exist`);
    if (!p.pending && !p.stream && !p.done && p.stmt.stmt && nodeTag(p.stmt.stmt.node) === 'SelectStmt') {
      const cursor = this.s.openSelect(p.stmt, p.params);
      p.stream = { cursor, encoder: rowEncoderFor(cursor.columns, p.formats), batch: NO_ROWS, pos: 0 };
    }
    if (p.stream) {
      const run: ExecuteRun = { portal: p, stream: p.stream, maxRows, ctx: this.host.textContext(), sent: 0 };
      return this.continueStream(run);
    }
    return this.executeOther(p, maxRows);
  }

  /** Forget a portal; a SELECT it was streaming is stopped. */
  private dropPortal(name: string): void {
    const p = this.portals.get(name);
    if (!p) return;
    this.portals.delete(name);
    p.stream?.cursor.stop();
  }

  /** Run `advance` until it finishes, waiting (asynchronously) only when it asks to. */
  private continueStream(run: ExecuteRun): Promise<void> | undefined {
    let wait: Promise<void> | undefined;
    try {
      wait = this.advance(run);
    } catch (e) {
      this.streamFailed(run.portal);
      throw e;
    }
    if (!wait) return undefined;
    return wait.then(() => this.continueStream(run), (e: unknown) => { this.streamFailed(run.portal); throw e; });
  }

  private streamFailed(p: Portal): void {
    p.stream?.cursor.stop();
    p.stream = undefined;
    p.done = true;
  }

  /**
   * Send up to `maxRows` rows (0: all) of a streaming SELECT portal; PortalSuspended when the limit
   * is reached, as PostgreSQL does even if no rows are left. Returns what to wait for before
   * calling again, or undefined once this Execute is answered.
   */
  private advance(run: ExecuteRun): Promise<void> | undefined {
    const { portal: p, stream: st, maxRows } = run;
    const o = this.out;
    if (run.committed) { out.writeCommandComplete(o, `SELECT ${run.sent}`); return undefined; }
    for (;;) {
      if (maxRows > 0 && run.sent >= maxRows) { o.send(out.portalSuspended()); return undefined; }
      if (st.pos < st.batch.length) {
        st.encoder.write(o, st.batch[st.pos++], run.ctx);
        run.sent++;
        if (o.congested) return o.drain();
        continue;
      }
      if (this.host.isClosed) return undefined;
      const next = st.cursor.next();
      if (next === PAUSED) return st.cursor.resume();
      if (next === null) {
        p.stream = undefined;
        p.done = true;
        // An autocommit statement commits before it reports completion.
        const committing = st.cursor.finish();
        if (committing) { run.committed = true; return committing; }
        out.writeCommandComplete(o, `SELECT ${run.sent}`);
        return undefined;
      }
      st.batch = next;
      st.pos = 0;
    }
  }

  /** A statement other than SELECT (DML with RETURNING, utility, COPY …), run to completion at its first Execute. */
  private async executeOther(p: Portal, maxRows: number): Promise<void> {
    if (!p.pending) {
      if (p.done) { out.writeCommandComplete(this.out, 'SELECT 0'); return; }
      const r = await this.s.execute(p.stmt, p.params);
      if (r.kind !== 'rows') { await this.host.sendResult(r); p.done = true; return; }
      p.pending = { rows: r.rows, pos: 0, tag: r.tag, columns: r.columns };
    }
    const pend = p.pending;
    const limit = maxRows > 0 ? Math.min(pend.rows.length, pend.pos + maxRows) : pend.rows.length;
    const encoder = rowEncoderFor(pend.columns, p.formats);
    const ctx = this.host.textContext();
    for (let i = pend.pos; i < limit; i++) {
      encoder.write(this.out, pend.rows[i], ctx);
      if (this.out.congested) await this.out.drain();
    }
    const sent = limit - pend.pos;
    pend.pos = limit;
    if (pend.pos < pend.rows.length) { this.out.send(out.portalSuspended()); return; }
    const tag = pend.tag.startsWith('SELECT') ? `SELECT ${sent}` : pend.tag;
    out.writeCommandComplete(this.out, tag);
    p.pending = undefined;
    p.done = true;
  }
}

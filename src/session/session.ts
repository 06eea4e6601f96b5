// A client session: settings, transaction state, and statement execution. The wire layer calls
// prepare() (Parse) and execute() (Bind/Execute); simple queries do both per statement.

import { SqlError, SqlState, toSqlError } from '../errors.js';
import type { Database } from '../database.js';
import { DataType, T, sameType, typeFromOid } from '../types/datatype.js';
import type { Datum, Row } from '../types/value.js';
import type { EvalContext } from '../plan/expr.js';
import type { LogicalPlan, OutputColumn } from '../plan/logical.js';
import type { ParsedStatement } from '../sql/parser.js';
import { cachedParse, parseSqlCached } from '../sql/parse-cache.js';
import { PlanCache } from './plan-cache.js';
import { LiteralPlanCache } from './literal-plan-cache.js';
import { nodeTag } from '../sql/ast.js';
import { Binder } from '../sql/binder/binder.js';
import { ExecContext, type TableAccess } from '../executor/context.js';
import { runPlan, runPlanAsync } from '../executor/run-plan.js';
import { PlanStream } from '../executor/stream-plan.js';
import type { TableOverlay } from '../storage/table-store.js';
import { DATABASE_NAME } from '../catalog/catalog.js';
import { SessionCatalog } from './session-catalog.js';
import { Settings } from './settings.js';
import type { PreparedStatement, StatementResult } from './result.js';
import { CommittedTables, Transaction } from './transaction.js';
import { SelectCursor } from './select-cursor.js';
import { executeUtility, describeUtility } from './statements/utility.js';
import { executeDdl, isDdl } from './statements/ddl.js';
import { bindDml, executeDml, isDml } from './statements/dml.js';
import { executeCopy } from './statements/copy.js';
import { createMaterializedViewFromAst, executeWeir } from './statements/streaming.js';
import { SystemTableProvider } from '../catalog/system/provider.js';

export { SelectCursor };

export interface SessionInfo { readonly user: string; readonly database: string; readonly applicationName: string }

export class Session {
  readonly settings: Settings;
  readonly catalogView: SessionCatalog;
  /** Analyses and plans of repeated statements (src/session/plan-cache.ts). */
  readonly plans = new PlanCache(this);
  /** Plans of simple SELECTs that differ only in numeric literals (src/session/literal-plan-cache.ts). */
  private readonly literalPlans = new LiteralPlanCache(this);
  /** What a read-only autocommit SELECT reads: committed rows, with no transaction. */
  private readonly committedTables: CommittedTables;
  /** Settings every statement reads, parsed once per settings generation. */
  private statementSettings = { generation: -1, timeZone: 'UTC', timeoutMs: 0 };
  private readonly cancelled = (): boolean => this.cancelRequested;
  readonly pid: number;
  readonly secret: number;
  txn: Transaction | null = null;
  /** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
  private explicitTxn = false;
  /** Set while the statements of a multi-statement Query message run (PostgreSQL's implicit block). */
  private implicitBlock = false;
  private failed = false;
  private cancelRequested = false;
  currentQuery = '';
  /** ParameterStatus messages owed to the client after the current statement. */
  readonly pendingParameterStatus: [string, string][] = [];
  readonly notices: string[] = [];

  constructor(readonly db: Database, readonly info: SessionInfo, startupOptions: Record<string, string> = {}) {
    this.settings = new Settings();
    this.settings.set('session_authorization', info.user, { startup: true });
    this.settings.set('application_name', info.applicationName, { startup: true });
    const u = db.catalog.user(info.user);
    this.settings.set('is_superuser', u?.superuser === false ? 'off' : 'on', { startup: true });
    for (const [k, v] of Object.entries(startupOptions)) {
      try { this.settings.set(k, v); } catch { /* ignore invalid startup options, as PostgreSQL warns */ }
    }
    this.pid = db.nextPid();
    this.secret = (Math.random() * 0x7fffffff) | 0;
    this.catalogView = new SessionCatalog(this);
    this.committedTables = new CommittedTables(db);
  }

  get transactionStatus(): 'I' | 'T' | 'E' { return this.failed ? 'E' : this.explicitTxn ? 'T' : 'I'; }
  /** True inside BEGIN … COMMIT and inside a multi-statement Query message: statements do not commit on their own. */
  get inTransactionBlock(): boolean { return this.explicitTxn || this.implicitBlock; }

  cancel(): void { this.cancelRequested = true; }
  isCancelled(): boolean { return this.cancelRequested; }

  timeZone(): string { return this.currentSettings().timeZone; }

  private currentSettings(): { timeZone: string; timeoutMs: number } {
    const cur = this.statementSettings;
    if (cur.generation === this.settings.generation) return cur;
    this.statementSettings = {
      generation: this.settings.generation,
      timeZone: this.settings.get('TimeZone') ?? 'UTC',
      timeoutMs: parseDuration(this.settings.get('statement_timeout') ?? '0'),
    };
    return this.statementSettings;
  }

  evalContext(): EvalContext {
    return { timeZone: this.timeZone(), statementTime: Date.now() * 1000, session: this.catalogView };
  }

  /** Parse (and for queries, bind) one statement's text; used by the extended protocol's Parse. */
  prepare(sql: string, paramOids: readonly number[]): PreparedStatement {
    const stmts = parseSqlCached(sql);
    if (stmts.length > 1) throw new SqlError(SqlState.SyntaxError, 'cannot insert multiple commands into a prepared statement');
    const given = paramOids.map((o) => (o === 0 ? T.unknown : typeFromOid(o) ?? T.unknown));
    if (stmts.length === 0) return { sql, stmt: null, paramTypes: given, columns: null };
    return this.plans.statement(stmts[0], paramOids, () => this.analyze(stmts[0], given));
  }

  /** Work out parameter and result types without executing. */
  analyze(stmt: ParsedStatement, paramTypes: DataType[]): PreparedStatement {
    const tag = nodeTag(stmt.node);
    if (tag === 'SelectStmt') {
      const binder = this.binder(paramTypes);
      const plan = binder.bindTopQuery(stmt.node.SelectStmt);
      const p: PreparedStatement = { sql: stmt.text, stmt, paramTypes: binder.paramTypes(), columns: plan.columns };
      // Execution binds from p.paramTypes: if that is what this binding started from, keep its plan.
      if (sameTypes(paramTypes, p.paramTypes)) this.plans.remember(p, plan);
      return p;
    }
    if (isDml(tag)) {
      const binder = this.binder(paramTypes);
      const bound = bindDml(this, binder, stmt);
      return { sql: stmt.text, stmt, paramTypes: binder.paramTypes(), columns: bound.returning?.columns ?? null };
    }
    const columns = describeUtility(this, stmt);
    return { sql: stmt.text, stmt, paramTypes: paramTypes.map((t) => (t.kind === 'scalar' && t.id === 'unknown' ? T.text : t)), columns };
  }

  binder(paramTypes: readonly DataType[]): Binder {
    return new Binder(this.catalogView, paramTypes, this.evalContext(), DATABASE_NAME);
  }

  /**
   * Run all statements of a simple Query message, yielding each result in turn. A SELECT yields a
   * row stream that the caller must consume before pulling the next result.
   *
   * Several statements in one message run as one implicit transaction, as in PostgreSQL: it
   * commits when the message ends, and an error rolls back everything since the last commit. A
   * BEGIN inside the message turns the implicit transaction into an explicit block (the
   * statements before it included); a COMMIT or ROLLBACK ends it, and the statements after it
   * start a new implicit transaction.
   */
  async *simpleQuery(stmts: ParsedStatement[]): AsyncGenerator<StatementResult | SelectCursor | SqlError> {
    if (stmts.length === 0) { yield { kind: 'empty' }; return; }
    this.implicitBlock = stmts.length > 1;
    try {
      for (const s of stmts) {
        try {
          const p = this.plans.statement(s, [], () => this.analyze(s, []));
          if (nodeTag(s.node) === 'SelectStmt' && !this.failed) yield this.openSelect(p, []);
          else yield await this.execute(p, []);
        } catch (e) {
          yield this.onError(e);
          return;
        }
      }
      if (this.implicitBlock && !this.explicitTxn) {
        try { await this.commitTxn(); } catch (e) { yield this.onError(e); }
      }
    } finally {
      this.implicitBlock = false;
    }
  }

  /**
   * A Query message's text: a cursor when it is one SELECT (the common case, answered without
   * the generator of simpleQuery()), else its statements for simpleQuery(). Throws syntax and
   * analysis errors. A SELECT differing from an earlier one only in numeric literals reuses its plan.
   */
  openSimpleQuery(sql: string): SelectCursor | ParsedStatement[] {
    // A text seen before as it is (SELECT 1) has its analysis cached; others may differ from an
    // earlier one only in their literals.
    let stmts = cachedParse(sql);
    if (!stmts) {
      const lit = this.failed ? null : this.literalPlans.lookup(sql);
      if (lit) return this.openSelect(lit.prepared, lit.params, sql);
      stmts = parseSqlCached(sql);
    }
    if (stmts.length !== 1 || this.failed || nodeTag(stmts[0].node) !== 'SelectStmt') return stmts;
    const s = stmts[0];
    return this.openSelect(this.plans.statement(s, [], () => this.analyze(s, [])), []);
  }

  /**
   * A SELECT whose rows are produced batch by batch as the consumer pulls them (simple Query, and
   * Execute of a SELECT portal). In autocommit mode the statement commits when the rows end.
   * `sql` is what pg_stat_activity shows (the client's text when `p` is a literal template).
   */
  openSelect(p: PreparedStatement, params: readonly Datum[], sql = p.sql): SelectCursor {
    if (this.failed) throw new SqlError(SqlState.InFailedTransaction, 'current transaction is aborted, commands ignored until end of transaction block');
    this.cancelRequested = false;
    const plan = this.selectPlan(p);
    const autocommit = !this.explicitTxn && !this.implicitBlock;
    // With no transaction open, an autocommit SELECT reads the committed rows: it writes nothing,
    // so it needs no transaction (and its overlays) of its own.
    const readOnly = autocommit && !this.txn;
    const ctx = this.execContext(params, readOnly ? this.committedTables : undefined);
    return new SelectCursor(this, plan.columns, new PlanStream(plan, ctx), sql, this.txn, autocommit);
  }

  onError(e: unknown): SqlError {
    const err = toSqlError(e);
    if (this.explicitTxn) this.failed = true;
    else this.txn = null;
    this.cancelRequested = false;
    return err;
  }

  async execute(p: PreparedStatement, params: readonly Datum[]): Promise<StatementResult> {
    this.cancelRequested = false;
    if (!p.stmt) return { kind: 'empty' };
    const tag = nodeTag(p.stmt.node);
    this.currentQuery = p.sql;
    if (this.failed && !(tag === 'TransactionStmt' && isEndOfTransaction(p.stmt.node.TransactionStmt.kind))) {
      throw new SqlError(SqlState.InFailedTransaction, 'current transaction is aborted, commands ignored until end of transaction block');
    }
    try {
      if (tag === 'TransactionStmt') return await this.transactionControl(p.stmt.node.TransactionStmt);
      if (tag === 'WeirStmt' || (tag === 'CreateTableAsStmt' && p.stmt.node.CreateTableAsStmt.objtype === 'OBJECT_MATVIEW')) {
        if (this.explicitTxn) throw new SqlError(SqlState.ActiveSqlTransaction, 'streaming statements cannot run inside a transaction block');
        if (this.txn?.dirty) await this.commitTxn();
        return tag === 'WeirStmt' ? await executeWeir(this, p.stmt.node.WeirStmt) : await createMaterializedViewFromAst(this, p.stmt);
      }
      const autocommit = !this.explicitTxn && !this.implicitBlock;
      if (!this.txn) this.txn = new Transaction(this.db);
      let result: StatementResult;
      if (tag === 'SelectStmt') result = await this.runQuery(p, params);
      else if (isDml(tag)) result = executeDml(this, p, params);
      else if (tag === 'CopyStmt') {
        result = await executeCopy(this, p.stmt);
        if (result.kind === 'copyIn') return result; // committed by the sink when data ends
      } else if (isDdl(tag)) {
        if (this.txn.dirty) await this.commitTxn();
        result = await executeDdl(this, p.stmt);
      } else result = await executeUtility(this, p.stmt, params);
      if (autocommit) await this.commitTxn();
      return result;
    } finally {
      this.currentQuery = '';
    }
  }

  /** Commit the current transaction's table changes (autocommit, COMMIT, end of COPY). */
  async commitTxn(): Promise<void> {
    const t = this.txn;
    this.txn = null;
    if (t) await t.commit();
  }

  /** commitTxn(), with a promise only when the transaction has writes to make durable. */
  commitTxnSync(): Promise<void> | undefined {
    const t = this.txn;
    this.txn = null;
    return t?.dirty ? t.commit() : undefined;
  }

  /** The optimized plan of a SELECT, made once per statement and reused while the catalog and settings stay the same. */
  selectPlan(p: PreparedStatement): LogicalPlan {
    return this.plans.plan(p, () => this.binder(p.paramTypes).bindTopQuery(p.stmt!.node.SelectStmt));
  }

  async runQuery(p: PreparedStatement, params: readonly Datum[]): Promise<StatementResult> {
    const plan = this.selectPlan(p);
    const ctx = this.execContext(params);
    const rows = await runPlanAsync(plan, ctx);
    return { kind: 'rows', columns: plan.columns, rows, tag: `SELECT ${rows.length}` };
  }

  runPlan(plan: LogicalPlan, params: readonly Datum[]): Row[] {
    const ctx = this.execContext(params);
    return runPlan(plan, ctx);
  }

  /** A statement's execution context; its tables are the transaction's unless `tables` is given. */
  execContext(params: readonly Datum[], tables?: TableAccess): ExecContext {
    const access = tables ?? this.txn ?? (this.txn = new Transaction(this.db));
    const ctx = new ExecContext(params, this.evalContext(), access, new SystemTableProvider(this), this.cancelled);
    const timeoutMs = this.currentSettings().timeoutMs;
    if (timeoutMs > 0) ctx.deadline = Date.now() + timeoutMs;
    return ctx;
  }

  tableOverlay(oid: number): TableOverlay {
    const txn = this.txn ?? (this.txn = new Transaction(this.db));
    return txn.table(oid);
  }

  private async transactionControl(t: { kind: string; options?: unknown[] }): Promise<StatementResult> {
    switch (t.kind) {
      case 'TRANS_STMT_BEGIN': case 'TRANS_STMT_START':
        if (this.explicitTxn) return { kind: 'command', tag: 'BEGIN', notices: ['there is already a transaction in progress'] };
        this.explicitTxn = true;
        this.txn ??= new Transaction(this.db);
        return { kind: 'command', tag: 'BEGIN' };
      case 'TRANS_STMT_COMMIT': case 'TRANS_STMT_COMMIT_PREPARED': {
        const wasFailed = this.failed;
        const hadTxn = this.explicitTxn;
        this.explicitTxn = false;
        this.failed = false;
        this.queueSettingsReport(this.settings.endTransaction());
        if (wasFailed) { this.txn = null; return { kind: 'command', tag: 'ROLLBACK' }; }
        await this.commitTxn();
        return { kind: 'command', tag: 'COMMIT', notices: hadTxn ? undefined : ['there is no transaction in progress'] };
      }
      case 'TRANS_STMT_ROLLBACK': case 'TRANS_STMT_ROLLBACK_PREPARED': {
        const hadTxn = this.explicitTxn;
        this.explicitTxn = false;
        this.failed = false;
        this.txn = null;
        this.queueSettingsReport(this.settings.endTransaction());
        return { kind: 'command', tag: 'ROLLBACK', notices: hadTxn ? undefined : ['there is no transaction in progress'] };
      }
      case 'TRANS_STMT_SAVEPOINT': case 'TRANS_STMT_RELEASE': case 'TRANS_STMT_ROLLBACK_TO':
        if (!this.explicitTxn) throw new SqlError(SqlState.NoActiveSqlTransaction, `${t.kind === 'TRANS_STMT_SAVEPOINT' ? 'SAVEPOINT' : t.kind === 'TRANS_STMT_RELEASE' ? 'RELEASE SAVEPOINT' : 'ROLLBACK TO SAVEPOINT'} can only be used in transaction blocks`);
        if (t.kind === 'TRANS_STMT_ROLLBACK_TO') throw new SqlError(SqlState.FeatureNotSupported, 'ROLLBACK TO SAVEPOINT is not supported');
        return { kind: 'command', tag: t.kind === 'TRANS_STMT_SAVEPOINT' ? 'SAVEPOINT' : 'RELEASE' };
      case 'TRANS_STMT_PREPARE':
        throw new SqlError(SqlState.FeatureNotSupported, 'PREPARE TRANSACTION is not supported');
    }
    throw new SqlError(SqlState.FeatureNotSupported, `unsupported transaction statement ${t.kind}`);
  }

  queueSettingsReport(names: string[]): void {
    for (const n of names) if (this.settings.isReportable(n)) this.pendingParameterStatus.push([n, this.settings.get(n) ?? '']);
  }

  /** Result columns for a SELECT-like plan, for Describe. */
  static columnsOf(plan: LogicalPlan): OutputColumn[] { return plan.columns; }
}

function sameTypes(a: readonly DataType[], b: readonly DataType[]): boolean {
  return a.length === b.length && a.every((t, i) => sameType(t, b[i]));
}

function isEndOfTransaction(kind: string): boolean {
  return kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_ROLLBACK_TO';
}

/** A duration setting in PostgreSQL's syntax ('0', '500', '2s', '1min', '250ms'); plain numbers are milliseconds. */
export function parseDuration(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)?\s*$/i.exec(v);
  if (!m) return 0;
  const n = parseFloat(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  return n * ({ ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 } as Record<string, number>)[unit];
}

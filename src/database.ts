// The database instance: durable store, catalog, table data, and the registry of live sessions.
// One per server process.

import { Catalog, type RelationDef } from './catalog/catalog.js';
import { KvStore } from './storage/kv-store.js';
import { TableStore } from './storage/table-store.js';
import { initParser } from './sql/parser.js';
import { SqlError, SqlState } from './errors.js';
import { StreamingManager } from './stream/manager.js';
import type { SessionFunctions } from './plan/expr.js';

/** Streaming queries may not call session-dependent functions; the planner rejects them first. */
function streamingSessionFunctions(): SessionFunctions {
  const no = (): never => { throw new SqlError(SqlState.FeatureNotSupported, 'session functions are not available in streaming queries'); };
  return new Proxy({}, { get: () => no }) as SessionFunctions;
}

export interface DatabaseOptions {
  readonly dataDir: string;
  /** The superuser created with a new data directory (PostgreSQL's bootstrap superuser). */
  readonly bootstrapUser?: string;
}

export class Database {
  private readonly sequenceValues = new Map<number, bigint>();
  private pidCounter = 1000;
  readonly sessions = new Map<number, { cancel(): void; secret: number; user: string; applicationName: string; startedAt: number; query: () => string; state: () => string }>();
  readonly startedAt = Date.now();

  readonly streaming: StreamingManager;

  private constructor(readonly kv: KvStore, readonly catalog: Catalog, readonly tables: TableStore, readonly dataDir: string) {
    this.streaming = new StreamingManager(this, streamingSessionFunctions());
  }

  static async open(opts: DatabaseOptions): Promise<Database> {
    await initParser();
    const kv = await KvStore.open(opts.dataDir);
    const catalog = await Catalog.load(kv, opts.bootstrapUser ?? 'weir');
    const tables = new TableStore(kv);
    const db = new Database(kv, catalog, tables, opts.dataDir);
    for (const rel of catalog.relations()) {
      if (rel.kind === 'table') await tables.load(rel.oid, rel.columns.map((c) => c.type), rel.primaryKey);
      if (rel.kind === 'sequence') {
        const v = await kv.get(`seq/${rel.oid}`);
        db.sequenceValues.set(rel.oid, BigInt(v ?? rel.nextValue ?? '1'));
      }
    }
    // Streaming jobs keep their state in memory (checkpoints come later): rebuild every view.
    const { restoreStreamingJobs } = await import('./session/statements/streaming.js');
    await restoreStreamingJobs(db, opts.bootstrapUser ?? 'weir');
    return db;
  }

  nextPid(): number { return ++this.pidCounter; }

  // ---- sequences (non-transactional, as in PostgreSQL) ----
  sequenceNext(rel: RelationDef): bigint {
    const v = this.sequenceValues.get(rel.oid) ?? 1n;
    this.sequenceValues.set(rel.oid, v + 1n);
    // An unsynced write is enough: the statement's synced commit flushes the log it sits in.
    void this.kv.write([{ type: 'put', key: `seq/${rel.oid}`, value: String(v + 1n) }], false);
    return v;
  }
  sequenceSet(rel: RelationDef, next: bigint): void {
    this.sequenceValues.set(rel.oid, next);
    void this.kv.write([{ type: 'put', key: `seq/${rel.oid}`, value: String(next) }], false);
  }
  sequencePeek(rel: RelationDef): bigint { return this.sequenceValues.get(rel.oid) ?? 1n; }

  /**
   * Shutdown: stop the streaming jobs (waiting up to 10 s for their workers), then close LevelDB,
   * which finishes pending writes and flushes its log.
   */
  async close(): Promise<void> {
    const stopped = Promise.resolve(this.streaming.stopAll()).catch(() => undefined);
    await Promise.race([stopped, new Promise<void>((r) => setTimeout(r, 10_000).unref())]);
    await this.kv.close();
  }

  assertRelation(oid: number): RelationDef {
    const r = this.catalog.relationByOid(oid);
    if (!r) throw new SqlError(SqlState.UndefinedTable, `relation with OID ${oid} does not exist`);
    return r;
  }
}

// Owns the running streaming jobs of a database: starts a job for each materialized view and
// sink, injects barriers (periodically, and on FLUSH), and records failures for SHOW JOBS.

import { SqlError, SqlState } from '../errors.js';
import type { Database } from '../database.js';
import type { RelationDef } from '../catalog/catalog.js';
import type { Row } from '../types/value.js';
import { ExecContext } from '../executor/context.js';
import type { SessionFunctions } from '../plan/expr.js';
import type { Chunk } from './chunk.js';
import { MvWriter } from './mv-writer.js';
import { MaterializeOperator } from './operators/materialize.js';
import { BlackholeSink, TableSink } from './operators/sinks.js';
import type { StreamOperator } from './operators/operator.js';
import { LocalJob, type JobEnvironment } from './runtime/local-job.js';
import type { StreamNode } from './plan/stream-plan.js';
import { createConnectorSource } from './connectors/index.js';

export type JobStatus = 'RUNNING' | 'FAILED' | 'CANCELED' | 'FINISHED';

export interface JobInfo {
  readonly id: number;
  readonly name: string;
  readonly kind: RelationDef['kind'];
  readonly targetOid: number;
  status: JobStatus;
  error?: string;
  readonly startedAt: number;
  readonly plan: StreamNode;
}

interface RunningJob { info: JobInfo; job: LocalJob; sinks: StreamOperator[] }

/** Barrier interval: how often views become visible without an explicit FLUSH. */
const BARRIER_INTERVAL_MS = 200;

export class StreamingManager {
  private readonly jobs = new Map<number, RunningJob>();
  private nextJobId = 1;
  private epoch = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Database, private readonly session: SessionFunctions) {}

  list(): JobInfo[] { return [...this.jobs.values()].map((j) => j.info); }
  jobFor(oid: number): JobInfo | undefined { return [...this.jobs.values()].find((j) => j.info.targetOid === oid)?.info; }

  /** Start the job that maintains `rel` from `plan` and bring it up to date. */
  start(rel: RelationDef, plan: StreamNode, timeZone: string): JobInfo {
    const info: JobInfo = { id: this.nextJobId++, name: rel.name, kind: rel.kind, targetOid: rel.oid, status: 'RUNNING', startedAt: Date.now(), plan };
    const sinks: StreamOperator[] = [];
    const env = this.environment(timeZone, sinks);
    const job = new LocalJob(plan, env, (e) => { info.status = 'FAILED'; info.error = `${e.code}: ${e.message}`; });
    const running: RunningJob = { info, job, sinks };
    this.jobs.set(info.id, running);
    job.start();
    if (job.failed) { this.jobs.delete(info.id); throw job.failed; }
    job.barrier({ epoch: ++this.epoch });
    if (job.failed) { this.jobs.delete(info.id); throw job.failed; }
    this.ensureTimer();
    return info;
  }

  private environment(timeZone: string, sinks: StreamOperator[]): JobEnvironment {
    const db = this.db;
    const exec = new ExecContext([], { timeZone, statementTime: Date.now() * 1000, session: this.session },
      { table: () => { throw new SqlError(SqlState.FeatureNotSupported, 'subqueries are not supported in streaming queries'); } },
      { rows: () => { throw new SqlError(SqlState.FeatureNotSupported, 'system catalogs are not supported in streaming queries'); } },
      () => false);
    return {
      exec,
      tableRows: (oid: number): Iterable<Row> => db.tables.table(oid)?.rows.values() ?? [],
      subscribe: (l) => { db.tables.listeners.add(l); return () => db.tables.listeners.delete(l); },
      createSink: (node) => {
        let op: StreamOperator;
        if (node.op === 'materialize') {
          const table = db.tables.table(node.targetOid) ?? db.tables.createVolatile(node.targetOid, node.columns.map((c) => c.type));
          op = new MaterializeOperator(new MvWriter(db.tables, table));
        } else if (node.connector === 'blackhole') op = new BlackholeSink();
        else if (node.connector === 'table') {
          const target = db.catalog.relationByOid(Number(node.options['table.oid']));
          if (!target) throw new SqlError(SqlState.UndefinedTable, `sink target table does not exist`);
          op = new TableSink(db.tables, target.oid);
        } else throw new SqlError(SqlState.FeatureNotSupported, `sink connector "${node.connector}" is not supported yet`);
        sinks.push(op);
        return op;
      },
      createConnectorSource: (node, push: (c: Chunk) => void) => createConnectorSource(node, push),
    };
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.barrierAll(), BARRIER_INTERVAL_MS);
    this.timer.unref();
  }

  /** One barrier through every running job, in creation order (views before the views on them). */
  private barrierAll(): void {
    const epoch = ++this.epoch;
    for (const j of [...this.jobs.values()].sort((a, b) => a.info.id - b.info.id)) {
      if (j.info.status === 'RUNNING') j.job.barrier({ epoch });
    }
  }

  /** FLUSH: every change committed before now is visible in every view and written by every sink. */
  async flush(): Promise<void> {
    this.barrierAll();
    for (const j of this.jobs.values()) for (const s of j.sinks) if (s instanceof TableSink) await s.flushed();
  }

  cancel(id: number): JobInfo {
    const j = this.jobs.get(id);
    if (!j) throw new SqlError(SqlState.UndefinedObject, `job ${id} does not exist`);
    j.job.stop();
    if (j.info.status === 'RUNNING') j.info.status = 'CANCELED';
    return j.info;
  }

  /** Stop and forget the job maintaining `oid` (DROP MATERIALIZED VIEW / SINK). */
  drop(oid: number): void {
    for (const [id, j] of this.jobs) {
      if (j.info.targetOid !== oid) continue;
      j.job.stop();
      this.jobs.delete(id);
    }
  }

  stopAll(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const j of this.jobs.values()) j.job.stop();
  }
}

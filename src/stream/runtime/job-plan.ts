// A job's graph, derived from its JobSpec alone: bind the maintained relation's SELECT against the
// catalog snapshot, optimize, plan for streaming, lower to a JobGraph. The JobMaster and every
// TaskManager call this same function, so all of them hold the same graph; a fingerprint of the
// graph travels with each deployment and a worker that derives a different one refuses the task.

import { SqlError, SqlState } from '../../errors.js';
import { DATABASE_NAME, type Catalog, type RelationDef } from '../../catalog/catalog.js';
import type { CatalogReader, ResolvedRelation } from '../../sql/binder/catalog-reader.js';
import { systemRelation } from '../../catalog/system/registry.js';
import { Binder } from '../../sql/binder/binder.js';
import { parseSql } from '../../sql/parser.js';
import { optimize } from '../../optimizer/optimizer.js';
import type { SessionFunctions } from '../../plan/expr.js';
import { StreamPlanner } from '../plan/to-stream-plan.js';
import type { StreamNode } from '../plan/stream-plan.js';
import { lowerStreamPlan } from '../graph/lower.js';
import { twoPhaseAgg } from '../plan/two-phase-agg.js';
import type { JobGraph, Partitioner } from '../graph/types.js';
import type { CatalogSnapshot, JobSpec } from './messages.js';

export function snapshotCatalog(catalog: Catalog): CatalogSnapshot {
  // A deep copy: the live catalog changes under later DDL, the job's view of it must not.
  return JSON.parse(JSON.stringify({ schemas: catalog.schemas(), relations: catalog.relations() })) as CatalogSnapshot;
}

/** Name resolution over a snapshot, following search_path as the submitting session did. */
class SnapshotCatalog implements CatalogReader {
  private readonly byOid: Map<number, RelationDef>;
  constructor(private readonly snap: CatalogSnapshot, private readonly path: string, private readonly user: string) {
    this.byOid = new Map(snap.relations.map((r) => [r.oid, r]));
  }
  searchPath(): string[] {
    const out: string[] = [];
    for (let part of this.path.split(',')) {
      part = part.trim().replace(/^"(.*)"$/, '$1');
      if (part === '$user') part = this.user;
      if (this.snap.schemas.some((s) => s.name === part)) out.push(part);
    }
    return out;
  }
  creationSchema(): string { return this.searchPath()[0] ?? 'public'; }
  private rel(schema: string, name: string): RelationDef | undefined { return this.snap.relations.find((r) => r.schema === schema && r.name === name); }
  lookupRelation(schema: string | null, name: string): ResolvedRelation | undefined {
    if (schema) {
      const sys = systemRelation(schema, name);
      if (sys) return sys;
      const r = this.rel(schema, name);
      return r ? { kind: 'relation', rel: r } : undefined;
    }
    const sys = systemRelation('pg_catalog', name);
    if (sys) return sys;
    for (const sch of this.searchPath()) {
      const r = this.rel(sch, name);
      if (r) return { kind: 'relation', rel: r };
    }
    return undefined;
  }
  relationByOid(oid: number): RelationDef | undefined { return this.byOid.get(oid); }
}

/** Streaming queries may not call session functions; the planner rejects them before this. */
const NO_SESSION = new Proxy({}, {
  get: () => () => { throw new SqlError(SqlState.FeatureNotSupported, 'session functions are not available in streaming queries'); },
}) as SessionFunctions;

export interface PlannedJob {
  readonly rel: RelationDef;
  readonly root: StreamNode;
  readonly graph: JobGraph;
  readonly fingerprint: string;
}

export function planJob(spec: Omit<JobSpec, 'fingerprint'>): PlannedJob {
  const cat = new SnapshotCatalog(spec.catalog, spec.settings.searchPath, spec.settings.user);
  const rel = cat.relationByOid(spec.relOid);
  if (!rel?.query) throw new SqlError(SqlState.UndefinedObject, `the relation maintained by job ${spec.jobId} does not exist`);
  const stmts = parseSql(rel.query);
  if (stmts.length !== 1 || !stmts[0].node.SelectStmt) throw new SqlError(SqlState.SyntaxError, `job ${spec.jobId}: expected a SELECT query`);
  const binder = new Binder(cat, [], { timeZone: spec.settings.timeZone, statementTime: 0, session: NO_SESSION }, DATABASE_NAME);
  const plan = optimize(binder.bindTopQuery(stmts[0].node.SelectStmt));
  const input = new StreamPlanner({ relation: (oid) => cat.relationByOid(oid) }).planQuery(plan, rel.options);
  const root: StreamNode = rel.kind === 'sink'
    ? { op: 'sink', id: 0, columns: input.columns, changelog: input.changelog, input, sinkName: rel.name, connector: rel.options?.connector ?? 'blackhole', options: rel.options ?? {} }
    : { op: 'materialize', id: 0, columns: input.columns, changelog: input.changelog, upsertKey: input.upsertKey, input, targetOid: rel.oid, name: rel.name };
  const graph = lowerStreamPlan(spec.singlePhaseAgg ? root : twoPhaseAgg(root), { jobName: rel.name, parallelism: spec.parallelism }).jobGraph;
  return { rel, root, graph, fingerprint: fingerprintJobGraph(graph) };
}

/**
 * Plan a job that restores a checkpoint whose graph had shape `taken`. A checkpoint of the
 * single-phase plan parallelism 1 used to get restores as it was taken (the spec says so, so
 * TaskManagers rebuild the same graph); any other mismatch is the JobMaster's to refuse.
 */
export function planJobToRestore(submission: Omit<JobSpec, 'fingerprint'>, taken: string | undefined): { submission: Omit<JobSpec, 'fingerprint'>; planned: PlannedJob } {
  const planned = planJob(submission);
  if (taken === undefined || taken === fingerprintJobGraph(planned.graph, false)) return { submission, planned };
  const single = { ...submission, singlePhaseAgg: true as const };
  const singlePlanned = planJob(single);
  return fingerprintJobGraph(singlePlanned.graph, false) === taken ? { submission: single, planned: singlePlanned } : { submission, planned };
}

function partitionerText(p: Partitioner): string { return p.kind === 'hash' ? `hash[${p.keys.join(',')}]` : p.kind; }

/** The shape of a job graph as text: vertices with their operators and widths, edges with partitioners. */
export function fingerprintJobGraph(g: JobGraph, withParallelism = true): string {
  const v = g.vertices.map((x) => `${x.id}:${withParallelism ? x.parallelism : '*'}:${x.operators.map((o) => `${o.op}/${o.columns.length}`).join('>')}`);
  const e = g.edges.map((x) => `${x.source}->${x.target}#${x.targetInput}:${partitionerText(x.partitioner)}`);
  return `${g.maxParallelism}|${v.join(';')}|${e.join(';')}`;
}

// Streaming statements: CREATE SOURCE / MATERIALIZED VIEW / STREAM / SINK, FLUSH, SHOW JOBS,
// CANCEL JOB, SHOW MATERIALIZED VIEWS | SOURCES | SINKS | STREAMS, EXPLAIN (TYPE …), and DROP of
// the streaming objects.

import { SqlError, SqlState } from '../../errors.js';
import { T } from '../../types/datatype.js';
import type { ColumnDef, RelationDef } from '../../catalog/catalog.js';
import { kindLabel } from '../../catalog/catalog.js';
import { allDependentsOf } from '../../catalog/dependencies.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { explainPlan } from '../../plan/explain.js';
import { nameList } from '../../sql/ast.js';
import { parseSql, type ParsedStatement } from '../../sql/parser.js';
import type { WeirStatement } from '../../sql/streaming-front.js';
import { bindTypeName } from '../../sql/binder/type-name.js';
import { optimize } from '../../optimizer/optimizer.js';
import { STREAM_KEY_OPTION, StreamPlanner } from '../../stream/plan/to-stream-plan.js';
import { type StreamNode, explainStream } from '../../stream/plan/stream-plan.js';
import type { Session } from '../session.js';
import type { StatementResult } from '../result.js';
import { IDLE_TIMEOUT_OPTION, validateSourceOptions } from '../../stream/source-options.js';
import { externalSinkConnector, unknownSink } from '../../stream/connectors/sink-registry.js';
import { jobSettings } from '../../stream/manager.js';
import { lowerStreamPlan } from '../../stream/graph/lower.js';
import { twoPhaseAgg } from '../../stream/plan/two-phase-agg.js';
import { assignSlots, toExecutionGraph } from '../../stream/graph/execution-graph.js';
import { explainExecutionGraph, explainJobGraph, explainStreamGraph } from '../../stream/graph/explain-graph.js';
import { previewSlots } from './explain-slots.js';
import { EMIT_ON_WINDOW_CLOSE_OPTION } from '../../stream/plan/emit-on-window-close.js';
import { WATERMARK_COLUMN_OPTION, WATERMARK_EXPR_OPTION, bindSourceWatermark } from '../../sql/binder/bind-watermark.js';

/** The query's plan, and the relations it reads (what an object defined by it depends on). */
function bindSelect(s: Session, sql: string): { plan: LogicalPlan; stmt: ParsedStatement; reads: number[] } {
  const stmts = parseSql(sql);
  if (stmts.length !== 1 || !stmts[0].node.SelectStmt) throw new SqlError(SqlState.SyntaxError, 'expected a SELECT query');
  const binder = s.binder([]);
  return { plan: optimize(binder.bindTopQuery(stmts[0].node.SelectStmt)), stmt: stmts[0], reads: [...binder.relationsRead] };
}

function planner(s: Session): StreamPlanner {
  return new StreamPlanner({ relation: (oid) => s.db.catalog.relationByOid(oid) });
}

/** EMIT ON WINDOW CLOSE travels with the relation's options, so a replanned job sees it too. */
function withEmit(options: Record<string, string>, emitOnWindowClose: boolean): Record<string, string> {
  return emitOnWindowClose ? { ...options, [EMIT_ON_WINDOW_CLOSE_OPTION]: 'true' } : { ...options };
}

function target(s: Session, schema: string | undefined, name: string): { schema: string; name: string } {
  const sch = schema ?? s.catalogView.creationSchema();
  if (!s.db.catalog.schema(sch)) throw new SqlError(SqlState.UndefinedSchema, `schema "${sch}" does not exist`);
  return { schema: sch, name };
}

function firstNonAppend(n: StreamNode): StreamNode | undefined {
  if (n.changelog === 'append-only') return undefined;
  const inputs = n.op === 'hashJoin' ? [n.left, n.right] : n.op === 'union' ? n.inputs : 'input' in n ? [n.input] : [];
  for (const c of inputs) { const f = firstNonAppend(c); if (f) return f; }
  return n;
}

/** Create the relation and start its job; on failure the relation is removed again. */
async function createMaintained(s: Session, kind: 'materialized_view' | 'stream' | 'sink', schema: string, name: string, querySql: string, { plan, reads }: { plan: LogicalPlan; reads: number[] }, options: Record<string, string>, sinkRoot?: (input: StreamNode, rel: RelationDef) => StreamNode): Promise<void> {
  jobParallelism(s, options); // a bad WITH (parallelism = …) fails before anything is created
  const input = planner(s).planQuery(plan, options);
  if (kind === 'stream') {
    const bad = firstNonAppend(input);
    if (bad) throw new SqlError(SqlState.FeatureNotSupported, `a stream must be append-only, but ${bad.op} produces ${bad.changelog} changes`, { hint: 'Use CREATE MATERIALIZED VIEW for queries whose results change.' });
  }
  const columns: ColumnDef[] = plan.columns.map((c) => ({ name: c.name, type: c.type.kind === 'scalar' && c.type.id === 'unknown' ? T.text : c.type, notNull: false }));
  // A view remembers the key its rows are unique on, so sinks and views reading it can upsert.
  if (kind === 'materialized_view' && input.upsertKey?.length) options = { ...options, [STREAM_KEY_OPTION]: input.upsertKey.join(',') };
  const rel = await s.db.catalog.createRelation({ schema, name, kind, columns, query: querySql, dependsOn: reads, options, owner: s.info.user });
  try {
    const root: StreamNode = sinkRoot ? sinkRoot(input, rel) : { op: 'materialize', id: 0, columns: input.columns, changelog: input.changelog, upsertKey: input.upsertKey, input, targetOid: rel.oid, name };
    await s.db.streaming.start(rel, root, jobSettings((n) => s.settings.get(n), s.info.user, options));
  } catch (e) {
    s.db.streaming.drop(rel.oid);
    await s.db.catalog.dropRelations([rel.oid]);
    await s.db.tables.drop(rel.oid);
    throw e;
  }
}

export async function createMaterializedView(s: Session, schemaIn: string | undefined, name: string, ifNotExists: boolean, querySql: string, aliases: string[], options: Record<string, string>): Promise<StatementResult> {
  const { schema } = target(s, schemaIn, name);
  if (s.db.catalog.relation(schema, name)) {
    if (ifNotExists) return { kind: 'command', tag: 'CREATE MATERIALIZED VIEW', notices: [`relation "${name}" already exists, skipping`] };
    throw new SqlError(SqlState.DuplicateTable, `relation "${name}" already exists`);
  }
  let { plan, reads } = bindSelect(s, querySql);
  if (aliases.length) plan = { ...plan, columns: plan.columns.map((c, i) => ({ ...c, name: aliases[i] ?? c.name })) } as LogicalPlan;
  await createMaintained(s, 'materialized_view', schema, name, querySql, { plan, reads }, options);
  return { kind: 'command', tag: 'CREATE MATERIALIZED VIEW' };
}

/** CREATE MATERIALIZED VIEW … AS SELECT as PostgreSQL's parser read it. */
export function createMaterializedViewFromAst(s: Session, stmt: ParsedStatement): Promise<StatementResult> {
  const v = stmt.node.CreateTableAsStmt;
  const m = /\bAS\s+([\s\S]*)$/i.exec(stmt.text.slice(stmt.text.search(/materialized\s+view/i)));
  const querySql = (m ? m[1] : '').trim().replace(/;\s*$/, '').replace(/\s+WITH\s+(NO\s+)?DATA\s*$/i, '');
  return createMaterializedView(s, v.into.rel.schemaname, v.into.rel.relname, !!v.if_not_exists, querySql, nameList(v.into.colNames), {});
}

export async function executeWeir(s: Session, w: WeirStatement): Promise<StatementResult> {
  switch (w.kind) {
    case 'flush': await s.db.streaming.flush(); return { kind: 'command', tag: 'FLUSH' };
    case 'showJobs': {
      const rows = s.db.streaming.list().map((j) => [BigInt(j.id), j.name, kindLabel(j.kind), j.status, j.error ?? null, new Date(j.startedAt).toISOString(), j.restarts]);
      return {
        kind: 'rows', tag: `SHOW ${rows.length}`, rows,
        columns: [{ name: 'id', type: T.int8 }, { name: 'name', type: T.text }, { name: 'kind', type: T.text }, { name: 'status', type: T.text }, { name: 'error', type: T.text }, { name: 'started_at', type: T.text }, { name: 'restarts', type: T.int4 }],
      };
    }
    case 'showCheckpoints': return showCheckpoints(s, w.jobId);
    case 'cancelJob': s.db.streaming.cancel(w.id); return { kind: 'command', tag: 'CANCEL JOB' };
    case 'savepointJob': {
      const path = await s.db.streaming.savepoint(w.id, w.stop);
      return { kind: 'rows', tag: 'SELECT 1', rows: [[path]], columns: [{ name: 'savepoint_path', type: T.text }] };
    }
    case 'restoreJob': await s.db.streaming.restoreJob(w.id, w.from); return { kind: 'command', tag: 'RESTORE JOB' };
    case 'showObjects': {
      const rows = s.db.catalog.relations().filter((r) => r.kind === w.what).map((r) => [r.name, r.schema]);
      return { kind: 'rows', tag: `SHOW ${rows.length}`, rows, columns: [{ name: 'name', type: T.text }, { name: 'schema', type: T.text }] };
    }
    case 'explain': return explainTyped(s, w.type, w.statementSql);
    case 'createMaterializedView': return createMaterializedView(s, w.schema, w.name, w.ifNotExists, w.querySql, [], withEmit(w.options, w.emitOnWindowClose));
    case 'createStream': {
      const { schema } = target(s, w.schema, w.name);
      if (s.db.catalog.relation(schema, w.name)) {
        if (w.ifNotExists) return { kind: 'command', tag: 'CREATE STREAM' };
        throw new SqlError(SqlState.DuplicateTable, `relation "${w.name}" already exists`);
      }
      await createMaintained(s, 'stream', schema, w.name, w.querySql, bindSelect(s, w.querySql), withEmit(w.options, w.emitOnWindowClose));
      return { kind: 'command', tag: 'CREATE STREAM' };
    }
    case 'createSource': return createSource(s, w);
    case 'createSink': return createSink(s, w);
    case 'dropStreaming': return dropStreaming(s, w);
  }
}

/** SHOW CHECKPOINTS [FOR JOB id]: the recent checkpoints of running jobs, oldest first. */
function showCheckpoints(s: Session, jobId: number | undefined): StatementResult {
  if (jobId !== undefined && !s.db.streaming.hasJob(jobId)) throw new SqlError(SqlState.UndefinedObject, `job ${jobId} does not exist`);
  const rows = s.db.streaming.checkpointHistory(jobId).map((c) => [
    BigInt(c.id), BigInt(c.jobId), c.jobName, c.status, c.isSavepoint, new Date(c.triggeredAt).toISOString(),
    c.durationMs === null ? null : BigInt(c.durationMs), BigInt(c.sizeBytes), BigInt(Math.round(c.alignmentMs)), c.externalPath ?? null, c.failure ?? null,
  ]);
  const col = (name: string, type: typeof T.text) => ({ name, type });
  return {
    kind: 'rows', tag: `SHOW ${rows.length}`, rows,
    columns: [col('id', T.int8), col('job_id', T.int8), col('job', T.text), col('status', T.text), col('is_savepoint', T.bool), col('trigger_time', T.text),
      col('duration_ms', T.int8), col('size_bytes', T.int8), col('alignment_ms', T.int8), col('external_path', T.text), col('failure', T.text)],
  };
}

async function createSource(s: Session, w: Extract<WeirStatement, { kind: 'createSource' }>): Promise<StatementResult> {
  const { schema } = target(s, w.schema, w.name);
  if (s.db.catalog.relation(schema, w.name)) {
    if (w.ifNotExists) return { kind: 'command', tag: 'CREATE SOURCE', notices: [`relation "${w.name}" already exists, skipping`] };
    throw new SqlError(SqlState.DuplicateTable, `relation "${w.name}" already exists`);
  }
  const [tbl] = parseSql(`CREATE TABLE x (${w.columnsSql})`);
  const columns: ColumnDef[] = (tbl.node.CreateStmt.tableElts ?? []).filter((e: { ColumnDef?: unknown }) => e.ColumnDef).map((e: { ColumnDef: { colname: string; typeName: unknown } }) => ({
    name: e.ColumnDef.colname, type: bindTypeName(e.ColumnDef.typeName), notNull: false,
  }));
  validateSourceOptions(w.options, columns);
  if (w.options[IDLE_TIMEOUT_OPTION] !== undefined && !w.watermark) throw new SqlError(SqlState.InvalidParameterValue, `option "${IDLE_TIMEOUT_OPTION}" needs a WATERMARK FOR clause`);
  const options = { ...w.options };
  if (w.watermark) {
    options[WATERMARK_COLUMN_OPTION] = w.watermark.column;
    options[WATERMARK_EXPR_OPTION] = w.watermark.exprSql;
    // Bound now, so a bad expression fails CREATE SOURCE rather than the first view over it.
    bindSourceWatermark(s.binder([]), columns.map((c) => ({ name: c.name, type: c.type })), options, w.name);
  }
  await s.db.catalog.createRelation({ schema, name: w.name, kind: 'source', columns, options, owner: s.info.user });
  return { kind: 'command', tag: 'CREATE SOURCE' };
}

async function createSink(s: Session, w: Extract<WeirStatement, { kind: 'createSink' }>): Promise<StatementResult> {
  const { schema } = target(s, w.schema, w.name);
  if (s.db.catalog.relation(schema, w.name)) {
    if (w.ifNotExists) return { kind: 'command', tag: 'CREATE SINK' };
    throw new SqlError(SqlState.DuplicateTable, `relation "${w.name}" already exists`);
  }
  const connector = w.options.connector;
  if (!connector) throw new SqlError(SqlState.InvalidParameterValue, 'CREATE SINK needs WITH (connector = …)');
  const options = withEmit(w.options, w.emitOnWindowClose);
  if (connector === 'table') {
    const tname = options.table;
    if (!tname) throw new SqlError(SqlState.InvalidParameterValue, "the table sink needs WITH (table = 'name')");
    const t = s.catalogView.lookupRelation(null, tname);
    if (!t || t.kind !== 'relation' || t.rel.kind !== 'table') throw new SqlError(SqlState.UndefinedTable, `table "${tname}" does not exist`);
    options['table.oid'] = String(t.rel.oid);
  } else if (connector !== 'blackhole' && !externalSinkConnector(connector)) {
    throw unknownSink(connector);
  }
  const querySql = w.from ? `SELECT * FROM ${w.from}` : w.querySql!;
  await createMaintained(s, 'sink', schema, w.name, querySql, bindSelect(s, querySql), options, (input, rel) => {
    if ((options.type ?? '') === 'append-only') {
      const bad = firstNonAppend(input);
      if (bad) throw new SqlError(SqlState.FeatureNotSupported, `append-only sink "${w.name}" cannot consume the ${bad.changelog} changes of ${bad.op}`, { hint: "Use type = 'upsert' or sink an append-only query." });
    }
    // External systems check their options against the sink's columns and derived key.
    externalSinkConnector(connector)?.validate(options, input.columns.map((c) => ({ name: c.name, type: c.type })), input.upsertKey ?? null);
    return { op: 'sink', id: 0, columns: input.columns, changelog: input.changelog, input, sinkName: rel.name, connector, options };
  });
  return { kind: 'command', tag: 'CREATE SINK' };
}

async function dropStreaming(s: Session, w: Extract<WeirStatement, { kind: 'dropStreaming' }>): Promise<StatementResult> {
  const tag = `DROP ${w.what.toUpperCase()}`;
  const notices: string[] = [];
  // Every name first, as PostgreSQL does: `DROP STREAM a, b` drops b that depends on a without CASCADE.
  const targets = new Map<number, RelationDef>();
  for (const full of w.names) {
    const parts = full.split('.');
    const name = parts.pop()!;
    const r = s.catalogView.lookupRelation(parts.pop() ?? null, name);
    if (!r || r.kind !== 'relation' || r.rel.kind !== w.what) {
      if (w.ifExists) { notices.push(`${w.what} "${name}" does not exist, skipping`); continue; }
      throw new SqlError(SqlState.UndefinedObject, `${w.what} "${name}" does not exist`);
    }
    targets.set(r.rel.oid, r.rel);
  }
  const dependents = new Map<number, RelationDef>();
  for (const rel of targets.values()) {
    for (const d of allDependentsOf(s.db.catalog.relations(), rel)) {
      if (targets.has(d.oid) || dependents.has(d.oid)) continue;
      if (!w.cascade) {
        throw new SqlError(SqlState.DependentObjectsStillExist, `cannot drop ${w.what} ${rel.name} because other objects depend on it`, {
          detail: `${kindLabel(d.kind)} ${d.name} depends on ${w.what} ${rel.name}`, hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
        });
      }
      notices.push(`drop cascades to ${kindLabel(d.kind)} ${d.name}`);
      dependents.set(d.oid, d);
    }
  }
  const all = [...dependents.values(), ...targets.values()];
  for (const d of all) {
    s.db.streaming.drop(d.oid);
    await s.db.tables.drop(d.oid);
  }
  if (all.length) await s.db.catalog.dropRelations(all.map((d) => d.oid));
  return { kind: 'command', tag, notices: notices.length ? notices : undefined };
}

type ExplainType = 'logical' | 'optimized' | 'stream' | 'streamgraph' | 'job' | 'execution';

/** What EXPLAIN is asked about: the query, and for CREATE statements the job's name, options and root. */
interface ExplainTarget {
  readonly querySql: string;
  readonly jobName: string;
  readonly options: Record<string, string>;
  readonly root?: (input: StreamNode) => StreamNode;
}

function explainTarget(sql: string): ExplainTarget {
  const w = parseSql(sql)[0];
  if (w?.node.WeirStmt) {
    const ws = w.node.WeirStmt as WeirStatement;
    if (ws.kind === 'createMaterializedView' || ws.kind === 'createStream') {
      return { querySql: ws.querySql, jobName: ws.name, options: withEmit(ws.options, ws.emitOnWindowClose), root: (input) => ({ op: 'materialize', id: 0, columns: input.columns, changelog: input.changelog, upsertKey: input.upsertKey, input, targetOid: 0, name: ws.name }) };
    }
    if (ws.kind === 'createSink') {
      return {
        querySql: ws.from ? `SELECT * FROM ${ws.from}` : ws.querySql!, jobName: ws.name, options: withEmit(ws.options, ws.emitOnWindowClose),
        root: (input) => ({ op: 'sink', id: 0, columns: input.columns, changelog: input.changelog, input, sinkName: ws.name, connector: ws.options.connector ?? '', options: ws.options }),
      };
    }
  } else if (w?.node.CreateTableAsStmt) {
    const m = /\bAS\s+([\s\S]*)$/i.exec(w.text.slice(w.text.search(/materialized\s+view/i)));
    const name: string = w.node.CreateTableAsStmt.into.rel.relname;
    return { querySql: m ? m[1] : sql, jobName: name, options: {}, root: (input) => ({ op: 'materialize', id: 0, columns: input.columns, changelog: input.changelog, upsertKey: input.upsertKey, input, targetOid: 0, name }) };
  }
  return { querySql: sql, jobName: 'query', options: {} };
}

/** The parallelism of a new job: its WITH (parallelism = N), else the session's streaming_parallelism (22023 if bad). */
function jobParallelism(s: Session, options: Record<string, string>): number {
  return jobSettings((n) => s.settings.get(n), s.info.user, options).parallelism;
}

async function explainTyped(s: Session, type: ExplainType, sql: string): Promise<StatementResult> {
  const target = explainTarget(sql);
  const stmts = parseSql(target.querySql);
  if (stmts.length !== 1 || !stmts[0].node.SelectStmt) throw new SqlError(SqlState.SyntaxError, 'EXPLAIN (TYPE …) expects a SELECT query or a CREATE MATERIALIZED VIEW | STREAM | SINK statement');
  const bound = s.binder([]).bindTopQuery(stmts[0].node.SelectStmt);
  let lines: string[];
  if (type === 'logical') lines = explainPlan(bound);
  else if (type === 'optimized') lines = explainPlan(optimize(bound));
  else if (type === 'stream') lines = explainStream(planner(s).planQuery(optimize(bound), target.options));
  else {
    const input = planner(s).planQuery(optimize(bound), target.options);
    const root = target.root ? target.root(input) : input;
    const parallelism = jobParallelism(s, target.options);
    const job = lowerStreamPlan(twoPhaseAgg(root), { jobName: target.jobName, parallelism });
    if (type === 'streamgraph') lines = explainStreamGraph(job.streamGraph);
    else if (type === 'job') lines = explainJobGraph(job.jobGraph);
    else lines = explainExecutionGraph(assignSlots(toExecutionGraph(job.jobGraph), await previewSlots(job.jobGraph)));
  }
  return { kind: 'rows', tag: 'EXPLAIN', rows: lines.map((l) => [l]), columns: [{ name: 'QUERY PLAN', type: T.text }] };
}

export { nameList };

/** After a restart: start again the job of every materialized view, stream and sink, oldest first. */
export async function restoreStreamingJobs(db: import('../../database.js').Database, user: string): Promise<void> {
  const { Session } = await import('../session.js');
  const rels = db.catalog.relations().filter((r) => r.kind === 'materialized_view' || r.kind === 'stream' || r.kind === 'sink').sort((a, b) => a.oid - b.oid);
  if (!rels.length) return;
  const s = new Session(db, { user, database: 'weir', applicationName: 'weir-restore' });
  for (const rel of rels) {
    try {
      const { plan } = bindSelect(s, rel.query!);
      const input = planner(s).planQuery(plan, rel.options);
      const root: StreamNode = rel.kind === 'sink'
        ? { op: 'sink', id: 0, columns: input.columns, changelog: input.changelog, input, sinkName: rel.name, connector: rel.options?.connector ?? 'blackhole', options: rel.options ?? {} }
        : { op: 'materialize', id: 0, columns: input.columns, changelog: input.changelog, upsertKey: input.upsertKey, input, targetOid: rel.oid, name: rel.name };
      await db.streaming.start(rel, root, jobSettings((n) => s.settings.get(n), user, rel.options), 'latest');
    } catch (e) {
      process.stderr.write(`weir: could not restart the job of ${rel.name}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
}

// A TaskManager rebuilds each job's graph from the JobSpec (SQL + catalog snapshot + settings) and
// refuses a deployment whose graph fingerprint differs from the JobMaster's.

import { beforeAll, describe, expect, it } from 'vitest';
import { T } from '../../types/datatype.js';
import { initParser } from '../../sql/parser.js';
import type { FromTaskExecutor, JobSpec } from './messages.js';
import { fingerprintJobGraph, planJob, planJobToRestore } from './job-plan.js';
import { TaskExecutor } from './task-executor.js';

beforeAll(async () => { await initParser(); });

const spec = (parallelism: number): Omit<JobSpec, 'fingerprint'> => ({
  jobId: 7, relOid: 16385, parallelism,
  settings: { timeZone: 'UTC', searchPath: '"$user", public', user: 'weir' },
  catalog: {
    schemas: [{ oid: 2200, name: 'public', owner: 'weir' }],
    relations: [
      { oid: 16384, schema: 'public', name: 't', kind: 'table', owner: 'weir', primaryKey: [0], columns: [{ name: 'id', type: T.int4, notNull: true }, { name: 'k', type: T.int4, notNull: false }] },
      { oid: 16385, schema: 'public', name: 'v', kind: 'materialized_view', owner: 'weir', query: 'SELECT k, count(*) AS n FROM t GROUP BY k', columns: [{ name: 'k', type: T.int4, notNull: false }, { name: 'n', type: T.int8, notNull: false }] },
    ],
  },
});

describe('job graphs rebuilt from the spec', () => {
  it('derives the same graph every time, and a different one for another parallelism', () => {
    const a = planJob(spec(2)), b = planJob(spec(2)), c = planJob(spec(1));
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    const vs = a.graph.vertices;
    expect(vs[0].name).toMatch(/^Source: t\b/);
    expect(vs[0].parallelism).toBe(1); // a table is read once …
    expect(vs[vs.length - 1].name).toMatch(/Materialize: v$/);
    expect(vs[vs.length - 1].parallelism).toBe(2); // … and aggregated behind a hash exchange
  });

  it('plans every parallelism with the same shape, and restores an old single-phase checkpoint as taken', () => {
    const shape = (s: Omit<JobSpec, 'fingerprint'>) => fingerprintJobGraph(planJob(s).graph, false);
    expect(shape(spec(1))).toBe(shape(spec(3)));
    expect(shape(spec(1))).toMatch(/localAgg/);
    const old = shape({ ...spec(1), singlePhaseAgg: true });
    expect(old).not.toMatch(/localAgg/);
    const restored = planJobToRestore(spec(1), old);
    expect(restored.submission.singlePhaseAgg).toBe(true);
    expect(fingerprintJobGraph(restored.planned.graph, false)).toBe(old);
    expect(planJobToRestore(spec(2), shape(spec(2))).submission.singlePhaseAgg).toBeUndefined();
    expect(planJobToRestore(spec(2), 'another graph').submission.singlePhaseAgg).toBeUndefined();
  });

  it('refuses a task whose graph does not match the JobMaster\'s fingerprint', async () => {
    const sent: FromTaskExecutor[] = [];
    const te = new TaskExecutor((m) => sent.push(m));
    const job: JobSpec = { ...spec(2), fingerprint: planJob(spec(1)).fingerprint };
    te.handle({ type: 'submitTask', requestId: 1, tdd: { job, attemptId: '7/2/0', vertexId: 2, subtask: 0, slot: { taskManager: 'tm-1', slot: 0 }, maxParallelism: 128, inputs: [], outputs: [], credits: 4 } });
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'submitTaskResult', requestId: 1, error: { code: 'XX000' } });
    expect((sent[0] as { error: { message: string } }).error.message).toMatch(/different job graph/);
    expect(te.taskCount).toBe(0);
  });
});

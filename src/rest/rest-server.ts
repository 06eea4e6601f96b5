// The Flink-compatible REST endpoint (node:http, JSON only), on a port of its own. Read routes
// are answered from the backend's current state; PATCH /jobs/:id?mode=cancel and
// POST /jobs/:id/savepoints act on the job. Savepoints are asynchronous as in Flink: the POST
// returns a request id, GET /jobs/:id/savepoints/:requestId reports IN_PROGRESS or COMPLETED.

import { getHeapStatistics } from 'node:v8';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { RestBackend } from './backend.js';
import * as shapes from './flink-shapes.js';
import { VERSION } from './version.js';

interface SavepointOp { status: 'IN_PROGRESS' | 'COMPLETED'; location?: string; failure?: string }

class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export class RestServer {
  private readonly server: Server;
  private readonly savepoints = new Map<string, SavepointOp>();

  constructor(private readonly backend: RestBackend) {
    this.server = createServer((req, res) => { void this.handle(req, res); });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Flink serves the same API under /v1 as well.
    const path = url.pathname.replace(/^\/v1(?=\/)/, '').replace(/\/+$/, '') || '/';
    try {
      const body = await this.route(req.method ?? 'GET', path, url.searchParams, req);
      res.writeHead(body.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body.json));
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ errors: [e instanceof Error ? e.message : String(e)] }));
    }
  }

  private job(id: string) {
    const j = this.backend.jobs().find((x) => x.id === id);
    if (!j) throw new HttpError(404, `Job ${id} not found`);
    return j;
  }

  private async route(method: string, path: string, q: URLSearchParams, req: IncomingMessage): Promise<{ status: number; json: unknown }> {
    const now = Date.now();
    const ok = (json: unknown) => ({ status: 200, json });
    const seg = path.split('/').filter(Boolean);
    if (method === 'GET' && path === '/overview') return ok(shapes.overview(this.backend.jobs(), this.backend.taskManagers()));
    if (method === 'GET' && path === '/config') return ok({ 'refresh-interval': 3000, 'timezone-name': 'UTC', 'timezone-offset': 0, 'flink-version': VERSION.flinkCompat, features: { 'web-submit': false, 'web-cancel': true } });
    if (method === 'GET' && path === '/jobs') return ok(shapes.jobList(this.backend.jobs()));
    if (method === 'GET' && path === '/jobs/overview') return ok(shapes.jobsOverview(this.backend.jobs(), now));
    if (method === 'GET' && path === '/taskmanagers') return ok(shapes.taskManagers(this.backend.taskManagers(), now));
    if (method === 'GET' && seg[0] === 'taskmanagers' && seg.length === 2) {
      const tm = this.backend.taskManagers().find((t) => t.id === seg[1]);
      if (!tm) throw new HttpError(404, `TaskManager ${seg[1]} does not exist`);
      return ok(shapes.taskManagerDetail(tm, now));
    }
    if (method === 'GET' && path === '/jobmanager/metrics') return ok(jobManagerMetrics(q));
    if (seg[0] === 'jobs' && seg.length >= 2) {
      const j = this.job(seg[1]);
      const rest = seg.slice(2).join('/');
      if (method === 'GET' && rest === '') return ok(shapes.jobDetail(j, now));
      if (method === 'PATCH' && rest === '') {
        const mode = q.get('mode') ?? 'cancel';
        if (mode !== 'cancel') throw new HttpError(400, `unsupported mode "${mode}"`);
        await this.backend.cancel(j.id);
        return { status: 202, json: {} };
      }
      if (method === 'GET' && rest === 'checkpoints') return ok(shapes.checkpoints(this.backend.checkpointHistory(j.id)));
      if (method === 'GET' && rest === 'checkpoints/config') {
        const c = this.backend.checkpointConfig(j.id);
        if (!c) throw new HttpError(404, `Checkpointing is not enabled for job ${j.id}`);
        return ok(shapes.checkpointConfigJson(c));
      }
      if (method === 'GET' && rest === 'metrics') {
        const names = (q.get('get') ?? '').split(',').filter(Boolean);
        const all: Record<string, () => string | null> = {
          lastCheckpointExternalPath: () => this.backend.lastCheckpointExternalPath(j.id) ?? 'n/a',
          numberOfCompletedCheckpoints: () => String(this.backend.checkpointHistory(j.id).filter((s) => s.status === 'COMPLETED').length),
          numberOfFailedCheckpoints: () => String(this.backend.checkpointHistory(j.id).filter((s) => s.status === 'FAILED').length),
          uptime: () => String(now - j.startTime),
        };
        if (!names.length) return ok(Object.keys(all).map((id) => ({ id })));
        return ok(names.filter((n) => n in all).map((id) => ({ id, value: all[id]() })));
      }
      if (method === 'GET' && seg[2] === 'vertices' && seg[3] && seg[4] === 'backpressure') {
        const v = j.vertices.find((x) => x.id === seg[3]);
        if (!v) throw new HttpError(404, `Vertex ${seg[3]} not found in job ${j.id}`);
        return ok(shapes.backpressure(v, now));
      }
      if (method === 'POST' && rest === 'savepoints') {
        const body = await readJson(req);
        const requestId = randomUUID().replace(/-/g, '');
        const op: SavepointOp = { status: 'IN_PROGRESS' };
        this.savepoints.set(requestId, op);
        this.backend.savepoint(j.id, body['cancel-job'] === true).then(
          (location) => { op.status = 'COMPLETED'; op.location = location; },
          (e: unknown) => { op.status = 'COMPLETED'; op.failure = e instanceof Error ? e.message : String(e); });
        return { status: 202, json: { 'request-id': requestId } };
      }
      if (method === 'GET' && seg[2] === 'savepoints' && seg[3]) {
        const op = this.savepoints.get(seg[3]);
        if (!op) throw new HttpError(404, `Savepoint request ${seg[3]} not found`);
        return ok({ status: { id: op.status }, operation: op.status === 'IN_PROGRESS' ? null : op.failure ? { 'failure-cause': { class: 'java.lang.Exception', 'stack-trace': op.failure } } : { location: op.location } });
      }
    }
    throw new HttpError(404, `Not found: ${method} ${path}`);
  }
}

/**
 * The JobManager's (the server's main thread's) memory under Flink's metric names: the heap holds
 * the catalog, the tables and every view's rows; Direct is V8's memory outside the heap.
 */
function jobManagerMetrics(q: URLSearchParams): { id: string; value?: string }[] {
  const m = process.memoryUsage();
  const all: Record<string, number> = {
    'Status.JVM.Memory.Heap.Used': m.heapUsed,
    'Status.JVM.Memory.Heap.Committed': m.heapTotal,
    'Status.JVM.Memory.Heap.Max': getHeapStatistics().heap_size_limit,
    'Status.JVM.Memory.Direct.MemoryUsed': m.external + m.arrayBuffers,
  };
  const names = (q.get('get') ?? '').split(',').filter(Boolean);
  if (!names.length) return Object.keys(all).map((id) => ({ id }));
  return names.filter((n) => n in all).map((id) => ({ id, value: String(all[id]) }));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) { text += String(chunk); if (text.length > 1 << 20) throw new HttpError(413, 'request body too large'); }
  if (!text.trim()) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* fall through */ }
  throw new HttpError(400, 'request body must be a JSON object');
}

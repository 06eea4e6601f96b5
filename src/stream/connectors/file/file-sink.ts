// connector = 'file': a write-ahead sink for a system without transactions. Rows of checkpoint N
// are kept (in the committable, i.e. in checkpoint N's state) and appended to the file only when
// N completes. A marker file beside the data records the last committed checkpoint and the file's
// length after it; a commit first truncates to that length (dropping a half-written append from a
// crash), then appends, fsyncs, and replaces the marker atomically. Replaying a commit the marker
// already covers writes nothing, so a restart never writes a checkpoint's rows twice.

import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqlError, SqlState } from '../../../errors.js';
import type { Chunk } from '../../chunk.js';
import { Op } from '../../chunk.js';
import { encodeJsonRow } from '../formats/json-row.js';
import type { SinkCommittable, SinkConnector, SinkContext, SinkWriter } from '../sink-writer.js';

interface Marker { readonly checkpointId: number; readonly length: number }
interface FileCommittable { readonly checkpointId: number; readonly lines: string[] }

export class FileSinkWriter implements SinkWriter {
  private lines: string[] = [];
  readonly path: string;
  private readonly markerPath: string;

  constructor(path: string, private readonly ctx: SinkContext) {
    // Parallel subtasks write files of their own: a file has one writer, so truncation is safe.
    this.path = ctx.parallelism > 1 ? `${path}.${ctx.subtask}` : path;
    this.markerPath = `${this.path}.weir-commit`;
  }

  write(chunk: Chunk): void {
    for (let i = 0; i < chunk.rows.length; i++) {
      if (chunk.ops[i] !== Op.Insert) {
        throw new SqlError(SqlState.FeatureNotSupported, 'the file sink is append-only and received a retraction', { hint: 'Sink an append-only query, or use a sink with upserts.' });
      }
      this.lines.push(encodeJsonRow(chunk.rows[i], this.ctx.columns));
    }
  }

  async preCommit(checkpointId: number): Promise<SinkCommittable> {
    const c: FileCommittable = { checkpointId, lines: this.lines };
    this.lines = [];
    return c as unknown as SinkCommittable;
  }

  async commit(committable: SinkCommittable): Promise<void> {
    const c = committable as unknown as FileCommittable;
    const marker = this.readMarker();
    if (marker && marker.checkpointId >= c.checkpointId) return; // already written
    const fd = openSync(this.path, existsSync(this.path) ? 'r+' : 'w+');
    try {
      const start = marker?.length ?? 0;
      if (statSync(this.path).size !== start) ftruncateSync(fd, start);
      const data = c.lines.length ? Buffer.from(c.lines.join('\n') + '\n', 'utf8') : Buffer.alloc(0);
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off, start + off);
      fsyncSync(fd);
      this.writeMarker({ checkpointId: c.checkpointId, length: start + data.length });
    } finally {
      closeSync(fd);
    }
  }

  async recover(committed: readonly SinkCommittable[]): Promise<void> {
    for (const c of committed) await this.commit(c);
  }

  async close(): Promise<void> { this.lines = []; }

  private readMarker(): Marker | null {
    if (!existsSync(this.markerPath)) return null;
    return JSON.parse(readFileSync(this.markerPath, 'utf8')) as Marker;
  }

  private writeMarker(m: Marker): void {
    const tmp = `${this.markerPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(m));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.markerPath);
  }
}

export const fileSinkConnector: SinkConnector = {
  name: 'file',
  validate(options) {
    const path = options.path;
    if (!path) throw new SqlError(SqlState.InvalidParameterValue, "the file sink needs WITH (path = '…')");
    if (!existsSync(dirname(path))) throw new SqlError(SqlState.InvalidParameterValue, `directory of sink path "${path}" does not exist`);
    if ((options.format ?? 'json').toLowerCase() !== 'json') throw new SqlError(SqlState.InvalidParameterValue, "the file sink writes format = 'json' (JSON lines)");
  },
  open(options, ctx) { return new FileSinkWriter(options.path, ctx); },
};

// connector = 'postgres': an idempotent upsert sink. The changes of checkpoint N are folded by
// key (the last change of a key wins: a row or a delete) and kept in the committable; when N
// completes they are applied in one PostgreSQL transaction as batched
// INSERT … ON CONFLICT (key) DO UPDATE and DELETE … WHERE key IN (…). Applying the same
// committable twice leaves the table as applying it once, so recovery simply applies the
// restored checkpoint's committables again.

import pg from 'pg';
import { SqlError, SqlState } from '../../../errors.js';
import type { Datum, Row } from '../../../types/value.js';
import { rowKey } from '../../../types/value.js';
import { formatText, UTC_CONTEXT } from '../../../types/text-io.js';
import { type Chunk, isRetraction } from '../../chunk.js';
import type { SinkCommittable, SinkConnector, SinkContext, SinkWriter } from '../sink-writer.js';
import { type PostgresSinkOptions, postgresSinkOptions, quoteIdent } from './postgres-options.js';

/** PostgreSQL allows 65535 bind parameters per statement. */
const MAX_PARAMS = 60_000;

type TextRow = (string | null)[];
interface PgCommittable { readonly checkpointId: number; readonly upserts: TextRow[]; readonly deletes: TextRow[] }

export class PostgresSinkWriter implements SinkWriter {
  /** Key → the last change of the current checkpoint (null row = delete). */
  private changes = new Map<string, { del: boolean; row: Row }>();
  private client: pg.Client | null = null;
  private readonly keyCols: readonly number[];

  constructor(private readonly opts: PostgresSinkOptions, private readonly ctx: SinkContext) {
    this.keyCols = opts.keyColumns;
  }

  write(chunk: Chunk): void {
    for (let i = 0; i < chunk.rows.length; i++) {
      const row = chunk.rows[i];
      // -U then +U of one key: the +U overwrites; a -D (or a -U whose key moved) deletes.
      this.changes.set(rowKey(row, this.keyCols), { del: isRetraction(chunk.ops[i]), row });
    }
  }

  async preCommit(checkpointId: number): Promise<SinkCommittable> {
    const upserts: TextRow[] = [], deletes: TextRow[] = [];
    for (const { del, row } of this.changes.values()) (del ? deletes : upserts).push(this.text(row));
    this.changes = new Map();
    const c: PgCommittable = { checkpointId, upserts, deletes };
    return c as unknown as SinkCommittable;
  }

  private text(row: Row): TextRow {
    return row.map((d: Datum, i) => (d === null ? null : formatText(d, this.ctx.columns[i].type, UTC_CONTEXT)));
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = new pg.Client({ connectionString: this.opts.url, application_name: `weir-sink-${this.ctx.sinkId}` });
    c.on('error', () => { if (this.client === c) this.client = null; });
    try { await c.connect(); } catch (e) {
      throw new SqlError(SqlState.ConnectionFailure, `postgres sink: cannot connect to ${redact(this.opts.url)}: ${(e as Error).message}`);
    }
    this.client = c;
    return c;
  }

  async commit(committable: SinkCommittable): Promise<void> {
    const c = committable as unknown as PgCommittable;
    if (!c.upserts.length && !c.deletes.length) return;
    const db = await this.connection();
    try {
      await db.query('BEGIN');
      const cols = this.ctx.columns.map((x) => quoteIdent(x.name));
      const keys = this.keyCols.map((i) => cols[i]);
      const table = this.opts.table;
      // Deletes first: a key deleted and re-inserted in one checkpoint was folded to its last change.
      const perDelete = this.keyCols.length;
      for (let off = 0; off < c.deletes.length; off += Math.floor(MAX_PARAMS / perDelete)) {
        const batch = c.deletes.slice(off, off + Math.floor(MAX_PARAMS / perDelete));
        const params: (string | null)[] = [];
        const tuples = batch.map((r) => `(${this.keyCols.map((k) => { params.push(r[k]); return `$${params.length}`; }).join(', ')})`);
        await db.query(`DELETE FROM ${table} WHERE (${keys.join(', ')}) IN (${tuples.join(', ')})`, params);
      }
      const nonKey = cols.filter((_, i) => !this.keyCols.includes(i));
      const onConflict = nonKey.length ? `DO UPDATE SET ${nonKey.map((n) => `${n} = EXCLUDED.${n}`).join(', ')}` : 'DO NOTHING';
      const perRow = cols.length;
      for (let off = 0; off < c.upserts.length; off += Math.floor(MAX_PARAMS / perRow)) {
        const batch = c.upserts.slice(off, off + Math.floor(MAX_PARAMS / perRow));
        const params: (string | null)[] = [];
        const tuples = batch.map((r) => `(${r.map((v) => { params.push(v); return `$${params.length}`; }).join(', ')})`);
        await db.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (${keys.join(', ')}) ${onConflict}`, params);
      }
      await db.query('COMMIT');
    } catch (e) {
      await db.query('ROLLBACK').catch(() => undefined);
      const pgErr = e as { code?: string; message?: string };
      throw new SqlError(pgErr.code && /^[0-9A-Z]{5}$/.test(pgErr.code) ? pgErr.code : SqlState.ConnectionFailure, `postgres sink into ${this.opts.table}: ${pgErr.message ?? String(e)}`);
    }
  }

  async recover(committed: readonly SinkCommittable[]): Promise<void> {
    for (const c of committed) await this.commit(c);
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}

function redact(url: string): string { return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'); }

export const postgresSinkConnector: SinkConnector = {
  name: 'postgres',
  validate(options, columns, keyColumns) { postgresSinkOptions(options, columns, keyColumns); },
  open(options, ctx) { return new PostgresSinkWriter(postgresSinkOptions(options, ctx.columns, ctx.keyColumns), ctx); },
};

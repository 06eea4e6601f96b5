// The durable key-value store under the data directory: LevelDB through classic-level.
// Writes that commit a statement are synced, so they survive kill -9 of the server.

import { ClassicLevel } from 'classic-level';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type KvOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

export class KvStore {
  private readonly db: ClassicLevel<string, string>;

  private constructor(db: ClassicLevel<string, string>) { this.db = db; }

  static async open(dataDir: string): Promise<KvStore> {
    mkdirSync(dataDir, { recursive: true });
    const db = new ClassicLevel<string, string>(join(dataDir, 'catalog'), { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await db.open();
    return new KvStore(db);
  }

  get(key: string): Promise<string | undefined> { return this.db.get(key); }

  /** Apply ops atomically; `sync` fsyncs the log before resolving. */
  async write(ops: KvOp[], sync = true): Promise<void> {
    if (ops.length === 0) return;
    await this.db.batch(ops, { sync });
  }

  /** All entries whose key starts with `prefix`, in key order. */
  async scanPrefix(prefix: string): Promise<[string, string][]> {
    const out: [string, string][] = [];
    for await (const [k, v] of this.db.iterator({ gte: prefix, lt: prefix + '\uffff' })) out.push([k, v]);
    return out;
  }

  async close(): Promise<void> { await this.db.close(); }
}

// Large checkpointed values kept out of LevelDB: each task's delta writes its large values to an
// append-only file of its own, and the versioned entry in LevelDB holds a short pointer to them
// (value separation, as WiscKey and RocksDB's BlobDB do).
//
// Why: LevelDB rewrites every byte it holds several times as it compacts its levels. A join-heavy
// job (Nexmark q4) checkpoints tens of MB of values at random keys every interval; merged through
// the levels, they cost a 2-core machine up to 17 s of CPU in a 45 s run, whenever LevelDB chose
// to compact (docs/benchmarks.md). With the values in files, compaction moves keys and short
// pointers, and a value is written once.
//
//   <data-dir>/checkpoint-blobs/<job>/<checkpoint id, base 36>-<random>.blob    UTF-8 values back to back
//   pointer: "\x01<file name>:<byte offset, base 36>:<byte length, base 36>"
//
// A pointer can never be mistaken for a value: values are JSON text, which never starts with a
// control character. Files are immutable once written and synced before their pointers are
// written, so a checkpoint's metadata (written last, with sync) names nothing that could be lost.
// Garbage collection (blob-collector.ts, after the store's scan of the versions) deletes a file once
// no retained version points into it, and moves the live values of a mostly dead file into a new one.

import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdir, open, readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Values at least this long (characters) go to a blob file; shorter ones stay in LevelDB. */
export const BLOB_MIN_CHARS = 128;

const POINTER = '\x01';
const POINTER_CODE = 1;
/** Characters joined into one write. */
const WRITE_CHARS = 4 << 20;
/** Open read handles kept per thread (a file deleted while open still reads). */
const MAX_OPEN_FILES = 32;

export const isPointer = (value: string): boolean => value.charCodeAt(0) === POINTER_CODE;

interface BlobPointer { readonly file: string; readonly offset: number; readonly length: number }

export function parsePointer(pointer: string): BlobPointer {
  const a = pointer.indexOf(':'), b = pointer.indexOf(':', a + 1);
  return { file: pointer.slice(1, a), offset: parseInt(pointer.slice(a + 1, b), 36), length: parseInt(pointer.slice(b + 1), 36) };
}

/** The checkpoint a blob file was written for (its name's first part). */
const fileCheckpoint = (file: string): number => parseInt(file.slice(0, file.indexOf('-')), 36);

export interface BlobFileInfo { readonly name: string; readonly checkpointId: number; readonly bytes: number }

/** Collects one delta's large values; `done` writes and syncs them. */
export class BlobWriter {
  private readonly parts: string[] = [];
  private offset = 0;

  constructor(private readonly dir: string, readonly file: string) {}

  /** The pointer under which `value` will be readable once `done` resolves. */
  add(value: string): string {
    const length = Buffer.byteLength(value);
    const pointer = `${POINTER}${this.file}:${this.offset.toString(36)}:${length.toString(36)}`;
    this.parts.push(value);
    this.offset += length;
    return pointer;
  }

  async done(): Promise<void> {
    if (!this.parts.length) return;
    await mkdir(this.dir, { recursive: true });
    const fh = await open(join(this.dir, this.file + '.blob'), 'w');
    try {
      let group: string[] = [], chars = 0;
      for (const p of this.parts) {
        group.push(p);
        chars += p.length;
        if (chars >= WRITE_CHARS) { await fh.writeFile(group.join('')); group = []; chars = 0; }
      }
      if (group.length) await fh.writeFile(group.join('')); // (writeFile: from the current position, until all is written)
      await fh.sync();
    } finally {
      await fh.close();
    }
    this.parts.length = 0;
  }
}

export class BlobFiles {
  /** Read handles of this thread, least recently opened first. */
  private readonly fds = new Map<string, number>();
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(private readonly root: string) {}

  private jobDir(jobId: string): string { return join(this.root, encodeURIComponent(jobId)); }

  /** A writer for checkpoint `checkpointId`'s values of one task (a file of its own). */
  writer(jobId: string, checkpointId: number): BlobWriter {
    return new BlobWriter(this.jobDir(jobId), `${checkpointId.toString(36)}-${randomBytes(5).toString('hex')}`);
  }

  /** The value `pointer` names. Synchronous (lazy state reads are). */
  read(jobId: string, pointer: string): string {
    const { file, offset, length } = parsePointer(pointer);
    const path = join(this.jobDir(jobId), file + '.blob');
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
    const n = readSync(this.fd(path), this.scratch, 0, length, offset);
    if (n !== length) throw new Error(`checkpointed state: ${path} holds ${n} of the ${length} bytes at ${offset}`);
    return this.scratch.toString('utf8', 0, length);
  }

  private fd(path: string): number {
    let fd = this.fds.get(path);
    if (fd !== undefined) return fd;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`checkpointed state: blob file ${path} is missing`);
      throw e;
    }
    if (this.fds.size >= MAX_OPEN_FILES) {
      const [oldest, oldFd] = this.fds.entries().next().value as [string, number];
      this.fds.delete(oldest);
      closeSync(oldFd);
    }
    this.fds.set(path, fd);
    return fd;
  }

  /** Every blob file of a job. */
  async list(jobId: string): Promise<BlobFileInfo[]> {
    const dir = this.jobDir(jobId);
    const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => { if (e.code === 'ENOENT') return [] as string[]; throw e; });
    const out: BlobFileInfo[] = [];
    for (const n of names) {
      if (!n.endsWith('.blob')) continue;
      const name = n.slice(0, -5);
      const bytes = await stat(join(dir, n)).then((s) => s.size, () => -1);
      if (bytes >= 0) out.push({ name, checkpointId: fileCheckpoint(name), bytes });
    }
    return out;
  }

  /** A whole file's bytes (relocating its live values). */
  async readFile(jobId: string, file: string): Promise<Buffer> {
    const fh = await open(join(this.jobDir(jobId), file + '.blob'), 'r');
    try { return await fh.readFile(); } finally { await fh.close(); }
  }

  async remove(jobId: string, files: Iterable<string>): Promise<void> {
    for (const f of files) await unlink(join(this.jobDir(jobId), f + '.blob')).catch(() => undefined);
  }

  async dropJob(jobId: string): Promise<void> {
    await rm(this.jobDir(jobId), { recursive: true, force: true });
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

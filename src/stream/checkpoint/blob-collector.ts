// Garbage collection of blob files (blob-files.ts), after the checkpoint store's scan of a job's
// versioned state (level-checkpoint-storage.ts, subsume) has decided which versions stay: a file
// no kept version points into is deleted, and a file whose kept values are under half its size is
// rewritten — its live values move to a new file and their versions point there — so the files
// never hold much more than twice the live state (a log-structured store's cleaner). Small files
// are merged the same way once there are many.

import { isPointer, parsePointer, type BlobFileInfo, type BlobFiles } from './blob-files.js';

/** A file whose live values take less than this share of it is rewritten. */
const RELOCATE_BELOW = 0.5;
/** Bytes of sparse files one collection rewrites at most (each is read into memory whole). */
const RELOCATE_MAX_BYTES = 64 * 1024 * 1024;
/**
 * Files smaller than this are merged once there are MERGE_SMALL_AT of them: state that is only
 * ever added to (a deduplication's keys) leaves every checkpoint's file alive, however small.
 */
const SMALL_FILE_BYTES = 1024 * 1024;
const MERGE_SMALL_AT = 32;
/** How long a file found dead may still be read by whoever took a pointer into it before. */
const DEAD_GRACE_MS = 60_000;

/** What a scan found alive: bytes per blob file that kept versions point to. */
export class LiveBlobs {
  readonly perFile = new Map<string, number>();
  bytes = 0;

  /** A kept version's stored value (a pointer or an inline value). */
  add(stored: string): void {
    if (!isPointer(stored)) return;
    const { file, length } = parsePointer(stored);
    this.perFile.set(file, (this.perFile.get(file) ?? 0) + length);
    this.bytes += length;
  }
}

/** The versioned state the collector reads and re-points (the checkpoint store's LevelDB). */
export interface VersionEntries {
  each(jobId: string, visit: (key: string, stored: string) => void): Promise<void>;
  repoint(entries: readonly (readonly [key: string, pointer: string])[]): Promise<void>;
}

export class BlobCollector {
  /** Per job, files the last collection found dead: the next one deletes them. */
  private readonly dead = new Map<string, Set<string>>();

  constructor(private readonly blobs: BlobFiles, private readonly versions: VersionEntries) {}

  /**
   * Only files of checkpoints up to the newest completed one are judged (a newer one's pointers
   * may not be written yet). `lazy` (the coordinator's scans, while tasks may read): a file found
   * dead is deleted by the next collection or after DEAD_GRACE_MS, not now — a reader may have
   * just taken a pointer into it (the old copy of a relocated value, or a version this scan
   * dropped, read from an iterator's snapshot). Otherwise (a dropped job's savepoints kept, tests)
   * at once. Must not run concurrently for one job.
   */
  async collect(jobId: string, live: LiveBlobs, newestCompleted: number, lazy: boolean): Promise<void> {
    const settled = (await this.blobs.list(jobId)).filter((f) => f.checkpointId <= newestCompleted);
    const dead = settled.filter((f) => !live.perFile.has(f.name)).map((f) => f.name);
    const foundBefore = this.dead.get(jobId) ?? new Set<string>();
    const now = lazy ? dead.filter((f) => foundBefore.has(f)) : dead;
    await this.blobs.remove(jobId, now);
    const later = dead.filter((f) => !now.includes(f));
    this.dead.set(jobId, new Set(later));
    // Or after a grace period, if no scan comes (a job that stopped writing keeps its garbage otherwise).
    if (later.length) setTimeout(() => void this.blobs.remove(jobId, later), DEAD_GRACE_MS).unref();

    const share = (f: BlobFileInfo) => (live.perFile.get(f.name) ?? 0) / Math.max(1, f.bytes);
    const kept = settled.filter((f) => live.perFile.has(f.name));
    const sparse = kept.filter((f) => share(f) < RELOCATE_BELOW).sort((a, b) => share(a) - share(b));
    const small = kept.filter((f) => share(f) >= RELOCATE_BELOW && f.bytes < SMALL_FILE_BYTES);
    const picked: BlobFileInfo[] = [];
    let bytes = 0;
    for (const f of small.length >= MERGE_SMALL_AT ? [...sparse, ...small] : sparse) {
      if (picked.length && bytes + f.bytes > RELOCATE_MAX_BYTES) break;
      picked.push(f);
      bytes += f.bytes;
    }
    if (picked.length) await this.relocate(jobId, picked, newestCompleted);
  }

  forget(jobId: string): void { this.dead.delete(jobId); }

  /**
   * Move the values that versions point to in `files` into one new file and point the versions
   * there; the old files are then dead. A version is never rewritten otherwise (a key written
   * again gets a new version), so nothing races with the new pointers. The new file is named for
   * a completed checkpoint: if the process dies before the pointers are written, it is dead.
   */
  private async relocate(jobId: string, files: readonly BlobFileInfo[], newestCompleted: number): Promise<void> {
    const contents = new Map<string, Buffer>();
    for (const f of files) contents.set(f.name, await this.blobs.readFile(jobId, f.name));
    const writer = this.blobs.writer(jobId, newestCompleted);
    const moved: [string, string][] = [];
    await this.versions.each(jobId, (key, stored) => {
      if (!isPointer(stored)) return;
      const { file, offset, length } = parsePointer(stored);
      const content = contents.get(file);
      if (content) moved.push([key, writer.add(content.toString('utf8', offset, offset + length))]);
    });
    await writer.done();
    await this.versions.repoint(moved);
  }
}

/**
 * What a snapshot remembers of a source folder to skip unchanged files next time: for each file, the
 * metadata it had (size, mode, nanosecond mtime and ctime, inode, device) and the content id it was
 * stored under. Kept in `cache/` (never authoritative, see objects-spec.md section 2): a damaged or
 * missing cache only means files are read again, and a content id is used only while its object exists.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { hasErrno } from '../errors/index.js';
import { tempFileName } from './process-identity.js';
import type { Repository } from './repository.js';

export const CACHE_DIR = 'cache';

/** [size, mode, mtimeNs, ctimeNs, ino, dev, content id] */
const Entry = z.tuple([z.number(), z.number(), z.string(), z.string(), z.string(), z.string(), z.string().regex(/^[0-9a-f]{64}$/)]);
type Entry = z.infer<typeof Entry>;
const CacheJson = z.object({ cacheVersion: z.literal(1), source: z.string(), files: z.record(z.string(), Entry) });

/** The metadata a cache entry is keyed on (as write-tree's ScannedFile has it). */
export interface CachedFileStat {
  path: string;
  size: number;
  mode: number;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  dev: string;
}

/**
 * Files whose mtime or ctime is this close to the start of the scan are not remembered: a change in
 * the same clock tick as the scan could leave the metadata equal while the content differs.
 */
const RACY_WINDOW_NS = 2_000_000_000n;

export class SnapshotCache {
  private readonly next = new Map<string, Entry>();

  private constructor(
    private readonly path: string,
    private readonly source: string,
    private readonly previous: Map<string, Entry>,
  ) {}

  /** The cache of `source` (an absolute folder) for `key` (a branch); empty when absent or unreadable. */
  static load(repo: Repository, source: string, key: string): SnapshotCache {
    const name = createHash('sha256').update(`${source}\0${key}`).digest('hex').slice(0, 32);
    const path = join(repo.root, CACHE_DIR, `snapshot-${name}.json`);
    let previous = new Map<string, Entry>();
    try {
      const parsed = CacheJson.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (parsed.success && parsed.data.source === source) previous = new Map(Object.entries(parsed.data.files));
    } catch {
      // absent or damaged: every file is read
    }
    return new SnapshotCache(path, source, previous);
  }

  /** Files remembered from the last scan. */
  get size(): number {
    return this.previous.size;
  }

  /** Their bytes. */
  get bytes(): number {
    let total = 0;
    for (const e of this.previous.values()) total += e[0];
    return total;
  }

  /** The content id remembered for a file whose metadata is unchanged, else undefined. */
  lookup(file: CachedFileStat): string | undefined {
    const e = this.previous.get(file.path);
    if (!e) return undefined;
    const [size, mode, mtimeNs, ctimeNs, ino, dev, id] = e;
    if (size !== file.size || mode !== file.mode || mtimeNs !== file.mtimeNs || ctimeNs !== file.ctimeNs || ino !== file.ino || dev !== file.dev) {
      return undefined;
    }
    return id;
  }

  /** Remembers a file for the next snapshot (unless it changed too close to `scanStartNs`). */
  record(file: CachedFileStat, id: string, scanStartNs: bigint): void {
    if (BigInt(file.mtimeNs) >= scanStartNs - RACY_WINDOW_NS || BigInt(file.ctimeNs) >= scanStartNs - RACY_WINDOW_NS) return;
    this.next.set(file.path, [file.size, file.mode, file.mtimeNs, file.ctimeNs, file.ino, file.dev, id]);
  }

  /** Writes what was recorded (atomically: a temporary file renamed over the old cache). */
  save(): void {
    const dir = join(this.path, '..');
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, tempFileName());
    writeFileSync(temp, JSON.stringify({ cacheVersion: 1, source: this.source, files: Object.fromEntries(this.next) }));
    try {
      renameSync(temp, this.path);
    } catch (err) {
      try {
        unlinkSync(temp);
      } catch (cleanup) {
        if (!hasErrno(cleanup, 'ENOENT')) throw cleanup;
      }
      throw err;
    }
  }
}

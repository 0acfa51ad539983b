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
import type { ScannedFile } from './scanned-file.js';

export const CACHE_DIR = 'cache';

/** [size, kind and mode, mtimeNs, ctimeNs, ino, dev, id] */
type Entry = [number, number, string, string, string, string, string];
/**
 * The envelope is checked when the cache is read; each entry when it is used (a malformed one is a
 * miss), so that loading a cache of a large folder does not validate every entry up front.
 */
const CacheJson = z.object({
  cacheVersion: z.literal(2),
  source: z.string(),
  // An object, its entries not looked at here (z.record would visit every key: 25 ms at 20,000 files).
  files: z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'files must be an object' }),
});
const ID = /^[0-9a-f]{64}$/;

function isEntry(value: unknown): value is Entry {
  return (
    Array.isArray(value) &&
    value.length === 7 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'string' &&
    typeof value[3] === 'string' &&
    typeof value[4] === 'string' &&
    typeof value[5] === 'string' &&
    typeof value[6] === 'string' &&
    ID.test(value[6])
  );
}

/** The file-type bits a cache entry keeps with the mode, so a file never matches a symlink or folder. */
const KIND_BITS = { file: 0o100000, symlink: 0o120000, directory: 0o040000 } as const;

/** a < b for non-negative decimal strings without leading zeros. */
function decimalLess(a: string, b: string): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}

/** The metadata a cache entry is keyed on: the scan of a file, symlink or folder. */
export type CachedFileStat = ScannedFile;

/**
 * Files whose mtime or ctime is this close to the start of the scan are not remembered: a change in
 * the same clock tick as the scan could leave the metadata equal while the content differs.
 */
const RACY_WINDOW_NS = 2_000_000_000n;

export class SnapshotCache {
  private readonly next = new Map<string, Entry>();
  /** Something was recorded that the cache on disk does not have. */
  private changed = false;
  /** Files and symlinks of the last scan by device and inode, built on the first miss by path. */
  private byInode: Map<string, Entry> | undefined;

  private constructor(
    private readonly path: string,
    private readonly source: string,
    private readonly previous: Map<string, unknown>,
  ) {}

  /** The cache of `source` (an absolute folder) for `key` (a branch); empty when absent or unreadable. */
  static load(repo: Repository, source: string, key: string): SnapshotCache {
    const name = createHash('sha256').update(`${source}\0${key}`).digest('hex').slice(0, 32);
    const path = join(repo.root, CACHE_DIR, `snapshot-${name}.json`);
    let previous = new Map<string, unknown>();
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

  /** The bytes of the files (not folders) remembered. */
  get bytes(): number {
    let total = 0;
    for (const e of this.previous.values()) if (isEntry(e) && (e[1] & 0o170000) === KIND_BITS.file) total += e[0];
    return total;
  }

  /** The content id remembered for a file whose metadata is unchanged, else undefined. */
  lookup(file: CachedFileStat): string | undefined {
    const atPath = this.previous.get(file.path);
    // A file that moved (its folder was renamed) keeps its inode and times: found by inode instead.
    const e = isEntry(atPath) ? atPath : file.kind === 'directory' ? undefined : this.inodeIndex().get(`${file.dev}:${file.ino}`);
    if (!e) return undefined;
    const [size, mode, mtimeNs, ctimeNs, ino, dev, id] = e;
    if (
      size !== file.size ||
      mode !== (file.mode | KIND_BITS[file.kind]) ||
      mtimeNs !== file.mtimeNs ||
      ctimeNs !== file.ctimeNs ||
      ino !== file.ino ||
      dev !== file.dev
    ) {
      return undefined;
    }
    // Still true next time: keep the entry as it is (under its new path if the file moved).
    if (e !== atPath) this.changed = true;
    this.next.set(file.path, e);
    return id;
  }

  private inodeIndex(): Map<string, Entry> {
    if (!this.byInode) {
      this.byInode = new Map();
      for (const e of this.previous.values()) {
        if (isEntry(e) && (e[1] & 0o170000) !== KIND_BITS.directory) this.byInode.set(`${e[5]}:${e[4]}`, e);
      }
    }
    return this.byInode;
  }

  /**
   * Remembers an entry for the next snapshot, unless it changed too close to the scan (`recentNs`:
   * the scan's start less the window, as a decimal string) for its metadata to prove anything.
   */
  record(file: CachedFileStat, id: string, recentNs: string): void {
    this.changed = true;
    if (!decimalLess(file.mtimeNs, recentNs) || !decimalLess(file.ctimeNs, recentNs)) {
      this.next.delete(file.path);
      return;
    }
    this.next.set(file.path, [file.size, file.mode | KIND_BITS[file.kind], file.mtimeNs, file.ctimeNs, file.ino, file.dev, id]);
  }

  /** The threshold `record` takes for a scan that started at `scanStartMs`. */
  static recentThreshold(scanStartMs: number): string {
    const ns = BigInt(scanStartMs) * 1_000_000n - RACY_WINDOW_NS;
    return (ns < 0n ? 0n : ns).toString();
  }

  /**
   * Writes what was recorded (atomically: a temporary file renamed over the old cache); nothing when
   * every entry was found unchanged and none disappeared.
   */
  save(): void {
    if (!this.changed && this.next.size === this.previous.size) return;
    const dir = join(this.path, '..');
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, tempFileName());
    writeFileSync(temp, JSON.stringify({ cacheVersion: 2, source: this.source, files: Object.fromEntries(this.next) }));
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

import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { BigIntStats, Stats } from 'node:fs';
import { StrataError, hasErrno } from '../errors/index.js';
import type { TreeEntry } from '../format/tree.js';
import { ChunkWindows } from '../chunking/stream.js';
import { storeContent, withFileSource } from '../store/file-content.js';
import type { ScannedFile } from '../store/scanned-file.js';
import { chunkingFor, type Repository } from '../store/repository.js';
import { ObjectWorkerPool } from '../store/worker-pool.js';
import { Semaphore } from '../util/concurrency.js';
import { joinPath } from './buffer-path.js';

export interface ScanWarning {
  /** CHANGING: the file kept changing while it was read, so it was left out rather than stored torn. */
  code: 'UNREADABLE' | 'SPECIAL_FILE' | 'VANISHED' | 'CHANGING';
  path: string;
  message: string;
}

export interface WriteTreeProgress {
  files: number;
  bytes: number;
}

export type { ScannedFile } from '../store/scanned-file.js';

/** What an entry is stored as: its id (content, symlink target blob, or tree) and its size. */
export interface StoredFile {
  id: string;
  size: number;
}

export interface WriteTreeOptions {
  repo: Repository;
  /** The folder to store. */
  dir: string;
  /** Return true to leave a path (relative, `/`-separated) out. */
  exclude?: (relativePath: string, isDirectory: boolean) => boolean;
  onWarning?: (warning: ScanWarning) => void;
  onProgress?: (progress: WriteTreeProgress) => void;
  /** Files processed at once (default 32). */
  concurrency?: number;
  /**
   * Asked for each file and symlink before it is read, and for each folder whose entries were all
   * reused (with `size` its entry count) before its tree is built: the stored id of an entry known to
   * be unchanged, or undefined to read it (the basis of incremental snapshots).
   */
  reuse?: (file: ScannedFile) => StoredFile | undefined | Promise<StoredFile | undefined>;
  /** Told of each file, symlink and folder in the tree: its scan, its id, and whether it was reused. */
  onFile?: (file: ScannedFile, stored: StoredFile, reused: boolean) => void;
}

export interface WriteTreeResult {
  id: string;
  files: number;
  /** Files whose content was reused without reading them. */
  reusedFiles: number;
  directories: number;
  symlinks: number;
  /** Logical bytes of file content. */
  bytes: number;
  newObjects: number;
  newStoredBytes: number;
  warnings: ScanWarning[];
}

/**
 * Files up to this size are read whole, synchronously (cheaper than a thread-pool round trip for small
 * files); larger ones are streamed through the chunker.
 */
const READ_WHOLE_LIMIT = 1024 * 1024;

/** An entry of a folder being stored, and whether it was reused unread. */
interface Scanned {
  entry: TreeEntry;
  reused: boolean;
}

/** Large files streamed at once. */
const LARGE_IN_FLIGHT = 1;

/**
 * Bytes of a large file's chunks on their way to the object workers (plus the one that crosses it).
 * Two workers keep busy with a few average-size (1 MiB) chunks queued; each queued chunk costs its
 * transfer buffer, and in the worker its object bytes and zlib output, until it is stored.
 */
const POOL_IN_FLIGHT_BYTES = 12 * 1024 * 1024;

/** Files and folders looked at concurrently (bounds memory on folders of any size). */
const ENTRIES_IN_FLIGHT = 256;

/** Times a file that changes while it is read is read again before it is left out. */
const READ_ATTEMPTS = 3;

function scannedFile(path: string, st: BigIntStats, kind: ScannedFile['kind'] = 'file', size = Number(st.size)): ScannedFile {
  return {
    path,
    kind,
    size,
    mode: Number(st.mode & 0o7777n),
    mtimeNs: st.mtimeNs.toString(),
    ctimeNs: st.ctimeNs.toString(),
    ino: st.ino.toString(),
    dev: st.dev.toString(),
  };
}

function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

/** Exact milliseconds from the nanosecond time (a float mtimeMs can round across a millisecond). */
function mtimeOf(st: BigIntStats): number {
  const ns = st.mtimeNs;
  const ms = ns / 1_000_000n;
  return Number(ns < 0n && ms * 1_000_000n !== ns ? ms - 1n : ms);
}

/**
 * Stores a folder: every file (streamed, chunked), symlink (never followed) and subfolder (empty ones
 * too), with modes and mtimes; returns the root tree id. Objects are written before the trees that
 * name them. Unreadable entries and special files (sockets, FIFOs, devices) are skipped with a
 * warning; the repository folder itself is never stored.
 */
export async function writeTree(options: WriteTreeOptions): Promise<WriteTreeResult> {
  const { repo } = options;
  const chunking = chunkingFor(repo.config);
  const small = new Semaphore(options.concurrency ?? 32);
  const large = new Semaphore(LARGE_IN_FLIGHT);
  const windows = new ChunkWindows(LARGE_IN_FLIGHT);
  const warnings: ScanWarning[] = [];
  const totals = { files: 0, reusedFiles: 0, directories: 0, symlinks: 0, bytes: 0, newObjects: 0, newStoredBytes: 0 };
  const warn = (w: ScanWarning): void => {
    warnings.push(w);
    options.onWarning?.(w);
  };
  const count = (r: { newObjects: number; newStoredBytes: number }): void => {
    totals.newObjects += r.newObjects;
    totals.newStoredBytes += r.newStoredBytes;
  };
  const repoStat = await stat(repo.root, { bigint: true });

  let rootStat: Stats;
  try {
    rootStat = await stat(options.dir);
  } catch (err) {
    throw new StrataError('FILE_NOT_FOUND', `cannot read folder ${options.dir}: ${(err as Error).message}`, { cause: err });
  }
  if (!rootStat.isDirectory()) throw new StrataError('INVALID_ARGUMENT', `${options.dir} is not a folder`);

  // Workers start with the first file that has to be read (an unchanged folder needs none).
  const lazy: { pool: ObjectWorkerPool | undefined | null } = { pool: null };
  const workers = (): ObjectWorkerPool | undefined => (lazy.pool === null ? (lazy.pool = ObjectWorkerPool.start(repo)) : lazy.pool);
  const storeFile = async (path: Buffer, st: BigIntStats): Promise<{ id: string; size: number }> => {
    const pool = workers();
    if (pool && st.size <= BigInt(READ_WHOLE_LIMIT)) {
      const r = await pool.storeFile(path);
      if (!r.ok) {
        if (r.store) throw new StrataError('IO_ERROR', `cannot store ${path.toString()}: ${r.message}`);
        throw Object.assign(new Error(r.message), { code: r.code });
      }
      count(r);
      return { id: r.id, size: r.size };
    }
    if (st.size <= BigInt(READ_WHOLE_LIMIT)) {
      return small.run(async () => {
        const data = readFileSync(path);
        const r = await storeContent({ objects: repo.objects, strategy: chunking.forFile({ name: path.toString(), size: data.length }), source: data, write: true });
        count(r);
        return { id: r.id, size: r.size };
      });
    }
    return large.run(async () => {
      const r = await withFileSource(path, (source) =>
        storeContent({
          objects: repo.objects,
          strategy: chunking.forFile({ name: path.toString(), size: Number(st.size) }),
          source,
          write: true,
          ...(pool ? { writeChunk: (chunk: Uint8Array) => pool.storeChunk(chunk), copiesChunks: true, inFlight: 1, inFlightBytes: POOL_IN_FLIGHT_BYTES, windows } : {}),
        }),
      );
      count(r);
      return { id: r.id, size: r.size };
    });
  };

  /**
   * Stores a file and checks, by its metadata, that it did not change while it was read: a file that
   * did is read again, and one that keeps changing is left out with a warning, never stored torn.
   */
  const storeStable = async (path: Buffer, rel: string, st: BigIntStats): Promise<{ stored: StoredFile; st: BigIntStats } | undefined> => {
    for (let attempt = 1; ; attempt++) {
      const stored = await storeFile(path, st);
      const after = lstatSync(path, { bigint: true });
      if (sameFile(st, after) && stored.size === Number(after.size)) return { stored, st };
      if (attempt >= READ_ATTEMPTS || !after.isFile()) {
        warn({ code: 'CHANGING', path: rel, message: `${rel} kept changing while it was read (${attempt} tries); it is left out` });
        return undefined;
      }
      st = after;
    }
  };

  /**
   * Entries being worked on at once, across the whole tree: a folder takes a slot for each of its
   * entries before it starts it (so an entry not yet started costs nothing but its name), and the
   * entry gives it back when done, except that a folder gives it back before going into its entries
   * (so folders never wait on their own contents). Without this every entry of the tree would start
   * at once and memory would grow with the number of files. Slots go to the newest taker first, so
   * the walk finishes the folders it is in before it opens others (each open folder holds its names).
   */
  const slots = new Semaphore(ENTRIES_IN_FLIGHT, 'lifo');
  /** Scans one entry; the caller has taken a slot for it. */
  const entryFor = async (path: Buffer, rel: string, name: Buffer): Promise<Scanned | undefined> => {
    let held = true;
    const done = (): void => {
      if (held) slots.release();
      held = false;
    };
    try {
      return await scanEntry(path, rel, name, done);
    } finally {
      done();
    }
  };

  const scanEntry = async (path: Buffer, rel: string, name: Buffer, releaseSlot: () => void): Promise<Scanned | undefined> => {
    let st: BigIntStats;
    try {
      st = lstatSync(path, { bigint: true });
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) warn({ code: 'VANISHED', path: rel, message: `${rel} disappeared while it was being read` });
      else warn({ code: 'UNREADABLE', path: rel, message: `cannot read ${rel}: ${(err as Error).message}` });
      return undefined;
    }
    const mtime = mtimeOf(st);
    try {
      if (st.isDirectory()) {
        if (st.dev === repoStat.dev && st.ino === repoStat.ino) return undefined;
        if (options.exclude?.(rel, true)) return undefined;
        releaseSlot();
        const dir = await storeDir(path, rel, st);
        if (dir === undefined) return undefined;
        totals.directories++;
        return { entry: { name, type: 'directory', id: dir.id, mode: Number(st.mode & 0o7777n), mtime }, reused: dir.reused };
      }
      if (options.exclude?.(rel, false)) return undefined;
      if (st.isSymbolicLink()) {
        const scan = scannedFile(rel, st, 'symlink');
        const offered = options.reuse?.(scan);
        // An answer given at once is taken without a pause: a scan of unchanged files then runs depth
        // first instead of starting every file of the tree before finishing any.
        let stored = offered instanceof Promise ? await offered : offered;
        const reused = stored !== undefined;
        if (!stored) {
          const target = readlinkSync(path, { encoding: 'buffer' });
          const r = await repo.objects.writeBlob(target);
          count({ newObjects: r.written ? 1 : 0, newStoredBytes: r.storedSize });
          stored = { id: r.id, size: target.length };
        }
        options.onFile?.(scan, stored, reused);
        totals.symlinks++;
        return { entry: { name, type: 'symlink', id: stored.id, size: stored.size, mtime }, reused };
      }
      if (st.isFile()) {
        let scan = scannedFile(rel, st);
        const offered = options.reuse?.(scan);
        // An answer given at once is taken without a pause: a scan of unchanged files then runs depth
        // first instead of starting every file of the tree before finishing any.
        let stored = offered instanceof Promise ? await offered : offered;
        const reused = stored !== undefined;
        if (stored) totals.reusedFiles++;
        else {
          const read = await storeStable(path, rel, st);
          if (!read) return undefined;
          if (read.st !== st) {
            st = read.st;
            scan = scannedFile(rel, st);
          }
          stored = read.stored;
        }
        options.onFile?.(scan, stored, reused);
        totals.files++;
        totals.bytes += stored.size;
        options.onProgress?.({ files: totals.files, bytes: totals.bytes });
        const mode = Number(st.mode & 0o7777n);
        return { entry: { name, type: mode & 0o100 ? 'executable' : 'file', id: stored.id, size: stored.size, mode, mtime: mtimeOf(st) }, reused };
      }
      warn({ code: 'SPECIAL_FILE', path: rel, message: `skipped ${rel}: sockets, FIFOs and devices are not stored` });
      return undefined;
    } catch (err) {
      if (err instanceof StrataError) throw err;
      if (hasErrno(err, 'ENOENT')) warn({ code: 'VANISHED', path: rel, message: `${rel} disappeared while it was being read` });
      else warn({ code: 'UNREADABLE', path: rel, message: `cannot read ${rel}: ${(err as Error).message}` });
      return undefined;
    }
  };

  /**
   * Stores a folder's tree; a folder whose entries were all reused, and whose own metadata the reuse
   * hook recognises, is reused whole without building its tree again.
   */
  const storeDir = async (path: Buffer, rel: string, st: BigIntStats): Promise<{ id: string; reused: boolean } | undefined> => {
    let names: Buffer[];
    try {
      names = readdirSync(path, { encoding: 'buffer' });
    } catch (err) {
      warn({ code: 'UNREADABLE', path: rel || '.', message: `cannot read folder ${rel || '.'}: ${(err as Error).message}` });
      return undefined;
    }
    const started: Array<Promise<Scanned | undefined>> = [];
    let failed = false;
    for (const name of names) {
      await slots.acquire();
      if (failed) {
        slots.release();
        break;
      }
      const childRel = rel === '' ? name.toString('utf8') : `${rel}/${name.toString('utf8')}`;
      const entry = entryFor(joinPath(path, name), childRel, name);
      // A failure stops the folder (Promise.all below rethrows it); until then it is handled here.
      entry.catch(() => (failed = true));
      started.push(entry);
    }
    const scanned = await Promise.all(started);
    const kept = scanned.filter((e): e is Scanned => e !== undefined);
    const scan = scannedFile(rel, st, 'directory', kept.length);
    if (options.reuse && kept.every((e) => e.reused)) {
      const offered = options.reuse(scan);
      const stored = offered instanceof Promise ? await offered : offered;
      if (stored) {
        options.onFile?.(scan, stored, true);
        return { id: stored.id, reused: true };
      }
    }
    const r = await repo.objects.writeTree(kept.map((e) => e.entry));
    count({ newObjects: r.written ? 1 : 0, newStoredBytes: r.storedSize });
    options.onFile?.(scan, { id: r.id, size: kept.length }, false);
    return { id: r.id, reused: false };
  };

  let id: string | undefined;
  try {
    id = (await storeDir(Buffer.from(options.dir), '', lstatSync(options.dir, { bigint: true })))?.id;
  } finally {
    await lazy.pool?.close();
  }
  if (id === undefined) {
    throw new StrataError('IO_ERROR', `cannot read folder ${options.dir}`, { data: { warnings } });
  }
  return { id, ...totals, warnings };
}

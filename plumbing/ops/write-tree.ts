import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { BigIntStats, Stats } from 'node:fs';
import { StrataError, hasErrno } from '../errors/index.js';
import type { TreeEntry } from '../format/tree.js';
import { storeContent, withFileSource } from '../store/file-content.js';
import { strategyFor, type Repository } from '../store/repository.js';
import { ObjectWorkerPool } from '../store/worker-pool.js';
import { Semaphore } from '../util/concurrency.js';
import { joinPath } from './buffer-path.js';

export interface ScanWarning {
  code: 'UNREADABLE' | 'SPECIAL_FILE' | 'VANISHED';
  path: string;
  message: string;
}

export interface WriteTreeProgress {
  files: number;
  bytes: number;
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
}

export interface WriteTreeResult {
  id: string;
  files: number;
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
  const strategy = strategyFor(repo.config);
  const small = new Semaphore(options.concurrency ?? 32);
  const large = new Semaphore(2);
  const warnings: ScanWarning[] = [];
  const totals = { files: 0, directories: 0, symlinks: 0, bytes: 0, newObjects: 0, newStoredBytes: 0 };
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

  const pool = ObjectWorkerPool.start(repo);
  const storeFile = async (path: Buffer, st: BigIntStats): Promise<{ id: string; size: number }> => {
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
        const r = await storeContent({ objects: repo.objects, strategy, source: data, write: true });
        count(r);
        return { id: r.id, size: r.size };
      });
    }
    return large.run(async () => {
      const r = await withFileSource(path, (source) =>
        storeContent({
          objects: repo.objects,
          strategy,
          source,
          write: true,
          ...(pool ? { writeChunk: (chunk: Uint8Array) => pool.storeChunk(chunk), copiesChunks: true } : {}),
        }),
      );
      count(r);
      return { id: r.id, size: r.size };
    });
  };

  const entryFor = async (path: Buffer, rel: string, name: Buffer): Promise<TreeEntry | undefined> => {
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
        const id = await storeDir(path, rel);
        if (id === undefined) return undefined;
        totals.directories++;
        return { name, type: 'directory', id, mode: Number(st.mode & 0o7777n), mtime };
      }
      if (options.exclude?.(rel, false)) return undefined;
      if (st.isSymbolicLink()) {
        const target = readlinkSync(path, { encoding: 'buffer' });
        const r = await repo.objects.writeBlob(target);
        count({ newObjects: r.written ? 1 : 0, newStoredBytes: r.storedSize });
        totals.symlinks++;
        return { name, type: 'symlink', id: r.id, size: target.length, mtime };
      }
      if (st.isFile()) {
        const { id, size } = await storeFile(path, st);
        totals.files++;
        totals.bytes += size;
        options.onProgress?.({ files: totals.files, bytes: totals.bytes });
        const mode = Number(st.mode & 0o7777n);
        return { name, type: mode & 0o100 ? 'executable' : 'file', id, size, mode, mtime };
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

  const storeDir = async (path: Buffer, rel: string): Promise<string | undefined> => {
    let names: Buffer[];
    try {
      names = readdirSync(path, { encoding: 'buffer' });
    } catch (err) {
      warn({ code: 'UNREADABLE', path: rel || '.', message: `cannot read folder ${rel || '.'}: ${(err as Error).message}` });
      return undefined;
    }
    const entries = await Promise.all(
      names.map((name) => {
        const childRel = rel === '' ? name.toString('utf8') : `${rel}/${name.toString('utf8')}`;
        return entryFor(joinPath(path, name), childRel, name);
      }),
    );
    const r = await repo.objects.writeTree(entries.filter((e): e is TreeEntry => e !== undefined));
    count({ newObjects: r.written ? 1 : 0, newStoredBytes: r.storedSize });
    return r.id;
  };

  let id: string | undefined;
  try {
    id = await storeDir(Buffer.from(options.dir), '');
  } finally {
    await pool?.close();
  }
  if (id === undefined) {
    throw new StrataError('IO_ERROR', `cannot read folder ${options.dir}`, { data: { warnings } });
  }
  return { id, ...totals, warnings };
}

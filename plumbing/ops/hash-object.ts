import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { StrataError, hasErrno } from '../errors/index.js';
import { defaultConfig, type RepoConfig } from '../format/repo-config.js';
import { storeContent, withFileSource, type ContentSource } from '../store/file-content.js';
import { chunkingFor, type Repository } from '../store/repository.js';
import { ObjectWorkerPool } from '../store/worker-pool.js';

/** Content at least this large is stored by the worker pool (starting it costs about 50 ms). */
const POOL_THRESHOLD = 8 * 1024 * 1024;

export interface HashObjectOptions {
  /** Needed with `write`; without it the default chunking parameters are used. */
  repo?: Repository | undefined;
  /** Files to hash, in order. */
  files?: string[];
  /** Content to hash from a stream (stdin). */
  stdin?: AsyncIterable<Uint8Array> | undefined;
  write?: boolean;
}

export interface HashedObject {
  /** The file path, or `-` for stdin. */
  path: string;
  id: string;
  kind: 'blob' | 'chunks';
  size: number;
  chunks: number;
  /** Objects newly stored (0 without write, or when everything was stored already). */
  newObjects: number;
}

/**
 * The id a file has (or gets, with `write`): a blob when its content is one chunk, otherwise a chunk
 * list. Content is streamed in bounded memory whatever its size.
 */
export async function hashObject(options: HashObjectOptions): Promise<HashedObject[]> {
  const write = options.write ?? false;
  if (write && !options.repo) throw new StrataError('NO_REPOSITORY', 'hash-object -w needs a repository');
  const config: RepoConfig = options.repo?.config ?? defaultConfig();
  const chunking = chunkingFor(config);
  const objects = options.repo?.objects;
  let total = 0;
  for (const file of options.files ?? []) {
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new StrataError('INVALID_ARGUMENT', `${file} is not a regular file`);
      total += st.size;
    } catch (err) {
      if (err instanceof StrataError) throw err;
      if (hasErrno(err, 'ENOENT')) throw new StrataError('FILE_NOT_FOUND', `${file} does not exist`, { data: { path: file } });
      throw new StrataError('IO_ERROR', `cannot read ${file}: ${(err as Error).message}`, { cause: err, data: { path: file } });
    }
  }
  // Large content is hashed, compressed and written by worker threads while this thread chunks: one
  // core's worth for incompressible content, one per core when it has to be compressed.
  const pool = write && options.repo && (options.stdin || total >= POOL_THRESHOLD) ? ObjectWorkerPool.start(options.repo, Math.max(1, availableParallelism() - 1), availableParallelism()) : undefined;
  const run = async (path: string, source: ContentSource): Promise<HashedObject> => {
    const r = await storeContent({
      // Without a repository nothing is written, so the store is never touched.
      objects: objects as NonNullable<typeof objects>,
      strategy: chunking.forFile(path === '-' ? {} : { name: path }),
      source,
      write,
      ...(pool ? { writeChunk: (chunk: Uint8Array) => pool.storeChunk(chunk), copiesChunks: true, inFlight: 4 } : {}),
    });
    return { path, id: r.id, kind: r.kind, size: r.size, chunks: r.chunks, newObjects: r.newObjects };
  };
  try {
    return await hashAll(options, run);
  } finally {
    await pool?.close();
  }
}

async function hashAll(
  options: HashObjectOptions,
  run: (path: string, source: ContentSource) => Promise<HashedObject>,
): Promise<HashedObject[]> {
  const results: HashedObject[] = [];
  if (options.stdin) results.push(await run('-', options.stdin));
  for (const file of options.files ?? []) {
    try {
      results.push(await withFileSource(file, (source) => run(file, source)));
    } catch (err) {
      if (err instanceof StrataError) throw err;
      throw new StrataError('IO_ERROR', `cannot read ${file}: ${(err as Error).message}`, { cause: err, data: { path: file } });
    }
  }
  return results;
}

import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { StrataError, hasErrno } from '../errors/index.js';
import type { ObjectId } from '../format/object-id.js';
import { readContent, storeContent, withFileSource, type StoredContent } from './file-content.js';
import { computeObjectStats, type CountObjectsResult } from './object-stats.js';
import { tempFileName } from './process-identity.js';
import { strategyFor, type Repository } from './repository.js';

/**
 * The seed's StorageManager: content-addressed storage of files and chunks with deduplication and
 * compression, over a repository's object store.
 */
export class StorageManager {
  constructor(private readonly repo: Repository) {}

  /** Stores a file (streamed and chunked); returns its id and how it was stored. */
  async storeFile(path: string): Promise<StoredContent> {
    try {
      return await withFileSource(path, (source) =>
        storeContent({ objects: this.repo.objects, strategy: strategyFor(this.repo.config, { name: path }), source, write: true }),
      );
    } catch (err) {
      if (err instanceof StrataError) throw err;
      if (hasErrno(err, 'ENOENT')) throw new StrataError('FILE_NOT_FOUND', `${path} does not exist`, { data: { path } });
      throw new StrataError('IO_ERROR', `cannot read ${path}: ${(err as Error).message}`, { cause: err, data: { path } });
    }
  }

  /** Writes a stored file's content to `outputPath` atomically (temporary file, then rename). */
  async retrieveFile(id: ObjectId, outputPath: string): Promise<{ size: number }> {
    const temp = join(dirname(outputPath), `.${basename(outputPath)}.${tempFileName()}`);
    const handle = await open(temp, 'wx', 0o644);
    let size = 0;
    try {
      for await (const chunk of readContent(this.repo.objects, id)) {
        await handle.write(chunk);
        size += chunk.length;
      }
      await handle.close();
      await rename(temp, outputPath);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    return { size };
  }

  /** Stores one chunk as a blob; returns its id. */
  async storeChunk(chunk: Uint8Array): Promise<ObjectId> {
    return (await this.repo.objects.writeBlob(chunk)).id;
  }

  /** A chunk's bytes, verified against its id. */
  async retrieveChunk(id: ObjectId): Promise<Buffer> {
    return (await this.repo.objects.readKind(id, 'blob')).body;
  }

  /** Objects and bytes per kind. */
  getStorageSize(): Promise<CountObjectsResult> {
    return computeObjectStats(this.repo.objects);
  }
}

/**
 * One side of a comparison: a stored version, or a folder on disk. Reads files by their `/`-separated
 * path from the root, and the files a model references, relative to the model.
 */
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { StrataError, isStrataError, readStoredContent, resolveVersionPath, splitVersionPath, streamStoredContent, type Repository } from '../../../porcelain/index.js';
import type { RelatedFileReader } from '../model/model.js';

export type AssetSideSpec =
  | { kind: 'version'; /** The revision as the user gave it. */ revision: string; /** The version (or tree) id it names. */ id: string }
  | { kind: 'folder'; root: string };

export interface SideFile {
  /** The content id (stored side), undefined on disk. */
  id?: string;
  size: number;
  type: 'file' | 'symlink' | 'directory' | 'other';
}

/** Files larger than this are not decoded (their byte-level summary is still given). */
export const MAX_ASSET_BYTES = 1024 * 1024 * 1024;

export class AssetSide {
  constructor(
    readonly repo: Repository,
    readonly spec: AssetSideSpec,
  ) {}

  /** What is at `path`, or undefined when nothing is. */
  async stat(path: string): Promise<SideFile | undefined> {
    if (this.spec.kind === 'version') {
      try {
        const resolved = await resolveVersionPath(this.repo, splitVersionPath(`${this.spec.id}:${path}`));
        const entry = resolved.entries[resolved.entries.length - 1];
        if (!entry) return { size: 0, type: 'directory' };
        const type = entry.type === 'file' || entry.type === 'executable' ? 'file' : entry.type === 'symlink' ? 'symlink' : 'directory';
        return { id: entry.id, size: entry.size ?? 0, type };
      } catch (err) {
        if (isStrataError(err) && (err.code === 'PATH_NOT_FOUND' || err.code === 'WRONG_KIND')) return undefined;
        throw err;
      }
    }
    try {
      const st = await lstat(this.diskPath(path));
      const type = st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : 'other';
      return { size: st.size, type };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw new StrataError('IO_ERROR', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** A regular file's whole content; undefined when there is no regular file at `path`. */
  async read(path: string, maxBytes = MAX_ASSET_BYTES): Promise<Buffer | undefined> {
    const file = await this.stat(path);
    if (!file || file.type !== 'file') return undefined;
    if (file.size > maxBytes) {
      throw new StrataError('FILE_TOO_LARGE', `${path} has ${file.size} bytes, more than the ${maxBytes} a visual comparison reads`, { data: { path, size: file.size } });
    }
    if (this.spec.kind === 'version') return readStoredContent(this.repo, file.id as string, { expectedSize: file.size, maxBytes });
    try {
      return await readFile(this.diskPath(path));
    } catch (err) {
      throw new StrataError('IO_ERROR', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** A regular file's content as a stream of blocks (for readers that need only its start); undefined when there is no regular file. */
  async stream(path: string): Promise<AsyncIterable<Buffer> | undefined> {
    const file = await this.stat(path);
    if (!file || file.type !== 'file') return undefined;
    if (this.spec.kind === 'version') return streamStoredContent(this.repo, file.id as string);
    return createReadStream(this.diskPath(path), { highWaterMark: 1024 * 1024 });
  }

  /** Reads the files a model at `modelPath` references (paths relative to its folder, `\` or `/`). */
  related(modelPath: string): RelatedFileReader {
    return async (relative) => {
      for (const target of relatedCandidates(modelPath, relative)) {
        const data = await this.read(target);
        if (data !== undefined) return data;
      }
      return undefined;
    };
  }

  /** A short description for messages: the revision, or the folder. */
  get label(): string {
    return this.spec.kind === 'version' ? this.spec.revision : this.spec.root;
  }

  private diskPath(path: string): string {
    if (this.spec.kind !== 'folder') throw new StrataError('INTERNAL', 'a stored side has no disk path');
    const normal = posix.normalize(path);
    if (normal.startsWith('../') || normal === '..' || posix.isAbsolute(normal)) {
      throw new StrataError('UNSAFE_PATH', `${path} is outside the folder`);
    }
    return join(this.spec.root, normal);
  }
}

/**
 * Where `relative`, as written in the file at `from`, may be (root-relative): as written, then with URI
 * escapes decoded; `\` is read as `/`. None for a URI with a scheme or a path that leaves the root.
 */
export function relatedCandidates(from: string, relative: string): string[] {
  if (/^[a-z][a-z0-9+.-]*:/i.test(relative) && !/^[a-z]:[\\/]/i.test(relative)) return [];
  const raw = relative.replace(/\\/g, '/');
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // Not URI-encoded: only the path as written.
  }
  const out: string[] = [];
  for (const rel of [raw, decoded]) {
    const joined = posix.normalize(posix.join(posix.dirname(from), rel));
    if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined) || out.includes(joined)) continue;
    out.push(joined);
  }
  return out;
}

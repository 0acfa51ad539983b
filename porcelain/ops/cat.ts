import { StrataError, readContent, type EntryType, type Repository } from '../../plumbing/index.js';
import { resolveVersionPath, splitVersionPath } from './version-path.js';

export interface CatPathOptions {
  repo: Repository;
  /** `<version>:<path>`: a file (or symlink) of a version. */
  spec: string;
  /**
   * Receives the content block by block, in order. It is awaited, so a slow reader slows the reading
   * and memory stays bounded whatever the file's size.
   */
  write: (block: Buffer) => void | Promise<void>;
}

export interface CatPathResult {
  /** The version (or tree) the revision resolved to. */
  version: string;
  path: string;
  /** The file's content id (a blob or a chunk list; for a symlink, the blob of its target). */
  id: string;
  type: EntryType;
  /** Bytes written. */
  size: number;
  mode?: number;
  mtime: number;
}

/**
 * Streams one file of a version (every object verified as it is read). A symlink's content is its
 * target. A folder is an error that points at `ls`.
 */
export async function catPath(options: CatPathOptions): Promise<CatPathResult> {
  const { repo } = options;
  const spec = splitVersionPath(options.spec);
  if (spec.parts.length === 0) {
    throw new StrataError('INVALID_ARGUMENT', `"${options.spec}" names a whole version, not a file: use <version>:<path>`, {
      hint: `list its files with \`strata ls ${spec.revision}\``,
    });
  }
  const resolved = await resolveVersionPath(repo, spec);
  const entry = resolved.entries[resolved.entries.length - 1];
  if (!entry) throw new StrataError('INTERNAL', 'a resolved path has no entry');
  if (entry.type === 'directory') {
    throw new StrataError('WRONG_KIND', `"${resolved.path}" in ${spec.revision} is a folder, not a file`, {
      hint: `list it with \`strata ls ${spec.revision} ${resolved.path}\``,
      data: { revision: spec.revision, path: resolved.path },
    });
  }
  let size = 0;
  for await (const block of readContent(repo.objects, entry.id)) {
    size += block.length;
    if (size > (entry.size ?? 0)) break;
    await options.write(block);
  }
  if (size !== entry.size) {
    throw new StrataError('OBJECT_CORRUPT', `${resolved.path}: the content of ${entry.id} does not have the ${entry.size ?? 0} bytes the tree records`, {
      data: { id: entry.id, path: resolved.path },
    });
  }
  return {
    version: resolved.version,
    path: resolved.path,
    id: entry.id,
    type: entry.type,
    size,
    ...(entry.mode === undefined ? {} : { mode: entry.mode }),
    mtime: entry.mtime,
  };
}

import { decodeUtf8Name, displayName, type EntryType, type Repository, type TreeEntry } from '../../plumbing/index.js';
import { resolveVersionPath, splitVersionPath } from './version-path.js';

export interface ListVersionPathOptions {
  repo: Repository;
  /** `<version>` or `<version>:<path>`. */
  revision: string;
  /** A folder (or file) inside the version, joined after any `:<path>`. */
  path?: string;
  /** List everything below the folder, folders before their contents. */
  recursive?: boolean;
  /** Read each symlink's target (one small object per symlink). */
  linkTargets?: boolean;
}

export interface VersionPathEntry {
  /** Relative to the listed folder, `/`-separated (display form for names that are not UTF-8). */
  path: string;
  /** Base64 of the path's bytes, when some name on it is not UTF-8. */
  rawPath?: string;
  type: EntryType;
  id: string;
  /** Bytes of content (files) or of the link target (symlinks). */
  size?: number;
  mode?: number;
  /** Milliseconds since the epoch. */
  mtime: number;
  /** A symlink's target (with `linkTargets`); `rawTarget` is its base64 when it is not UTF-8. */
  target?: string;
  rawTarget?: string;
}

export interface ListVersionPathResult {
  version: string;
  tree: string;
  /** The listed path inside the version (`''` for the root). */
  path: string;
  /** What the path is: a folder's entries are listed, a file is listed alone. */
  type: EntryType;
  entries: VersionPathEntry[];
}

function joinParts(parts: Buffer[]): Buffer {
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from('/'), p])));
}

/** Lists a folder of a version (or one file of it), optionally recursively. */
export async function listVersionPath(options: ListVersionPathOptions): Promise<ListVersionPathResult> {
  const { repo } = options;
  const resolved = await resolveVersionPath(repo, splitVersionPath(options.revision, options.path));
  const own = resolved.entries[resolved.entries.length - 1];
  const entries: VersionPathEntry[] = [];

  const describe = async (entry: TreeEntry, parts: Buffer[]): Promise<VersionPathEntry> => {
    const out: VersionPathEntry = { path: parts.map((p) => displayName(p)).join('/'), type: entry.type, id: entry.id, mtime: entry.mtime };
    if (parts.some((p) => decodeUtf8Name(p) === undefined)) out.rawPath = joinParts(parts).toString('base64');
    if (entry.size !== undefined) out.size = entry.size;
    if (entry.mode !== undefined) out.mode = entry.mode;
    if (entry.type === 'symlink' && options.linkTargets) {
      const target = (await repo.objects.readKind(entry.id, 'blob')).body;
      out.target = displayName(target);
      if (decodeUtf8Name(target) === undefined) out.rawTarget = target.toString('base64');
    }
    return out;
  };

  const walk = async (treeId: string, prefix: Buffer[]): Promise<void> => {
    const tree = await repo.objects.readTree(treeId);
    for (const entry of tree.entries) {
      const parts = [...prefix, entry.name];
      entries.push(await describe(entry, parts));
      if (options.recursive && entry.type === 'directory') await walk(entry.id, parts);
    }
  };

  if (own && own.type !== 'directory') entries.push(await describe(own, [own.name]));
  else await walk(own ? own.id : resolved.tree, []);
  return { version: resolved.version, tree: resolved.tree, path: resolved.path, type: own ? own.type : 'directory', entries };
}

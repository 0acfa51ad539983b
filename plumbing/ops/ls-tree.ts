import type { EntryType } from '../format/tree.js';
import { entryDisplayName } from '../format/tree.js';
import { decodeUtf8Name } from '../format/entry-name.js';
import type { Repository } from '../store/repository.js';
import { lookupPath, peelToTree, resolveRevision } from './resolve-revision.js';

export interface LsTreeOptions {
  repo: Repository;
  treeish: string;
  /** A folder inside the tree to list instead of the root. */
  path?: string | undefined;
  recursive?: boolean;
}

export interface LsTreeEntry {
  /** Path relative to the listed folder, `/`-separated (display form for names that are not UTF-8). */
  path: string;
  /** Base64 of the raw path bytes, present only when some name on the path is not valid UTF-8. */
  rawPath?: string;
  type: EntryType;
  id: string;
  size?: number;
  mode?: number;
  mtime: number;
}

/** Lists a tree's entries (recursively with `recursive`, folders included before their contents). */
export async function lsTree(options: LsTreeOptions): Promise<LsTreeEntry[]> {
  const { repo } = options;
  let treeId = await peelToTree(repo, (await resolveRevision(repo, options.treeish)).id);
  if (options.path) {
    const found = await lookupPath(repo, treeId, options.path);
    treeId = found.type === 'directory' ? found.id : treeId;
    if (found.type !== 'directory') {
      const parent = options.path.split('/').slice(0, -1).join('/');
      const listing = await lsTree({ ...options, path: parent, recursive: false });
      const base = options.path.split('/').filter(Boolean).pop() ?? '';
      return listing.filter((e) => e.path === base);
    }
  }
  const out: LsTreeEntry[] = [];
  const walk = async (id: string, prefix: Buffer[]): Promise<void> => {
    const tree = await repo.objects.readTree(id);
    for (const entry of tree.entries) {
      const parts = [...prefix, entry.name];
      const display = parts.map((p) => entryDisplayName({ name: p })).join('/');
      const item: LsTreeEntry = { path: display, type: entry.type, id: entry.id, mtime: entry.mtime };
      if (parts.some((p) => decodeUtf8Name(p) === undefined)) {
        item.rawPath = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from('/'), p]))).toString('base64');
      }
      if (entry.size !== undefined) item.size = entry.size;
      if (entry.mode !== undefined) item.mode = entry.mode;
      out.push(item);
      if (options.recursive && entry.type === 'directory') await walk(entry.id, parts);
    }
  };
  await walk(treeId, []);
  return out;
}

import { StrataError, type Repository } from '../../plumbing/index.js';
import { compileGlob } from '../core/glob.js';
import { displayPath, type DiffNode, type NodeType } from '../core/tree-diff.js';
import { TreeLoader } from './diff.js';
import { branchRef, branchTip, checkScope, listAllVersions, walkFirstParents, type HistoryScope, type VersionRecord } from './version-list.js';

export interface FindOptions extends HistoryScope {
  repo: Repository;
  /** A glob over paths (see GlobMatcher). */
  pattern: string;
}

export interface FindMatch {
  /** The version holding the path. */
  version: string;
  time: number;
  versionName: string;
  path: string;
  /** Base64 of the path's bytes, when some name on it is not valid UTF-8. */
  rawPath?: string;
  type: NodeType;
  /** Content bytes (absent for folders). */
  size?: number;
  /** Content id (a folder's tree id). */
  id: string;
  mode?: number;
  mtime: number;
}

export interface FindResult {
  /** Newest version first; within a version, in tree order. */
  matches: FindMatch[];
  /** The ids of the versions searched, newest first. */
  versions: string[];
  /** Versions searched, and how many held a match. */
  versionsSearched: number;
  versionsMatched: number;
  /** The branch searched (a ref); absent with `all`. */
  branch?: string;
  /** The history ended at a forgotten parent: the last version searched and that parent. */
  forgotten?: { version: string; parent: string };
}

interface Hit {
  key: string;
  node: DiffNode;
}

/**
 * Which versions hold paths matching a glob, newest first: a branch's first-parent history (default:
 * the branch HEAD names), or every version with `all`. Each folder is searched once however many
 * versions share it.
 */
export async function findPaths(options: FindOptions): Promise<FindResult> {
  const { repo } = options;
  checkScope(options);
  const glob = compileGlob(options.pattern);
  const loader = new TreeLoader(repo);
  const memo = new Map<string, Promise<Hit[]>>();

  const search = (treeId: string, prefix: string): Promise<Hit[]> => {
    const memoKey = `${treeId}\0${prefix}`;
    let p = memo.get(memoKey);
    if (!p) {
      p = loader.children(treeId).then(async (children) => {
        const hits: Hit[] = [];
        for (const [name, node] of children) {
          const key = prefix === '' ? name : `${prefix}/${name}`;
          if ((node.type === 'directory') === glob.folders && glob.test(displayPath(key).path)) hits.push({ key, node });
          if (node.type === 'directory') hits.push(...(await search(node.id as string, key)));
        }
        return hits;
      });
      memo.set(memoKey, p);
    }
    return p;
  };

  const result: FindResult = { matches: [], versions: [], versionsSearched: 0, versionsMatched: 0 };
  const visit = async (v: VersionRecord): Promise<boolean> => {
    result.versionsSearched++;
    result.versions.push(v.id);
    const hits = await search(v.tree, '');
    if (hits.length > 0) result.versionsMatched++;
    for (const { key, node } of hits) {
      const { path, rawPath } = displayPath(key);
      const m: FindMatch = { version: v.id, time: v.time, versionName: v.name, path, type: node.type, id: node.id as string, mtime: node.mtime };
      if (rawPath !== undefined) m.rawPath = rawPath;
      if (node.type !== 'directory') m.size = node.size;
      if (node.mode !== undefined) m.mode = node.mode;
      result.matches.push(m);
    }
    return true;
  };

  if (options.all) {
    for (const v of await listAllVersions(repo)) await visit(v);
    return result;
  }
  const branch = await branchRef(repo, options.branch);
  result.branch = branch;
  const tip = await branchTip(repo, branch);
  if (tip === undefined) {
    if (options.branch !== undefined) {
      throw new StrataError('UNKNOWN_BRANCH', `there is no branch ${options.branch}`, { hint: 'list branches with `strata branch`', data: { branch } });
    }
    return result;
  }
  const end = await walkFirstParents(repo, tip, visit);
  if (end.forgotten) result.forgotten = end.forgotten;
  return result;
}

import { REF_NAMESPACES, type Repository } from '../../plumbing/index.js';
import { diffTrees, type TreeDiff } from '../core/tree-diff.js';
import { TreeLoader } from './diff.js';
import { VersionKeeper, loadVersion, resolveVersion, type VersionRecord } from './version-list.js';

export interface ShowOptions {
  repo: Repository;
  /** Any revision naming a version (`main`, `main~1`, a tag, an id prefix). */
  version: string;
  /** Pair deleted and added paths with equal content as renames (default true). */
  renames?: boolean;
}

export interface ShowResult {
  version: VersionRecord & {
    /** Tag refs naming it (short names). */
    tagRefs: string[];
    /** Branches whose newest version it is (short names). */
    branches: string[];
    /** Regular files and their bytes. */
    files: number;
    bytes: number;
  };
  /** The first parent the change is measured against; absent for a first version or a forgotten parent. */
  parent?: { id: string; time: number; name: string };
  /** The first parent's id when retention forgot it: there is then no change to show. */
  forgottenParent?: string;
  /**
   * What changed against the first parent (against an empty folder for a first version); absent when
   * that parent was forgotten.
   */
  changes?: TreeDiff;
}

async function refNamesFor(repo: Repository, namespace: string, id: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await repo.refs.list(namespace)) {
    const value = await repo.refs.readValue(name);
    if (value?.kind === 'direct' && value.id === id) out.push(name.slice(namespace.length));
  }
  return out;
}

/** A version's metadata and a summary of its change against its first parent. */
export async function showVersion(options: ShowOptions): Promise<ShowResult> {
  const { repo } = options;
  const v = await resolveVersion(repo, options.version);
  const loader = new TreeLoader(repo);
  const [tagRefs, branches, totals] = await Promise.all([
    refNamesFor(repo, REF_NAMESPACES.tags, v.id),
    refNamesFor(repo, REF_NAMESPACES.heads, v.id),
    loader.totals(v.tree),
  ]);
  const result: ShowResult = { version: { ...v, tagRefs, branches, ...totals } };
  const parentId = v.parents[0];
  const renames = options.renames === undefined ? {} : { renames: options.renames };
  const current = loader.root(v.tree);
  if (parentId === undefined) {
    await loader.expandAll(current);
    result.changes = diffTrees({ new: current, ...renames });
  } else if (await new VersionKeeper(repo).isKept(parentId)) {
    const parent = await loadVersion(repo, parentId);
    result.parent = { id: parent.id, time: parent.time, name: parent.name };
    const before = loader.root(parent.tree);
    await loader.expandPair(before, current);
    result.changes = diffTrees({ old: before, new: current, ...renames });
  } else {
    result.forgottenParent = parentId;
  }
  return result;
}

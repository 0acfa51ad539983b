import { REF_NAMESPACES, StrataError, type Repository } from '../../plumbing/index.js';
import { diffTrees, type DiffNode, type DirNode } from '../core/tree-diff.js';
import { TreeLoader, splitPath } from './diff.js';
import {
  VersionKeeper,
  branchRef,
  branchTip,
  checkScope,
  listAllVersions,
  loadVersion,
  walkFirstParents,
  type HistoryScope,
  type VersionRecord,
} from './version-list.js';

export interface LogOptions extends HistoryScope {
  repo: Repository;
  /** Only versions in which this path (a file or folder, `/`-separated) changed against their parent. */
  path?: string | undefined;
  /** Only versions with this label (recorded in the version) or named by the tag ref `refs/tags/<tag>`. */
  tag?: string | undefined;
  /** Only milestones. */
  milestone?: boolean | undefined;
  /** Only versions made at or after this time (ms since the epoch). */
  since?: number | undefined;
  /** Only versions made at or before this time (ms since the epoch). */
  until?: number | undefined;
  /** Only versions whose name or description contains this text (case-insensitive). */
  grep?: string | undefined;
  /** At most this many versions. */
  limit?: number | undefined;
  /** Count the files and bytes of each version (reads every tree once; shared folders are read once). */
  totals?: boolean | undefined;
}

export interface LogEntry extends VersionRecord {
  /** Tag refs naming this version (`refs/tags/<name>`, short names). */
  tagRefs: string[];
  /** Branches whose newest version this is (short names). */
  branches: string[];
  /** The first parent, when it was forgotten by retention (history ends there). */
  forgottenParent?: string;
  /** With `totals`: regular files and their bytes. */
  files?: number;
  bytes?: number;
}

export interface LogResult {
  /** Newest first. */
  entries: LogEntry[];
  /** The branch walked (a ref); absent with `all`. */
  branch?: string;
  /**
   * Why the listing ends: `root` (a first version), `forgotten` (the next parent was forgotten),
   * `limit` (`limit` versions listed), `all` (every version listed), `empty` (the branch has no versions).
   */
  end: 'root' | 'forgotten' | 'limit' | 'all' | 'empty';
  /** With `end: 'forgotten'`: the last version walked and its forgotten parent. */
  forgotten?: { version: string; parent: string };
}

/** Short names of refs in a namespace, per id they name. */
async function refsById(repo: Repository, namespace: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const name of await repo.refs.list(namespace)) {
    const value = await repo.refs.readValue(name);
    if (value?.kind !== 'direct') continue;
    const short = name.slice(namespace.length);
    const list = out.get(value.id);
    if (list) list.push(short);
    else out.set(value.id, [short]);
  }
  return out;
}

/** A node as the only child of a folder, so two nodes of any types can be compared with diffTrees. */
function wrap(node: DiffNode | undefined): DirNode {
  return { type: 'directory', mtime: 0, children: new Map(node ? [['x', node]] : []) };
}

/** Whether what a path holds differs between two trees (content, type or permission bits). */
async function changedAt(loader: TreeLoader, path: string, version: VersionRecord, parent: VersionRecord | undefined): Promise<boolean> {
  if (parent && parent.tree === version.tree) return false;
  const b = await loader.nodeAt(loader.root(version.tree), path);
  const a = parent ? await loader.nodeAt(loader.root(parent.tree), path) : undefined;
  if (!a && !b) return false;
  if (!a || !b) return true;
  if (a.type === 'directory' && b.type === 'directory') await loader.expandPair(a, b);
  else {
    if (a.type === 'directory') await loader.expandAll(a);
    if (b.type === 'directory') await loader.expandAll(b);
  }
  return diffTrees({ old: wrap(a), new: wrap(b), renames: false }).entries.length > 0;
}

/**
 * The history of a branch (default: the one HEAD names), newest first, following first parents until
 * a first version or a parent that retention forgot; or, with `all`, every version the repository
 * keeps. Filters combine (all must hold); `limit` applies after them.
 */
export async function log(options: LogOptions): Promise<LogResult> {
  const { repo } = options;
  checkScope(options);
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
    throw new StrataError('INVALID_ARGUMENT', `the limit must be a whole number of versions, not ${options.limit}`);
  }
  const path = options.path === undefined ? undefined : splitPath(options.path).join('/');
  const grep = options.grep?.toLowerCase();
  const [tagRefs, branchRefs] = await Promise.all([refsById(repo, REF_NAMESPACES.tags), refsById(repo, REF_NAMESPACES.heads)]);
  const loader = new TreeLoader(repo);
  const entries: LogEntry[] = [];

  const keep = async (v: VersionRecord, parent: VersionRecord | undefined): Promise<boolean> => {
    if (options.milestone && !v.milestone) return false;
    if (options.since !== undefined && v.time < options.since) return false;
    if (options.until !== undefined && v.time > options.until) return false;
    if (options.tag !== undefined && !v.tags.includes(options.tag) && !(tagRefs.get(v.id) ?? []).includes(options.tag)) return false;
    if (grep !== undefined && !`${v.name}\n${v.description}`.toLowerCase().includes(grep)) return false;
    if (path !== undefined && !(await changedAt(loader, path, v, parent))) return false;
    return true;
  };
  const add = async (v: VersionRecord, forgottenParent: string | undefined): Promise<void> => {
    const entry: LogEntry = { ...v, tagRefs: tagRefs.get(v.id) ?? [], branches: branchRefs.get(v.id) ?? [] };
    if (forgottenParent !== undefined) entry.forgottenParent = forgottenParent;
    if (options.totals) Object.assign(entry, await loader.totals(v.tree));
    entries.push(entry);
  };
  const full = (): boolean => options.limit !== undefined && entries.length >= options.limit;

  if (options.all) {
    const keeper = new VersionKeeper(repo);
    for (const v of await listAllVersions(repo)) {
      if (full()) return { entries, end: 'limit' };
      const parentId = v.parents[0];
      const parent = parentId !== undefined && (await keeper.isKept(parentId)) ? await loadVersion(repo, parentId) : undefined;
      if (await keep(v, parent)) await add(v, parentId !== undefined && !parent ? parentId : undefined);
    }
    return { entries, end: 'all' };
  }

  const branch = await branchRef(repo, options.branch);
  const tip = await branchTip(repo, branch);
  if (tip === undefined) {
    if (options.branch !== undefined) {
      throw new StrataError('UNKNOWN_BRANCH', `there is no branch ${options.branch}`, {
        hint: 'list branches with `strata branch`',
        data: { branch },
      });
    }
    return { entries, branch, end: 'empty' };
  }
  if (options.limit === 0) return { entries, branch, end: 'limit' };
  const end = await walkFirstParents(repo, tip, async (v, parent) => {
    const parentId = v.parents[0];
    if (await keep(v, parent)) await add(v, parentId !== undefined && !parent ? parentId : undefined);
    return !full();
  });
  if (end.reason === 'stopped') return { entries, branch, end: 'limit' };
  return { entries, branch, end: end.reason, ...(end.forgotten ? { forgotten: end.forgotten } : {}) };
}

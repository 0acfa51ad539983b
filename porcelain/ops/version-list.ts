/**
 * Loading versions for the history commands: one version by revision, a branch's first-parent
 * history (which ends quietly at a parent that retention forgot), and every version the repository
 * keeps (`refs/versions/`).
 */
import {
  REF_NAMESPACES,
  StrataError,
  isObjectId,
  resolveToKind,
  type Repository,
  type VersionBody,
} from '../../plumbing/index.js';
import { currentBranch } from './branches.js';

/** A version with its id: the fields of the `version` object (objects-spec.md section 6.4). */
export interface VersionRecord {
  id: string;
  time: number;
  name: string;
  description: string;
  tags: string[];
  milestone: boolean;
  meta: Record<string, string>;
  parents: string[];
  tree: string;
}

export function toRecord(id: string, body: VersionBody): VersionRecord {
  return {
    id,
    time: body.time,
    name: body.name,
    description: body.description,
    tags: [...body.tags],
    milestone: body.milestone,
    meta: { ...body.meta },
    parents: [...body.parents],
    tree: body.tree,
  };
}

export async function loadVersion(repo: Repository, id: string): Promise<VersionRecord> {
  return toRecord(id, await repo.objects.readVersion(id));
}

/** The version a revision names (`main`, `main~2`, a tag, an id prefix …); WRONG_KIND for other objects. */
export async function resolveVersion(repo: Repository, rev: string): Promise<VersionRecord> {
  return loadVersion(repo, await resolveToKind(repo, rev, ['version']));
}

/** A branch name given by a user (`main` or `refs/heads/main`) as its full ref; undefined: HEAD's branch. */
export async function branchRef(repo: Repository, branch: string | undefined): Promise<string> {
  if (branch === undefined) return currentBranch(repo);
  const ref = branch.startsWith(REF_NAMESPACES.heads) ? branch : `${REF_NAMESPACES.heads}${branch}`;
  return ref;
}

/** The newest version of a branch, or undefined when the branch has none yet. */
export async function branchTip(repo: Repository, ref: string): Promise<string | undefined> {
  return (await repo.refs.resolve(ref))?.id;
}

/** A branch ref without its namespace: `refs/heads/main` -> `main`. */
export function shortBranch(ref: string): string {
  return ref.startsWith(REF_NAMESPACES.heads) ? ref.slice(REF_NAMESPACES.heads.length) : ref;
}

/**
 * Tells whether a version is still kept: its object is stored and a ref keeps it (its own
 * `refs/versions/<id>`, or any other ref naming it directly). A parent that is not kept was forgotten
 * by retention (objects-spec.md section 8): history ends there, which is not an error.
 */
export class VersionKeeper {
  private otherRefs: Promise<Set<string>> | undefined;

  constructor(private readonly repo: Repository) {}

  async isKept(id: string): Promise<boolean> {
    if (!(await this.repo.objects.has(id))) return false;
    if ((await this.repo.refs.readValue(`${REF_NAMESPACES.versions}${id}`)) !== undefined) return true;
    this.otherRefs ??= this.loadOtherRefs();
    return (await this.otherRefs).has(id);
  }

  private async loadOtherRefs(): Promise<Set<string>> {
    const ids = new Set<string>();
    const names = (await this.repo.refs.list('refs/')).filter((n) => !n.startsWith(REF_NAMESPACES.versions));
    for (const name of ['HEAD', ...names]) {
      const value = await this.repo.refs.readValue(name);
      if (value?.kind === 'direct') ids.add(value.id);
    }
    return ids;
  }
}

/** How a first-parent walk ended. */
export interface WalkEnd {
  /** `root`: a first version; `forgotten`: the next parent was forgotten; `stopped`: the visitor stopped. */
  reason: 'root' | 'forgotten' | 'stopped';
  /** The version whose parent was forgotten, and that parent. */
  forgotten?: { version: string; parent: string };
}

/**
 * Visits a version and its first parents, newest first, until a first version, a forgotten parent, or
 * `visit` returning false. `visit` also gets the first parent when it is still kept.
 */
export async function walkFirstParents(
  repo: Repository,
  start: string,
  visit: (version: VersionRecord, parent: VersionRecord | undefined) => boolean | Promise<boolean>,
): Promise<WalkEnd> {
  const keeper = new VersionKeeper(repo);
  let current = await loadVersion(repo, start);
  for (;;) {
    const parentId = current.parents[0];
    const parent = parentId !== undefined && (await keeper.isKept(parentId)) ? await loadVersion(repo, parentId) : undefined;
    if (!(await visit(current, parent))) return { reason: 'stopped' };
    if (parentId === undefined) return { reason: 'root' };
    if (!parent) return { reason: 'forgotten', forgotten: { version: current.id, parent: parentId } };
    current = parent;
  }
}

/** The id of every version kept by a `refs/versions/` ref. */
export async function keptVersionIds(repo: Repository): Promise<string[]> {
  const names = await repo.refs.list(REF_NAMESPACES.versions);
  const ids: string[] = [];
  for (const name of names) {
    const suffix = name.slice(REF_NAMESPACES.versions.length);
    if (isObjectId(suffix)) {
      ids.push(suffix);
      continue;
    }
    // A ref not named after its id (written by hand): what it names counts.
    const value = await repo.refs.readValue(name);
    if (value?.kind === 'direct') ids.push(value.id);
  }
  return [...new Set(ids)];
}

/**
 * Every version the repository keeps (`refs/versions/`), newest first (ties by id). A ref whose version
 * object is missing is an integrity failure (OBJECT_MISSING); a ref to another kind is skipped.
 */
export async function listAllVersions(repo: Repository): Promise<VersionRecord[]> {
  const ids = await keptVersionIds(repo);
  const out: VersionRecord[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      const obj = await repo.objects.read(id);
      if (obj.kind === 'version') out.push(toRecord(id, obj.version));
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, ids.length) }, worker));
  return out.sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The versions a history command looks at: a branch's first-parent history, or every version. */
export interface HistoryScope {
  /** A branch name (default: the one HEAD names). */
  branch?: string | undefined;
  /** Every version in the repository instead of one branch. */
  all?: boolean | undefined;
}

/** Checks that a scope names one branch or all versions, not both. */
export function checkScope(scope: HistoryScope): void {
  if (scope.all && scope.branch !== undefined) {
    throw new StrataError('USAGE', 'give either a branch or all versions, not both');
  }
}

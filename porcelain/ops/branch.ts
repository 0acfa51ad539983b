/**
 * Branches: each is a line of versions, for example one per source folder kept in the same repository
 * (`snapshot --branch site ~/site`, `snapshot --branch art ~/art`); `HEAD` names the one commands use
 * by default.
 */
import { REF_NAMESPACES, StrataError, type Repository } from '../../plumbing/index.js';
import { namedRef, pointNamedRef } from './named-ref.js';

export interface BranchInfo {
  name: string;
  ref: string;
  /** The branch's newest version; absent for the current branch before its first version. */
  id?: string;
  /** The newest version's time, name and source folder (its `source` metadata). */
  time?: number;
  versionName?: string;
  source?: string;
  /** HEAD names this branch. */
  current: boolean;
}

export interface ListBranchesOptions {
  repo: Repository;
}

/** The branch HEAD names (a ref), or undefined when HEAD is detached or names no branch. */
async function headBranch(repo: Repository): Promise<string | undefined> {
  const head = await repo.refs.readValue('HEAD');
  return head?.kind === 'symbolic' && head.target.startsWith(REF_NAMESPACES.heads) ? head.target : undefined;
}

/** Every branch, sorted by name; the current one too when it has no versions yet. */
export async function listBranches(options: ListBranchesOptions): Promise<BranchInfo[]> {
  const { repo } = options;
  const current = await headBranch(repo);
  const refs = await repo.refs.list(REF_NAMESPACES.heads);
  const out: BranchInfo[] = [];
  for (const ref of refs) {
    const resolved = await repo.refs.resolve(ref);
    const info: BranchInfo = { name: ref.slice(REF_NAMESPACES.heads.length), ref, current: ref === current };
    if (resolved?.id !== undefined) {
      info.id = resolved.id;
      const obj = (await repo.objects.has(resolved.id)) ? await repo.objects.read(resolved.id) : undefined;
      if (obj?.kind === 'version') {
        info.time = obj.version.time;
        info.versionName = obj.version.name;
        if (obj.version.meta.source !== undefined) info.source = obj.version.meta.source;
      }
    }
    out.push(info);
  }
  if (current !== undefined && !refs.includes(current)) {
    out.push({ name: current.slice(REF_NAMESPACES.heads.length), ref: current, current: true });
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return out;
}

export interface CreateBranchOptions {
  repo: Repository;
  /** The branch's name: `refs/heads/<name>` is created. */
  name: string;
  /** Where it starts (any revision naming a version; default `HEAD`). */
  version?: string;
  /** Move the branch when it exists already (otherwise BRANCH_EXISTS). */
  force?: boolean;
  /** How long to wait for a repository lock held by gc, ms (default 0). */
  lockWaitMs?: number;
}

export interface CreateBranchResult {
  name: string;
  ref: string;
  id: string;
  /** With `force`, where the branch was before (absent when it did not exist). */
  previous?: string;
}

/** Creates a branch at a version; the next `snapshot --branch <name>` records its version after that one. */
export async function createBranch(options: CreateBranchOptions): Promise<CreateBranchResult> {
  return pointNamedRef({ ...options, namespace: REF_NAMESPACES.heads, kind: 'branch', existsCode: 'BRANCH_EXISTS' });
}

export interface DeleteBranchOptions {
  repo: Repository;
  name: string;
}

export interface DeleteBranchResult {
  name: string;
  ref: string;
  /** The branch's newest version: still kept by its own ref, so nothing is lost. */
  id: string;
}

/** Deletes a branch ref (not the current one). Its versions stay until retention forgets them. */
export async function deleteBranch(options: DeleteBranchOptions): Promise<DeleteBranchResult> {
  const { repo } = options;
  const ref = namedRef(REF_NAMESPACES.heads, options.name, 'branch');
  const current = await repo.refs.readValue(ref);
  if (current === undefined) {
    throw new StrataError('UNKNOWN_BRANCH', `there is no branch ${options.name}`, { hint: 'list branches with `strata branch`', data: { name: options.name } });
  }
  if ((await headBranch(repo)) === ref) {
    throw new StrataError('BRANCH_CURRENT', `${options.name} is the current branch (HEAD names it); it cannot be deleted`, {
      hint: 'point HEAD at another branch first: `strata symbolic-ref HEAD refs/heads/<name>`',
      data: { name: options.name },
    });
  }
  if (current.kind !== 'direct') {
    throw new StrataError('INVALID_ARGUMENT', `the branch ${options.name} is a symbolic ref to ${current.target}; remove it with \`strata update-ref -d --no-deref\``);
  }
  await repo.refs.delete(ref, { expected: current.id });
  return { name: options.name, ref, id: current.id };
}

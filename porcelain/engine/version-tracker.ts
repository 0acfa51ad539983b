import { VersionInfo, commitVersion, REF_NAMESPACES, type Repository } from '../../plumbing/index.js';
import { log, type LogOptions } from '../ops/log.js';
import { branchRef, branchTip, resolveVersion, type VersionRecord } from '../ops/version-list.js';

export interface CreateVersionOptions {
  /** A tree (or a version, whose tree is used). */
  tree: string;
  parents?: string[];
  name?: string;
  description?: string;
  tags?: string[];
  milestone?: boolean;
  metadata?: Record<string, string>;
  /** Also move this branch to the new version (compare-and-swap against its current tip). */
  branch?: string;
}

/** A version record in the seed's `VersionInfo` shape (validated by its zod schema). */
export function toVersionInfo(v: VersionRecord): VersionInfo {
  return VersionInfo.parse({
    id: v.id,
    timestamp: v.time,
    name: v.name,
    tree: v.tree,
    ...(v.parents[0] === undefined ? {} : { parentId: v.parents[0] }),
    parents: v.parents,
    tags: v.tags,
    description: v.description,
    metadata: v.meta,
    isMilestone: v.milestone,
  });
}

/**
 * The seed's VersionTracker: versions and their history, over one repository. A thin, typed facade
 * over the porcelain functions (`log`, `resolveVersion`) and plumbing's `commitVersion`.
 */
export class VersionTracker {
  constructor(readonly repo: Repository) {}

  /** Records a version of a stored tree (kept by its own ref); optionally moves a branch to it. */
  async createVersion(options: CreateVersionOptions): Promise<VersionInfo> {
    const r = await commitVersion({
      repo: this.repo,
      tree: options.tree,
      ...(options.parents === undefined ? {} : { parents: options.parents }),
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      ...(options.milestone === undefined ? {} : { milestone: options.milestone }),
      ...(options.metadata === undefined ? {} : { meta: options.metadata }),
    });
    if (options.branch !== undefined) {
      const ref = await branchRef(this.repo, options.branch);
      const tip = await branchTip(this.repo, ref);
      await this.repo.refs.update(ref, r.id, { expected: tip ?? null, noDeref: true });
    }
    return this.getVersion(r.id);
  }

  /** The version a revision names (`main`, `main~2`, a tag, an id or prefix). */
  async getVersion(revision: string): Promise<VersionInfo> {
    return toVersionInfo(await resolveVersion(this.repo, revision));
  }

  /** The newest version of a branch (default: the one HEAD names), or undefined when it has none. */
  async getLatestVersion(branch?: string): Promise<VersionInfo | undefined> {
    const tip = await branchTip(this.repo, await branchRef(this.repo, branch));
    return tip === undefined ? undefined : this.getVersion(tip);
  }

  /** Versions newest first: a branch's history (default), or with `all` every kept version; filters as `log`. */
  async listVersions(options: Omit<LogOptions, 'repo'> = {}): Promise<VersionInfo[]> {
    const r = await log({ repo: this.repo, ...options });
    return r.entries.map(toVersionInfo);
  }

  /** Ids of every version the repository keeps (its `refs/versions/` refs). */
  async keptVersionIds(): Promise<string[]> {
    return (await this.repo.refs.list(REF_NAMESPACES.versions)).map((n) => n.slice(REF_NAMESPACES.versions.length));
  }
}

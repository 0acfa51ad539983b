import type { Repository } from '../../plumbing/index.js';
import { compareWithFolder, type FolderComparison } from './diff.js';
import { branchRef, branchTip, loadVersion } from './version-list.js';

export interface StatusOptions {
  repo: Repository;
  /** The branch whose last version is compared (default: the one HEAD names). */
  branch?: string;
  /** The folder (default: the folder the branch's last version was taken from). */
  source?: string;
  /** More patterns to leave out, as `snapshot --exclude`. */
  exclude?: string[];
  /** Only paths at or under these. */
  paths?: string[];
}

export interface StatusResult extends FolderComparison {
  /** The branch ref, e.g. `refs/heads/main`. */
  branch: string;
  /** The branch's last version; absent when the branch has no versions yet (everything is added). */
  base?: { id: string; time: number; name: string };
  /** Nothing changed. */
  clean: boolean;
}

/**
 * What changed in a folder since the branch's last version, from metadata alone (one lstat per entry,
 * nothing is read): a file whose size or modification time differs from the version's entry is
 * modified, one whose permission bits differ too; new and missing paths are added and deleted.
 * The same ignore rules as a snapshot apply. `diff <version>` compares contents instead.
 */
export async function status(options: StatusOptions): Promise<StatusResult> {
  const { repo } = options;
  const branch = await branchRef(repo, options.branch);
  const tip = await branchTip(repo, branch);
  const base = tip === undefined ? undefined : await loadVersion(repo, tip);
  const r = await compareWithFolder({
    repo,
    base,
    source: options.source,
    exclude: options.exclude,
    hash: false,
    paths: options.paths,
  });
  return {
    branch,
    ...(base ? { base: { id: base.id, time: base.time, name: base.name } } : {}),
    clean: r.entries.length === 0,
    ...r,
  };
}

import { realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  REF_NAMESPACES,
  SnapshotCache,
  StrataError,
  commitVersion,
  isValidRefName,
  withRepoLock,
  writeTree,
  type Repository,
  type ScanWarning,
  type WriteTreeResult,
} from '../../plumbing/index.js';
import { createIgnoreFilter } from '../scan/ignore-filter.js';
import { currentBranch } from './branches.js';

export interface SnapshotProgress {
  files: number;
  bytes: number;
  /** Files the last snapshot had, and their bytes: an estimate of the totals (0 for a first one). */
  expectedFiles: number;
  expectedBytes: number;
}

export interface SnapshotOptions {
  repo: Repository;
  /** The folder to snapshot. */
  source: string;
  description?: string;
  name?: string;
  tags?: string[];
  milestone?: boolean;
  meta?: Record<string, string>;
  /** The branch to add the version to (default: the one HEAD names). */
  branch?: string;
  /** More patterns to leave out (gitignore syntax, relative to the source). */
  exclude?: string[];
  /** Read every file, trusting no cached metadata. */
  rescan?: boolean;
  /** Record no version when nothing changed since the branch's last one. */
  skipIfUnchanged?: boolean;
  /** How long to wait for a repository lock held by another command, ms (default 0). */
  lockWaitMs?: number;
  onProgress?: (progress: SnapshotProgress) => void;
  onWarning?: (warning: ScanWarning) => void;
}

/** What was scanned and stored (as write-tree counts it), and the version recorded. */
export interface SnapshotResult extends Omit<WriteTreeResult, 'id'> {
  /** The new version; the parent's id when nothing changed and `skipIfUnchanged` was set. */
  id: string;
  tree: string;
  /** The branch's version before this one. */
  parent?: string;
  /** The branch ref, e.g. `refs/heads/main`. */
  branch: string;
  time: number;
  source: string;
  /** The tree is the parent's (nothing changed). */
  unchanged: boolean;
  /** False when `skipIfUnchanged` applied and no version was recorded. */
  created: boolean;
}

/** Attempts at moving the branch when other snapshots keep moving it first. */
const BRANCH_ATTEMPTS = 20;

/**
 * Takes a snapshot of a folder: stores what changed since the branch's last snapshot (files whose
 * size, times, inode and mode are unchanged are not read again), records a version whose parent is
 * that snapshot, keeps it with its own ref and moves the branch to it (compare-and-swap: a snapshot
 * that races another is re-parented onto it, so both are recorded in order). Holds a shared
 * repository lock throughout, so gc cannot remove what it is about to reference.
 */
export async function snapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  const { repo } = options;
  let source: string;
  try {
    source = realpathSync(options.source);
    if (!statSync(source).isDirectory()) throw new StrataError('INVALID_ARGUMENT', `${options.source} is not a folder`);
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError('FILE_NOT_FOUND', `cannot read folder ${options.source}: ${(err as Error).message}`, { cause: err });
  }
  const branch = options.branch === undefined ? await currentBranch(repo) : `${REF_NAMESPACES.heads}${options.branch}`;
  if (!isValidRefName(branch)) throw new StrataError('INVALID_REF_NAME', `${options.branch ?? branch} is not a valid branch name`);

  return withRepoLock({ repo, kind: 'shared', command: 'snapshot', waitMs: options.lockWaitMs ?? 0 }, async () => {
    const cache = SnapshotCache.load(repo, source, branch);
    const recentNs = SnapshotCache.recentThreshold(repo.clock.now());
    // The last scan's totals, as the estimate progress shows: counted once, and only when asked for.
    let expected: { files: number; bytes: number } | undefined;
    const exclude = createIgnoreFilter({ root: source, patterns: [...(repo.config.ignore ?? []), ...(options.exclude ?? [])] });
    const tree = await writeTree({
      repo,
      dir: source,
      exclude,
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      onProgress: (p) => {
        if (!options.onProgress) return;
        expected ??= { files: cache.size, bytes: cache.bytes };
        options.onProgress({ files: p.files, bytes: p.bytes, expectedFiles: expected.files, expectedBytes: expected.bytes });
      },
      reuse: (file) => {
        if (options.rescan) return undefined;
        const id = cache.lookup(file);
        if (id === undefined) return undefined;
        // The cache is never trusted over the objects: an id whose object is gone is read again.
        const present = repo.objects.hasSync(id);
        if (present !== undefined) return present ? { id, size: file.size } : undefined;
        return repo.objects.has(id).then((has) => (has ? { id, size: file.size } : undefined));
      },
      onFile: (file, stored, reused) => {
        // An entry reused from the cache is already kept as it was (by `lookup`).
        if (!reused) cache.record(file, stored.id, recentNs);
      },
    });

    const meta = { host: hostname(), source, ...(options.meta ?? {}) };
    const { id: _tree, ...counts } = tree;
    const base = { branch, source, ...counts };
    for (let attempt = 1; ; attempt++) {
      const head = (await repo.refs.resolve(branch))?.id;
      const parentTree = head === undefined ? undefined : (await repo.objects.readVersion(head)).tree;
      const unchanged = parentTree === tree.id;
      if (unchanged && options.skipIfUnchanged && head !== undefined) {
        cache.save();
        return { ...base, id: head, tree: tree.id, parent: head, time: (await repo.objects.readVersion(head)).time, unchanged, created: false };
      }
      const version = await commitVersion({
        repo,
        tree: tree.id,
        parents: head === undefined ? [] : [head],
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.tags === undefined ? {} : { tags: options.tags }),
        ...(options.milestone === undefined ? {} : { milestone: options.milestone }),
        meta,
      });
      try {
        await repo.refs.update(branch, version.id, { expected: head ?? null, noDeref: true });
      } catch (err) {
        // Another snapshot moved the branch first: withdraw this version and record it after that one.
        if (!(err instanceof StrataError) || err.code !== 'REF_CHANGED' || attempt >= BRANCH_ATTEMPTS) throw err;
        if (version.ref) await repo.refs.delete(version.ref, { expected: version.id });
        continue;
      }
      cache.save();
      return { ...base, id: version.id, tree: tree.id, ...(head === undefined ? {} : { parent: head }), time: version.time, unchanged, created: true };
    }
  });
}

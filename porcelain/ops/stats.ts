import {
  StrataError,
  entryDisplayName,
  mapLimit,
  resolveToKind,
  withRepoLock,
  type RepoConfig,
  type Repository,
  type TreeEntry,
} from '../../plumbing/index.js';
import { computeStorageStats, type StatsVersionInput, type StorageStatsCore } from '../core/storage-stats.js';

export type { ExtensionStats, KindStats, VersionGrowth } from '../core/storage-stats.js';

export interface StatsOptions {
  repo: Repository;
  /** One version (any revision); default: every version a ref names. */
  version?: string;
  /** How long to wait for a repository lock held by another command, ms (default 0). */
  lockWaitMs?: number;
}

export interface StatsResult extends StorageStatsCore {
  /** The version asked for; absent for all versions. */
  version?: string;
  /** The whole repository: every stored object, and those no version in scope reaches. */
  repository: { objects: number; storedBytes: number; otherObjects: number; otherStoredBytes: number };
}

/**
 * The largest content that is always one chunk, so a file of at most this size is stored as a single
 * blob and its kind needs no read.
 */
export function singleBlobLimit(config: RepoConfig): number {
  return config.chunking.algorithm === 'fixed' ? config.chunking.size : config.chunking.minSize;
}

/**
 * Storage statistics for one version or all of them: logical and stored bytes, deduplication and
 * compression ratios, objects per kind, bytes per file extension and growth per version. Reads each
 * tree and chunk list once and never inflates a blob: file sizes come from trees, and only files
 * large enough to have been cut into chunks have their header read. Holds a shared repository lock.
 */
export async function stats(options: StatsOptions): Promise<StatsResult> {
  const { repo } = options;
  return withRepoLock({ repo, kind: 'shared', command: 'stats', waitMs: options.lockWaitMs ?? 0 }, async () => {
    const storedSize = new Map<string, number>();
    let repoStored = 0;
    for await (const info of repo.backend.listObjects()) {
      storedSize.set(info.id, info.storedSize);
      repoStored += info.storedSize;
    }
    const ids = options.version === undefined ? await allVersionIds(repo) : [await resolveToKind(repo, options.version, ['version'])];
    const versions = await mapLimit(ids, 16, async (id): Promise<StatsVersionInput> => {
      const obj = await repo.objects.readKind(id, 'version');
      return { id, time: obj.version.time, name: obj.version.name, tree: obj.version.tree, bodySize: obj.body.length };
    });
    const loaded = await loadTrees(repo, versions.map((v) => v.tree), storedSize);
    const core = computeStorageStats({ versions, trees: loaded.trees, chunkLists: loaded.chunkLists, storedSize, growth: options.version === undefined });
    return {
      ...(options.version === undefined ? {} : { version: ids[0] as string }),
      ...core,
      repository: {
        objects: storedSize.size,
        storedBytes: repoStored,
        otherObjects: storedSize.size - Object.values(core.objects).reduce((n, k) => n + k.count, 0),
        otherStoredBytes: repoStored - core.storedBytes,
      },
    };
  });
}

/** Every version a ref names (refs/versions/*, branches, tags, …), once each. */
async function allVersionIds(repo: Repository): Promise<string[]> {
  const ids = new Set<string>();
  for (const name of ['HEAD', ...(await repo.refs.list('refs/'))]) {
    const id = (await repo.refs.resolve(name))?.id;
    if (id !== undefined) ids.add(id);
  }
  const kinds = await mapLimit([...ids], 16, async (id) => (await repo.objects.readHeader(id)).kind);
  return [...ids].filter((_, i) => kinds[i] === 'version').sort();
}

function missing(id: string, from: string): StrataError {
  return new StrataError('OBJECT_MISSING', `object ${id} (${from}) is not stored`, { hint: 'run `strata check` for the damaged objects and the versions that use them', data: { id } });
}

/** Reads every tree under the roots once, and the chunk lists of files too large to be one blob. */
async function loadTrees(repo: Repository, roots: string[], storedSize: ReadonlyMap<string, number>) {
  const trees = new Map<string, { entries: TreeEntry[]; bodySize: number }>();
  const chunkLists = new Map<string, { chunks: Array<{ id: string; size: number }>; bodySize: number }>();
  const limit = singleBlobLimit(repo.config);
  const queued = new Set<string>();
  const contentSeen = new Set<string>();
  let level = [...new Set(roots)];
  for (const id of level) queued.add(id);
  // Breadth first, one level of the forest at a time, many reads in flight.
  while (level.length > 0) {
    const next: string[] = [];
    const large: string[] = [];
    await mapLimit(level, 16, async (id) => {
      if (!storedSize.has(id)) throw missing(id, 'a tree');
      const obj = await repo.objects.readKind(id, 'tree');
      trees.set(id, { entries: obj.tree.entries, bodySize: obj.body.length });
      for (const e of obj.tree.entries) {
        if (e.type === 'directory') {
          if (!queued.has(e.id)) {
            queued.add(e.id);
            next.push(e.id);
          }
          continue;
        }
        if (contentSeen.has(e.id)) continue;
        contentSeen.add(e.id);
        if (!storedSize.has(e.id)) throw missing(e.id, `content of "${entryDisplayName(e)}" in tree ${id}`);
        if (e.type !== 'symlink' && (e.size ?? 0) > limit) large.push(e.id);
      }
    });
    await mapLimit(large, 16, async (id) => {
      if ((await repo.objects.readHeader(id)).kind !== 'chunks') return;
      const obj = await repo.objects.readKind(id, 'chunks');
      for (const c of obj.chunkList.chunks) if (!storedSize.has(c.id)) throw missing(c.id, `a chunk of ${id}`);
      chunkLists.set(id, { chunks: obj.chunkList.chunks, bodySize: obj.body.length });
    });
    level = next;
  }
  return { trees, chunkLists };
}

import { StrataError, mapLimit, prune, walkReachable, withRepoLock, type ObjectKind, type Repository } from '../../plumbing/index.js';
import { DERIVED_REF_PREFIX, pruneDerived, type DerivedPruneResult } from './derived.js';

export interface GcOptions {
  repo: Repository;
  /** Report what would be freed; remove nothing. */
  dryRun?: boolean;
  /** How long to wait for a repository lock held by another command, ms (default 0). */
  lockWaitMs?: number;
}

export interface GcVersionFreed {
  /** A version no ref reaches any more (forgotten, or made with `commit-version --no-keep`). */
  id: string;
  time: number;
  name: string;
  description: string;
  /** Objects only this version held (itself included) and their stored bytes. */
  objects: number;
  storedBytes: number;
}

export interface GcAmount {
  objects: number;
  storedBytes: number;
}

export interface GcResult {
  dryRun: boolean;
  /** What each unreachable version alone held, oldest first. */
  versions: GcVersionFreed[];
  /** Objects that several unreachable versions held, and no reachable one. */
  shared: GcAmount;
  /** Unreachable objects no version holds (left by interrupted writers, or stored with no ref). */
  other: GcAmount;
  /** Every unreachable object: removed (or to be, with dryRun). */
  total: GcAmount;
  /** Temporary files left by writers that are gone, removed (or to be). */
  tempFiles: string[];
  /**
   * Derived data (thumbnails…) per namespace: entries kept, and entries dropped because their source
   * is no longer reachable (their objects are counted in the totals above, except in a dry run).
   */
  derived: DerivedPruneResult[];
}

/**
 * Removes every object that no ref reaches, whatever its age, and the temporary files of writers that
 * are gone. Holds an exclusive repository lock, so no snapshot or restore can be running (plumbing
 * commands that take no lock, such as `hash-object -w`, must not run alongside it). Refuses to run
 * on a damaged repository (exit 12): what a missing object references cannot be known. Reports, for
 * each unreachable version, the objects and stored bytes that only it held.
 */
export async function gc(options: GcOptions): Promise<GcResult> {
  const { repo } = options;
  const dryRun = options.dryRun ?? false;
  return withRepoLock({ repo, kind: 'exclusive', command: 'gc', waitMs: options.lockWaitMs ?? 0 }, async () => {
    const derived = await dropUnreachableDerived(repo, dryRun);
    const planned = await runPrune(repo, true);
    const attribution = await attribute(repo, new Map(planned.removed.map((r) => [r.id, r.storedBytes])));
    const done = dryRun ? planned : await runPrune(repo, false);
    return {
      dryRun,
      ...attribution,
      total: { objects: done.removed.length, storedBytes: done.removedBytes },
      tempFiles: done.tempFiles,
      derived,
    };
  });
}

async function runPrune(repo: Repository, dryRun: boolean): ReturnType<typeof prune> {
  try {
    // The exclusive lock means no writer is running: no grace period is needed.
    return await prune({ repo, dryRun, expireMs: 0 });
  } catch (err) {
    if (err instanceof StrataError && err.code === 'FSCK_FAILED') {
      throw new StrataError('FSCK_FAILED', err.message.replace('prune removes nothing', 'gc removes nothing'), {
        hint: 'run `strata check` for the damaged objects and the versions that use them',
        data: err.data,
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * Derived data lives only while its source does: find what the other refs reach, and drop the derived
 * entries of anything else (a damaged repository is left alone: the sweep refuses to run on it anyway).
 */
async function dropUnreachableDerived(repo: Repository, dryRun: boolean): Promise<DerivedPruneResult[]> {
  if ((await repo.refs.list(DERIVED_REF_PREFIX)).length === 0) return [];
  const walk = await walkReachable({ repo, skipRefPrefixes: [DERIVED_REF_PREFIX] });
  if (walk.problems.length > 0) return [];
  return pruneDerived(repo, (id) => walk.reachable.has(id), dryRun);
}

type Holder = string | typeof SHARED;
const SHARED = Symbol('shared');

/**
 * Attributes unreachable objects to the unreachable versions that hold them. Only unreachable objects
 * are read: a reachable tree keeps everything below it, so a walk never needs to enter one.
 */
async function attribute(repo: Repository, unreachable: Map<string, number>): Promise<Pick<GcResult, 'versions' | 'shared' | 'other'>> {
  const kinds = new Map<string, ObjectKind>();
  await mapLimit([...unreachable.keys()], 16, async (id) => {
    try {
      kinds.set(id, (await repo.objects.readHeader(id)).kind);
    } catch (err) {
      if (!(err instanceof StrataError && (err.code === 'OBJECT_CORRUPT' || err.code === 'OBJECT_MISSING'))) throw err;
    }
  });
  const children = new Map<string, string[]>();
  const childrenOf = async (id: string): Promise<string[]> => {
    const known = children.get(id);
    if (known) return known;
    let ids: string[] = [];
    try {
      const obj = await repo.objects.read(id);
      if (obj.kind === 'version') ids = [obj.version.tree];
      else if (obj.kind === 'tree') ids = obj.tree.entries.map((e) => e.id);
      else if (obj.kind === 'chunks') ids = obj.chunkList.chunks.map((c) => c.id);
    } catch (err) {
      // A damaged unreachable object holds nothing that can be known; it is removed all the same.
      if (!(err instanceof StrataError && (err.code === 'OBJECT_CORRUPT' || err.code === 'OBJECT_MISSING'))) throw err;
    }
    const inside = [...new Set(ids)].filter((c) => unreachable.has(c));
    children.set(id, inside);
    return inside;
  };

  const versions: Array<{ id: string; time: number; name: string; description: string }> = [];
  for (const [id, kind] of kinds) {
    if (kind !== 'version') continue;
    try {
      const v = await repo.objects.readVersion(id);
      versions.push({ id, time: v.time, name: v.name, description: v.description });
    } catch {
      versions.push({ id, time: 0, name: '', description: '' });
    }
  }
  versions.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));

  // Each object goes from no holder, to one version, to shared: at most two visits per object.
  const holder = new Map<string, Holder>();
  for (const v of versions) {
    const stack = [v.id];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      const current = holder.get(id);
      if (current === v.id || current === SHARED) continue;
      holder.set(id, current === undefined ? v.id : SHARED);
      stack.push(...(await childrenOf(id)));
    }
  }
  const amount = (filter: (h: Holder | undefined) => boolean): GcAmount => {
    let objects = 0;
    let storedBytes = 0;
    for (const [id, bytes] of unreachable) {
      if (!filter(holder.get(id))) continue;
      objects++;
      storedBytes += bytes;
    }
    return { objects, storedBytes };
  };
  const perVersion = new Map<string, GcAmount>(versions.map((v) => [v.id, { objects: 0, storedBytes: 0 }]));
  for (const [id, h] of holder) {
    if (typeof h !== 'string') continue;
    const a = perVersion.get(h) as GcAmount;
    a.objects++;
    a.storedBytes += unreachable.get(id) ?? 0;
  }
  return {
    versions: versions.map((v) => ({ ...v, ...(perVersion.get(v.id) as GcAmount) })),
    shared: amount((h) => h === SHARED),
    other: amount((h) => h === undefined),
  };
}

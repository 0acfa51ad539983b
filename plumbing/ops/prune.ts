import { readdir, stat, unlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { StrataError, hasErrno } from '../errors/index.js';
import type { Repository } from '../store/repository.js';
import { isProcessAlive, parseTempFileName, safeHostname } from '../store/process-identity.js';
import { walkReachable } from './reachability.js';

async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (hasErrno(err, 'ENOENT', 'ENOTDIR')) return [];
    throw err;
  }
}

/** Unreachable objects younger than this are kept, so a concurrent writer is never robbed. */
export const DEFAULT_PRUNE_EXPIRE_MS = 14 * 24 * 3600 * 1000;

export interface PruneOptions {
  repo: Repository;
  dryRun?: boolean;
  /** Grace period in ms (default two weeks); 0 removes every unreachable object. */
  expireMs?: number;
}

export interface PruneResult {
  dryRun: boolean;
  /** Unreachable objects removed (or that would be, with dryRun). */
  removed: Array<{ id: string; storedBytes: number }>;
  removedBytes: number;
  /** Unreachable objects kept because they are younger than the grace period. */
  kept: number;
  /** Temporary files left behind by dead writers, removed. */
  tempFiles: string[];
}

/**
 * Removes unreachable loose objects older than the grace period, and temporary files whose writer is
 * no longer running (or that are older than the grace period). Refuses to run on a damaged
 * repository: if a reachable object is missing or corrupt, what it references cannot be known.
 */
export async function prune(options: PruneOptions): Promise<PruneResult> {
  const { repo } = options;
  const dryRun = options.dryRun ?? false;
  const expireMs = options.expireMs ?? DEFAULT_PRUNE_EXPIRE_MS;
  const cutoff = repo.clock.now() - expireMs;
  const walk = await walkReachable({ repo });
  if (walk.problems.length > 0) {
    throw new StrataError('FSCK_FAILED', `the repository has ${walk.problems.length} missing or corrupt objects; prune removes nothing until it is repaired`, {
      hint: 'run `strata fsck` for the list',
      data: { problems: walk.problems.slice(0, 20) },
    });
  }
  const removed: PruneResult['removed'] = [];
  let kept = 0;
  for await (const info of repo.backend.listObjects()) {
    if (walk.reachable.has(info.id)) continue;
    if (info.mtimeMs > cutoff) {
      kept++;
      continue;
    }
    removed.push({ id: info.id, storedBytes: info.storedSize });
  }
  if (!dryRun) for (const r of removed) await repo.backend.deleteObject(r.id);

  const tempFiles: string[] = [];
  const host = safeHostname();
  // Temporary files live in tmp/ and, for small objects, in the objects' fan-out folders.
  const objectsDir = join(repo.root, 'objects');
  const folders = [repo.backend.tmpDir(), ...(await listNames(objectsDir)).filter((n) => /^[0-9a-f]{2}$/.test(n)).map((n) => join(objectsDir, n))];
  for (const folder of folders) {
    for (const name of await listNames(folder)) {
      const owner = parseTempFileName(name);
      if (!owner) continue;
      const path = join(folder, name);
      let old = false;
      try {
        old = (await stat(path)).mtimeMs <= cutoff;
      } catch {
        continue;
      }
      const dead = owner.host === host && !isProcessAlive(owner.pid);
      if (!dead && !old) continue;
      tempFiles.push(relative(repo.root, path));
      if (!dryRun) await unlink(path).catch(() => undefined);
    }
  }
  return { dryRun, removed, removedBytes: removed.reduce((s, r) => s + r.storedBytes, 0), kept, tempFiles };
}

import { StrataError } from '../errors/index.js';
import type { ObjectKind } from '../format/header.js';
import type { Repository } from '../store/repository.js';
import { Semaphore } from '../util/concurrency.js';
import { walkReachable, type ForgottenParent, type IntegrityProblem } from './reachability.js';

export interface FsckOptions {
  repo: Repository;
  /** Also inflate and hash every blob, reachable or not. */
  full?: boolean;
  onProgress?: (checked: number) => void;
}

export interface FsckResult {
  ok: boolean;
  objects: number;
  reachable: number;
  refs: number;
  missing: IntegrityProblem[];
  corrupt: IntegrityProblem[];
  /** Stored objects no ref reaches (removed by `prune` after the grace period). */
  dangling: Array<{ id: string; kind?: ObjectKind }>;
  forgottenParents: ForgottenParent[];
}

/**
 * Checks a repository: every ref; every reachable tree, version and chunk list read in full and
 * verified; every blob's header (kind and the size its tree or chunk list states), and with `full`
 * every blob's bytes; unreachable objects are listed as dangling (and verified too). Never throws
 * for damage: damage is in the result, and `ok` is false when anything is missing or corrupt.
 */
export async function fsck(options: FsckOptions): Promise<FsckResult> {
  const { repo } = options;
  const full = options.full ?? false;
  const stored: string[] = [];
  for await (const info of repo.backend.listObjects()) stored.push(info.id);
  const walk = await walkReachable({ repo, verifyBlobs: full, ...(options.onProgress ? { onObject: options.onProgress } : {}) });
  const problems: IntegrityProblem[] = [...walk.problems];
  const dangling: FsckResult['dangling'] = [];
  const io = new Semaphore(16);
  await Promise.all(
    stored
      .filter((id) => !walk.reachable.has(id) && !problems.some((p) => p.id === id))
      .map((id) =>
        io.run(async () => {
          try {
            const header = await repo.objects.readHeader(id);
            if (full || header.kind !== 'blob') await repo.objects.read(id);
            dangling.push({ id, kind: header.kind });
          } catch (err) {
            if (err instanceof StrataError && err.code === 'OBJECT_CORRUPT') {
              problems.push({ problem: 'corrupt', id, message: err.message });
            } else if (!(err instanceof StrataError && err.code === 'OBJECT_MISSING')) {
              throw err;
            }
            // Missing now: an unreachable object removed since the listing (a concurrent prune).
          }
        }),
      ),
  );
  dangling.sort((a, b) => (a.id < b.id ? -1 : 1));
  const missing = problems.filter((p) => p.problem === 'missing');
  const corrupt = problems.filter((p) => p.problem === 'corrupt');
  return {
    ok: missing.length === 0 && corrupt.length === 0,
    objects: stored.length,
    reachable: walk.reachable.size,
    refs: walk.refs,
    missing,
    corrupt,
    dangling,
    forgottenParents: walk.forgottenParents,
  };
}

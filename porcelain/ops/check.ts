import { createHash } from 'node:crypto';
import {
  REF_NAMESPACES,
  StrataError,
  entryDisplayName,
  fsck,
  mapLimit,
  withRepoLock,
  type FsckResult,
  type ObjectKind,
  type Repository,
} from '../../plumbing/index.js';
import { singleBlobLimit } from './stats.js';

export interface CheckOptions {
  repo: Repository;
  /** Also inflate and hash every stored blob. */
  readData?: boolean;
  /**
   * Also read a deterministic subset of the blobs: a percentage (`10`, `10%`, `2.5`) or a slice `n/t`
   * (the n-th of t disjoint slices by id, so t runs with n = 1..t read everything).
   */
  readDataSubset?: string;
  /** Varies which objects a percentage selects (the same seed selects the same objects). */
  seed?: string;
  /** How long to wait for a repository lock held by another command, ms (default 0). */
  lockWaitMs?: number;
  onProgress?: (progress: CheckProgress) => void;
}

export interface CheckProgress {
  phase: 'structure' | 'data';
  /** Objects checked so far in this phase. */
  checked: number;
  /** Objects this phase will check (data phase only). */
  total?: number;
  /** Uncompressed bytes read (data phase). */
  bytes: number;
}

export interface CheckUse {
  /** A version whose content includes the damaged object. */
  version: string;
  /** Paths in that version (`/` is the root folder; empty when the version object itself is damaged), at most 20. */
  paths: string[];
  /** How many paths there are in all. */
  pathCount: number;
}

export interface CheckProblem {
  problem: 'missing' | 'corrupt';
  /** The object id (or, for a malformed ref, the ref's name). */
  id: string;
  message: string;
  /** The object or ref that names it. */
  referencedBy?: string;
  /** False for a damaged object no ref reaches (it only needs removing: `strata gc`). */
  reachable: boolean;
  /** Versions and paths that use it. */
  usedBy: CheckUse[];
}

export interface CheckResult {
  ok: boolean;
  refs: number;
  /** Objects stored. */
  objects: number;
  reachable: number;
  /** Stored objects no ref reaches (removed by `gc`). */
  dangling: number;
  data: {
    mode: 'none' | 'all' | 'subset';
    /** The subset as given (`10%`, `2/5`). */
    subset?: string;
    /** Objects selected for reading, and how many of them were blobs (read in full and hashed). */
    selected: number;
    blobsRead: number;
    /** Uncompressed bytes read. */
    bytesRead: number;
  };
  problems: CheckProblem[];
  /** Versions whose parent was forgotten: information, not damage. */
  forgottenParents: FsckResult['forgottenParents'];
  /** Irregularities that are not damage. */
  notes: string[];
}

type Selector = (id: string) => boolean;

/** Parses `10`, `10%`, `2.5%` or `n/t` into a selector over object ids. */
export function parseSubset(text: string, seed?: string): Selector {
  const slice = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (slice) {
    const n = Number(slice[1]);
    const t = Number(slice[2]);
    if (t < 1 || n < 1 || n > t) throw new StrataError('USAGE', `--read-data-subset: "${text}" needs 1 <= n <= t in n/t`);
    return (id) => Number.parseInt(id.slice(0, 8), 16) % t === n - 1;
  }
  const pct = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const p = pct ? Number(pct[1]) : Number.NaN;
  if (!(p > 0 && p <= 100)) {
    throw new StrataError('USAGE', `--read-data-subset: "${text}" is neither a percentage above 0 and at most 100 (10, 2.5%) nor a slice n/t (1/5)`);
  }
  const limit = (p / 100) * 2 ** 32;
  const point = (id: string): number =>
    seed === undefined ? Number.parseInt(id.slice(0, 8), 16) : createHash('sha256').update(`${seed}\0${id}`).digest().readUInt32BE(0);
  return (id) => point(id) < limit;
}

function isDamage(err: unknown): err is StrataError {
  return err instanceof StrataError && (err.code === 'OBJECT_MISSING' || err.code === 'OBJECT_CORRUPT');
}

/**
 * Checks a repository: first its structure (every ref; every reachable version, tree and chunk list
 * read in full and verified; every reachable object present, with the kind and size that names it),
 * then optionally the data itself (every blob, or a deterministic subset, inflated and hashed).
 * Damage is in the result (`ok` false) with the versions and paths that use each damaged object; it
 * never throws for damage. Holds a shared repository lock, so gc cannot remove objects under it.
 */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const { repo } = options;
  if (options.readData && options.readDataSubset !== undefined) {
    throw new StrataError('USAGE', 'give either --read-data or --read-data-subset, not both');
  }
  const select: Selector | undefined = options.readData ? () => true : options.readDataSubset === undefined ? undefined : parseSubset(options.readDataSubset, options.seed);
  return withRepoLock({ repo, kind: 'shared', command: 'check', waitMs: options.lockWaitMs ?? 0 }, async () => {
    const structure = await fsck({ repo, onProgress: (checked) => options.onProgress?.({ phase: 'structure', checked, bytes: 0 }) });
    // fsck names what references each reachable problem; a malformed ref is named by itself.
    const problems = [...structure.missing, ...structure.corrupt].map((p) => ({ ...p, reachable: p.referencedBy !== undefined || !/^[0-9a-f]{64}$/.test(p.id) }));
    const known = new Set(problems.map((p) => p.id));

    const data: CheckResult['data'] = {
      mode: options.readData ? 'all' : select ? 'subset' : 'none',
      ...(options.readDataSubset === undefined ? {} : { subset: options.readDataSubset }),
      selected: 0,
      blobsRead: 0,
      bytesRead: 0,
    };
    if (select) {
      const chosen: string[] = [];
      for await (const info of repo.backend.listObjects()) if (!known.has(info.id) && select(info.id)) chosen.push(info.id);
      data.selected = chosen.length;
      const dangling = new Set(structure.dangling.map((d) => d.id));
      let checked = 0;
      await mapLimit(chosen, 4, async (id) => {
        try {
          const header = await repo.objects.readHeader(id);
          if (header.kind === 'blob') {
            await repo.objects.readRaw(id);
            data.blobsRead++;
            data.bytesRead += header.size;
          }
        } catch (err) {
          if (!isDamage(err)) throw err;
          // Missing now: an unreachable object another command removed since the listing.
          if (err.code === 'OBJECT_CORRUPT') problems.push({ problem: 'corrupt', id, message: err.message, reachable: !dangling.has(id) });
        }
        options.onProgress?.({ phase: 'data', checked: ++checked, total: chosen.length, bytes: data.bytesRead });
      });
    }

    const uses = problems.length > 0 ? await findUses(repo, new Set(problems.map((p) => p.id))) : new Map<string, CheckUse[]>();
    const sorted = problems
      .map((p): CheckProblem => ({ ...p, usedBy: uses.get(p.id) ?? [] }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return {
      ok: sorted.length === 0,
      refs: structure.refs,
      objects: structure.objects,
      reachable: structure.reachable,
      dangling: structure.dangling.length,
      data,
      problems: sorted,
      forgottenParents: structure.forgottenParents,
      notes: await refNotes(repo),
    };
  });
}

/** `refs/versions/<id>` must name the version `<id>`; anything else is worth saying, though not damage. */
async function refNotes(repo: Repository): Promise<string[]> {
  const notes: string[] = [];
  for (const ref of await repo.refs.list(REF_NAMESPACES.versions)) {
    const name = ref.slice(REF_NAMESPACES.versions.length);
    let id: string | undefined;
    try {
      id = (await repo.refs.resolve(ref))?.id;
    } catch {
      continue; // a malformed ref is already a problem
    }
    if (id !== undefined && id !== name) notes.push(`${ref} names ${id}, not the version its name says`);
  }
  return notes;
}

interface Hit {
  id: string;
  /** Relative to the tree; '' for the tree itself. */
  path: string;
}

/** For each damaged object: the versions (named by any ref) and paths that use it. */
async function findUses(repo: Repository, damaged: Set<string>): Promise<Map<string, CheckUse[]>> {
  const limit = singleBlobLimit(repo.config);
  const treeHits = new Map<string, Promise<Hit[]>>();
  const chunkHits = new Map<string, Promise<string[]>>();

  const damagedChunks = (id: string): Promise<string[]> => {
    let known = chunkHits.get(id);
    if (!known) {
      known = (async () => {
        try {
          if ((await repo.objects.readHeader(id)).kind !== 'chunks') return [];
          return [...new Set((await repo.objects.readChunkList(id)).chunks.map((c) => c.id).filter((c) => damaged.has(c)))];
        } catch (err) {
          if (isDamage(err)) return [];
          throw err;
        }
      })();
      chunkHits.set(id, known);
    }
    return known;
  };

  const hitsIn = (treeId: string): Promise<Hit[]> => {
    let known = treeHits.get(treeId);
    if (!known) {
      known = (async () => {
        let entries;
        try {
          entries = (await repo.objects.readTree(treeId)).entries;
        } catch (err) {
          if (isDamage(err) || (err instanceof StrataError && err.code === 'WRONG_KIND')) return [];
          throw err;
        }
        const out: Hit[] = [];
        for (const entry of entries) {
          const name = entryDisplayName(entry);
          if (damaged.has(entry.id)) out.push({ id: entry.id, path: name });
          else if (entry.type === 'directory') for (const h of await hitsIn(entry.id)) out.push({ id: h.id, path: `${name}/${h.path}` });
          else if (entry.type !== 'symlink' && (entry.size ?? 0) > limit) for (const c of await damagedChunks(entry.id)) out.push({ id: c, path: name });
        }
        return out;
      })();
      treeHits.set(treeId, known);
    }
    return known;
  };

  const versions = new Set<string>();
  for (const name of ['HEAD', ...(await repo.refs.list('refs/'))]) {
    try {
      const id = (await repo.refs.resolve(name))?.id;
      if (id !== undefined) versions.add(id);
    } catch {
      // a malformed ref: reported as a problem already
    }
  }
  const byObject = new Map<string, Map<string, string[]>>();
  const add = (id: string, version: string, path: string | undefined): void => {
    const perVersion = byObject.get(id) ?? new Map<string, string[]>();
    byObject.set(id, perVersion);
    const paths = perVersion.get(version) ?? [];
    perVersion.set(version, paths);
    if (path !== undefined) paths.push(path);
  };
  for (const version of [...versions].sort()) {
    if (damaged.has(version)) {
      add(version, version, undefined);
      continue;
    }
    let kind: ObjectKind;
    let tree: string;
    try {
      kind = (await repo.objects.readHeader(version)).kind;
      if (kind !== 'version') continue;
      tree = (await repo.objects.readVersion(version)).tree;
    } catch (err) {
      if (isDamage(err)) continue;
      throw err;
    }
    if (damaged.has(tree)) add(tree, version, '/');
    else for (const h of await hitsIn(tree)) add(h.id, version, h.path);
  }
  const out = new Map<string, CheckUse[]>();
  for (const [id, perVersion] of byObject) {
    out.set(
      id,
      [...perVersion].map(([version, paths]) => ({ version, paths: [...new Set(paths)].sort().slice(0, 20), pathCount: new Set(paths).size })),
    );
  }
  return out;
}

/**
 * Derived data: small objects computed from stored content (thumbnails, previews) and kept in the
 * repository so that each is made once and travels with it. A namespace is a ref
 * `refs/derived/<namespace>` naming a tree with a 256-way fan-out: folders named by the first two hex
 * digits of a source id, holding one file per source, named by the source's full content id. An entry
 * lives only while its source does: gc drops every entry whose source no other ref reaches
 * (objects-spec.md, section "Derived data").
 */
import { StrataError, isObjectId, isStrataError, withRepoLock, type Repository, type TreeEntry } from '../../plumbing/index.js';

export const DERIVED_REF_PREFIX = 'refs/derived/';

/** A namespace is one or more lowercase components: `creative/thumbnails-256`. */
const NAMESPACE = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

export function derivedRefName(namespace: string): string {
  if (!NAMESPACE.test(namespace) || namespace.includes('..') || namespace.endsWith('.lock')) {
    throw new StrataError('INVALID_ARGUMENT', `"${namespace}" is not a valid derived-data namespace (lowercase letters, digits, . _ - and /)`);
  }
  return `${DERIVED_REF_PREFIX}${namespace}`;
}

/** A loaded namespace: source id -> the blob derived from it, and the trees it was read from. */
export interface DerivedIndex {
  ref: string;
  /** The root tree the ref named when loaded (undefined: the namespace is empty). */
  root: string | undefined;
  entries: Map<string, { id: string; size: number }>;
}

/** Reads a namespace's index (an empty one when the ref does not exist). */
export async function loadDerivedIndex(repo: Repository, namespace: string): Promise<DerivedIndex> {
  const ref = derivedRefName(namespace);
  const value = await repo.refs.readValue(ref);
  const entries = new Map<string, { id: string; size: number }>();
  if (value === undefined) return { ref, root: undefined, entries };
  if (value.kind !== 'direct') throw new StrataError('INVALID_OBJECT', `${ref} is a symbolic ref; derived data refs name a tree`);
  const root = await repo.objects.readTree(value.id);
  for (const folder of root.entries) {
    if (folder.type !== 'directory') continue;
    for (const entry of (await repo.objects.readTree(folder.id)).entries) {
      const source = entry.name.toString('latin1');
      if (entry.type === 'file' && isObjectId(source)) entries.set(source, { id: entry.id, size: entry.size ?? 0 });
    }
  }
  return { ref, root: value.id, entries };
}

/** The derived blob's bytes for each source that has one (sources without are absent from the map). */
export async function readDerived(repo: Repository, index: DerivedIndex, sources: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const source of sources) {
    const entry = index.entries.get(source);
    if (!entry) continue;
    try {
      const obj = await repo.objects.read(entry.id);
      if (obj.kind === 'blob') out.set(source, Buffer.from(obj.body));
    } catch (err) {
      // A derived object is a cache: a lost or damaged one is made again, never an error.
      if (!(isStrataError(err) && (err.code === 'OBJECT_MISSING' || err.code === 'OBJECT_CORRUPT'))) throw err;
    }
  }
  return out;
}

export interface PutDerivedOptions {
  repo: Repository;
  namespace: string;
  /** Each source's content id and what was derived from it. */
  items: Array<{ source: string; data: Buffer }>;
  lockWaitMs?: number;
}

export interface PutDerivedResult {
  /** The root tree the ref names now. */
  root: string | undefined;
  added: number;
  /** Bytes of new derived blobs stored (compressed). */
  storedBytes: number;
}

/**
 * Stores derived blobs and adds them to the namespace: objects first, then the fan-out trees, then the
 * ref by compare-and-swap (a writer that raced us is merged with, never overwritten). Holds a shared
 * repository lock, so gc cannot run in between.
 */
export async function putDerived(options: PutDerivedOptions): Promise<PutDerivedResult> {
  const { repo } = options;
  const ref = derivedRefName(options.namespace);
  for (const item of options.items) {
    if (!isObjectId(item.source)) throw new StrataError('INVALID_ARGUMENT', `"${item.source}" is not a content id`);
  }
  if (options.items.length === 0) return { root: (await loadDerivedIndex(repo, options.namespace)).root, added: 0, storedBytes: 0 };
  return withRepoLock({ repo, kind: 'shared', command: 'derived', waitMs: options.lockWaitMs ?? 0 }, async () => {
    let storedBytes = 0;
    const blobs = new Map<string, { id: string; size: number }>();
    for (const item of options.items) {
      const w = await repo.objects.writeBlob(item.data);
      storedBytes += w.storedSize;
      blobs.set(item.source, { id: w.id, size: item.data.length });
    }
    for (let attempt = 0; ; attempt++) {
      const index = await loadDerivedIndex(repo, options.namespace);
      const fresh = [...blobs].filter(([source, blob]) => index.entries.get(source)?.id !== blob.id);
      if (fresh.length === 0) return { root: index.root, added: 0, storedBytes };
      for (const [source, blob] of fresh) index.entries.set(source, blob);
      const root = await writeIndexTrees(repo, index.entries);
      try {
        await repo.refs.update(ref, root, { expected: index.root ?? null });
        return { root, added: fresh.length, storedBytes };
      } catch (err) {
        if (!(isStrataError(err) && err.code === 'REF_CHANGED') || attempt >= 20) throw err;
      }
    }
  });
}

/** Writes the fan-out trees for `entries` (objects before the ref that will name them); the root's id. */
export async function writeIndexTrees(repo: Repository, entries: Map<string, { id: string; size: number }>): Promise<string> {
  const folders = new Map<string, TreeEntry[]>();
  for (const [source, blob] of entries) {
    const prefix = source.slice(0, 2);
    let list = folders.get(prefix);
    if (!list) folders.set(prefix, (list = []));
    list.push({ name: Buffer.from(source, 'latin1'), type: 'file', id: blob.id, size: blob.size, mode: 0o644, mtime: 0 });
  }
  const rootEntries: TreeEntry[] = [];
  for (const [prefix, list] of folders) {
    list.sort((a, b) => Buffer.compare(a.name, b.name));
    const tree = await repo.objects.writeTree(list);
    rootEntries.push({ name: Buffer.from(prefix, 'latin1'), type: 'directory', id: tree.id, mode: 0o755, mtime: 0 });
  }
  rootEntries.sort((a, b) => Buffer.compare(a.name, b.name));
  return (await repo.objects.writeTree(rootEntries)).id;
}

export interface DerivedPruneResult {
  namespace: string;
  kept: number;
  dropped: number;
}

/**
 * gc's step before the sweep: in every derived namespace, drops the entries whose source is not in
 * `reachable` (the objects reachable from all other refs) and rewrites the namespace's trees and ref;
 * an emptied namespace's ref is deleted. The caller holds the exclusive lock.
 */
export async function pruneDerived(repo: Repository, reachable: (id: string) => boolean, dryRun: boolean): Promise<DerivedPruneResult[]> {
  const out: DerivedPruneResult[] = [];
  for (const ref of await repo.refs.list(DERIVED_REF_PREFIX)) {
    const namespace = ref.slice(DERIVED_REF_PREFIX.length);
    let index: DerivedIndex;
    try {
      index = await loadDerivedIndex(repo, namespace);
    } catch (err) {
      if (isStrataError(err) && (err.code === 'OBJECT_MISSING' || err.code === 'OBJECT_CORRUPT' || err.code === 'INVALID_ARGUMENT')) continue;
      throw err;
    }
    const kept = new Map([...index.entries].filter(([source]) => reachable(source)));
    const dropped = index.entries.size - kept.size;
    out.push({ namespace, kept: kept.size, dropped });
    if (dryRun || dropped === 0 || index.root === undefined) continue;
    if (kept.size === 0) await repo.refs.delete(ref, { expected: index.root });
    else await repo.refs.update(ref, await writeIndexTrees(repo, kept), { expected: index.root });
  }
  return out;
}

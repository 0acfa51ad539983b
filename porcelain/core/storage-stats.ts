/**
 * Storage statistics over loaded objects: pure. The loader (ops/stats.ts) reads each tree and chunk
 * list once; this walks them with memoised subtree summaries, so a version's totals cost one pass over
 * the trees that differ from what was already summarised.
 */
import type { ObjectKind, TreeEntry } from '../../plumbing/index.js';

export interface StatsVersionInput {
  id: string;
  time: number;
  name: string;
  tree: string;
  /** Uncompressed body size of the version object. */
  bodySize: number;
}

export interface StatsInput {
  /** The versions in scope, in any order (growth is computed oldest first). */
  versions: StatsVersionInput[];
  trees: ReadonlyMap<string, { entries: readonly TreeEntry[]; bodySize: number }>;
  /** Chunk lists of large files; a file id absent here is a single blob. */
  chunkLists: ReadonlyMap<string, { chunks: ReadonlyArray<{ id: string; size: number }>; bodySize: number }>;
  /** Stored (compressed) size of every stored object. */
  storedSize: ReadonlyMap<string, number>;
  /** Whether to compute growth per version. */
  growth: boolean;
}

export interface KindStats {
  count: number;
  storedBytes: number;
  uncompressedBytes: number;
}

export interface ExtensionStats {
  /** Lower-case, with the dot (`.png`), or `(none)`. */
  extension: string;
  /** File occurrences over the scope (a file present in 3 versions counts 3 times). */
  files: number;
  logicalBytes: number;
  /** Content bytes first stored for files with this extension (after deduplication). */
  uniqueBytes: number;
  /** Stored (compressed) bytes of that content. */
  storedBytes: number;
}

export interface VersionGrowth {
  id: string;
  time: number;
  name: string;
  files: number;
  logicalBytes: number;
  /** Objects this version added that no older version in scope had, and their stored bytes. */
  newObjects: number;
  newStoredBytes: number;
}

export interface StorageStatsCore {
  versions: number;
  /** File occurrences over the scope, and the sum of their sizes. */
  files: number;
  logicalBytes: number;
  /** File content after deduplication (unique blobs and chunks). */
  uniqueContentBytes: number;
  /** Every unique object the scope reaches: compressed and uncompressed bytes. */
  storedBytes: number;
  uncompressedBytes: number;
  /** logical / unique content (1 when empty). */
  deduplicationRatio: number;
  /** uncompressed / stored (1 when empty). */
  compressionRatio: number;
  objects: Record<ObjectKind, KindStats>;
  /** Sorted by stored bytes, largest first. */
  extensions: ExtensionStats[];
  /** Oldest first; empty unless asked for. */
  growth: VersionGrowth[];
}

interface Summary {
  files: number;
  bytes: number;
  byExt: Map<string, { files: number; bytes: number }>;
}

/** The extension of an entry name as raw bytes: from the last dot, unless the name starts with it. */
export function extensionOf(name: Buffer): string {
  const dot = name.lastIndexOf(0x2e);
  if (dot <= 0 || dot === name.length - 1) return '(none)';
  return name.subarray(dot).toString('utf8').toLowerCase();
}

const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);

export function computeStorageStats(input: StatsInput): StorageStatsCore {
  const { trees, chunkLists, storedSize } = input;
  const stored = (id: string): number => storedSize.get(id) ?? 0;
  const objects: Record<ObjectKind, KindStats> = {
    blob: { count: 0, storedBytes: 0, uncompressedBytes: 0 },
    chunks: { count: 0, storedBytes: 0, uncompressedBytes: 0 },
    tree: { count: 0, storedBytes: 0, uncompressedBytes: 0 },
    version: { count: 0, storedBytes: 0, uncompressedBytes: 0 },
  };
  const ext = new Map<string, ExtensionStats>();
  const extEntry = (e: string): ExtensionStats => {
    let s = ext.get(e);
    if (!s) ext.set(e, (s = { extension: e, files: 0, logicalBytes: 0, uniqueBytes: 0, storedBytes: 0 }));
    return s;
  };
  let uniqueContentBytes = 0;

  // Growth walk, oldest first: each object is counted once, by the first version that reaches it. A
  // tree already seen is skipped whole (everything below it was seen with it).
  const seen = new Set<string>();
  let added = { objects: 0, bytes: 0 };
  const take = (id: string, kind: ObjectKind, uncompressed: number): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    const k = objects[kind];
    k.count++;
    k.storedBytes += stored(id);
    k.uncompressedBytes += uncompressed;
    added.objects++;
    added.bytes += stored(id);
    return true;
  };
  const takeContent = (id: string, size: number, extension: string): void => {
    const list = chunkLists.get(id);
    if (!list) {
      if (!take(id, 'blob', size)) return;
      uniqueContentBytes += size;
      const e = extEntry(extension);
      e.uniqueBytes += size;
      e.storedBytes += stored(id);
      return;
    }
    if (!take(id, 'chunks', list.bodySize)) return;
    const e = extEntry(extension);
    e.storedBytes += stored(id);
    for (const c of list.chunks) {
      if (!take(c.id, 'blob', c.size)) continue;
      uniqueContentBytes += c.size;
      e.uniqueBytes += c.size;
      e.storedBytes += stored(c.id);
    }
  };
  const walkTree = (root: string): void => {
    const stack = [root];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      const tree = trees.get(id);
      if (!tree || !take(id, 'tree', tree.bodySize)) continue;
      for (const entry of tree.entries) {
        if (entry.type === 'directory') stack.push(entry.id);
        else if (entry.type === 'symlink') take(entry.id, 'blob', entry.size ?? 0);
        else takeContent(entry.id, entry.size ?? 0, extensionOf(entry.name));
      }
    }
  };

  // Logical totals: a summary per tree, memoised by id.
  const summaries = new Map<string, Summary>();
  const summarize = (root: string): Summary => {
    // Post-order without recursion (trees can be deep).
    const stack: Array<{ id: string; expanded: boolean }> = [{ id: root, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; expanded: boolean };
      if (summaries.has(top.id)) {
        stack.pop();
        continue;
      }
      const tree = trees.get(top.id);
      if (!top.expanded && tree) {
        top.expanded = true;
        for (const e of tree.entries) if (e.type === 'directory' && !summaries.has(e.id)) stack.push({ id: e.id, expanded: false });
        continue;
      }
      stack.pop();
      const s: Summary = { files: 0, bytes: 0, byExt: new Map() };
      for (const e of tree?.entries ?? []) {
        if (e.type === 'directory') {
          const sub = summaries.get(e.id) as Summary;
          s.files += sub.files;
          s.bytes += sub.bytes;
          for (const [k, v] of sub.byExt) {
            const t = s.byExt.get(k) ?? { files: 0, bytes: 0 };
            t.files += v.files;
            t.bytes += v.bytes;
            s.byExt.set(k, t);
          }
        } else if (e.type !== 'symlink') {
          const size = e.size ?? 0;
          s.files++;
          s.bytes += size;
          const k = extensionOf(e.name);
          const t = s.byExt.get(k) ?? { files: 0, bytes: 0 };
          t.files++;
          t.bytes += size;
          s.byExt.set(k, t);
        }
      }
      summaries.set(top.id, s);
    }
    return summaries.get(root) as Summary;
  };

  const versions = [...input.versions].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const growth: VersionGrowth[] = [];
  let files = 0;
  let logicalBytes = 0;
  for (const v of versions) {
    added = { objects: 0, bytes: 0 };
    take(v.id, 'version', v.bodySize);
    walkTree(v.tree);
    const s = summarize(v.tree);
    files += s.files;
    logicalBytes += s.bytes;
    for (const [k, t] of s.byExt) {
      const e = extEntry(k);
      e.files += t.files;
      e.logicalBytes += t.bytes;
    }
    if (input.growth) growth.push({ id: v.id, time: v.time, name: v.name, files: s.files, logicalBytes: s.bytes, newObjects: added.objects, newStoredBytes: added.bytes });
  }

  const storedBytes = Object.values(objects).reduce((n, k) => n + k.storedBytes, 0);
  const uncompressedBytes = Object.values(objects).reduce((n, k) => n + k.uncompressedBytes, 0);
  return {
    versions: versions.length,
    files,
    logicalBytes,
    uniqueContentBytes,
    storedBytes,
    uncompressedBytes,
    deduplicationRatio: ratio(logicalBytes, uniqueContentBytes),
    compressionRatio: ratio(uncompressedBytes, storedBytes),
    objects,
    extensions: [...ext.values()].sort((a, b) => b.storedBytes - a.storedBytes || b.logicalBytes - a.logicalBytes || (a.extension < b.extension ? -1 : 1)),
    growth,
  };
}

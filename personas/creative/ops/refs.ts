/**
 * `strata creative refs`: the reference graph of a project, read from the working folder or from a
 * stored version. A version's graph is derived data: stored under `refs/derived/creative/refs-v1`,
 * keyed by the version's root tree id (or its folder's tree id), so it is computed once, travels with
 * the repository, and is dropped by gc with the tree. Computing it re-reads only the files whose
 * content id is not in the graph it starts from (the parent version's, when stored), so a history of
 * versions costs one full read and then one read per changed file.
 */
import { lstat, opendir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  StrataError,
  createIgnoreFilter,
  isStrataError,
  listVersionPath,
  loadDerivedIndex,
  mapLimit,
  putDerived,
  readDerived,
  readStoredContent,
  resolveVersion,
  resolveVersionPath,
  splitVersionPath,
  type Repository,
} from '../../../porcelain/index.js';
import { buildGraph, relocateExtraction } from '../refs/build.js';
import { extractFile, extractorFor } from '../refs/extract.js';
import { REFS_SCHEMA, RefIndex, type RefAnalysis, type RefEdge, type RefGraph } from '../refs/graph.js';
import type { FileExtraction } from '../refs/reference.js';

export const REFS_NAMESPACE = 'creative/refs-v1';

/** Files larger than this are listed but not read for references. */
export const MAX_REFS_FILE_BYTES = 512 * 1024 * 1024;

/** Files read at once. */
const READ_CONCURRENCY = 16;

export interface RefsSkipped {
  path: string;
  code: string;
  message: string;
}

/** A graph and where it came from. */
export interface LoadedGraph {
  graph: RefGraph;
  /** A stored version: its id, the tree the graph is keyed by, and the folder inside it. */
  version?: { revision: string; id: string; tree: string; path: string };
  /** The working folder (absolute). */
  folder?: string;
  /** `stored`: read from the repository; `computed`: made now (and stored, for a version); `scanned`: a folder. */
  origin: 'stored' | 'computed' | 'scanned';
  /** Files read for references now (0 when the stored graph was used). */
  read: number;
  /** Files whose extraction was reused from another version's graph, by content id. */
  reused: number;
  skipped: RefsSkipped[];
}

function parseGraph(data: Buffer): RefGraph | undefined {
  try {
    const g = JSON.parse(data.toString('utf8')) as RefGraph;
    return g && g.schema === REFS_SCHEMA && Array.isArray(g.files) && Array.isArray(g.sources) ? g : undefined;
  } catch {
    return undefined;
  }
}

/** The stored graph keyed by `tree`, if any. */
export async function storedGraph(repo: Repository, tree: string): Promise<RefGraph | undefined> {
  const index = await loadDerivedIndex(repo, REFS_NAMESPACE);
  if (!index.entries.has(tree)) return undefined;
  const data = (await readDerived(repo, index, [tree])).get(tree);
  return data === undefined ? undefined : parseGraph(data);
}

/** Extractions of a graph's sources by content id, for reuse by another version. */
function extractionsById(graph: RefGraph | undefined): Map<string, FileExtraction> {
  const out = new Map<string, FileExtraction>();
  for (const s of graph?.sources ?? []) if (s.id !== undefined) out.set(s.id, { format: s.format, refs: s.refs, declares: s.declares });
  return out;
}

export interface VersionGraphOptions {
  repo: Repository;
  /** `<version>` or `<version>:<folder>` (the folder is then the project's root). */
  revision: string;
  /** A graph whose per-file extractions may be reused (by content id); default: the parent version's stored graph. */
  reuse?: RefGraph | undefined;
  /** Store a graph computed now (default true). */
  store?: boolean | undefined;
  lockWaitMs?: number | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** The graph of a stored version: the stored one, or computed (incrementally) and stored. */
export async function versionGraph(options: VersionGraphOptions): Promise<LoadedGraph> {
  const { repo } = options;
  const spec = splitVersionPath(options.revision);
  const resolved = await resolveVersionPath(repo, spec);
  const own = resolved.entries[resolved.entries.length - 1];
  if (own && own.type !== 'directory') {
    throw new StrataError('WRONG_KIND', `${options.revision} is a ${own.type}, not a folder: give a version or <version>:<folder>`);
  }
  const key = own ? own.id : resolved.tree;
  const version = { revision: options.revision, id: resolved.version, tree: key, path: resolved.path };
  const stored = await storedGraph(repo, key);
  if (stored) return { graph: stored, version, origin: 'stored', read: 0, reused: 0, skipped: [] };

  let reuseFrom = options.reuse;
  if (reuseFrom === undefined && resolved.path === '') {
    try {
      const parent = (await resolveVersion(repo, resolved.version)).parents[0];
      if (parent !== undefined) reuseFrom = await storedGraph(repo, (await resolveVersion(repo, parent)).tree);
    } catch (err) {
      // A tree id given as the revision, or a forgotten parent: nothing to reuse.
      if (!isStrataError(err)) throw err;
    }
  }
  const reuse = extractionsById(reuseFrom);
  const listing = await listVersionPath({ repo, revision: options.revision, recursive: true });
  const files = listing.entries
    .filter((e) => (e.type === 'file' || e.type === 'executable' || e.type === 'symlink') && e.rawPath === undefined)
    .map((e) => ({ path: e.path, id: e.id, size: e.size ?? 0, readable: e.type !== 'symlink' && extractorFor(e.path) !== undefined }));
  const toRead = files.filter((f) => f.readable);
  const extractions = new Map<string, FileExtraction>();
  const skipped: RefsSkipped[] = [];
  let read = 0;
  let reused = 0;
  let done = 0;
  await mapLimit(toRead, READ_CONCURRENCY, async (f) => {
    const format = extractorFor(f.path);
    const cached = reuse.get(f.id);
    if (cached && cached.format === format) {
      extractions.set(f.path, relocateExtraction(cached, f.path));
      reused++;
    } else if (f.size > MAX_REFS_FILE_BYTES) {
      skipped.push({ path: f.path, code: 'FILE_TOO_LARGE', message: `${f.path} has ${f.size} bytes: not read for references` });
    } else {
      try {
        extractions.set(f.path, extractFile(f.path, await readStoredContent(repo, f.id, { expectedSize: f.size, maxBytes: MAX_REFS_FILE_BYTES })));
        read++;
      } catch (err) {
        if (!isStrataError(err)) throw err;
        skipped.push({ path: f.path, code: err.code, message: `${f.path}: ${err.message}` });
      }
    }
    options.onProgress?.(++done, toRead.length);
  });
  const graph = buildGraph({ files, extractions });
  // A graph with unreadable files is not stored: the next run tries them again.
  if (options.store !== false && skipped.every((s) => s.code === 'FILE_TOO_LARGE')) {
    await putDerived({ repo, namespace: REFS_NAMESPACE, items: [{ source: key, data: Buffer.from(JSON.stringify(graph)) }], lockWaitMs: options.lockWaitMs ?? 10_000 });
  }
  return { graph, version, origin: 'computed', read, reused, skipped };
}

export interface FolderGraphOptions {
  /** The project folder. */
  source: string;
  /** The repository, for its `ignore` patterns and to leave its own folder out. */
  repo?: Repository | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Every file of a folder (root-relative paths), leaving out the repository and what `.strataignore` leaves out. */
export async function listFolder(root: string, repo?: Repository): Promise<Array<{ path: string; size: number; symlink: boolean }>> {
  const exclude = createIgnoreFilter({ root, patterns: [...(repo?.config.ignore ?? [])] });
  const repoRoot = repo ? resolve(repo.root) : undefined;
  const out: Array<{ path: string; size: number; symlink: boolean }> = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let handle;
    try {
      handle = await opendir(dir);
    } catch (err) {
      throw new StrataError('IO_ERROR', `cannot read the folder ${dir}: ${(err as Error).message}`, { cause: err });
    }
    const subdirs: Array<[string, string]> = [];
    for await (const d of handle) {
      const rel = prefix === '' ? d.name : `${prefix}/${d.name}`;
      const abs = join(dir, d.name);
      if (d.isDirectory()) {
        if (d.name === '.strata' || abs === repoRoot || exclude(rel, true)) continue;
        subdirs.push([abs, rel]);
      } else if ((d.isFile() || d.isSymbolicLink()) && !exclude(rel, false)) {
        out.push({ path: rel, size: 0, symlink: d.isSymbolicLink() });
      }
    }
    for (const [abs, rel] of subdirs) await walk(abs, rel);
  };
  await walk(resolve(root), '');
  return out;
}

/** The graph of a working folder, read now. */
export async function folderGraph(options: FolderGraphOptions): Promise<LoadedGraph & { contents: Map<string, Buffer> }> {
  const root = resolve(options.source);
  try {
    if (!(await lstat(root)).isDirectory()) throw new StrataError('INVALID_ARGUMENT', `${options.source} is not a folder`);
  } catch (err) {
    if (isStrataError(err)) throw err;
    throw new StrataError('PATH_NOT_FOUND', `the folder ${options.source} does not exist`, { cause: err });
  }
  const files = await listFolder(root, options.repo);
  const toRead = files.filter((f) => !f.symlink && extractorFor(f.path) !== undefined);
  const extractions = new Map<string, FileExtraction>();
  const contents = new Map<string, Buffer>();
  const skipped: RefsSkipped[] = [];
  let done = 0;
  await mapLimit(toRead, READ_CONCURRENCY, async (f) => {
    const abs = join(root, f.path);
    try {
      const st = await lstat(abs);
      if (st.size > MAX_REFS_FILE_BYTES) {
        skipped.push({ path: f.path, code: 'FILE_TOO_LARGE', message: `${f.path} has ${st.size} bytes: not read for references` });
      } else {
        const data = await readFile(abs);
        const e = extractFile(f.path, data);
        extractions.set(f.path, e);
        if (e.refs.length > 0) contents.set(f.path, data);
      }
    } catch (err) {
      skipped.push({ path: f.path, code: 'IO_ERROR', message: `cannot read ${f.path}: ${(err as Error).message}` });
    }
    options.onProgress?.(++done, toRead.length);
  });
  const { existsSync } = await import('node:fs');
  const graph = buildGraph({ files, extractions, exists: (p) => existsSync(join(root, p)) });
  return { graph, folder: root, origin: 'scanned', read: toRead.length - skipped.length, reused: 0, skipped, contents };
}

export interface RefsOptions {
  /** The repository (needed for a version; for a folder, its ignore patterns apply). */
  repo?: Repository | undefined;
  /** A version (`<version>` or `<version>:<folder>`); else `source` is read. */
  version?: string | undefined;
  /** The working folder (when no version is given). */
  source?: string | undefined;
  /** Also list the files that use this asset (transitively). */
  whoUses?: string | undefined;
  /** Also list what this file depends on (transitively). */
  deps?: string | undefined;
  /** Include every reference in the result (`edges`). */
  edges?: boolean | undefined;
  lockWaitMs?: number | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface RefsResult extends RefAnalysis {
  /** What was read: a version or a folder. */
  version?: LoadedGraph['version'];
  folder?: string;
  origin: LoadedGraph['origin'];
  /** Files read for references now; the rest were reused or only listed. */
  readNow: number;
  reused: number;
  skipped: RefsSkipped[];
  whoUses?: { asset: string; exists: boolean; users: Array<{ path: string; depth: number; via?: string }> };
  deps?: { file: string; exists: boolean; dependencies: Array<{ path: string; depth: number; via?: string; missing?: boolean }> };
  edges?: RefEdge[];
}

/** Normalises a path given by a user to the graph's root-relative form. */
export function graphPath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '');
}

/** The reference graph of a version or a folder, its broken references, orphans and cycles, and optionally who uses an asset or what a file needs. */
export async function refs(options: RefsOptions): Promise<RefsResult> {
  let loaded: LoadedGraph;
  if (options.version !== undefined) {
    if (!options.repo) throw new StrataError('USAGE', 'a version needs a repository');
    loaded = await versionGraph({ repo: options.repo, revision: options.version, lockWaitMs: options.lockWaitMs, onProgress: options.onProgress });
  } else {
    if (options.source === undefined) throw new StrataError('USAGE', 'give a version or a folder to read references from');
    loaded = await folderGraph({ source: options.source, repo: options.repo, onProgress: options.onProgress });
  }
  const index = new RefIndex(loaded.graph);
  const result: RefsResult = {
    ...(loaded.version ? { version: loaded.version } : {}),
    ...(loaded.folder ? { folder: loaded.folder } : {}),
    origin: loaded.origin,
    ...index.analyze(),
    readNow: loaded.read,
    reused: loaded.reused,
    skipped: loaded.skipped,
  };
  if (options.whoUses !== undefined) {
    const asset = graphPath(options.whoUses);
    const users = index.whoUses(asset);
    if (!index.existing.has(asset) && users.length === 0) {
      throw new StrataError('PATH_NOT_FOUND', `${asset} is not in ${where(loaded)} and nothing references it`, { hint: 'give the path from the project root, as `strata creative refs` lists it' });
    }
    result.whoUses = { asset, exists: index.existing.has(asset), users };
  }
  if (options.deps !== undefined) {
    const file = graphPath(options.deps);
    if (!index.existing.has(file)) {
      throw new StrataError('PATH_NOT_FOUND', `${file} is not in ${where(loaded)}`, { hint: 'give the path from the project root, as `strata creative refs` lists it' });
    }
    result.deps = { file, exists: true, dependencies: index.dependencies(file) };
  }
  if (options.edges) result.edges = [...index.out.values()].flat();
  return result;
}

function where(loaded: LoadedGraph): string {
  return loaded.version ? loaded.version.revision : (loaded.folder ?? 'the project');
}

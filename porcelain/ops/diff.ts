/**
 * Comparing folder states: a version against another, or against a folder on disk. Loading is done
 * here (stored trees, read only where two sides differ; a folder scanned with one lstat per entry and
 * the same ignore rules as a snapshot); the comparison itself is the pure `diffTrees`.
 */
import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync, type BigIntStats } from 'node:fs';
import {
  StrataError,
  computeObjectId,
  hasErrno,
  peelToTree,
  resolveRevision,
  storeContent,
  chunkingFor,
  withFileSource,
  type Repository,
  type ScanWarning,
} from '../../plumbing/index.js';
import { diffTrees, nameKey, summarizeDiff, type DiffEntry, type DiffNode, type DirNode, type LeafNode, type TreeDiff } from '../core/tree-diff.js';
import { createIgnoreFilter, type ExcludeFn } from '../scan/ignore-filter.js';
import { loadVersion, type VersionRecord } from './version-list.js';

/** Files and bytes in a stored tree (regular files only, as a snapshot counts them). */
export interface TreeTotals {
  files: number;
  bytes: number;
}

/**
 * Loads stored trees as diff nodes, each tree once (trees shared between versions are shared here
 * too), and only as deep as a comparison needs.
 */
export class TreeLoader {
  private readonly childMaps = new Map<string, Promise<ReadonlyMap<string, DiffNode>>>();
  private readonly totalsMemo = new Map<string, Promise<TreeTotals>>();

  constructor(readonly repo: Repository) {}

  /** The root folder node of a tree. */
  root(treeId: string): DirNode {
    return { type: 'directory', id: treeId, mtime: 0 };
  }

  /** A tree's entries as nodes (folders not yet expanded). */
  children(treeId: string): Promise<ReadonlyMap<string, DiffNode>> {
    let p = this.childMaps.get(treeId);
    if (!p) {
      p = this.repo.objects.readTree(treeId).then((tree) => {
        const map = new Map<string, DiffNode>();
        for (const e of tree.entries) {
          const node: DiffNode =
            e.type === 'directory'
              ? { type: 'directory', id: e.id, mtime: e.mtime, ...(e.mode === undefined ? {} : { mode: e.mode }) }
              : { type: e.type, id: e.id, size: e.size ?? 0, mtime: e.mtime, ...(e.mode === undefined ? {} : { mode: e.mode }) };
          map.set(nameKey(e.name), node);
        }
        return map;
      });
      this.childMaps.set(treeId, p);
    }
    return p;
  }

  async expand(node: DirNode): Promise<ReadonlyMap<string, DiffNode>> {
    if (!node.children) {
      if (node.id === undefined) throw new Error('internal: a folder node without children or tree id');
      node.children = await this.children(node.id);
    }
    return node.children;
  }

  /** Loads a whole tree. */
  async expandAll(node: DirNode): Promise<void> {
    const children = await this.expand(node);
    await Promise.all([...children.values()].map((c) => (c.type === 'directory' ? this.expandAll(c) : undefined)));
  }

  /** Loads what `diffTrees` will look at when comparing `a` with `b`: every folder that differs. */
  async expandPair(a: DirNode | undefined, b: DirNode | undefined): Promise<void> {
    if (a && b && a.id !== undefined && a.id === b.id) return;
    if (!a || !b) {
      if (a) await this.expandAll(a);
      if (b) await this.expandAll(b);
      return;
    }
    const [ac, bc] = await Promise.all([this.expand(a), this.expand(b)]);
    const jobs: Array<Promise<void>> = [];
    for (const [name, x] of ac) {
      const y = bc.get(name);
      if (x.type === 'directory') jobs.push(y?.type === 'directory' ? this.expandPair(x, y) : this.expandAll(x));
    }
    for (const [name, y] of bc) {
      if (y.type === 'directory' && ac.get(name)?.type !== 'directory') jobs.push(this.expandAll(y));
    }
    await Promise.all(jobs);
  }

  /** The node at a `/`-separated path under a folder, or undefined when there is none. */
  async nodeAt(root: DirNode, path: string): Promise<DiffNode | undefined> {
    let node: DiffNode = root;
    for (const part of splitPath(path)) {
      if (node.type !== 'directory') return undefined;
      const next: DiffNode | undefined = (await this.expand(node)).get(nameKey(Buffer.from(part, 'utf8')));
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  /** Regular files and their bytes in a tree. */
  totals(treeId: string): Promise<TreeTotals> {
    let p = this.totalsMemo.get(treeId);
    if (!p) {
      p = this.children(treeId).then(async (children) => {
        const sum: TreeTotals = { files: 0, bytes: 0 };
        const subs = await Promise.all(
          [...children.values()].map((c) => (c.type === 'directory' ? this.totals(c.id as string) : undefined)),
        );
        for (const c of children.values()) {
          if (c.type === 'file' || c.type === 'executable') {
            sum.files++;
            sum.bytes += c.size;
          }
        }
        for (const s of subs) {
          if (!s) continue;
          sum.files += s.files;
          sum.bytes += s.bytes;
        }
        return sum;
      });
      this.totalsMemo.set(treeId, p);
    }
    return p;
  }
}

/** The parts of a relative path, without empty and `.` parts. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** Keeps the entries at or under one of `paths` (a rename counts when either of its paths does). */
export function filterEntries(entries: DiffEntry[], paths: readonly string[] | undefined): DiffEntry[] {
  if (!paths || paths.length === 0) return entries;
  const prefixes = paths.map((p) => splitPath(p).join('/'));
  if (prefixes.includes('')) return entries;
  const under = (p: string | undefined): boolean => p !== undefined && prefixes.some((x) => p === x || p.startsWith(`${x}/`));
  return entries.filter((e) => under(e.path) || under(e.oldPath));
}

/** One side of a comparison. */
export interface DiffSide {
  /** The object the revision named: a version, or a tree. */
  id: string;
  kind: 'version' | 'tree';
  tree: string;
  /** For a version: when it was made (ms). */
  time?: number;
}

async function resolveSide(repo: Repository, rev: string): Promise<DiffSide> {
  const { id } = await resolveRevision(repo, rev);
  const obj = await repo.objects.read(id);
  if (obj.kind === 'version') return { id, kind: 'version', tree: obj.version.tree, time: obj.version.time };
  if (obj.kind === 'tree') return { id, kind: 'tree', tree: await peelToTree(repo, id) };
  throw new StrataError('WRONG_KIND', `${rev} is a ${obj.kind}, not a version`, { data: { rev, id, kind: obj.kind } });
}

export interface DiffVersionsOptions {
  repo: Repository;
  /** The earlier side: a version (any revision) or a tree. */
  from: string;
  /** The later side. */
  to: string;
  /** Only paths at or under these (`/`-separated, relative to the root). */
  paths?: string[];
  /** Pair deleted and added paths with equal content as renames (default true). */
  renames?: boolean;
}

export interface DiffVersionsResult extends TreeDiff {
  from: DiffSide;
  to: DiffSide;
}

/** Compares two versions (or trees): only folders whose tree ids differ are read. */
export async function diffVersions(options: DiffVersionsOptions): Promise<DiffVersionsResult> {
  const { repo } = options;
  const [from, to] = await Promise.all([resolveSide(repo, options.from), resolveSide(repo, options.to)]);
  const loader = new TreeLoader(repo);
  const a = loader.root(from.tree);
  const b = loader.root(to.tree);
  await loader.expandPair(a, b);
  const diff = diffTrees({ old: a, new: b, ...(options.renames === undefined ? {} : { renames: options.renames }) });
  const entries = filterEntries(diff.entries, options.paths);
  return { from, to, entries, summary: entries === diff.entries ? diff.summary : summarizeDiff(entries) };
}

// ---------------------------------------------------------------------------------------------
// The working folder

/** A folder node built from a scan: children are always there, and its files know their paths. */
interface ScannedDir extends DirNode {
  children: Map<string, DiffNode>;
}

interface Scan {
  root: ScannedDir;
  /** Where each scanned leaf is: its absolute path, and its path relative to the folder. */
  paths: Map<LeafNode, { abs: Buffer; rel: string }>;
  files: number;
  warnings: ScanWarning[];
}

const SLASH = Buffer.from('/');

/** Exact milliseconds from nanoseconds (flooring, as write-tree records them). */
function mtimeMs(st: BigIntStats): number {
  const ns = st.mtimeNs;
  const ms = ns / 1_000_000n;
  return Number(ns < 0n && ms * 1_000_000n !== ns ? ms - 1n : ms);
}

/**
 * Scans a folder as a snapshot would: symlinks are not followed, the repository folder and ignored
 * paths are left out, special files and unreadable entries are skipped with a warning. One lstat per
 * entry, nothing is read.
 */
function scanFolder(source: string, exclude: ExcludeFn, repoRoot: string): Scan {
  const warnings: ScanWarning[] = [];
  const paths = new Map<LeafNode, { abs: Buffer; rel: string }>();
  let files = 0;
  let repoStat: BigIntStats | undefined;
  try {
    repoStat = statSync(repoRoot, { bigint: true });
  } catch {
    repoStat = undefined;
  }
  const scanDir = (abs: Buffer, rel: string, node: ScannedDir): boolean => {
    let names: Buffer[];
    try {
      names = readdirSync(abs, { encoding: 'buffer' });
    } catch (err) {
      warnings.push({ code: 'UNREADABLE', path: rel || '.', message: `cannot read folder ${rel || '.'}: ${(err as Error).message}` });
      return false;
    }
    for (const name of names) {
      const childRel = rel === '' ? name.toString('utf8') : `${rel}/${name.toString('utf8')}`;
      const childAbs = Buffer.concat([abs, SLASH, name]);
      let st: BigIntStats;
      try {
        st = lstatSync(childAbs, { bigint: true });
      } catch (err) {
        if (hasErrno(err, 'ENOENT')) continue; // gone since the listing: it is not there
        warnings.push({ code: 'UNREADABLE', path: childRel, message: `cannot read ${childRel}: ${(err as Error).message}` });
        continue;
      }
      const mode = Number(st.mode & 0o7777n);
      const mtime = mtimeMs(st);
      if (st.isDirectory()) {
        if (repoStat && st.dev === repoStat.dev && st.ino === repoStat.ino) continue;
        if (exclude(childRel, true)) continue;
        const child: ScannedDir = { type: 'directory', mode, mtime, children: new Map() };
        if (scanDir(childAbs, childRel, child)) node.children.set(nameKey(name), child);
        continue;
      }
      if (exclude(childRel, false)) continue;
      let leaf: LeafNode;
      if (st.isSymbolicLink()) leaf = { type: 'symlink', size: Number(st.size), mtime };
      else if (st.isFile()) {
        leaf = { type: mode & 0o100 ? 'executable' : 'file', size: Number(st.size), mode, mtime };
        files++;
      } else {
        warnings.push({ code: 'SPECIAL_FILE', path: childRel, message: `skipped ${childRel}: sockets, FIFOs and devices are not stored` });
        continue;
      }
      paths.set(leaf, { abs: childAbs, rel: childRel });
      node.children.set(nameKey(name), leaf);
    }
    return true;
  };
  const root: ScannedDir = { type: 'directory', mtime: 0, children: new Map() };
  if (!scanDir(Buffer.from(source), '', root)) {
    throw new StrataError('IO_ERROR', `cannot read folder ${source}`, { data: { warnings } });
  }
  return { root, paths, files, warnings };
}

/** Files up to this size are hashed from one synchronous read; larger ones are streamed. */
const READ_WHOLE_LIMIT = 1024 * 1024;
/** Files hashed at once. */
const HASH_CONCURRENCY = 8;

interface HashJob {
  leaf: LeafNode;
  parent: ScannedDir;
  key: string;
}

/**
 * Gives scanned leaves their content ids: a leaf whose type, size and modification time match the
 * stored entry at its path takes the stored id unread; with `hash`, every other leaf is read and
 * hashed (for renames, added ones too). Without `hash`, such leaves stay without an id, and the diff
 * judges them by metadata.
 */
async function identify(repo: Repository, stored: DirNode, scan: Scan, hash: boolean): Promise<number> {
  const jobs: HashJob[] = [];
  const visit = (s: DirNode | undefined, d: ScannedDir): void => {
    for (const [key, node] of d.children) {
      const old = s?.children?.get(key);
      if (node.type === 'directory') {
        visit(old?.type === 'directory' ? old : undefined, node as ScannedDir);
        continue;
      }
      if (
        old &&
        old.type !== 'directory' &&
        (old.type === 'symlink') === (node.type === 'symlink') &&
        old.size === node.size &&
        old.mtime === node.mtime &&
        old.id !== undefined
      ) {
        node.id = old.id;
      } else if (hash) jobs.push({ leaf: node, parent: d, key });
    }
  };
  visit(stored, scan.root);
  if (jobs.length === 0) return 0;

  const chunking = chunkingFor(repo.config);
  let next = 0;
  let hashed = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++] as HashJob;
      const { abs: path, rel } = scan.paths.get(job.leaf) as { abs: Buffer; rel: string };
      try {
        if (job.leaf.type === 'symlink') {
          const target = readlinkSync(path, { encoding: 'buffer' });
          job.leaf.id = computeObjectId('blob', target);
          job.leaf.size = target.length;
        } else {
          const strategy = chunking.forFile({ name: path.toString(), size: job.leaf.size });
          const r =
            job.leaf.size <= READ_WHOLE_LIMIT
              ? await storeContent({ objects: repo.objects, strategy, source: readFileSync(path), write: false })
              : await withFileSource(path, (source) => storeContent({ objects: repo.objects, strategy, source, write: false }));
          job.leaf.id = r.id;
          job.leaf.size = r.size;
        }
        hashed++;
      } catch (err) {
        if (err instanceof StrataError) throw err;
        // As a snapshot would: what cannot be read is left out, with a warning.
        job.parent.children.delete(job.key);
        if (hasErrno(err, 'ENOENT')) scan.warnings.push({ code: 'VANISHED', path: rel, message: `${rel} disappeared while it was being read` });
        else scan.warnings.push({ code: 'UNREADABLE', path: rel, message: `cannot read ${rel}: ${(err as Error).message}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, jobs.length) }, worker));
  return hashed;
}

/** The folder a working-folder comparison reads: the one given, else the version's recorded source. */
function sourceOf(given: string | undefined, base: VersionRecord | undefined): string {
  const source = given ?? base?.meta.source;
  if (source === undefined) {
    throw new StrataError('USAGE', 'give the folder to compare with: the version records no source folder', {
      hint: 'pass --source <dir>',
    });
  }
  try {
    const real = realpathSync(source);
    if (!statSync(real).isDirectory()) throw new StrataError('INVALID_ARGUMENT', `${source} is not a folder`);
    return real;
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError('FILE_NOT_FOUND', `cannot read folder ${source}: ${(err as Error).message}`, { cause: err });
  }
}

export interface FolderComparisonOptions {
  repo: Repository;
  /** The stored side; undefined compares with an empty folder (a branch with no versions yet). */
  base: VersionRecord | undefined;
  source?: string | undefined;
  exclude?: string[] | undefined;
  /** Read files whose metadata differs to compare their content (false: metadata alone). */
  hash: boolean;
  renames?: boolean | undefined;
  paths?: string[] | undefined;
}

export interface FolderComparison extends TreeDiff {
  /** The folder compared (absolute, real path). */
  source: string;
  /** Whether contents were compared (false: a file whose size or mtime differs counts as modified). */
  hashed: boolean;
  /** Regular files in the folder (after ignore rules). */
  files: number;
  /** Files (and symlinks) read to compare their content. */
  hashedFiles: number;
  /** Entries that could not be read; like a snapshot, the comparison leaves them out. */
  warnings: ScanWarning[];
}

/** Compares a stored version with a folder on disk: the machinery of `diff <version>` and `status`. */
export async function compareWithFolder(options: FolderComparisonOptions): Promise<FolderComparison> {
  const { repo, base } = options;
  const source = sourceOf(options.source, base);
  const exclude = createIgnoreFilter({ root: source, patterns: [...(repo.config.ignore ?? []), ...(options.exclude ?? [])] });
  const loader = new TreeLoader(repo);
  const stored = base ? loader.root(base.tree) : undefined;
  if (stored) await loader.expandAll(stored);
  const scan = scanFolder(source, exclude, repo.root);
  const hashedFiles = await identify(repo, stored ?? { type: 'directory', mtime: 0, children: new Map() }, scan, options.hash);
  const diff = diffTrees({ old: stored, new: scan.root, renames: options.hash && options.renames !== false });
  const entries = filterEntries(diff.entries, options.paths);
  return {
    source,
    hashed: options.hash,
    files: scan.files,
    hashedFiles,
    warnings: scan.warnings,
    entries,
    summary: entries === diff.entries ? diff.summary : summarizeDiff(entries),
  };
}

export interface DiffWorkingFolderOptions {
  repo: Repository;
  /** The version to compare with the folder (any revision; default `HEAD`). */
  version?: string;
  /** The folder (default: the version's recorded source folder). */
  source?: string;
  /** More patterns to leave out, as `snapshot --exclude` (gitignore syntax, relative to the folder). */
  exclude?: string[];
  paths?: string[];
  renames?: boolean;
}

export interface DiffWorkingFolderResult extends FolderComparison {
  from: DiffSide;
}

/**
 * Compares a version with a folder on disk, honouring the same ignore rules as a snapshot. Files whose
 * size and modification time match the version's entries are not read; the others are hashed, so only
 * real content changes are reported.
 */
export async function diffWorkingFolder(options: DiffWorkingFolderOptions): Promise<DiffWorkingFolderResult> {
  const { repo } = options;
  const side = await resolveSide(repo, options.version ?? 'HEAD');
  if (side.kind !== 'version') {
    throw new StrataError('WRONG_KIND', `${options.version} is a tree: compare a version with the folder`, { data: { id: side.id } });
  }
  const base = await loadVersion(repo, side.id);
  const r = await compareWithFolder({
    repo,
    base,
    source: options.source,
    exclude: options.exclude,
    hash: true,
    renames: options.renames,
    paths: options.paths,
  });
  return { from: side, ...r };
}

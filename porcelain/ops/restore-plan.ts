/**
 * The read-only pass of a restore: walks the version's trees (only along the restored path above it)
 * next to the target folder and decides, for every path, what the restore will do: create, replace,
 * fix metadata, keep, or delete (with `--delete`). Nothing is written here; the plan is what
 * `--dry-run` reports and what the unsaved-changes check inspects before anything is touched.
 *
 * Safety: every folder of the target that is read is first found by lstat to be a real folder (a
 * symlink is never followed); the repository folder and anything named `.strata` are never deleted
 * or entered; paths that `--exclude` names, that `--include` does not select, or that the target's
 * ignore rules leave out are never deleted.
 */
import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import {
  REPO_DIR_NAME,
  Semaphore,
  StrataError,
  computeObjectId,
  decodeUtf8Name,
  displayName,
  hasErrno,
  joinPath,
  storeContent,
  strategyFor,
  type Repository,
  type Tree,
  type TreeEntry,
} from '../../plumbing/index.js';
import {
  afterCompare,
  decideDirectory,
  decideEntry,
  type DirectoryDecision,
  type DiskState,
  type EntryDecision,
  type OverwriteMode,
} from '../core/overwrite-policy.js';
import type { PathFilter } from '../core/path-filter.js';
import type { ExcludeFn } from '../scan/ignore-filter.js';

/** A path of the target: its name bytes from the target (the version's root) down, and how it is shown. */
export interface PlanItem {
  parts: Buffer[];
  path: Buffer;
  /** `/`-separated display form (bytes that are not UTF-8 as U+FFFD). */
  rel: string;
}

/** What lstat found at a path. */
export interface DiskEntry extends DiskState {
  dev: bigint;
  ino: bigint;
}

/** Something on disk the version does not have there, to be removed (a folder after its contents). */
export interface DeleteStep extends PlanItem {
  disk: DiskEntry;
  /** For a folder: it held nothing. */
  empty?: boolean;
}

/** A file, executable or symlink of the version. */
export interface EntryStep extends PlanItem {
  step: 'entry';
  entry: TreeEntry;
  /** The folder it is written into. */
  dir: Buffer;
  decision: Exclude<EntryDecision, { action: 'compare' }>;
  disk?: DiskEntry;
  /** The content id of what is on disk, when it was computed. */
  diskId?: string;
  /** A folder in the way (the version has a file there): its contents, deepest first, then itself. */
  clear: DeleteStep[];
  /** Set by the apply pass: the path now holds the version's content. */
  done?: boolean;
}

/** A folder of the version (or the target itself, which has no entry). */
export interface DirStep extends PlanItem {
  step: 'dir';
  entry?: TreeEntry;
  decision: DirectoryDecision;
  disk?: DiskEntry;
  /** Selected by the filter itself (not only as a folder that holds selected paths). */
  selected: boolean;
  /** Above the restored path: only the entry on the path is restored, nothing else is touched. */
  ancestor: boolean;
  children: Array<EntryStep | DirStep>;
  deletes: DeleteStep[];
}

/** A path the restore could not handle as planned: damaged objects, or something in the way. */
export interface PlanProblem {
  item: PlanItem;
  code: string;
  message: string;
  id?: string;
}

export interface PlanContext {
  repo: Repository;
  mode: OverwriteMode;
  filter: PathFilter;
  /** The target's ignore rules (`.strataignore`, the config): what `--delete` never removes. */
  ignored: ExcludeFn;
  deleteExtra: boolean;
  /** The repository folder's identity, so it is never touched. */
  repoDev: bigint;
  repoIno: bigint;
  problem(problem: PlanProblem): void;
}

/** Codes of errors that mean an object is missing or damaged. */
export const DAMAGE_CODES = new Set(['OBJECT_MISSING', 'OBJECT_CORRUPT', 'WRONG_KIND', 'INVALID_OBJECT']);

const HASH_WHOLE_LIMIT = 1024 * 1024;

/** Exact milliseconds from a nanosecond time (floor, also before 1970). */
function msOf(ns: bigint): number {
  const ms = ns / 1_000_000n;
  return Number(ns < 0n && ms * 1_000_000n !== ns ? ms - 1n : ms);
}

export function diskEntryOf(st: BigIntStats): DiskEntry {
  const kind = st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : 'other';
  return { kind, size: Number(st.size), mode: Number(st.mode & 0o7777n), mtime: msOf(st.mtimeNs), dev: st.dev, ino: st.ino };
}

/** What is at a path, without following a symlink; undefined when nothing is. */
export function diskAt(path: Buffer | string): DiskEntry | undefined {
  try {
    return diskEntryOf(lstatSync(path, { bigint: true }));
  } catch (err) {
    if (hasErrno(err, 'ENOENT', 'ENOTDIR')) return undefined;
    throw err;
  }
}

/** Base64 of a path's bytes when some name on it is not UTF-8 (for JSON output), else undefined. */
export function rawPathOf(parts: Buffer[]): string | undefined {
  if (parts.every((p) => decodeUtf8Name(p) !== undefined)) return undefined;
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from('/'), p]))).toString('base64');
}

export function childItem(parent: PlanItem, name: Buffer): PlanItem {
  const shown = displayName(name);
  return { parts: [...parent.parts, name], path: joinPath(parent.path, name), rel: parent.rel === '' ? shown : `${parent.rel}/${shown}` };
}

/**
 * The content id a file on disk would have in this repository (its chunks hashed with the
 * repository's chunker), or of a symlink's target; read without following symlinks.
 */
export async function contentIdOnDisk(repo: Repository, path: Buffer, kind: 'file' | 'symlink'): Promise<string> {
  if (kind === 'symlink') return computeObjectId('blob', readlinkSync(path, { encoding: 'buffer' }));
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new StrataError('UNSAFE_PATH', `${path.toString()} is no longer a regular file`);
    const strategy = strategyFor(repo.config, { name: path.toString(), size: st.size });
    const source =
      st.size <= HASH_WHOLE_LIMIT
        ? await handle.readFile()
        : { readInto: async (buffer: Uint8Array, offset: number, length: number) => (await handle.read(buffer, offset, length, null)).bytesRead };
    return (await storeContent({ objects: repo.objects, strategy, source, write: false })).id;
  } finally {
    await handle.close();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class RestorePlanner {
  private readonly hashing = new Semaphore(4);

  constructor(private readonly ctx: PlanContext) {}

  private isRepository(disk: DiskEntry): boolean {
    return disk.kind === 'directory' && disk.dev === this.ctx.repoDev && disk.ino === this.ctx.repoIno;
  }

  private fail(item: PlanItem, err: unknown, what: string): void {
    if (err instanceof StrataError) {
      const id = typeof err.data?.id === 'string' ? err.data.id : undefined;
      this.ctx.problem({ item, code: err.code, message: `${what}: ${err.message}`, ...(id === undefined ? {} : { id }) });
    } else {
      this.ctx.problem({ item, code: 'IO_ERROR', message: `${what}: ${errorText(err)}` });
    }
  }

  /**
   * Plans a restore of `scope` (the entries along the restored path, outermost first; empty for the
   * whole version) from `rootTree` into the target folder `root`.
   */
  async plan(root: PlanItem, rootDisk: DiskEntry | undefined, rootTree: string, scope: TreeEntry[]): Promise<DirStep> {
    const top: DirStep = {
      step: 'dir',
      ...root,
      decision: rootDisk ? { action: 'enter', metadataDiffers: false } : { action: 'create' },
      ...(rootDisk ? { disk: rootDisk } : {}),
      selected: true,
      ancestor: scope.length > 0,
      children: [],
      deletes: [],
    };
    if (scope.length === 0) {
      await this.fillDir(top, rootTree);
      return top;
    }
    let node = top;
    for (const entry of scope.slice(0, -1)) {
      const item = childItem(node, entry.name);
      const disk = node.disk?.kind === 'directory' ? diskAt(item.path) : undefined;
      if (disk && this.isRepository(disk)) {
        this.ctx.problem({ item, code: 'UNSAFE_PATH', message: 'this is the repository folder; nothing is restored into it' });
        return top;
      }
      const decided = decideDirectory(entry, disk, this.ctx.mode);
      const decision: DirectoryDecision = decided.action === 'enter' ? { action: 'enter', metadataDiffers: false } : decided;
      const child: DirStep = { step: 'dir', ...item, entry, decision, ...(disk ? { disk } : {}), selected: false, ancestor: true, children: [], deletes: [] };
      node.children.push(child);
      if (decision.action === 'keep') return top;
      node = child;
    }
    const planned = await this.planChild(node, scope[scope.length - 1] as TreeEntry, node.disk?.kind === 'directory');
    if (planned) node.children.push(planned);
    return top;
  }

  /** Reads a folder of the version and the same folder of the target, and plans every entry. */
  private async fillDir(node: DirStep, treeId: string): Promise<void> {
    let tree: Tree;
    try {
      tree = await this.ctx.repo.objects.readTree(treeId);
    } catch (err) {
      this.fail(node, err, `the folder's tree ${treeId} cannot be read, so nothing in it was restored`);
      node.children = [];
      return;
    }
    const onDisk = new Map<string, Buffer>();
    if (node.disk?.kind === 'directory') {
      try {
        for (const name of readdirSync(node.path, { encoding: 'buffer' })) onDisk.set(name.toString('latin1'), name);
      } catch (err) {
        this.fail(node, err, 'cannot read this folder of the target');
        return;
      }
    }
    const planned = await Promise.all(tree.entries.map((entry) => this.planChild(node, entry, onDisk.has(entry.name.toString('latin1')))));
    for (const step of planned) if (step) node.children.push(step);
    if (this.ctx.deleteExtra && onDisk.size > 0) {
      const inVersion = new Set(tree.entries.map((e) => e.name.toString('latin1')));
      for (const [key, name] of onDisk) {
        if (!inVersion.has(key)) this.collectDeletes(childItem(node, name), node.deletes, false);
      }
    }
  }

  private async planChild(parent: DirStep, entry: TreeEntry, exists: boolean): Promise<EntryStep | DirStep | undefined> {
    const item = childItem(parent, entry.name);
    const isDir = entry.type === 'directory';
    if (this.ctx.filter.excludes(item.rel, isDir)) return undefined;
    let disk: DiskEntry | undefined;
    try {
      disk = exists ? diskAt(item.path) : undefined;
    } catch (err) {
      this.fail(item, err, 'cannot read it in the target');
      return undefined;
    }
    if (disk && this.isRepository(disk)) {
      this.ctx.problem({ item, code: 'UNSAFE_PATH', message: 'this is the repository folder; it is left alone' });
      return undefined;
    }
    if (isDir) return this.planDir(item, entry, disk);
    if (!this.ctx.filter.selects(item.rel, false)) return undefined;
    return this.planEntry(parent, item, entry, disk);
  }

  private async planDir(item: PlanItem, entry: TreeEntry, disk: DiskEntry | undefined): Promise<DirStep | undefined> {
    const selected = this.ctx.filter.selects(item.rel, true);
    let decision = decideDirectory(entry, disk, this.ctx.mode);
    // A folder only on the way to selected paths keeps its mode and mtime.
    if (decision.action === 'enter' && !selected) decision = { action: 'enter', metadataDiffers: false };
    const node: DirStep = { step: 'dir', ...item, entry, decision, ...(disk ? { disk } : {}), selected, ancestor: false, children: [], deletes: [] };
    if (decision.action === 'keep') return selected ? node : undefined;
    if (decision.action === 'replace' && !selected && disk) {
      // Something the filter does not select is in the way of a folder that holds selected paths.
      const inner = await this.fillProbe(node, entry.id);
      if (!inner) return undefined;
      this.ctx.problem({ item, code: 'UNSAFE_PATH', message: `a ${disk.kind} is in the way of the version's folder and is outside --include; it is left alone` });
      return undefined;
    }
    await this.fillDir(node, entry.id);
    if (!selected && node.children.length === 0 && node.deletes.length === 0) return undefined;
    return node;
  }

  /** Whether a folder of the version holds anything the filter selects (for a folder that is in the way). */
  private async fillProbe(node: DirStep, treeId: string): Promise<boolean> {
    const probe: DirStep = { ...node, decision: { action: 'create' }, children: [], deletes: [] };
    delete probe.disk;
    await this.fillDir(probe, treeId);
    return probe.children.length > 0;
  }

  private async planEntry(parent: DirStep, item: PlanItem, entry: TreeEntry, disk: DiskEntry | undefined): Promise<EntryStep> {
    const step: EntryStep = { step: 'entry', ...item, entry, dir: parent.path, decision: { action: 'create' }, clear: [] };
    if (disk) step.disk = disk;
    let decision = decideEntry(entry, disk, this.ctx.mode);
    if (decision.action === 'compare' && disk) {
      try {
        step.diskId = await this.hashing.run(() => contentIdOnDisk(this.ctx.repo, item.path, entry.type === 'symlink' ? 'symlink' : 'file'));
        decision = afterCompare(entry, disk, step.diskId === entry.id, this.ctx.mode);
      } catch {
        // Unreadable on disk: it cannot be compared, so it is replaced.
        decision = { action: 'replace', reason: 'changed' };
      }
    }
    step.decision = decision as EntryStep['decision'];
    if (step.decision.action === 'replace' && disk?.kind === 'directory') {
      const clear: DeleteStep[] = [];
      if (this.collectDeletes(item, clear, true)) step.clear = clear;
      else {
        this.ctx.problem({
          item,
          code: 'UNSAFE_PATH',
          message: `a folder is in the way of the version's ${entry.type} and holds paths this restore must not remove (the repository, excluded or ignored paths); it is left alone`,
        });
        step.decision = { action: 'keep', reason: 'exists' };
      }
    }
    return step;
  }

  /**
   * Collects what to delete at `item` (a folder's contents first, then the folder), leaving alone the
   * repository, anything named `.strata`, and paths the filter does not select or the target's ignore
   * rules leave out. Returns whether everything there would go. With `whole`, a folder that cannot go
   * entirely adds nothing.
   */
  private collectDeletes(item: PlanItem, out: DeleteStep[], whole: boolean): boolean {
    let disk: DiskEntry | undefined;
    try {
      disk = diskAt(item.path);
    } catch (err) {
      this.fail(item, err, 'cannot read it in the target');
      return false;
    }
    if (!disk) return true;
    const isDir = disk.kind === 'directory';
    const name = item.parts[item.parts.length - 1] as Buffer;
    if (this.isRepository(disk) || name.toString('latin1') === REPO_DIR_NAME) return false;
    // A folder the filter does not select may still hold selected paths; a file must be selected.
    if (isDir ? this.ctx.filter.excludes(item.rel, true) : !this.ctx.filter.selects(item.rel, false)) return false;
    if (this.ctx.ignored(item.rel, isDir)) return false;
    if (!isDir) {
      out.push({ ...item, disk });
      return true;
    }
    let names: Buffer[];
    try {
      names = readdirSync(item.path, { encoding: 'buffer' });
    } catch (err) {
      this.fail(item, err, 'cannot read this folder of the target');
      return false;
    }
    const mark = out.length;
    let all = true;
    for (const child of names) {
      if (!this.collectDeletes(childItem(item, child), out, whole)) all = false;
      if (!all && whole) break;
    }
    if (all && this.ctx.filter.selects(item.rel, true)) {
      out.push({ ...item, disk, empty: names.length === 0 });
      return true;
    }
    if (whole) out.length = mark;
    return false;
  }
}

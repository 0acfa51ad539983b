/**
 * Unsaved changes: what a restore would destroy that was never snapshotted. The reference is the
 * target folder's last snapshot: the newest branch head whose version records this folder (and this
 * machine) as its source. A path the restore would overwrite with other content, replace by another
 * kind of entry, or delete is an unsaved change unless nothing would be lost: that snapshot holds it
 * as it is on disk (same kind, and equal size and mtime, as `snapshot` itself trusts, or equal
 * content), or its content is already the version's, or its content is stored in the repository (a
 * file restored earlier from another version, say). Sockets, FIFOs and devices always count. A folder
 * counts only when it is empty and not in the snapshot (its contents are checked one by one). With no
 * snapshot of the folder, only content the repository holds is safe to replace.
 */
import { hostname } from 'node:os';
import { REF_NAMESPACES, type Repository, type Tree, type TreeEntry } from '../../plumbing/index.js';
import { contentIdOnDisk, type DeleteStep, type DirStep, type DiskEntry, type EntryStep, type PlanItem } from './restore-plan.js';

/** The snapshot the target is compared with. */
export interface Baseline {
  /** The version. */
  id: string;
  tree: string;
  /** The branch whose head it is. */
  branch: string;
  time: number;
}

/** The newest branch head that is a snapshot of `target` (an absolute real path) on this machine. */
export async function findBaseline(repo: Repository, target: string): Promise<Baseline | undefined> {
  const host = hostname();
  let best: Baseline | undefined;
  for (const branch of await repo.refs.list(REF_NAMESPACES.heads)) {
    try {
      const id = (await repo.refs.resolve(branch))?.id;
      if (id === undefined) continue;
      const version = await repo.objects.readVersion(id);
      if (version.meta.source !== target) continue;
      if (version.meta.host !== undefined && version.meta.host !== host) continue;
      if (!best || version.time > best.time) best = { id, tree: version.tree, branch, time: version.time };
    } catch {
      // A damaged head cannot be the reference; the check is then stricter, never looser.
    }
  }
  return best;
}

/** Looks up entries of one tree by path, reading each tree once. */
class TreeIndex {
  private readonly trees = new Map<string, Promise<Tree | undefined>>();

  constructor(
    private readonly repo: Repository,
    private readonly root: string,
  ) {}

  private tree(id: string): Promise<Tree | undefined> {
    let t = this.trees.get(id);
    if (!t) {
      t = this.repo.objects.readTree(id).catch(() => undefined);
      this.trees.set(id, t);
    }
    return t;
  }

  async entryAt(parts: Buffer[]): Promise<TreeEntry | undefined> {
    let treeId = this.root;
    let found: TreeEntry | undefined;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i] as Buffer;
      const tree = await this.tree(treeId);
      found = tree?.entries.find((e) => e.name.equals(name));
      if (!found) return undefined;
      if (found.type !== 'directory' && i < parts.length - 1) return undefined;
      treeId = found.id;
    }
    return found;
  }
}

/** One thing the restore would destroy: what is on disk at a path, and the version's entry there. */
interface Destroyed {
  item: PlanItem;
  disk: DiskEntry;
  diskId?: string | undefined;
  empty?: boolean | undefined;
  wanted?: TreeEntry;
}

function destroyedBy(root: DirStep): Destroyed[] {
  const out: Destroyed[] = [];
  const fromDelete = (d: DeleteStep): Destroyed => ({ item: d, disk: d.disk, empty: d.empty });
  const walk = (node: DirStep): void => {
    if (node.decision.action === 'replace' && node.disk) out.push({ item: node, disk: node.disk });
    out.push(...node.deletes.map(fromDelete));
    for (const child of node.children) {
      if (child.step === 'dir') walk(child);
      else visitEntry(child);
    }
  };
  const visitEntry = (step: EntryStep): void => {
    if (step.decision.action !== 'replace' || !step.disk) return;
    if (step.disk.kind === 'directory') out.push(...step.clear.map(fromDelete));
    else out.push({ item: step, disk: step.disk, diskId: step.diskId, wanted: step.entry });
  };
  walk(root);
  return out;
}

function sameKind(entry: TreeEntry, disk: DiskEntry): boolean {
  if (entry.type === 'directory') return disk.kind === 'directory';
  if (entry.type === 'symlink') return disk.kind === 'symlink';
  return disk.kind === 'file';
}

/**
 * The paths (display form, in plan order) whose content the plan would destroy and the baseline does
 * not hold.
 */
export async function findUnsaved(repo: Repository, plan: DirStep, baseline: Baseline | undefined): Promise<PlanItem[]> {
  const index = baseline ? new TreeIndex(repo, baseline.tree) : undefined;
  const unsaved: PlanItem[] = [];
  for (const d of destroyedBy(plan)) {
    if (!(await isSaved(repo, index, d))) unsaved.push(d.item);
  }
  return unsaved;
}

async function isSaved(repo: Repository, index: TreeIndex | undefined, d: Destroyed): Promise<boolean> {
  const { disk } = d;
  if (disk.kind === 'other') return false;
  const before = index ? await index.entryAt(d.item.parts) : undefined;
  if (disk.kind === 'directory') return !d.empty || before?.type === 'directory';
  // The quick check: as in the last snapshot by size and mtime (what `snapshot` itself trusts).
  if (before && sameKind(before, disk) && disk.kind === 'file' && before.size === disk.size && before.mtime === disk.mtime) return true;
  let id = d.diskId;
  if (id === undefined) {
    try {
      id = await contentIdOnDisk(repo, d.item.path, disk.kind === 'symlink' ? 'symlink' : 'file');
    } catch {
      return false; // unreadable: nothing shows that its content is kept
    }
  }
  if (before && sameKind(before, disk) && id === before.id) return true;
  // Overwritten with the content it already has, or content the repository holds: nothing is lost.
  if (d.wanted && sameKind(d.wanted, disk) && id === d.wanted.id) return true;
  return repo.objects.has(id);
}

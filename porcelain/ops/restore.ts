import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { StrataError, mapLimit, withRepoLock, type EntryType, type Repository } from '../../plumbing/index.js';
import { DEFAULT_OVERWRITE, OVERWRITE_MODES, type OverwriteMode } from '../core/overwrite-policy.js';
import { createPathFilter } from '../core/path-filter.js';
import { quotePath } from '../core/quote-path.js';
import { createIgnoreFilter } from '../scan/ignore-filter.js';
import { applyPlan, type ApplyTotals } from './restore-apply.js';
import { DAMAGE_CODES, RestorePlanner, contentIdOnDisk, diskAt, rawPathOf, type DirStep, type EntryStep, type PlanItem, type PlanProblem } from './restore-plan.js';
import { findBaseline, findUnsaved } from './restore-unsaved.js';
import { resolveVersionPath, splitVersionPath } from './version-path.js';

export interface RestoreProgress {
  /** Files and symlinks written so far, and their bytes. */
  files: number;
  bytes: number;
  /** What the restore will write in all. */
  totalFiles: number;
  totalBytes: number;
}

export interface RestoreOptions {
  repo: Repository;
  /** What to restore: `<version>` (any revision) or `<version>:<path>` (a folder or one file in it). */
  source: string;
  /**
   * The folder that stands for the version's root (created when absent): `main:src/a.txt` is written
   * to `<target>/src/a.txt`.
   */
  target: string;
  /** Restore only paths matching one of these (gitignore syntax, relative to the version's root). */
  include?: readonly string[];
  /** Leave out paths matching one of these (gitignore syntax); they are never deleted either. */
  exclude?: readonly string[];
  /** What to do with paths that exist in the target (default `if-changed`). */
  overwrite?: OverwriteMode;
  /** Remove what the target has, within the restored path, that the version does not. */
  delete?: boolean;
  /** Plan and report only; write nothing. */
  dryRun?: boolean;
  /** Read every restored file back afterwards and check its content id. */
  verify?: boolean;
  /** Overwrite and delete changes that were never snapshotted. */
  force?: boolean;
  /** How long to wait for a repository lock held by another command, ms (default 0). */
  lockWaitMs?: number;
  onProgress?: (progress: RestoreProgress) => void;
}

export type RestoreActionKind = 'create' | 'replace' | 'metadata' | 'keep' | 'delete' | 'mkdir';

/** One path's planned action (in `--dry-run` results). */
export interface RestoreAction {
  action: RestoreActionKind;
  /** Relative to the target, `/`-separated (display form for names that are not UTF-8). */
  path: string;
  /** Base64 of the path's bytes, when some name on it is not UTF-8. */
  rawPath?: string;
  type: EntryType | 'other';
  /** Why: `new`, `changed`, `type` (another kind of entry is there), `always`, `older`, `unchanged`, `exists`, `newer`, `not in version`. */
  reason: string;
  /** Bytes to write (files). */
  size?: number;
}

/** A path the restore could not restore. */
export interface RestoreProblem {
  path: string;
  rawPath?: string;
  code: string;
  message: string;
  /** The damaged object, when known. */
  id?: string;
}

/** Counts as ApplyTotals has them (in a dry run: what would be done). */
export interface RestoreResult extends ApplyTotals {
  /** The revision restored from (a version's id, or a tree's). */
  version: string;
  /** The version's root tree. */
  tree: string;
  /** The restored path inside the version (`''` for all of it). */
  path: string;
  /** The target folder (absolute). */
  target: string;
  overwrite: OverwriteMode;
  dryRun: boolean;
  /** The last snapshot of the target the unsaved-changes check compared with. */
  baseline?: string;
  /** Files and symlinks read back and found equal to the version (with `verify`). */
  verified: number;
  /** Paths that could not be restored because objects are missing or damaged. */
  damaged: RestoreProblem[];
  /** Paths that could not be restored for another reason (permissions, something in the way, failed verification). */
  failed: RestoreProblem[];
  /** Every path was restored (nothing damaged or failed). */
  complete: boolean;
  /** Changes never snapshotted that the restore overwrote (`force`) or would refuse on (`dryRun`). */
  unsaved: { count: number; paths: string[] };
  /** Every planned action, in order (dry runs only). */
  actions?: RestoreAction[];
}

/** Unsaved paths named in messages and results; the rest are counted. */
const LISTED = 20;

/** The target's absolute real path (following a symlink the user named), and whether it exists. */
function prepareTarget(repo: Repository, target: string): { path: string; exists: boolean } {
  const abs = resolve(target);
  let path: string | undefined;
  try {
    if (!statSync(abs).isDirectory()) {
      throw new StrataError('INVALID_ARGUMENT', `the target ${target} is not a folder`, { hint: 'restore into a folder (it is created when it does not exist)' });
    }
    path = realpathSync(abs);
  } catch (err) {
    if (err instanceof StrataError) throw err;
    if (diskAt(abs) !== undefined) throw new StrataError('INVALID_ARGUMENT', `the target ${target} is not a usable folder: ${(err as Error).message}`);
  }
  const exists = path !== undefined;
  if (path === undefined) {
    // Not there yet: the nearest folder above it that exists, resolved, plus the rest.
    let base = abs;
    const rest: string[] = [];
    while (diskAt(base) === undefined && dirname(base) !== base) {
      rest.unshift(basename(base));
      base = dirname(base);
    }
    path = join(realpathSync(base), ...rest);
  }
  const repoPath = realpathSync(repo.root);
  if (path === repoPath || path.startsWith(repoPath + sep)) {
    throw new StrataError('INVALID_ARGUMENT', `the target ${target} is inside the repository ${repo.root}`, { hint: 'restore into a folder outside the repository' });
  }
  return { path, exists };
}

function problemOut(p: PlanProblem): RestoreProblem {
  const raw = rawPathOf(p.item.parts);
  return { path: p.item.rel === '' ? '.' : p.item.rel, ...(raw === undefined ? {} : { rawPath: raw }), code: p.code, message: p.message, ...(p.id === undefined ? {} : { id: p.id }) };
}

function actionOut(item: PlanItem, action: RestoreActionKind, type: EntryType | 'other', reason: string, size?: number): RestoreAction {
  const raw = rawPathOf(item.parts);
  return { action, path: item.rel, ...(raw === undefined ? {} : { rawPath: raw }), type, reason, ...(size === undefined ? {} : { size }) };
}

function zeroTotals(): ApplyTotals {
  return { written: 0, created: 0, replaced: 0, metadataFixed: 0, skipped: 0, unchanged: 0, deleted: 0, directoriesCreated: 0, bytes: 0 };
}

/** What a plan would do: its actions in order, and their totals. */
function describePlan(root: DirStep): { actions: RestoreAction[]; totals: ApplyTotals } {
  const actions: RestoreAction[] = [];
  const t = zeroTotals();
  const deleted = (d: { parts: Buffer[]; path: Buffer; rel: string; disk: { kind: string } }): void => {
    actions.push(actionOut(d, 'delete', d.disk.kind === 'other' ? 'other' : (d.disk.kind as EntryType), 'not in version'));
    t.deleted++;
  };
  const entry = (s: EntryStep): void => {
    s.clear.forEach(deleted);
    const d = s.decision;
    const size = s.entry.type === 'symlink' ? undefined : s.entry.size;
    switch (d.action) {
      case 'create':
        actions.push(actionOut(s, 'create', s.entry.type, 'new', size));
        t.written++;
        t.created++;
        t.bytes += size ?? 0;
        break;
      case 'replace':
        actions.push(actionOut(s, 'replace', s.entry.type, d.reason, size));
        t.written++;
        t.replaced++;
        t.bytes += size ?? 0;
        break;
      case 'metadata':
        actions.push(actionOut(s, 'metadata', s.entry.type, 'changed'));
        t.metadataFixed++;
        break;
      case 'keep':
        actions.push(actionOut(s, 'keep', s.entry.type, d.reason));
        t.skipped++;
        if (d.reason === 'unchanged') t.unchanged++;
        break;
    }
  };
  const dir = (n: DirStep): void => {
    const d = n.decision;
    if (n.parts.length > 0) {
      if (d.action === 'create') {
        actions.push(actionOut(n, 'mkdir', 'directory', 'new'));
        t.directoriesCreated++;
      } else if (d.action === 'replace') {
        actions.push(actionOut(n, 'replace', 'directory', d.reason));
        t.deleted++;
        t.directoriesCreated++;
      } else if (d.action === 'keep') {
        actions.push(actionOut(n, 'keep', 'directory', d.reason));
        t.skipped++;
        return;
      } else if (d.metadataDiffers) {
        actions.push(actionOut(n, 'metadata', 'directory', 'changed'));
        t.metadataFixed++;
      }
    }
    n.deletes.forEach(deleted);
    for (const c of n.children) {
      if (c.step === 'dir') dir(c);
      else entry(c);
    }
  };
  dir(root);
  return { actions, totals: t };
}

function entrySteps(root: DirStep): EntryStep[] {
  const out: EntryStep[] = [];
  const walk = (n: DirStep): void => {
    for (const c of n.children) {
      if (c.step === 'dir') walk(c);
      else out.push(c);
    }
  };
  walk(root);
  return out;
}

function byPath(a: RestoreProblem, b: RestoreProblem): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Restores a version, a folder of it or one file into a target folder. Reads the version's trees
 * (only along the path above a restored folder or file), compares them with the target and plans every
 * path; refuses (UNSAVED_CHANGES) to overwrite or delete changes that the target's last snapshot does
 * not hold unless `force`; then writes each file atomically (a temporary file in its folder, renamed
 * into place; never through a symlink), symlinks, empty folders, modes and mtimes (folders after their
 * contents). Files whose objects are missing or damaged are reported in `damaged` and everything else
 * is restored. Holds a shared repository lock throughout.
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const { repo } = options;
  const mode = options.overwrite ?? DEFAULT_OVERWRITE;
  if (!OVERWRITE_MODES.includes(mode)) {
    throw new StrataError('INVALID_ARGUMENT', `--overwrite must be one of ${OVERWRITE_MODES.join(', ')}, not "${String(mode)}"`);
  }
  const filter = createPathFilter({ include: options.include, exclude: options.exclude });
  const spec = splitVersionPath(options.source);
  const dryRun = options.dryRun ?? false;

  return withRepoLock({ repo, kind: 'shared', command: 'restore', waitMs: options.lockWaitMs ?? 0 }, async () => {
    const resolved = await resolveVersionPath(repo, spec);
    const rootTree = resolved.tree;
    const scope = resolved.entries;
    const target = prepareTarget(repo, options.target);
    const repoStat = statSync(repo.root, { bigint: true });

    const problems: PlanProblem[] = [];
    const planner = new RestorePlanner({
      repo,
      mode,
      filter,
      ignored: createIgnoreFilter({ root: target.path, patterns: repo.config.ignore ?? [] }),
      deleteExtra: options.delete ?? false,
      repoDev: repoStat.dev,
      repoIno: repoStat.ino,
      problem: (p) => problems.push(p),
    });
    const rootItem: PlanItem = { parts: [], path: Buffer.from(target.path), rel: '' };
    const plan = await planner.plan(rootItem, target.exists ? diskAt(target.path) : undefined, rootTree, scope);
    const described = describePlan(plan);

    // Unsaved changes, compared with the target's last snapshot.
    const baseline = target.exists ? await findBaseline(repo, target.path) : undefined;
    const unsavedItems = target.exists ? await findUnsaved(repo, plan, baseline) : [];
    const unsaved = { count: unsavedItems.length, paths: unsavedItems.slice(0, LISTED).map((i) => i.rel) };
    if (unsaved.count > 0 && !options.force && !dryRun) {
      const list = unsavedItems.slice(0, LISTED).map((i) => quotePath(Buffer.concat(i.parts.flatMap((p, k) => (k === 0 ? [p] : [Buffer.from('/'), p])))));
      const more = unsaved.count > LISTED ? `, and ${unsaved.count - LISTED} more` : '';
      const n = unsaved.count === 1 ? '1 path' : `${unsaved.count} paths`;
      throw new StrataError('UNSAVED_CHANGES', `restoring would overwrite or delete ${n} in ${target.path} with changes that were never snapshotted: ${list.join(', ')}${more}`, {
        hint: baseline
          ? `they differ from the folder's last snapshot (${baseline.branch.replace(/^refs\/heads\//, '')}, ${baseline.id.slice(0, 12)}); snapshot them first, restore into another folder, or pass --force to discard them`
          : `${target.path} has no snapshot in this repository to compare with; restore into a new or empty folder, or pass --force to overwrite`,
        data: { target: target.path, count: unsaved.count, paths: unsaved.paths, ...(baseline ? { baseline: baseline.id } : {}) },
      });
    }

    let totals = described.totals;
    let verified = 0;
    if (!dryRun) {
      if (!target.exists) {
        try {
          mkdirSync(target.path, { recursive: true });
        } catch (err) {
          throw new StrataError('IO_ERROR', `cannot create the target ${target.path}: ${(err as Error).message}`, { cause: err });
        }
      }
      const planned = { files: described.totals.written, bytes: described.totals.bytes };
      totals = await applyPlan(plan, {
        repo,
        mode,
        problem: (p) => problems.push(p),
        ...(options.onProgress
          ? { onProgress: (files: number, bytes: number) => options.onProgress?.({ files, bytes, totalFiles: planned.files, totalBytes: planned.bytes }) }
          : {}),
      });
      if (options.verify) {
        const done = entrySteps(plan).filter((s) => s.done);
        const results = await mapLimit(done, 4, async (s) => {
          try {
            const id = await contentIdOnDisk(repo, s.path, s.entry.type === 'symlink' ? 'symlink' : 'file');
            if (id === s.entry.id) return true;
            problems.push({ item: s, code: 'VERIFY_FAILED', message: `read back as ${id}, the version has ${s.entry.id}`, id: s.entry.id });
          } catch (err) {
            problems.push({ item: s, code: 'VERIFY_FAILED', message: `cannot be read back: ${(err as Error).message}`, id: s.entry.id });
          }
          return false;
        });
        verified = results.filter(Boolean).length;
      }
    }

    const out = problems.map(problemOut);
    const damaged = out.filter((p) => DAMAGE_CODES.has(p.code)).sort(byPath);
    const failed = out.filter((p) => !DAMAGE_CODES.has(p.code)).sort(byPath);
    return {
      version: resolved.version,
      tree: rootTree,
      path: resolved.path,
      target: target.path,
      overwrite: mode,
      dryRun,
      ...(baseline ? { baseline: baseline.id } : {}),
      ...totals,
      verified,
      damaged,
      failed,
      complete: damaged.length === 0 && failed.length === 0,
      unsaved,
      ...(dryRun ? { actions: described.actions } : {}),
    };
  });
}

/**
 * The error a restore that did not restore everything ends with: RESTORE_INCOMPLETE (exit 12) when
 * objects are damaged or missing, VERIFY_FAILED (12) when a file read back differs, RESTORE_FAILED
 * (exit 1) for other failures; undefined for a complete restore.
 */
export function restoreProblemError(result: RestoreResult): StrataError | undefined {
  if (result.complete) return undefined;
  const name = (ps: RestoreProblem[]): string => {
    const shown = ps.slice(0, LISTED).map((p) => quotePath(p.rawPath === undefined ? p.path : Buffer.from(p.rawPath, 'base64')));
    return shown.join(', ') + (ps.length > LISTED ? `, and ${ps.length - LISTED} more` : '');
  };
  const paths = (ps: RestoreProblem[]): string[] => ps.map((p) => p.path);
  if (result.damaged.length > 0) {
    const n = result.damaged.length;
    return new StrataError('RESTORE_INCOMPLETE', `${n} path${n === 1 ? '' : 's'} could not be restored because objects are missing or damaged: ${name(result.damaged)}; everything else was restored`, {
      hint: 'run `strata fsck --full` to see the damage; restore these paths from another version if one has them',
      data: { damaged: paths(result.damaged), failed: paths(result.failed) },
    });
  }
  const verify = result.failed.filter((p) => p.code === 'VERIFY_FAILED');
  if (verify.length > 0) {
    return new StrataError('VERIFY_FAILED', `${verify.length} restored file${verify.length === 1 ? '' : 's'} did not read back as the version has ${verify.length === 1 ? 'it' : 'them'}: ${name(verify)}`, {
      hint: 'the disk may be failing, or something else is writing into the target',
      data: { failed: paths(result.failed) },
    });
  }
  const n = result.failed.length;
  return new StrataError('RESTORE_FAILED', `${n} path${n === 1 ? '' : 's'} could not be restored: ${result.failed.slice(0, 3).map((p) => `${quotePath(p.rawPath === undefined ? p.path : Buffer.from(p.rawPath, 'base64'))}: ${p.message}`).join('; ')}${n > 3 ? `; and ${n - 3} more` : ''}`, {
    data: { failed: paths(result.failed) },
  });
}

/**
 * The writing pass of a restore: carries out a plan (restore-plan.ts). Each file is written through a
 * temporary file in its own folder and renamed into place (plumbing's writeFileEntry), symlinks the same
 * way, folders are checked to be real folders before anything is written into them, and a folder's
 * mode and mtime are set after its contents. A path that fails (a damaged object, a permission) is
 * reported and the rest goes on.
 */
import { constants } from 'node:fs';
import { lutimes, open, rmdir, unlink } from 'node:fs/promises';
import {
  FileWriterThreads,
  Semaphore,
  StrataError,
  ensureRealDirectory,
  fsSeconds,
  hasErrno,
  setEntryMetadata,
  writeFileEntry,
  writeSymlinkEntry,
  type Repository,
} from '../../plumbing/index.js';
import type { OverwriteMode } from '../core/overwrite-policy.js';
import type { DeleteStep, DirStep, EntryStep, PlanItem, PlanProblem } from './restore-plan.js';

export interface ApplyTotals {
  /** Files and symlinks written (created or replaced). */
  written: number;
  created: number;
  replaced: number;
  /** Entries whose mode or mtime was set without writing them again. */
  metadataFixed: number;
  /** Entries left as they were (identical already, or kept by the overwrite mode). */
  skipped: number;
  /** Of the skipped, those already identical to the version. */
  unchanged: number;
  deleted: number;
  directoriesCreated: number;
  /** Content bytes written. */
  bytes: number;
}

export interface ApplyContext {
  repo: Repository;
  mode: OverwriteMode;
  problem(problem: PlanProblem): void;
  onProgress?: (files: number, bytes: number) => void;
}

/** Files up to this size are written many at a time; larger ones two at a time (bounded memory). */
const SMALL_FILE = 1024 * 1024;
/** Entries being carried out at once: enough to keep both size classes busy. */
const ENTRIES_IN_FLIGHT = 32;
/**
 * With small files written by worker threads: they hold no memory on this thread while in flight, and
 * each thread needs a few batches queued to stay busy.
 */
const ENTRIES_IN_FLIGHT_THREADS = 256;
/** Small files to write from which worker threads write them (starting a thread takes some 30 ms). */
const THREADS_FROM = 64;

/** A problem at a path; `what` (optional) says what was being done there. */
function problemOf(item: PlanItem, err: unknown, what?: string): PlanProblem {
  const text = err instanceof Error ? err.message : String(err);
  const message = what === undefined ? text : `${what}: ${text}`;
  if (err instanceof StrataError) {
    const id = typeof err.data?.id === 'string' ? err.data.id : undefined;
    return { item, code: err.code, message, ...(id === undefined ? {} : { id }) };
  }
  return { item, code: 'IO_ERROR', message };
}

/** The files of the plan to be written that are small enough for the writer threads. */
function countSmallWrites(node: DirStep): number {
  let n = 0;
  for (const c of node.children) {
    if (c.step === 'dir') n += countSmallWrites(c);
    else if (c.entry.type !== 'symlink' && (c.decision.action === 'create' || c.decision.action === 'replace') && FileWriterThreads.isSmall(c.entry.size ?? 0)) n++;
  }
  return n;
}

/** Sets a folder's mode through a handle opened without following a symlink. */
async function chmodFolder(path: Buffer, mode: number): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

export async function applyPlan(root: DirStep, ctx: ApplyContext): Promise<ApplyTotals> {
  const { repo } = ctx;
  const totals: ApplyTotals = { written: 0, created: 0, replaced: 0, metadataFixed: 0, skipped: 0, unchanged: 0, deleted: 0, directoriesCreated: 0, bytes: 0 };
  // Files are written by worker threads when there are enough small ones to be worth starting those.
  const writers = countSmallWrites(root) >= THREADS_FROM ? FileWriterThreads.start(repo) : undefined;
  // Every file system operation on this thread runs under one of these, so a large plan never opens too many files.
  const small = new Semaphore(16);
  const large = new Semaphore(2);
  // Entries started and not finished, across the whole plan: bounds the memory a restore of many files holds.
  const started = new Semaphore(writers ? ENTRIES_IN_FLIGHT_THREADS : ENTRIES_IN_FLIGHT);
  const fixFolders = ctx.mode === 'always' || ctx.mode === 'if-changed';
  const progress = { files: 0, bytes: 0 };
  const report = (): void => ctx.onProgress?.(progress.files, progress.bytes);
  const failed = (item: PlanItem, err: unknown, what?: string): void => ctx.problem(problemOf(item, err, what));
  const shown = (item: PlanItem): string => (item.rel === '' ? '.' : item.rel);

  const remove = async (d: DeleteStep): Promise<boolean> => {
    try {
      await small.run(() => (d.disk.kind === 'directory' ? rmdir(d.path) : unlink(d.path)));
      totals.deleted++;
      return true;
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return true;
      failed(d, err, 'cannot delete it');
      return false;
    }
  };

  const write = async (step: EntryStep): Promise<void> => {
    const { entry } = step;
    if (entry.type === 'symlink') {
      await small.run(() => writeSymlinkEntry({ repo, dir: step.dir, path: step.path, entry }));
      return;
    }
    const size = entry.size ?? 0;
    let last = 0;
    const options = {
      repo,
      dir: step.dir,
      path: step.path,
      entry: { id: entry.id, size, mode: entry.mode ?? 0o644, mtime: entry.mtime },
      label: step.rel,
      onBytes: (bytes: number) => {
        progress.bytes += bytes - last;
        last = bytes;
        report();
      },
    };
    // A file a worker thread writes opens nothing here: it takes no slot of this thread's semaphores.
    const threaded = writers ? await writers.write(options) : undefined;
    const written = threaded ?? (await (size > SMALL_FILE ? large : small).run(() => writeFileEntry(options)));
    totals.bytes += written;
  };

  /** Carries out one entry; true when it was written (its folder's listing changed). */
  const execEntry = async (step: EntryStep): Promise<boolean> => {
    const d = step.decision;
    if (d.action === 'keep') {
      totals.skipped++;
      if (d.reason === 'unchanged') {
        totals.unchanged++;
        step.done = true;
      }
      return false;
    }
    try {
      if (d.action === 'metadata') {
        const { entry } = step;
        const set = await small.run(async () => {
          if (entry.type !== 'symlink') return setEntryMetadata(step.path, 'file', entry.mode ?? 0o644, entry.mtime, step.rel);
          await lutimes(step.path, fsSeconds(entry.mtime), fsSeconds(entry.mtime));
          return true;
        });
        if (set) {
          totals.metadataFixed++;
          step.done = true;
          return false;
        }
        // It cannot be opened to set its mode: it is written again instead.
      }
      for (const c of step.clear) {
        if (!(await remove(c))) {
          throw new StrataError('UNSAFE_PATH', `the folder in the way could not be removed entirely`, { data: { path: step.rel } });
        }
      }
      await write(step);
      totals.written++;
      if (step.disk) totals.replaced++;
      else totals.created++;
      progress.files++;
      report();
      step.done = true;
      return true;
    } catch (err) {
      failed(step, err);
      return false;
    }
  };

  /** Carries out a folder and everything in it; true when the folder was created or replaced. */
  const execDir = async (node: DirStep): Promise<boolean> => {
    const d = node.decision;
    if (d.action === 'keep') {
      totals.skipped++;
      return false;
    }
    let created: boolean;
    try {
      if (d.action === 'replace' && node.disk && node.disk.kind !== 'directory') {
        await small.run(() => unlink(node.path)).catch((err: unknown) => {
          if (!hasErrno(err, 'ENOENT')) throw err;
        });
        totals.deleted++;
      }
      created = await small.run(() => ensureRealDirectory(node.path, shown(node)));
      if (created && node.parts.length > 0) totals.directoriesCreated++;
    } catch (err) {
      failed(node, err, 'cannot create the folder');
      return false;
    }
    const busy = node.children.length > 0 || node.deletes.length > 0;
    let restoreMode: number | undefined;
    if (!created && busy && node.disk?.kind === 'directory' && (node.disk.mode & 0o300) !== 0o300) {
      // A folder its owner cannot write into: opened up while the restore works in it.
      try {
        await small.run(() => chmodFolder(node.path, (node.disk?.mode ?? 0) | 0o700));
        restoreMode = node.disk.mode;
      } catch (err) {
        failed(node, err, 'cannot write into the folder');
        return false;
      }
    }
    let changed = false;
    for (const del of node.deletes) if (await remove(del)) changed = true;
    // Sub-folders start at once (so work in different folders overlaps); files start only when one of
    // the plan's entry slots is free, so a large plan never holds an in-progress write per file.
    const running: Promise<boolean>[] = [];
    for (const c of node.children) {
      if (c.step === 'dir') {
        running.push(execDir(c));
        continue;
      }
      await started.acquire();
      running.push(execEntry(c).finally(() => started.release()));
    }
    if ((await Promise.all(running)).some(Boolean)) changed = true;
    const entry = node.entry;
    const fix =
      entry !== undefined &&
      (created || d.action === 'replace' || (fixFolders && node.selected && d.action === 'enter' && (d.metadataDiffers || changed)));
    try {
      if (fix && entry) {
        await small.run(() => setEntryMetadata(node.path, 'directory', entry.mode ?? 0o755, entry.mtime, shown(node)));
        if (!created && d.action === 'enter' && d.metadataDiffers) totals.metadataFixed++;
      } else if (restoreMode !== undefined) {
        const mode = restoreMode;
        await small.run(() => chmodFolder(node.path, mode));
      }
    } catch (err) {
      failed(node, err, 'cannot set the folder\'s mode and mtime');
    }
    return created || d.action === 'replace';
  };

  try {
    await execDir(root);
  } finally {
    await writers?.close();
  }
  return totals;
}

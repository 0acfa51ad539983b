/**
 * `strata creative mv <old> <new>`: moves an asset in the working folder and rewrites every reference
 * to it (and the moved file's own relative references), all files or none.
 *
 * Order, so that an interruption leaves a state the next run recognises and that never has a broken
 * reference:
 * 1. every new content is written to a temporary file beside its final place (`<name>.strata-mv-<hex>.tmp`):
 *    the rewritten referring files, then the moved file and its side-cars (`.meta`, `.import`, `.uid`)
 *    at their new places. Any failure here removes every temporary file (and the folders made for
 *    them): nothing has changed.
 * 2. the moved file and its side-cars are renamed into their new places (the old ones stay: both
 *    paths exist, so every reference, rewritten or not, still resolves);
 * 3. each referring file's temporary file is renamed over it (one atomic rename per file);
 * 4. the old file and its old side-cars are removed.
 * A run interrupted after step 2 leaves the old and the new file both present with the new one equal
 * to the old (or to the old with its own references rewritten): running the same `mv` again sees
 * that, finishes the rewrites and removes the old file. Temporary files left by an interrupted run are
 * removed by the next run.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { StrataError, type Repository } from '../../../porcelain/index.js';
import { applyEdits, planMove, type MovePlan } from '../refs/rewrite.js';
import { folderGraph, graphPath } from './refs.js';

export interface AssetMoveOptions {
  /** The project folder. */
  source: string;
  /** The file to move, and where to (root-relative; an existing folder or a path ending in `/` keeps the name). */
  from: string;
  to: string;
  dryRun?: boolean | undefined;
  /** The repository, for its ignore patterns. */
  repo?: Repository | undefined;
}

export interface AssetMoveChange {
  /** The referring file (its path before the move). */
  file: string;
  /** Its path after the move, when it moves too (the asset itself, a side-car). */
  newPath?: string;
  line?: number;
  kind: string;
  before: string;
  after: string;
}

export interface AssetMoveResult {
  from: string;
  to: string;
  dryRun: boolean;
  /** Side-cars moved with it. */
  sidecars: Array<{ from: string; to: string }>;
  /** Every reference rewritten (or to be rewritten). */
  changes: AssetMoveChange[];
  /** Files rewritten. */
  files: number;
  /** References to the file that were left as they are (not rewritable). */
  untouched: MovePlan['untouched'];
  /** An earlier, interrupted move of the same file was finished. */
  resumed: boolean;
  /** Temporary files of an interrupted run, removed. */
  leftoversRemoved: string[];
}

const TEMP_RE = /\.strata-mv-[0-9a-f]{12}\.tmp$/;

function checkInside(path: string, what: string): string {
  const p = graphPath(path);
  const n = posix.normalize(p);
  if (p === '' || n === '.' || n === '..' || n.startsWith('../') || posix.isAbsolute(n)) {
    throw new StrataError('UNSAFE_PATH', `${what} ${path} is not a path inside the project folder`, { hint: 'give paths relative to the project folder' });
  }
  return n;
}

async function kindAt(abs: string): Promise<'file' | 'directory' | 'other' | undefined> {
  try {
    const st = await lstat(abs);
    return st.isFile() || st.isSymbolicLink() ? 'file' : st.isDirectory() ? 'directory' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new StrataError('IO_ERROR', `cannot read ${abs}: ${(err as Error).message}`, { cause: err });
  }
}

export async function assetMove(options: AssetMoveOptions): Promise<AssetMoveResult> {
  const root = resolve(options.source);
  const from = checkInside(options.from, 'the file to move');
  let to = checkInside(options.to, 'the new path');
  const fromKind = await kindAt(join(root, from));
  if (fromKind === undefined) throw new StrataError('FILE_NOT_FOUND', `${from} does not exist in ${root}`, { data: { path: from } });
  if (fromKind !== 'file') throw new StrataError('INVALID_ARGUMENT', `${from} is a ${fromKind}: creative mv moves one file (with its side-cars)`);
  if (options.to.endsWith('/') || (await kindAt(join(root, to))) === 'directory') to = posix.join(to, posix.basename(from));
  if (to === from) throw new StrataError('INVALID_ARGUMENT', `${from} is already there`);

  const loaded = await folderGraph({ source: root, repo: options.repo });
  const leftovers = loaded.graph.files.map((f) => f.path).filter((p) => TEMP_RE.test(p));
  const contents = loaded.contents;
  const plan = planMove(loaded.graph, contents, from, to);

  // The moved file's and its side-cars' contents at their new places.
  const movedContent = async (path: string): Promise<Buffer> => {
    const rw = plan.rewrites.find((r) => r.path === path);
    const data = contents.get(path) ?? (await readFile(join(root, path)));
    return rw ? applyEdits(data, rw.edits) : data;
  };
  let resumed = false;
  for (const [src, dst] of [[from, to], ...plan.sidecars.map((s) => [s.from, s.to])] as Array<[string, string]>) {
    const there = await kindAt(join(root, dst));
    if (there === undefined) continue;
    const same = there === 'file' && (await readFile(join(root, dst))).equals(await movedContent(src));
    if (!same) {
      throw new StrataError('TARGET_EXISTS', `${dst} already exists: creative mv does not overwrite`, { hint: 'move or remove it first, or choose another name', data: { path: dst } });
    }
    resumed = true;
  }

  const changes: AssetMoveChange[] = plan.rewrites.flatMap((r) =>
    r.edits.map((e) => ({ file: r.path, ...(r.newPath === r.path ? {} : { newPath: r.newPath }), ...(e.line === undefined ? {} : { line: e.line }), kind: e.kind, before: e.before, after: e.after })),
  );
  const result: AssetMoveResult = {
    from,
    to,
    dryRun: options.dryRun ?? false,
    sidecars: plan.sidecars,
    changes,
    files: plan.rewrites.length,
    untouched: plan.untouched,
    resumed,
    leftoversRemoved: [],
  };
  if (options.dryRun) return result;

  for (const l of leftovers) await rm(join(root, l), { force: true });
  result.leftoversRemoved = leftovers;

  // 1. Temporary files: referring files first, then the moved file and its side-cars.
  const suffix = `.strata-mv-${randomBytes(6).toString('hex')}.tmp`;
  const temps: Array<{ temp: string; final: string }> = [];
  const madeDirs: string[] = [];
  const moves = new Map<string, string>([[from, to], ...plan.sidecars.map((s): [string, string] => [s.from, s.to])]);
  try {
    for (const r of plan.rewrites) {
      if (moves.has(r.path)) continue;
      const final = join(root, r.path);
      const temp = final + suffix;
      const mode = (await stat(final)).mode & 0o7777;
      await writeFile(temp, applyEdits(contents.get(r.path) as Buffer, r.edits), { mode });
      temps.push({ temp, final });
      await chmod(temp, mode);
    }
    for (const [src, dst] of moves) {
      const final = join(root, dst);
      const made = await mkdir(dirname(final), { recursive: true });
      if (made !== undefined) madeDirs.push(made);
      const temp = final + suffix;
      const mode = (await stat(join(root, src))).mode & 0o7777;
      await writeFile(temp, await movedContent(src), { mode });
      temps.push({ temp, final });
      await chmod(temp, mode);
    }
  } catch (err) {
    for (const t of temps) await rm(t.temp, { force: true });
    for (const d of madeDirs.reverse()) await removeEmptyDirs(d, root);
    const failed = err instanceof StrataError ? err.message : (err as Error).message;
    throw new StrataError('IO_ERROR', `cannot move ${from} to ${to}: ${failed}; nothing was changed`, { cause: err, data: { from, to } });
  }

  // 2. The moved file and its side-cars into place (the old ones stay until every reference is rewritten).
  const byFinal = new Map(temps.map((t) => [t.final, t.temp]));
  for (const dst of moves.values()) await renameOrFail(byFinal.get(join(root, dst)) as string, join(root, dst), from, to);
  // 3. The referring files.
  for (const r of plan.rewrites) {
    if (moves.has(r.path)) continue;
    const final = join(root, r.path);
    await renameOrFail(byFinal.get(final) as string, final, from, to);
  }
  // 4. The old file and its side-cars.
  for (const src of moves.keys()) {
    try {
      await unlink(join(root, src));
    } catch (err) {
      throw new StrataError('IO_ERROR', `moved ${from} to ${to} and rewrote its references, but cannot remove ${src}: ${(err as Error).message}`, { cause: err });
    }
  }
  return result;
}

async function renameOrFail(temp: string, final: string, from: string, to: string): Promise<void> {
  try {
    await rename(temp, final);
  } catch (err) {
    await rm(temp, { force: true });
    throw new StrataError('IO_ERROR', `moving ${from} to ${to} stopped at ${final}: ${(err as Error).message}; both paths exist, so no reference is broken: run the same mv again to finish`, { cause: err });
  }
}

/** Removes `dir` and its parents up to `root` while they are empty (folders made for a move that failed). */
async function removeEmptyDirs(dir: string, root: string): Promise<void> {
  // mkdir's result is the first folder it made: remove the folders below it first.
  const stack: string[] = [];
  const walk = async (d: string): Promise<void> => {
    stack.push(d);
    try {
      for (const e of await readdir(d, { withFileTypes: true })) if (e.isDirectory()) await walk(join(d, e.name));
    } catch {
      // gone already
    }
  };
  await walk(dir);
  for (const d of stack.reverse()) {
    if (!d.startsWith(root)) continue;
    try {
      await rmdir(d);
    } catch {
      // not empty: something else is in it; leave it
    }
  }
}

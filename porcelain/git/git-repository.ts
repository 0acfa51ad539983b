/**
 * Finding and checking the git repository the bridge works on: where its git folder and work tree are,
 * that it uses SHA-1 object ids and a format this code understands, which branch its HEAD names, and
 * whether its work tree has uncommitted changes. Reading goes through isomorphic-git.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { isomorphicGit } from './isomorphic-git.js';
import { StrataError } from '../../plumbing/index.js';
import { parseLfsPointer } from './lfs.js';

export interface GitRepository {
  /** The git folder (`.git`, or the repository itself when bare), an absolute real path. */
  gitdir: string;
  /** The work tree, absent for a bare repository. */
  worktree?: string;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function looksLikeGitDir(path: string): Promise<boolean> {
  return (await isDir(join(path, 'objects'))) && (await isDir(join(path, 'refs'))) && (await stat(join(path, 'HEAD')).then(() => true, () => false));
}

/**
 * Opens the git repository at `path` (a work tree holding `.git`, a `.git` file pointing elsewhere, or
 * a bare repository): NOT_A_GIT_REPOSITORY when it is none, GIT_FORMAT_UNSUPPORTED for a SHA-256 git
 * repository or a repository format this code does not know.
 */
export async function openGitRepository(path: string): Promise<GitRepository> {
  const abs = resolve(path);
  if (!(await isDir(abs))) throw new StrataError('NOT_A_GIT_REPOSITORY', `${path} is not a git repository (no such folder)`, { hint: 'create one with `git init --bare <path>`', data: { path } });
  let repo: GitRepository | undefined;
  const dotGit = join(abs, '.git');
  if (await isDir(dotGit)) {
    if (await looksLikeGitDir(dotGit)) repo = { gitdir: await realpath(dotGit), worktree: await realpath(abs) };
  } else if (await stat(dotGit).then((s) => s.isFile(), () => false)) {
    const m = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8'));
    if (m) {
      const target = isAbsolute(m[1] as string) ? (m[1] as string) : join(abs, m[1] as string);
      if (await looksLikeGitDir(target)) repo = { gitdir: await realpath(target), worktree: await realpath(abs) };
    }
  } else if (await looksLikeGitDir(abs)) {
    repo = { gitdir: await realpath(abs) };
  }
  if (!repo) throw new StrataError('NOT_A_GIT_REPOSITORY', `${path} is not a git repository`, { hint: 'give the folder of a git repository, or create one with `git init --bare <path>`', data: { path } });
  await checkFormat(repo);
  return repo;
}

async function config(repo: GitRepository, key: string): Promise<unknown> {
  return (await isomorphicGit()).getConfig({ fs, gitdir: repo.gitdir, path: key });
}

async function checkFormat(repo: GitRepository): Promise<void> {
  const format = String((await config(repo, 'extensions.objectformat')) ?? 'sha1').toLowerCase();
  if (format !== 'sha1') {
    throw new StrataError('GIT_FORMAT_UNSUPPORTED', `the git repository ${repo.gitdir} uses ${format} object ids; the bridge writes and reads SHA-1 repositories only`, {
      hint: 'use a repository made by `git init` without --object-format',
      data: { gitdir: repo.gitdir, objectFormat: format },
    });
  }
  const version = Number((await config(repo, 'core.repositoryformatversion')) ?? 0);
  if (version !== 0 && version !== 1) {
    throw new StrataError('GIT_FORMAT_UNSUPPORTED', `the git repository ${repo.gitdir} has format version ${version}, which the bridge does not know`, { data: { gitdir: repo.gitdir, formatVersion: version } });
  }
  if (version === 1 && (await config(repo, 'extensions.refstorage')) !== undefined) {
    throw new StrataError('GIT_FORMAT_UNSUPPORTED', `the git repository ${repo.gitdir} keeps its refs in a format other than files`, { data: { gitdir: repo.gitdir } });
  }
}

/** The commit a ref names (peeling nothing), or undefined when it does not exist. */
export async function readGitRef(repo: GitRepository, ref: string): Promise<string | undefined> {
  try {
    return await (await isomorphicGit()).resolveRef({ fs, gitdir: repo.gitdir, ref, depth: 1 });
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFoundError') return undefined;
    throw err;
  }
}

/** The branch ref HEAD names (`refs/heads/main`), or undefined for a detached HEAD. */
export async function gitHeadBranch(repo: GitRepository): Promise<string | undefined> {
  const head = (await readFile(join(repo.gitdir, 'HEAD'), 'utf8')).trim();
  return head.startsWith('ref: ') ? head.slice(5).trim() : undefined;
}

/**
 * The paths of the work tree that differ from HEAD or the index (files not tracked and not staged are
 * not counted); empty for a bare repository.
 */
export async function uncommittedChanges(repo: GitRepository): Promise<string[]> {
  if (repo.worktree === undefined) return [];
  try {
    return await statusWithIsomorphicGit(repo, repo.worktree);
  } catch (err) {
    // isomorphic-git reads names as UTF-8 and cannot stat a file whose name is not: ask git itself.
    const viaGit = gitStatus(repo, repo.worktree);
    if (viaGit === undefined) {
      throw new StrataError('IO_ERROR', `cannot tell whether the work tree ${repo.worktree} has uncommitted changes: ${(err as Error).message}`, { hint: 'install git, or use a bare repository', cause: err });
    }
    return viaGit;
  }
}

/** `git status` of the tracked files, when git is installed (undefined otherwise). */
function gitStatus(repo: GitRepository, worktree: string): string[] | undefined {
  const r = spawnSync('git', ['--git-dir', repo.gitdir, '--work-tree', worktree, 'status', '--porcelain=v1', '-z', '--untracked-files=no'], { cwd: worktree, maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout
    .toString('utf8')
    .split('\0')
    .filter((l) => l.length > 3)
    .map((l) => l.slice(3));
}

async function statusWithIsomorphicGit(repo: GitRepository, worktree: string): Promise<string[]> {
  const head = await gitHeadBranch(repo);
  const born = head === undefined || (await readGitRef(repo, head)) !== undefined;
  if (!born) {
    // An unborn branch: anything staged is a change.
    return (await isomorphicGit()).listFiles({ fs, dir: worktree, gitdir: repo.gitdir });
  }
  const cache = {};
  const changed: string[] = [];
  for (const [file, h, w, s] of await (await isomorphicGit()).statusMatrix({ fs, dir: worktree, gitdir: repo.gitdir, cache })) {
    if ((h === 1 && w === 1 && s === 1) || (h === 0 && w === 2 && s === 0)) continue;
    // isomorphic-git runs no filters: a file checked out by git-lfs differs from its pointer blob.
    if (h === 1 && w === 2 && s === 1 && (await matchesLfsPointer(repo, worktree, file, cache))) continue;
    changed.push(file);
  }
  return changed;
}

/** Whether HEAD holds `file` as an LFS pointer to exactly the content the work tree has. */
async function matchesLfsPointer(repo: GitRepository, worktree: string, file: string, cache: object): Promise<boolean> {
  const { blob } = await (await isomorphicGit()).readBlob({ fs, gitdir: repo.gitdir, oid: await (await isomorphicGit()).resolveRef({ fs, gitdir: repo.gitdir, ref: 'HEAD' }), filepath: file, cache });
  const pointer = parseLfsPointer(blob);
  if (!pointer) return false;
  const path = join(worktree, file);
  if ((await stat(path)).size !== pointer.size) return false;
  const hash = createHash('sha256');
  for await (const block of createReadStream(path)) hash.update(block as Buffer);
  return hash.digest('hex') === pointer.oid;
}

/** GIT_DIRTY_WORKTREE when the work tree has uncommitted changes. */
export async function requireCleanWorktree(repo: GitRepository, what: string): Promise<void> {
  const changed = await uncommittedChanges(repo);
  if (changed.length === 0) return;
  throw new StrataError('GIT_DIRTY_WORKTREE', `the work tree of ${repo.worktree} has uncommitted changes (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? `, and ${changed.length - 3} more` : ''}); ${what}`, {
    hint: 'commit or stash them with git first',
    data: { worktree: repo.worktree, changed },
  });
}

/**
 * Brings a clean work tree from the tree of commit `from` (undefined: nothing was checked out yet) to
 * that of `to`, index included, without overwriting untracked files. With git installed this is
 * `git read-tree -m -u`, which runs the repository's filters (git-lfs writes the real content) and
 * keeps names that are not UTF-8; without it, isomorphic-git's checkout, which can do neither, so it
 * is used only when every name is UTF-8 (`utf8Only`). Returns undefined when done, else why not.
 */
export async function updateWorktree(repo: GitRepository, branch: string, from: string | undefined, to: string, utf8Only: boolean): Promise<string | undefined> {
  const worktree = repo.worktree;
  if (worktree === undefined) return 'the repository is bare';
  const r = spawnSync('git', ['--git-dir', repo.gitdir, '--work-tree', worktree, 'read-tree', '-m', '-u', from ?? '4b825dc642cb6eb9a060e54bf8d69288fbee4904', to], { cwd: worktree, encoding: 'utf8' });
  if (!r.error) return r.status === 0 ? undefined : `git read-tree: ${r.stderr.trim()}`;
  if (!utf8Only) return 'git is not installed, and isomorphic-git cannot check out names that are not UTF-8';
  try {
    await (await isomorphicGit()).checkout({ fs, dir: worktree, gitdir: repo.gitdir, ref: branch, force: false });
    return undefined;
  } catch (err) {
    return `isomorphic-git checkout: ${(err as Error).message}`;
  }
}

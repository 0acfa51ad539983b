/**
 * Moving a git ref the way git does: take `<ref>.lock` exclusively, compare the ref's value with the one
 * expected (a compare-and-swap; packed refs are read too), write the new value into the lock file and
 * rename it over the ref. Another git process moving the same ref at the same time finds the lock.
 */
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StrataError } from '../../plumbing/index.js';
import { gitHeadBranch, readGitRef, type GitRepository } from './git-repository.js';
import { GIT_ID } from './git-format.js';

/**
 * Sets `ref` to `oid` when it currently has the value `expected` (undefined: it must not exist).
 * GIT_REF_MOVED when it has another value, LOCKED when git (or another export) holds its lock.
 */
export async function updateGitRef(repo: GitRepository, ref: string, oid: string, expected: string | undefined): Promise<void> {
  if (!GIT_ID.test(oid)) throw new StrataError('INVALID_ID', `"${oid}" is not a git object id`);
  const file = join(repo.gitdir, ref);
  await mkdir(dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  let handle;
  try {
    handle = await open(lock, 'wx', 0o644);
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') {
      throw new StrataError('LOCKED', `the git ref ${ref} is locked (${lock} exists): another git command is changing it`, { hint: `if no git command is running, remove ${lock}`, data: { ref, lock } });
    }
    throw err;
  }
  let placed = false;
  try {
    const current = await readGitRef(repo, ref);
    if (current !== expected) {
      throw new StrataError('GIT_REF_MOVED', `the git ref ${ref} is ${current === undefined ? 'gone' : `on ${current.slice(0, 12)}`}, not ${expected === undefined ? 'absent' : `on ${expected.slice(0, 12)}`} as expected`, {
        data: { ref, current: current ?? null, expected: expected ?? null },
      });
    }
    await handle.writeFile(`${oid}\n`);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(lock, file);
    placed = true;
  } finally {
    await handle?.close().catch(() => undefined);
    if (!placed) await unlink(lock).catch(() => undefined);
  }
}

/**
 * Points HEAD at `ref` (a symbolic ref, as `git symbolic-ref` writes it), when HEAD still names
 * `expected`; false when it names something else by then.
 */
export async function pointGitHead(repo: GitRepository, ref: string, expected: string): Promise<boolean> {
  const file = join(repo.gitdir, 'HEAD');
  const lock = `${file}.lock`;
  let handle;
  try {
    handle = await open(lock, 'wx', 0o644);
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return false;
    throw err;
  }
  let placed = false;
  try {
    if ((await gitHeadBranch(repo)) !== expected) return false;
    await handle.writeFile(`ref: ${ref}\n`);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(lock, file);
    placed = true;
    return true;
  } finally {
    await handle?.close().catch(() => undefined);
    if (!placed) await unlink(lock).catch(() => undefined);
  }
}

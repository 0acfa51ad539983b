import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  LOCKS_DIR,
  StrataError,
  hasErrno,
  isProcessAlive,
  listRepoLocks,
  removeRepoLocks,
  safeHostname,
  type RepoLockInfo,
  type Repository,
} from '../../plumbing/index.js';

export interface LockEntry {
  /** `repository`: a command's lock in `locks/`; `ref`: a `<ref>.lock` left while a ref was updated. */
  scope: 'repository' | 'ref';
  /** Its path relative to the repository folder. */
  path: string;
  /**
   * shared or exclusive for a repository lock; unknown when its content cannot be parsed (then the
   * holder comes from the file name).
   */
  kind: 'shared' | 'exclusive' | 'ref' | 'unknown';
  pid?: number;
  host?: string;
  /** When it was taken, ms since the epoch. */
  time?: number;
  /** The command holding a repository lock. */
  command?: string;
  /** Its process is gone (same host, no such process). */
  stale: boolean;
}

export interface UnlockOptions {
  repo: Repository;
  /** Remove every lock, live or not (for holders on another machine that are known to be gone). */
  all?: boolean;
  /** Report what would be removed; remove nothing. */
  dryRun?: boolean;
}

export interface UnlockResult {
  dryRun: boolean;
  removed: LockEntry[];
  /** Locks left in place (their holder may still be running). */
  remaining: LockEntry[];
}

/**
 * A repository lock file is named `<host>.<pid>.<counter>.<random>.json`, so the holder of a lock whose
 * content cannot be read (its process was killed between creating and writing it) is still known.
 */
function holderFromName(file: string): { host: string; pid: number } | undefined {
  const m = /^(.+)\.(\d+)\.\d+\.[0-9a-f]{8}\.json$/.exec(file);
  return m ? { host: m[1] as string, pid: Number(m[2]) } : undefined;
}

function fromRepoLock(lock: RepoLockInfo): LockEntry {
  if (lock.kind === 'unknown') {
    const holder = holderFromName(lock.file);
    return {
      scope: 'repository',
      path: `${LOCKS_DIR}/${lock.file}`,
      kind: 'unknown',
      ...(holder ?? {}),
      stale: holder !== undefined && holder.host === safeHostname() && !isProcessAlive(holder.pid),
    };
  }
  return {
    scope: 'repository',
    path: `${LOCKS_DIR}/${lock.file}`,
    kind: lock.kind,
    ...(lock.pid === undefined ? {} : { pid: lock.pid }),
    ...(lock.host === undefined ? {} : { host: lock.host }),
    ...(lock.time === undefined ? {} : { time: lock.time }),
    ...(lock.command === undefined ? {} : { command: lock.command }),
    stale: lock.stale,
  };
}

/** `<ref>.lock` files (HEAD.lock and under refs/), with their holder. */
function refLocks(repo: Repository): LockEntry[] {
  const out: LockEntry[] = [];
  const host = safeHostname();
  const add = (rel: string): void => {
    let owner: { pid?: unknown; host?: unknown; time?: unknown } = {};
    try {
      owner = JSON.parse(readFileSync(join(repo.root, rel), 'utf8')) as typeof owner;
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return; // released while we looked
    }
    const pid = typeof owner.pid === 'number' ? owner.pid : undefined;
    const lockHost = typeof owner.host === 'string' ? owner.host : undefined;
    out.push({
      scope: 'ref',
      path: rel,
      kind: pid === undefined || lockHost === undefined ? 'unknown' : 'ref',
      ...(pid === undefined ? {} : { pid }),
      ...(lockHost === undefined ? {} : { host: lockHost }),
      ...(typeof owner.time === 'number' ? { time: owner.time } : {}),
      stale: pid !== undefined && lockHost === host && !isProcessAlive(pid),
    });
  };
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(repo.root, rel), { withFileTypes: true });
    } catch (err) {
      if (hasErrno(err, 'ENOENT', 'ENOTDIR')) return;
      throw new StrataError('IO_ERROR', `cannot read ${join(repo.root, rel)}: ${(err as Error).message}`, { cause: err });
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.name.endsWith('.lock')) add(child);
    }
  };
  add('HEAD.lock');
  walk('refs');
  return out;
}

/** Every lock in the repository: commands' repository locks and ref locks, with who holds them. */
export function listLocks(options: { repo: Repository }): LockEntry[] {
  return [...listRepoLocks(options.repo).map(fromRepoLock), ...refLocks(options.repo)];
}

/**
 * Removes locks whose process is gone (same host, no such process); with `all`, every lock, for a
 * holder on another machine that is known to have stopped. Says what it removed and what is left.
 */
export function unlock(options: UnlockOptions): UnlockResult {
  const { repo } = options;
  const dryRun = options.dryRun ?? false;
  const all = options.all ?? false;
  const chosen = (l: LockEntry) => all || l.stale;
  if (dryRun) {
    const locks = listLocks({ repo });
    return { dryRun, removed: locks.filter(chosen), remaining: locks.filter((l) => !chosen(l)) };
  }
  const removed = removeRepoLocks(repo, { all }).map(fromRepoLock);
  // Unreadable lock files of processes that are gone (plumbing only knows the holder of a readable one).
  const unreadable = listRepoLocks(repo).map(fromRepoLock).filter((l) => l.kind === 'unknown' && chosen(l));
  for (const lock of [...unreadable, ...refLocks(repo).filter(chosen)]) {
    try {
      unlinkSync(join(repo.root, lock.path));
      removed.push(lock);
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw new StrataError('IO_ERROR', `cannot remove ${lock.path}: ${(err as Error).message}`, { cause: err });
    }
  }
  return { dryRun, removed, remaining: listLocks({ repo }) };
}

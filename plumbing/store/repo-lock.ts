/**
 * Repository-wide locks, so that `gc` never deletes what a running snapshot is about to reference.
 * Each holder writes its own file `locks/<host>.<pid>.<n>.<random>.json`; a shared lock (snapshot,
 * restore) conflicts only with an exclusive one (gc), an exclusive lock with any other. A taker writes
 * its file first and then looks for conflicting ones, backing off (removing its own) when it finds
 * one, so two takers can both back off but can never both proceed.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { StrataError, hasErrno } from '../errors/index.js';
import { trackHeldLock, untrackHeldLock } from './lock-file.js';
import { isProcessAlive, safeHostname, tempFileName } from './process-identity.js';
import type { Repository } from './repository.js';

export const LOCKS_DIR = 'locks';

export type RepoLockKind = 'shared' | 'exclusive';

const LockFileJson = z.object({
  kind: z.enum(['shared', 'exclusive']),
  pid: z.number().int(),
  host: z.string(),
  time: z.number().int(),
  command: z.string(),
});

export interface RepoLockInfo {
  /** The lock file's name in `locks/`. */
  file: string;
  kind: RepoLockKind | 'unknown';
  pid?: number;
  host?: string;
  /** When it was taken, ms since the epoch. */
  time?: number;
  command?: string;
  /** Its process is known to be gone (same host, no such pid). */
  stale: boolean;
}

export interface RepoLock {
  kind: RepoLockKind;
  file: string;
  release(): void;
}

export interface RepoLockOptions {
  repo: Repository;
  kind: RepoLockKind;
  /** The command taking it, shown to whoever finds the repository busy. */
  command: string;
  /** How long to wait for a conflicting live holder, ms (default 0: fail at once). */
  waitMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retried this long whatever the caller's wait: a conflicting file may be another taker's that is
 * about to back off (every taker writes before it looks), so a reader and a gc starting together must
 * not both fail when only one of them had to.
 */
const TRANSIENT_WAIT_MS = 300;

function locksDir(repo: Repository): string {
  return join(repo.root, LOCKS_DIR);
}

/** Every lock file in the repository, parsed; one that cannot be parsed is `unknown`, never stale. */
export function listRepoLocks(repo: Repository): RepoLockInfo[] {
  let names: string[];
  try {
    names = readdirSync(locksDir(repo)).filter((n) => n.endsWith('.json'));
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return [];
    throw new StrataError('IO_ERROR', `cannot read ${locksDir(repo)}: ${(err as Error).message}`, { cause: err });
  }
  const host = safeHostname();
  const out: RepoLockInfo[] = [];
  for (const file of names.sort()) {
    let parsed: z.infer<typeof LockFileJson> | undefined;
    try {
      const r = LockFileJson.safeParse(JSON.parse(readFileSync(join(locksDir(repo), file), 'utf8')));
      if (r.success) parsed = r.data;
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) continue; // released while we looked
    }
    if (!parsed) out.push({ file, kind: 'unknown', stale: false });
    else out.push({ file, ...parsed, stale: parsed.host === host && !isProcessAlive(parsed.pid) });
  }
  return out;
}

function describeHolder(lock: RepoLockInfo): string {
  if (lock.kind === 'unknown') return `an unreadable lock (${lock.file})`;
  const when = lock.time === undefined ? '' : ` since ${new Date(lock.time).toISOString()}`;
  return `${lock.command ?? 'a command'} (${lock.kind} lock, process ${lock.pid} on ${lock.host}${when})`;
}

/** Takes a repository lock, or throws LOCKED (a live holder) or STALE_LOCK (a dead one) with exit 11. */
export async function acquireRepoLock(options: RepoLockOptions): Promise<RepoLock> {
  const { repo, kind } = options;
  const dir = locksDir(repo);
  // Waiting is counted in the time slept (not by the clock, which tests may fix).
  let waited = 0;
  mkdirSync(dir, { recursive: true });
  const file = tempFileName().replace(/\.tmp$/, '.json');
  const path = join(dir, file);
  const body = JSON.stringify({ kind, pid: process.pid, host: safeHostname(), time: repo.clock.now(), command: options.command });
  for (let attempt = 0; ; attempt++) {
    // Written in tmp/ and renamed into locks/, so a lock file is never seen empty or half-written
    // (a writer killed before the rename leaves only a temporary file, which prune removes).
    const temp = join(repo.root, 'tmp', tempFileName());
    try {
      mkdirSync(join(repo.root, 'tmp'), { recursive: true });
      writeFileSync(temp, body, { flag: 'wx' });
      renameSync(temp, path);
    } catch (err) {
      try {
        unlinkSync(temp);
      } catch {
        // never created, or already renamed
      }
      throw new StrataError('IO_ERROR', `cannot create lock file ${path}: ${(err as Error).message}`, { cause: err });
    }
    trackHeldLock(path);
    const conflicts = listRepoLocks(repo).filter((l) => l.file !== file && (kind === 'exclusive' || l.kind !== 'shared'));
    if (conflicts.length === 0) {
      return {
        kind,
        file,
        release: () => {
          untrackHeldLock(path);
          try {
            unlinkSync(path);
          } catch (err) {
            if (!hasErrno(err, 'ENOENT')) throw err;
          }
        },
      };
    }
    untrackHeldLock(path);
    unlinkSync(path);
    const stale = conflicts.find((l) => l.stale);
    if (stale) {
      throw new StrataError('STALE_LOCK', `the repository is locked by ${describeHolder(stale)}, which is no longer running`, {
        hint: 'if no strata command is using this repository, clear it with `strata unlock`',
        data: { lock: stale.file, pid: stale.pid, host: stale.host },
      });
    }
    const holder = conflicts[0] as RepoLockInfo;
    if (waited >= Math.max(options.waitMs ?? 0, TRANSIENT_WAIT_MS)) {
      throw new StrataError('LOCKED', `the repository is busy: ${describeHolder(holder)}; try again when it has finished`, {
        hint: 'if that process is gone (on another machine), clear the lock with `strata unlock --all`',
        data: { lock: holder.file, kind: holder.kind, pid: holder.pid, host: holder.host, command: holder.command },
      });
    }
    const pause = Math.min(20 + attempt * 20, 250);
    await sleep(pause);
    waited += pause;
  }
}

/** Runs `fn` under a repository lock, released however `fn` ends. */
export async function withRepoLock<T>(options: RepoLockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireRepoLock(options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/**
 * Removes lock files: those of processes known to be gone, or with `all` every one (for a holder on
 * another machine that is known to have stopped). Returns what was removed.
 */
export function removeRepoLocks(repo: Repository, options: { all?: boolean } = {}): RepoLockInfo[] {
  const removed: RepoLockInfo[] = [];
  for (const lock of listRepoLocks(repo)) {
    if (!options.all && !lock.stale) continue;
    try {
      unlinkSync(join(locksDir(repo), lock.file));
      removed.push(lock);
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw new StrataError('IO_ERROR', `cannot remove lock ${lock.file}: ${(err as Error).message}`, { cause: err });
    }
  }
  return removed;
}

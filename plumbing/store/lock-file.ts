import { unlinkSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { StrataError, hasErrno } from '../errors/index.js';
import { isProcessAlive, safeHostname } from './process-identity.js';

/** Who holds a lock: written as JSON into the lock file. */
export interface LockOwner {
  pid: number;
  host: string;
  time: number;
}

export interface LockOptions {
  /** How long to wait for a live holder to finish, ms. Default 2000. */
  timeoutMs?: number;
  /** What the lock protects, for messages (e.g. `ref refs/heads/main`). */
  what: string;
}

export interface HeldLock {
  path: string;
  release(): Promise<void>;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, time: Number(parsed.time ?? 0) };
    }
  } catch {
    // unreadable or half-written lock content: treated as an unknown owner
  }
  return undefined;
}

/** Locks this process holds, so an interrupted command can release them before it exits. */
const held = new Set<string>();

/** Records a lock file this process holds (another kind of lock), for releaseHeldLocksSync. */
export function trackHeldLock(path: string): void {
  held.add(path);
}

/** Forgets a lock file this process released. */
export function untrackHeldLock(path: string): void {
  held.delete(path);
}

/** Removes every lock this process holds (for a SIGINT/SIGTERM handler that is about to exit). */
export function releaseHeldLocksSync(): void {
  for (const path of held) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  held.clear();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes `<path>` (a `.lock` file) with O_EXCL. Waits up to `timeoutMs` for a live holder. A lock whose
 * holder died on this machine is reported as STALE_LOCK with a hint; nothing removes it silently,
 * because only a person can know that no other process is using the repository.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<HeldLock> {
  const deadline = Date.now() + (options.timeoutMs ?? 2000);
  const me: LockOwner = { pid: process.pid, host: safeHostname(), time: Date.now() };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      held.add(path);
      return {
        path,
        release: async () => {
          held.delete(path);
          await unlink(path).catch((err: unknown) => {
            if (!hasErrno(err, 'ENOENT')) throw err;
          });
        },
      };
    } catch (err) {
      if (!hasErrno(err, 'EEXIST')) {
        throw new StrataError('IO_ERROR', `cannot create lock file ${path}: ${(err as Error).message}`, { cause: err });
      }
    }
    const owner = await readOwner(path);
    if (owner && owner.host === me.host && !isProcessAlive(owner.pid)) {
      throw new StrataError(
        'STALE_LOCK',
        `${options.what} is locked by process ${owner.pid}, which is no longer running`,
        {
          hint: `if no strata command is running on this repository, remove ${path}`,
          data: { lock: path, pid: owner.pid, host: owner.host },
        },
      );
    }
    if (Date.now() >= deadline) {
      const who = owner ? `process ${owner.pid} on ${owner.host}` : 'another process';
      throw new StrataError('LOCKED', `${options.what} is locked by ${who}; try again when it has finished`, {
        hint: `if that process is gone, remove ${path}`,
        data: { lock: path, ...(owner ? { pid: owner.pid, host: owner.host } : {}) },
      });
    }
    await sleep(Math.min(5 + attempt * 5, 50));
  }
}

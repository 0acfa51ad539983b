import { chmod, lstat, lutimes, mkdir, open, readdir, rename, rm, symlink, unlink, utimes } from 'node:fs/promises';
import { constants } from 'node:fs';
import { StrataError, hasErrno } from '../errors/index.js';
import { entryDisplayName, type TreeEntry } from '../format/tree.js';
import { readContent } from '../store/file-content.js';
import type { Repository } from '../store/repository.js';
import { tempFileName } from '../store/process-identity.js';
import { Semaphore } from '../util/concurrency.js';
import { joinPath } from './buffer-path.js';
import { peelToTree, resolveRevision } from './resolve-revision.js';

/**
 * Milliseconds as the seconds node:fs expects. Node keeps whole microseconds of a fractional second
 * and truncates, so `123 / 1000` could come back as 122.999 ms; half a millisecond more makes the
 * stored millisecond read back exactly.
 */
function seconds(ms: number): number {
  return (ms + 0.5) / 1000;
}

export interface CheckoutTreeOptions {
  repo: Repository;
  /** A tree or version (any revision). */
  treeish: string;
  /** The folder to write into; created when absent. */
  dir: string;
  /** Write into a folder that is not empty, replacing what is in the way. */
  force?: boolean;
  onProgress?: (progress: { files: number; bytes: number }) => void;
}

export interface CheckoutTreeResult {
  tree: string;
  files: number;
  directories: number;
  symlinks: number;
  bytes: number;
}

/**
 * Writes a tree out: files (atomically, each through a temporary file in its folder), symlinks,
 * empty folders, modes and mtimes (folders' mtimes after their contents). It never writes outside
 * `dir`: names are validated when the tree is read, every folder it enters is checked with lstat to be
 * a real folder (never a symlink), and files replace what is at their path rather than writing through it.
 */
export async function checkoutTree(options: CheckoutTreeOptions): Promise<CheckoutTreeResult> {
  const { repo } = options;
  const treeId = await peelToTree(repo, (await resolveRevision(repo, options.treeish)).id);
  const root = Buffer.from(options.dir);
  const totals = { files: 0, directories: 0, symlinks: 0, bytes: 0 };
  const io = new Semaphore(16);
  const force = options.force ?? false;

  await mkdir(options.dir, { recursive: true }).catch((err: unknown) => {
    throw new StrataError('IO_ERROR', `cannot create ${options.dir}: ${(err as Error).message}`, { cause: err });
  });
  const rootStat = await lstat(options.dir);
  if (!rootStat.isDirectory()) throw new StrataError('UNSAFE_PATH', `${options.dir} is not a folder`);
  if (!force && (await readdir(options.dir)).length > 0) {
    throw new StrataError('TARGET_NOT_EMPTY', `${options.dir} is not empty`, {
      hint: 'check out into an empty folder, or pass --force to replace what is in the way',
      data: { dir: options.dir },
    });
  }

  const clearPath = async (path: Buffer, rel: string, keepDir: boolean): Promise<void> => {
    let st;
    try {
      st = await lstat(path);
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return;
      throw err;
    }
    if (keepDir && st.isDirectory()) return;
    if (!force) {
      throw new StrataError('UNSAFE_PATH', `${rel} is in the way (it exists and is a ${st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'folder' : 'file'})`, {
        hint: 'pass --force to replace it',
        data: { path: rel },
      });
    }
    if (st.isDirectory()) await rm(path, { recursive: true, force: true });
    else if (keepDir) await unlink(path);
    // A file or symlink in the way of a file is replaced atomically by the rename that follows.
  };

  const writeFile = async (path: Buffer, dirPath: Buffer, entry: TreeEntry): Promise<void> => {
    const temp = joinPath(dirPath, `.${tempFileName()}`);
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    let written = 0;
    try {
      for await (const chunk of readContent(repo.objects, entry.id)) {
        await handle.write(chunk);
        written += chunk.length;
      }
      if (written !== entry.size) {
        throw new StrataError('OBJECT_CORRUPT', `${entryDisplayName(entry)}: content has ${written} bytes, the tree says ${entry.size}`, {
          data: { id: entry.id },
        });
      }
      await handle.chmod(entry.mode ?? 0o644);
      await handle.utimes(seconds(entry.mtime), seconds(entry.mtime));
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    await handle.close();
    try {
      await rename(temp, path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    totals.files++;
    totals.bytes += written;
    options.onProgress?.({ files: totals.files, bytes: totals.bytes });
  };

  const writeSymlink = async (path: Buffer, dirPath: Buffer, entry: TreeEntry): Promise<void> => {
    const target = await repo.objects.readKind(entry.id, 'blob');
    const temp = joinPath(dirPath, `.${tempFileName()}`);
    await symlink(target.body, temp);
    try {
      await lutimes(temp, seconds(entry.mtime), seconds(entry.mtime));
      await rename(temp, path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    totals.symlinks++;
  };

  const writeDir = async (treeId: string, dirPath: Buffer, rel: string): Promise<void> => {
    const tree = await repo.objects.readTree(treeId);
    await Promise.all(
      tree.entries.map(async (entry) => {
        const path = joinPath(dirPath, entry.name);
        const childRel = rel === '' ? entryDisplayName(entry) : `${rel}/${entryDisplayName(entry)}`;
        if (entry.type === 'directory') {
          await clearPath(path, childRel, true);
          try {
            await mkdir(path, 0o700);
          } catch (err) {
            if (!hasErrno(err, 'EEXIST')) throw err;
          }
          const st = await lstat(path);
          if (!st.isDirectory()) {
            throw new StrataError('UNSAFE_PATH', `${childRel} is not a real folder (a symlink or file appeared there); nothing is written through it`, {
              data: { path: childRel },
            });
          }
          await writeDir(entry.id, path, childRel);
          await chmod(path, entry.mode ?? 0o755);
          await utimes(path, seconds(entry.mtime), seconds(entry.mtime));
          totals.directories++;
          return;
        }
        await io.run(async () => {
          await clearPath(path, childRel, false);
          if (entry.type === 'symlink') await writeSymlink(path, dirPath, entry);
          else await writeFile(path, dirPath, entry);
        });
      }),
    );
  };

  try {
    await writeDir(treeId, root, '');
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError('IO_ERROR', `checkout failed: ${(err as Error).message}`, { cause: err });
  }
  return { tree: treeId, ...totals };
}

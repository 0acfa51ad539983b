import { lstat, mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { StrataError, hasErrno } from '../errors/index.js';
import { entryDisplayName, type TreeEntry } from '../format/tree.js';
import type { Repository } from '../store/repository.js';
import { Semaphore } from '../util/concurrency.js';
import { joinPath } from './buffer-path.js';
import { peelToTree, resolveRevision } from './resolve-revision.js';
import { ensureRealDirectory, setEntryMetadata, writeFileEntry, writeSymlinkEntry } from './write-entry.js';

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

  const writeFile = async (path: Buffer, dirPath: Buffer, entry: TreeEntry, rel: string): Promise<void> => {
    const written = await writeFileEntry({ repo, dir: dirPath, path, entry: { id: entry.id, size: entry.size ?? 0, mode: entry.mode ?? 0o644, mtime: entry.mtime }, label: rel });
    totals.files++;
    totals.bytes += written;
    options.onProgress?.({ files: totals.files, bytes: totals.bytes });
  };

  const writeDir = async (treeId: string, dirPath: Buffer, rel: string): Promise<void> => {
    const tree = await repo.objects.readTree(treeId);
    await Promise.all(
      tree.entries.map(async (entry) => {
        const path = joinPath(dirPath, entry.name);
        const childRel = rel === '' ? entryDisplayName(entry) : `${rel}/${entryDisplayName(entry)}`;
        if (entry.type === 'directory') {
          await clearPath(path, childRel, true);
          await ensureRealDirectory(path, childRel);
          await writeDir(entry.id, path, childRel);
          await setEntryMetadata(path, 'directory', entry.mode ?? 0o755, entry.mtime, childRel);
          totals.directories++;
          return;
        }
        await io.run(async () => {
          await clearPath(path, childRel, false);
          if (entry.type === 'symlink') {
            await writeSymlinkEntry({ repo, dir: dirPath, path, entry });
            totals.symlinks++;
          } else await writeFile(path, dirPath, entry, childRel);
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

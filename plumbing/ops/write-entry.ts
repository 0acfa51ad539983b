/**
 * Writing tree entries into a folder on disk, safely: the shared core of `checkout-tree` and the
 * porcelain's `restore`. Files and symlinks are made under a temporary name in their own folder and
 * renamed into place (a reader never sees half a file, and a symlink already at the path is replaced
 * rather than written through); metadata is set through a handle opened without following symlinks.
 * Callers check every folder they write into with `ensureRealDirectory` first.
 */
import { constants } from 'node:fs';
import { chmod, lstat, lutimes, mkdir, open, rename, symlink, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { StrataError, hasErrno } from '../errors/index.js';
import type { ObjectId } from '../format/object-id.js';
import { readContent } from '../store/file-content.js';
import { tempFileName } from '../store/process-identity.js';
import type { Repository } from '../store/repository.js';
import { joinPath } from './buffer-path.js';
import { trackTemp, untrackTemp } from './pending-temps.js';
import { SYNC_WRITE_LIMIT, TEMP_FLAGS, fsSeconds, writeSmallFileSync } from './small-file.js';

export { fsSeconds } from './small-file.js';

/** Content is written in blocks of at least this many bytes (fewer, larger system calls). */
const WRITE_BLOCK = 8 * 1024 * 1024;

export interface FileEntryToWrite {
  /** The file object (a blob or a chunk list). */
  id: ObjectId;
  /** The size the tree records; content of any other length is corrupt. */
  size: number;
  mode: number;
  /** Milliseconds since the epoch. */
  mtime: number;
}

export interface WriteFileEntryOptions {
  repo: Repository;
  /** The folder the file is written into (already checked to be a real folder). */
  dir: Buffer;
  /** The file's path: `dir` joined with its name. */
  path: Buffer;
  entry: FileEntryToWrite;
  /** How the file is named in messages. */
  label: string;
  /** Told of the bytes written so far, after each block. */
  onBytes?: (bytes: number) => void;
}

async function writeAll(handle: FileHandle, blocks: Buffer[]): Promise<void> {
  if (blocks.length === 1) await handle.write(blocks[0] as Buffer);
  else await handle.writev(blocks);
}

/**
 * Writes a file entry atomically: its content is streamed (verified object by object) into a
 * temporary file in `dir`, which gets the entry's mode and mtime and is then renamed over `path`. On any
 * failure the temporary file is removed and whatever was at `path` is left as it was. Returns the bytes
 * written.
 */
export async function writeFileEntry(options: WriteFileEntryOptions): Promise<number> {
  const { repo, entry } = options;
  const temp = joinPath(options.dir, `.${tempFileName()}`);
  if (entry.size <= SYNC_WRITE_LIMIT && repo.objects.readsSync) {
    const raw = repo.objects.readRawSync(entry.id);
    if (raw?.kind === 'blob') return writeSmallFile(options, temp, raw.body);
  }
  trackTemp(temp);
  try {
    return await writeLargeFile(options, temp);
  } finally {
    untrackTemp(temp);
  }
}

/** A file whose content is one blob already read and verified: written with synchronous calls. */
function writeSmallFile(options: WriteFileEntryOptions, temp: Buffer, body: Buffer): number {
  const { entry } = options;
  trackTemp(temp);
  try {
    writeSmallFileSync({ temp, path: options.path, id: entry.id, size: entry.size, mode: entry.mode, mtime: entry.mtime, label: options.label }, body);
  } finally {
    untrackTemp(temp);
  }
  options.onBytes?.(body.length);
  return body.length;
}

/** A file streamed object by object: one block is written while the next is read. */
async function writeLargeFile(options: WriteFileEntryOptions, temp: Buffer): Promise<number> {
  const { repo, entry } = options;
  const handle = await open(temp, TEMP_FLAGS, 0o600);
  let written = 0;
  // One block is written while the next is read (inflated and verified), so reading and writing overlap.
  let inFlight: Promise<void> | undefined;
  const flush = async (blocks: Buffer[], bytes: number): Promise<void> => {
    if (inFlight) await inFlight;
    inFlight = writeAll(handle, blocks).then(() => {
      written += bytes;
      options.onBytes?.(written);
    });
    inFlight.catch(() => undefined); // awaited later; a failure must not go unhandled meanwhile
  };
  try {
    let blocks: Buffer[] = [];
    let pending = 0;
    let seen = 0;
    let tooLong = false;
    try {
      for await (const chunk of readContent(repo.objects, entry.id)) {
        seen += chunk.length;
        if (seen > entry.size) {
          tooLong = true;
          break;
        }
        blocks.push(chunk);
        pending += chunk.length;
        if (pending >= WRITE_BLOCK) {
          await flush(blocks, pending);
          blocks = [];
          pending = 0;
        }
      }
      if (pending > 0) await flush(blocks, pending);
    } finally {
      // Settle the last write before the handle is closed, whatever happened.
      if (inFlight) await inFlight;
    }
    if (tooLong || written !== entry.size) {
      throw new StrataError('OBJECT_CORRUPT', `${options.label}: the content of ${entry.id} does not have the ${entry.size} bytes the tree records`, {
        data: { id: entry.id, path: options.label },
      });
    }
    await handle.chmod(entry.mode);
    await handle.utimes(fsSeconds(entry.mtime), fsSeconds(entry.mtime));
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, options.path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  return written;
}

export interface WriteSymlinkEntryOptions {
  repo: Repository;
  dir: Buffer;
  path: Buffer;
  /** The blob holding the link target, and the link's mtime. */
  entry: { id: ObjectId; mtime: number };
}

/** Makes a symlink (its target read from the store) under a temporary name, then renames it over `path`. */
export async function writeSymlinkEntry(options: WriteSymlinkEntryOptions): Promise<void> {
  const target = await options.repo.objects.readKind(options.entry.id, 'blob');
  const temp = joinPath(options.dir, `.${tempFileName()}`);
  await symlink(target.body, temp);
  try {
    await lutimes(temp, fsSeconds(options.entry.mtime), fsSeconds(options.entry.mtime));
    await rename(temp, options.path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/**
 * Makes sure `path` is a real folder (creating it with mode 0700 when absent) and never a symlink to
 * one: anything else there is an UNSAFE_PATH error, so nothing is ever written through it. Returns
 * whether the folder was created.
 */
export async function ensureRealDirectory(path: Buffer, label: string): Promise<boolean> {
  let created = false;
  try {
    await mkdir(path, 0o700);
    created = true;
  } catch (err) {
    if (!hasErrno(err, 'EEXIST')) throw err;
  }
  const st = await lstat(path);
  if (!st.isDirectory()) {
    throw new StrataError('UNSAFE_PATH', `${label} is not a real folder (a symlink or file is there); nothing is written through it`, {
      data: { path: label },
    });
  }
  return created;
}

/**
 * Sets the mode and mtime of what is at `path` without following a symlink there: through a handle
 * opened with O_NOFOLLOW (O_DIRECTORY for a folder). A folder its owner cannot read is checked with
 * lstat and set by path; for a file that cannot be opened it returns false (the caller may rewrite the
 * file instead). Throws UNSAFE_PATH when a symlink or another kind of entry is found there.
 */
export async function setEntryMetadata(path: Buffer, kind: 'file' | 'directory', mode: number, mtime: number, label: string): Promise<boolean> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | (kind === 'directory' ? constants.O_DIRECTORY : 0);
  let handle: FileHandle;
  try {
    handle = await open(path, flags);
  } catch (err) {
    if (hasErrno(err, 'EACCES', 'EPERM')) {
      if (kind === 'file') return false;
      // A folder its owner cannot read (mode 0300, say): checked with lstat, then set by path.
      if (!(await lstat(path)).isDirectory()) {
        throw new StrataError('UNSAFE_PATH', `${label} is no longer a real folder; its metadata is left alone`, { data: { path: label } });
      }
      await utimes(path, fsSeconds(mtime), fsSeconds(mtime));
      await chmod(path, mode);
      return true;
    }
    if (hasErrno(err, 'ELOOP', 'ENOTDIR')) {
      throw new StrataError('UNSAFE_PATH', `${label} is no longer a ${kind === 'directory' ? 'real folder' : 'regular file'}; its metadata is left alone`, {
        data: { path: label },
      });
    }
    throw err;
  }
  try {
    const st = await handle.stat();
    if (kind === 'file' ? !st.isFile() : !st.isDirectory()) {
      throw new StrataError('UNSAFE_PATH', `${label} is no longer a ${kind === 'directory' ? 'folder' : 'regular file'}; its metadata is left alone`, {
        data: { path: label },
      });
    }
    await handle.utimes(fsSeconds(mtime), fsSeconds(mtime));
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
  return true;
}

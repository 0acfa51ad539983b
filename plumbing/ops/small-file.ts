/**
 * Writing one small file whose content is already in memory (one verified blob) with synchronous
 * calls: into a temporary file in its folder, with its mode and mtime, then renamed into place. The
 * shared core of `writeFileEntry` and of the file-writer threads.
 */
import { closeSync, constants, fchmodSync, futimesSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { StrataError } from '../errors/index.js';

/**
 * Files up to this size are read and written with synchronous calls where the store reads
 * synchronously (a local disk): for a small file a thread-pool round trip per call costs more than
 * the call itself.
 */
export const SYNC_WRITE_LIMIT = 256 * 1024;

export const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Milliseconds as the seconds node:fs expects. Node keeps whole microseconds of a fractional second
 * and truncates, so `123 / 1000` could come back as 122.999 ms; half a millisecond more makes the
 * stored millisecond read back exactly.
 */
export function fsSeconds(ms: number): number {
  return (ms + 0.5) / 1000;
}

export interface SmallFileToWrite {
  /** The temporary name (in the file's own folder) and the final path. */
  temp: Buffer;
  path: Buffer;
  /** The content id, its size as the tree records it, mode and mtime (ms). */
  id: string;
  size: number;
  mode: number;
  mtime: number;
  /** How the file is named in messages. */
  label: string;
}

/** Writes `body` as the file; OBJECT_CORRUPT when it is not the size the tree records. */
export function writeSmallFileSync(file: SmallFileToWrite, body: Uint8Array): number {
  if (body.length !== file.size) {
    throw new StrataError('OBJECT_CORRUPT', `${file.label}: the content of ${file.id} does not have the ${file.size} bytes the tree records`, {
      data: { id: file.id, path: file.label },
    });
  }
  const fd = openSync(file.temp, TEMP_FLAGS, 0o600);
  try {
    try {
      for (let off = 0; off < body.length; ) off += writeSync(fd, body, off, body.length - off);
      fchmodSync(fd, file.mode);
      futimesSync(fd, fsSeconds(file.mtime), fsSeconds(file.mtime));
    } finally {
      closeSync(fd);
    }
    renameSync(file.temp, file.path);
  } catch (err) {
    try {
      unlinkSync(file.temp);
    } catch {
      // never created, or already gone
    }
    throw err;
  }
  return body.length;
}

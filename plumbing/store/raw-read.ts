/**
 * Turning stored bytes back into a verified raw object: inflate, split the header, check the id. The
 * one place that decides what "missing" and "corrupt" mean for a read, shared by the object store and
 * the reader thread (which is why it loads no code for the structured kinds).
 */
import { inflateSync } from 'node:zlib';
import { StrataError } from '../errors/index.js';
import { FormatError } from '../format/format-error.js';
import type { ObjectId } from '../format/object-id.js';
import type { StorageBackend } from './backend.js';
import { decodeObject, verifyObjectId, type RawObject } from '../format/raw-object.js';

export function corruptObject(id: string, reason: string, cause?: unknown): StrataError {
  return new StrataError('OBJECT_CORRUPT', `object ${id} is corrupt: ${reason}`, {
    hint: 'run `strata fsck` to find every damaged object',
    data: { id },
    ...(cause === undefined ? {} : { cause }),
  });
}

export function missingObject(id: string): StrataError {
  return new StrataError('OBJECT_MISSING', `object ${id} is missing`, {
    hint: 'run `strata fsck` to check the repository',
    data: { id },
  });
}

/** Splits inflated bytes into kind and body and verifies the id; throws OBJECT_CORRUPT. */
export function checkRaw(id: ObjectId, inflated: Buffer): RawObject {
  try {
    const raw = decodeObject(inflated);
    verifyObjectId(id, raw);
    return raw;
  } catch (err) {
    if (err instanceof FormatError) throw corruptObject(id, err.message, err);
    throw err;
  }
}

/** Room for an object's header ("blob <size>" and a zero byte) beyond its body, and then some. */
const HEADER_ROOM = 64;

/**
 * Inflates an object's stored bytes on the calling thread and verifies them against `id`. With
 * `bodySize`, the body's likely size, zlib inflates into one buffer of that size instead of pieces of
 * 16 KiB joined at the end (half the memory and no copy); a wrong guess only costs that.
 */
export function inflateRawSync(id: ObjectId, stored: Uint8Array, bodySize?: number): RawObject {
  let inflated: Buffer;
  try {
    inflated = bodySize === undefined ? inflateSync(stored) : inflateSync(stored, { chunkSize: bodySize + HEADER_ROOM });
  } catch (err) {
    throw corruptObject(id, `the zlib stream is damaged (${(err as Error).message})`, err);
  }
  return checkRaw(id, inflated);
}

/**
 * Reads, inflates and verifies an object without waiting, where the backend can (undefined where it
 * cannot); throws OBJECT_MISSING or OBJECT_CORRUPT. `bodySize`: as for inflateRawSync.
 */
export function readRawSync(backend: StorageBackend, id: ObjectId, bodySize?: number): RawObject | undefined {
  if (backend.withObjectSync) {
    const raw = backend.withObjectSync(id, (stored) => inflateRawSync(id, stored, bodySize));
    if (raw === undefined) throw missingObject(id);
    return raw;
  }
  if (!backend.readObjectSync) return undefined;
  const stored = backend.readObjectSync(id);
  if (stored === undefined) throw missingObject(id);
  return inflateRawSync(id, stored, bodySize);
}

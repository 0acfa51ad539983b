/**
 * An object as stored, before its body is interpreted: kind and body, split from the inflated bytes
 * and checked against the id. Kept apart from the structured kinds so that a reader of raw objects
 * (a worker thread) loads little code.
 */
import { FormatError } from './format-error.js';
import { encodeHeader, parseHeader, type ObjectKind } from './header.js';
import { computeObjectId, type ObjectId } from './object-id.js';

/** An object in memory: its kind and body (the uncompressed bytes after the header). */
export interface RawObject {
  kind: ObjectKind;
  body: Buffer;
}

/** Header + body: the bytes that are hashed and then compressed. */
export function encodeObject(kind: ObjectKind, body: Uint8Array): Buffer {
  return Buffer.concat([encodeHeader(kind, body.length), body]);
}

/** Splits inflated object bytes into kind and body, checking the header and the stated size. */
export function decodeObject(data: Buffer): RawObject {
  const header = parseHeader(data);
  if (!header) throw new FormatError('the object header is malformed');
  const body = data.subarray(header.length);
  if (body.length !== header.size) {
    throw new FormatError(`the header states ${header.size} bytes but the body has ${body.length}`);
  }
  return { kind: header.kind, body };
}

/** Verifies that `raw` hashes to `id`; throws FormatError otherwise. */
export function verifyObjectId(id: ObjectId, raw: RawObject): void {
  const actual = computeObjectId(raw.kind, raw.body);
  if (actual !== id) throw new FormatError(`the content hashes to ${actual}`);
}


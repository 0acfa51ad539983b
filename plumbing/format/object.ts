import { decodeChunkList, type ChunkList } from './chunk-list.js';
import { FormatError } from './format-error.js';
import { encodeHeader, parseHeader, type ObjectKind } from './header.js';
import { computeObjectId, type ObjectId } from './object-id.js';
import { decodeTree, type Tree } from './tree.js';
import { decodeVersion, type VersionBody } from './version.js';

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

export type ParsedObject =
  | { kind: 'blob'; body: Buffer }
  | { kind: 'chunks'; body: Buffer; chunkList: ChunkList }
  | { kind: 'tree'; body: Buffer; tree: Tree }
  | { kind: 'version'; body: Buffer; version: VersionBody };

/** Validates a structured body for its kind (blobs are any bytes). */
export function parseObject(raw: RawObject): ParsedObject {
  switch (raw.kind) {
    case 'blob':
      return { kind: 'blob', body: raw.body };
    case 'chunks':
      return { kind: 'chunks', body: raw.body, chunkList: decodeChunkList(raw.body) };
    case 'tree':
      return { kind: 'tree', body: raw.body, tree: decodeTree(raw.body) };
    case 'version':
      return { kind: 'version', body: raw.body, version: decodeVersion(raw.body) };
  }
}

import { decodeChunkList, type ChunkList } from './chunk-list.js';
import type { RawObject } from './raw-object.js';
import { decodeTree, type Tree } from './tree.js';
import { decodeVersion, type VersionBody } from './version.js';

export { decodeObject, encodeObject, verifyObjectId, type RawObject } from './raw-object.js';

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

import { StrataError } from '../errors/index.js';
import { encodeChunkList, type ChunkList, type ChunkRef } from '../format/chunk-list.js';
import { FormatError } from '../format/format-error.js';
import { encodeHeader, parseHeader, type ObjectKind, type ParsedHeader } from '../format/header.js';
import { encodeObject, parseObject, type ParsedObject, type RawObject } from '../format/object.js';
import { computeObjectId, type ObjectId } from '../format/object-id.js';
import { encodeTree, type Tree, type TreeEntry } from '../format/tree.js';
import { encodeVersion, type VersionBody, type VersionInput } from '../format/version.js';
import type { StorageBackend } from './backend.js';
import { compress, compressObject, decompress, decompressPrefix } from './compression.js';
import { checkRaw, corruptObject, missingObject, readRawSync } from './raw-read.js';

export interface WriteResult {
  id: ObjectId;
  /** False when the object was already stored. */
  written: boolean;
  /** Bytes stored on disk for a new object (0 when it existed). */
  storedSize: number;
}

/**
 * Objects on top of a backend: hashing, compression, verification on every read, and the typed
 * readers and writers for each kind.
 */
export class ObjectStore {
  constructor(
    readonly backend: StorageBackend,
    private readonly compressionLevel: number,
    /**
     * Compress on the calling thread whatever the size (for worker threads, which are the parallel
     * unit themselves); by default large bodies are compressed on the libuv pool.
     */
    private readonly syncCompression = false,
  ) {}

  /** Stores an object of `kind` with `body`; returns its id. */
  async write(kind: ObjectKind, body: Uint8Array): Promise<WriteResult> {
    const id = computeObjectId(kind, body);
    return this.writeWithId(id, kind, body);
  }

  /** Stores an object whose id the caller already computed (it must be right: readers verify it). */
  async writeWithId(id: ObjectId, kind: ObjectKind, body: Uint8Array): Promise<WriteResult> {
    if (await this.backend.freshenObject(id)) return { id, written: false, storedSize: 0 };
    const stored =
      kind === 'blob'
        ? await compressObject(encodeHeader(kind, body.length), body, this.compressionLevel, this.syncCompression)
        : await compress(encodeObject(kind, body), this.compressionLevel, this.syncCompression);
    const written = await this.backend.writeObjectIfAbsent(id, stored);
    return { id, written, storedSize: written ? stored.length : 0 };
  }

  writeBlob(body: Uint8Array): Promise<WriteResult> {
    return this.write('blob', body);
  }

  writeTree(entries: TreeEntry[]): Promise<WriteResult> {
    return this.write('tree', wrapFormat(() => encodeTree(entries)));
  }

  writeChunkList(chunks: ChunkRef[]): Promise<WriteResult> {
    return this.write('chunks', wrapFormat(() => encodeChunkList(chunks)));
  }

  writeVersion(input: VersionInput): Promise<WriteResult> {
    return this.write('version', wrapFormat(() => encodeVersion(input)));
  }

  has(id: ObjectId): Promise<boolean> {
    return this.backend.hasObject(id);
  }

  /** `has` without waiting where the backend can answer so (undefined where it cannot). */
  hasSync(id: ObjectId): boolean | undefined {
    return this.backend.hasObjectSync?.(id);
  }

  /** Reads, inflates and verifies an object's id; throws OBJECT_MISSING or OBJECT_CORRUPT. */
  async readRaw(id: ObjectId): Promise<RawObject> {
    const stored = await this.backend.readObject(id);
    if (stored === undefined) throw missingObject(id);
    let inflated: Buffer;
    try {
      inflated = await decompress(stored);
    } catch (err) {
      throw corruptObject(id, `the zlib stream is damaged (${(err as Error).message})`, err);
    }
    return checkRaw(id, inflated);
  }

  /** Whether `readRawSync` can read here (the backend reads synchronously, like a local disk). */
  get readsSync(): boolean {
    return this.backend.readObjectSync !== undefined;
  }

  /**
   * readRaw without waiting, where the backend can read synchronously (a local disk); undefined
   * where it cannot. For tight loops over many small objects (cat-file --batch).
   */
  readRawSync(id: ObjectId): RawObject | undefined {
    return readRawSync(this.backend, id);
  }

  /**
   * The kind and size of an object from the first bytes of its stream, without reading the rest. The
   * body is not verified: use `readRaw` for that.
   */
  async readHeader(id: ObjectId): Promise<ParsedHeader> {
    const head = await this.backend.readObjectHead(id, 512);
    if (head === undefined) throw missingObject(id);
    let inflated: Buffer;
    try {
      inflated = decompressPrefix(head);
    } catch (err) {
      throw corruptObject(id, `the zlib stream is damaged (${(err as Error).message})`, err);
    }
    const header = parseHeader(inflated);
    if (!header) throw corruptObject(id, 'the object header is malformed');
    return header;
  }

  /** Reads and fully validates an object (canonical form and schema for structured kinds). */
  async read(id: ObjectId): Promise<ParsedObject> {
    const raw = await this.readRaw(id);
    try {
      return parseObject(raw);
    } catch (err) {
      if (err instanceof FormatError) throw corruptObject(id, err.message, err);
      throw err;
    }
  }

  async readKind<K extends ObjectKind>(id: ObjectId, kind: K): Promise<Extract<ParsedObject, { kind: K }>> {
    const obj = await this.read(id);
    if (obj.kind !== kind) {
      throw new StrataError('WRONG_KIND', `object ${id} is a ${obj.kind}, not a ${kind}`, { data: { id, kind: obj.kind } });
    }
    return obj as Extract<ParsedObject, { kind: K }>;
  }

  async readTree(id: ObjectId): Promise<Tree> {
    return (await this.readKind(id, 'tree')).tree;
  }

  async readVersion(id: ObjectId): Promise<VersionBody> {
    return (await this.readKind(id, 'version')).version;
  }

  async readChunkList(id: ObjectId): Promise<ChunkList> {
    return (await this.readKind(id, 'chunks')).chunkList;
  }
}

/** Runs an encoder and turns a FormatError into INVALID_OBJECT (the caller supplied bad content). */
function wrapFormat<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FormatError) throw new StrataError('INVALID_OBJECT', err.message, { cause: err });
    throw err;
  }
}

import { StrataError } from '../errors/index.js';
import { open } from 'node:fs/promises';
import { chunkReads, chunkStream, type ChunkWindows, type ReadInto } from '../chunking/stream.js';
import type { ChunkingStrategy } from '../chunking/strategy.js';
import type { ChunkRef } from '../format/chunk-list.js';
import { encodeChunkList } from '../format/chunk-list.js';
import { computeObjectId, type ObjectId } from '../format/object-id.js';
import type { ObjectStore } from './object-store.js';

export interface StoredContent {
  /** The file's id: a blob id (one chunk) or a chunk-list id. */
  id: ObjectId;
  kind: 'blob' | 'chunks';
  size: number;
  chunks: number;
  /** Objects newly written and their stored bytes (0 when `write` is false). */
  newObjects: number;
  newStoredBytes: number;
}

/** Content to store: bytes in memory, a stream of blocks, or a reader that fills buffers (a file). */
export type ContentSource = Uint8Array | AsyncIterable<Uint8Array> | { readInto: ReadInto };

/** Opens a file as a ContentSource that reads straight into the chunker's window, and closes it after. */
export async function withFileSource<T>(path: string | Buffer, fn: (source: ContentSource) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  try {
    return await fn({ readInto: async (buffer, offset, length) => (await handle.read(buffer, offset, length, null)).bytesRead });
  } finally {
    await handle.close();
  }
}

/** What storing one chunk reports: its blob id, and whether it was new. */
export interface ChunkWrite {
  id: ObjectId;
  written: boolean;
  storedSize: number;
}

export interface StoreContentOptions {
  objects: ObjectStore;
  strategy: ChunkingStrategy;
  /** The content: bytes in memory (cut in place), a stream, or a file reader. */
  source: ContentSource;
  /** Store the objects (true) or only compute the id (false). */
  write: boolean;
  /**
   * Hashes and stores one chunk (default: on this thread through `objects`). An object writer pool
   * passes its own, so chunks are hashed, compressed and written on other cores.
   */
  writeChunk?: (chunk: Uint8Array) => Promise<ChunkWrite>;
  /** `writeChunk` copies the chunk before it returns, so the chunker may reuse its buffer. */
  copiesChunks?: boolean;
  /** With `copiesChunks` and a file reader: windows kept for reuse from one file to the next. */
  windows?: ChunkWindows;
  /**
   * Writes in flight at once, counted in maximum-size chunks: bounds memory at about
   * (inFlight + 2) * maxSize. Smaller chunks (an archive's member headers) may be up to
   * SMALL_IN_FLIGHT times as many, so their round trips overlap. Default 4.
   */
  inFlight?: number;
  /**
   * Bytes of chunks in flight at most (beyond the chunk that crosses it); default `inFlight` times
   * the strategy's maximum chunk size.
   */
  inFlightBytes?: number;
  /** Called after each chunk with the bytes consumed so far. */
  onBytes?: (bytes: number) => void;
}

/**
 * Splits a stream of bytes into chunks and stores them: one chunk is a blob; more become blobs plus
 * a `chunks` list, written after all its chunks. Memory stays bounded whatever the size.
 */
/** Chunks up to this size are read synchronously when the store allows it (see readContent). */
const SYNC_READ_LIMIT = 64 * 1024;

/**
 * How many more chunks than `inFlight` may be in flight when they are small (see StoreContentOptions):
 * enough for several of a worker pool's batches of small chunks to be on their way at once. The bytes
 * in flight stay bounded by `inFlight` maximum-size chunks.
 */
const SMALL_IN_FLIGHT = 256;
/** The same for reading (readContent): small chunks read ahead, up to its byte budget. */
const SMALL_READ_AHEAD = 32;

/** Chunks up to this size are remembered to detect a repeat of the same bytes (a copy is cheap here). */
const REPEAT_CHECK_LIMIT = 256 * 1024;

/** The byte a chunk repeats throughout, or undefined (cheap probes first, then one compare). */
function uniformByte(chunk: Uint8Array): number | undefined {
  const n = chunk.length;
  const b = chunk[0];
  if (n < 2 || b === undefined || chunk[n - 1] !== b || chunk[n >> 1] !== b || chunk[n >> 2] !== b || chunk[(3 * n) >> 2] !== b) return undefined;
  const view = Buffer.from(chunk.buffer, chunk.byteOffset, n);
  return view.subarray(1).equals(view.subarray(0, n - 1)) ? b : undefined;
}

export async function storeContent(options: StoreContentOptions): Promise<StoredContent> {
  const { objects, strategy, source, write } = options;
  const limit = Math.max(1, options.inFlight ?? 4);
  const put =
    options.writeChunk ??
    ((chunk: Uint8Array): Promise<ChunkWrite> => objects.writeWithId(computeObjectId('blob', chunk), 'blob', chunk));
  const refs: ChunkRef[] = [];
  // Writes in flight: counted, with one waiter woken whenever one settles (waiting with a race over
  // every pending promise would cost time in proportion to how many are in flight, per chunk).
  const pending = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const settled = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  let newObjects = 0;
  let newStoredBytes = 0;
  let pendingBytes = 0;
  const byteLimit = options.inFlightBytes ?? limit * strategy.maxSize;
  let size = 0;
  let failure: unknown;

  const track = (ref: ChunkRef, p: Promise<ChunkWrite>): void => {
    const done: Promise<void> = p.then(
      (r) => {
        ref.id = r.id;
        if (r.written) newObjects++;
        newStoredBytes += r.storedSize;
      },
      (err: unknown) => {
        failure ??= err;
      },
    );
    const tracked = done.finally(() => {
      pending.delete(tracked);
      const w = wake;
      wake = undefined;
      w?.();
    });
    pending.add(tracked);
  };

  // A chunk equal to the one before it takes that chunk's id without hashing or a round trip to the
  // store; so does a chunk of one repeated byte seen before (runs of zeros in sparse files and disk
  // images are cut into maximum-size chunks).
  let previous: { bytes: Buffer; id: Promise<string> } | undefined;
  const uniform = new Map<string, Promise<string>>();

  const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> =
    source instanceof Uint8Array
      ? strategy.chunkData(source)
      : 'readInto' in source
        ? chunkReads(source.readInto, strategy, { reuseWindow: options.copiesChunks ?? false, ...(options.windows ? { windows: options.windows } : {}) })
        : chunkStream(source, strategy);
  for await (const chunk of chunks) {
    if (failure) break;
    size += chunk.length;
    options.onBytes?.(size);
    // Every chunk is a blob; if it stays the only one, that blob is the file.
    const ref: ChunkRef = { id: '', size: chunk.length };
    refs.push(ref);
    const run = uniformByte(chunk);
    const known = run === undefined ? undefined : uniform.get(`${run}:${chunk.length}`);
    const same = known ?? (previous && previous.bytes.length === chunk.length && previous.bytes.equals(chunk) ? previous.id : undefined);
    if (same) {
      track(ref, same.then((id) => ({ id, written: false, storedSize: 0 })));
      continue;
    }
    let id: Promise<string>;
    if (write) {
      const p = put(chunk);
      const bytes = chunk.length;
      pendingBytes += bytes;
      track(ref, p.finally(() => (pendingBytes -= bytes)));
      id = p.then((r) => r.id);
      id.catch(() => undefined);
      while (pending.size >= limit * SMALL_IN_FLIGHT || (pending.size >= limit && pendingBytes >= byteLimit)) await settled();
    } else {
      ref.id = computeObjectId('blob', chunk);
      id = Promise.resolve(ref.id);
    }
    previous = chunk.length <= REPEAT_CHECK_LIMIT ? { bytes: Buffer.from(chunk), id } : undefined;
    if (run !== undefined) uniform.set(`${run}:${chunk.length}`, id);
  }
  await Promise.all(pending);
  if (failure) throw failure;

  if (refs.length === 0) {
    const empty = new Uint8Array(0);
    const id = computeObjectId('blob', empty);
    if (write) {
      const r = await objects.writeWithId(id, 'blob', empty);
      if (r.written) newObjects++;
      newStoredBytes += r.storedSize;
    }
    return { id, kind: 'blob', size, chunks: 1, newObjects, newStoredBytes };
  }
  if (refs.length === 1) {
    return { id: (refs[0] as ChunkRef).id, kind: 'blob', size, chunks: 1, newObjects, newStoredBytes };
  }
  const body = encodeChunkList(refs);
  const id = computeObjectId('chunks', body);
  if (write) {
    const r = await objects.writeWithId(id, 'chunks', body);
    if (r.written) newObjects++;
    newStoredBytes += r.storedSize;
  }
  return { id, kind: 'chunks', size, chunks: refs.length, newObjects, newStoredBytes };
}

/**
 * The content of a file object (a blob, or a chunk list whose chunks are read in order, verified,
 * with a small read-ahead so inflation overlaps with the consumer).
 */
export async function* readContent(objects: ObjectStore, id: ObjectId, readAhead = 3): AsyncGenerator<Buffer> {
  const obj = await objects.read(id);
  if (obj.kind === 'blob') {
    yield obj.body;
    return;
  }
  if (obj.kind !== 'chunks') {
    throw new StrataError('WRONG_KIND', `object ${id} is a ${obj.kind}, not file content`, { data: { id } });
  }
  const list = obj.chunkList.chunks;
  const queue: Promise<Buffer>[] = [];
  const fetch = async (ref: ChunkRef): Promise<Buffer> => {
    // Small chunks (an archive's member headers and small members) are read without waiting where the
    // store can (a local disk): a round trip through the thread pool costs more than the read itself.
    const small = ref.size <= SYNC_READ_LIMIT ? objects.readRawSync(ref.id) : undefined;
    if (small && small.kind !== 'blob') {
      throw new StrataError('WRONG_KIND', `object ${ref.id} is a ${small.kind}, not a blob`, { data: { id: ref.id, kind: small.kind } });
    }
    const chunk = small ?? (await objects.readKind(ref.id, 'blob'));
    if (chunk.body.length !== ref.size) {
      throw new StrataError('OBJECT_CORRUPT', `chunk ${ref.id} of ${id} has ${chunk.body.length} bytes, the list says ${ref.size}`, {
        data: { id, chunk: ref.id },
      });
    }
    return chunk.body;
  };
  // Read ahead `readAhead` chunks, or more while they are small (an archive's member headers), up to
  // the bytes `readAhead` chunks of 1 MiB would hold, so small reads overlap.
  const byteBudget = readAhead * 1024 * 1024;
  let queuedBytes = 0;
  const sizes: number[] = [];
  let next = 0;
  const more = (): boolean =>
    next < list.length && (queue.length < readAhead || (queue.length < readAhead * SMALL_READ_AHEAD && queuedBytes + (list[next] as ChunkRef).size <= byteBudget));
  const push = (): void => {
    const ref = list[next++] as ChunkRef;
    queuedBytes += ref.size;
    sizes.push(ref.size);
    queue.push(fetch(ref));
  };
  while (more()) push();
  while (queue.length > 0) {
    const head = queue.shift() as Promise<Buffer>;
    queuedBytes -= sizes.shift() as number;
    while (more()) push();
    // Avoid unhandled rejections of read-ahead promises if the consumer stops early.
    for (const p of queue) p.catch(() => undefined);
    yield await head;
  }
}

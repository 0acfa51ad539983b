import { availableParallelism } from 'node:os';
import { StrataError } from '../errors/index.js';
import { Batches, WorkerLanes, workerFileExists } from '../util/worker-lanes.js';
import { chooseLevel } from './compression.js';
import type { Repository } from './repository.js';
import type { ChunkResult, FileResult, WorkerReply, WorkerRequest } from './worker-protocol.js';

export type { FileResult } from './worker-protocol.js';

/** Files sent to a worker in one message (a message costs far more than storing a small file). */
const BATCH = 32;
/**
 * Bytes of transfer buffers kept for reuse: enough for the chunks callers keep in flight, so that a
 * buffer coming back is kept rather than left to the garbage collector (which frees them late).
 */
const SPARE_BYTES = 16 * 1024 * 1024;
/** A worker's young generation, MB (see the constructor). */
const WORKER_YOUNG_GENERATION_MB = 6;
/** Reused transfer buffers are whole multiples of this size, so that a spare fits most chunks. */
const TRANSFER_UNIT = 1024 * 1024;

/** The transfer buffer size for a chunk of `length` bytes. */
function transferSize(length: number): number {
  return Math.ceil(length / TRANSFER_UNIT) * TRANSFER_UNIT;
}
/** Chunks below this size are gathered into batches (one message for many); larger ones go one by one. */
const SMALL_CHUNK = 64 * 1024;
/**
 * Small chunks (an archive's member headers and small members) sent to a worker in one message: a
 * message round trip costs tens of microseconds on each side, more than storing a tar header.
 */
const CHUNK_BATCH = 128;

/** How the pool stored one chunk. */
export interface StoredChunk {
  id: string;
  written: boolean;
  storedSize: number;
}

/**
 * Worker threads that store objects, one per core, so that storing many files or a large file's
 * chunks keeps every core busy. Small files are sent by path in batches, small chunks copied into
 * batches, larger chunks one by one in copied, transferred buffers. Created with `ObjectWorkerPool.start`, which returns undefined where workers
 * cannot run (then callers store on the calling thread).
 */
export class ObjectWorkerPool {
  private readonly lanes: WorkerLanes<WorkerRequest, WorkerReply>;
  private readonly files: Batches<Buffer, FileResult>;
  private readonly smallChunks: Batches<Uint8Array, ChunkResult>;
  private readonly spare: ArrayBuffer[] = [];
  private spareBytes = 0;

  private constructor(
    url: URL,
    repo: Repository,
    initial: number,
    private readonly max: number,
    private readonly compressionLevel: number,
  ) {
    this.lanes = new WorkerLanes<WorkerRequest, WorkerReply>({
      url,
      workerData: { root: repo.root, config: repo.config },
      // A worker holds a few chunks at a time, but also its store's cache of which objects exist,
      // which grows with the repository (about 40 MB at 300,000 objects): the limit is a ceiling
      // against runaway growth, not a budget (at 32 MB, snapshots into such a repository failed).
      // The young generation holds little that lives (a batch's results, a chunk's reply): V8 would
      // size it from the old generation's limit (about 24 MB here), all of it resident once used.
      resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      failed: (err) => ({ type: 'chunk', seq: -1, ok: false, code: 'INTERNAL', message: err.message, store: true }),
    });
    for (let i = 0; i < initial; i++) this.lanes.add();
    const failedFile = (code: string, message: string): FileResult => ({ ok: false, code, message, store: true });
    this.files = new Batches(
      BATCH,
      async (paths) => {
        const reply = await this.lanes.send({ type: 'files', seq: this.lanes.next(), paths });
        if (reply.type === 'files') return reply.results;
        const failure = reply.type === 'chunk' && !reply.ok ? reply : { code: 'INTERNAL', message: 'unexpected reply' };
        return paths.map(() => failedFile(failure.code, failure.message));
      },
      (err) => failedFile('INTERNAL', (err as Error).message),
    );
    const failedChunk = (message: string): ChunkResult => ({ ok: false, code: 'INTERNAL', message, store: true });
    this.smallChunks = new Batches(
      CHUNK_BATCH,
      async (chunks) => {
        // One transferred buffer holds the batch's chunks one after another.
        const lengths = chunks.map((c) => c.length);
        const data = new ArrayBuffer(lengths.reduce((a, b) => a + b, 0));
        const bytes = new Uint8Array(data);
        let offset = 0;
        for (const c of chunks) {
          bytes.set(c, offset);
          offset += c.length;
        }
        const reply = await this.lanes.send({ type: 'chunks', seq: this.lanes.next(), data, lengths }, [data]);
        if (reply.type === 'chunks') return reply.results;
        return chunks.map(() => failedChunk(reply.type === 'chunk' && !reply.ok ? reply.message : 'unexpected reply'));
      },
      (err) => failedChunk((err as Error).message),
    );
  }

  /**
   * Starts `initial` workers for `repo` (default: one per core), growing to `max` when the content
   * turns out to need compression (incompressible content is cheap to store, and one more thread than
   * cores only adds contention). Returns undefined when workers are unavailable.
   */
  static start(repo: Repository, initial = availableParallelism(), max = Math.max(initial, availableParallelism())): ObjectWorkerPool | undefined {
    const url = new URL('./object-worker.js', import.meta.url);
    // Under a TypeScript test runner the compiled worker does not exist: store on the calling thread.
    if (!workerFileExists(url) || initial < 1) return undefined;
    return new ObjectWorkerPool(url, repo, initial, max, repo.config.compression.level);
  }

  /** Stores one whole file (small enough to read at once) in a worker. */
  storeFile(path: Buffer): Promise<FileResult> {
    return this.files.add(path);
  }

  /**
   * Hashes and stores one chunk in a worker. The bytes are copied (before this returns its promise,
   * so the caller may reuse its memory at once) into a transfer buffer, which the
   * worker hands back for reuse (fresh memory for every chunk costs page faults: measured 2 GB/s
   * against 16 GB/s into reused memory).
   */
  async storeChunk(chunk: Uint8Array): Promise<StoredChunk> {
    if (this.lanes.size < this.max && chooseLevel(chunk, this.compressionLevel) > 0) this.lanes.add();
    if (chunk.length < SMALL_CHUNK) {
      // Copied now (the caller reuses its memory), sent with the rest of its batch. Not chunk.slice():
      // on a Buffer that is a view, not a copy.
      const r = await this.smallChunks.add(new Uint8Array(chunk));
      if (!r.ok) throw new StrataError('IO_ERROR', `cannot store a chunk: ${r.message}`);
      return { id: r.id, written: r.written, storedSize: r.storedSize };
    }
    const data = this.takeBuffer(chunk.length);
    new Uint8Array(data, 0, chunk.length).set(chunk);
    const reply = await this.lanes.send({ type: 'chunk', seq: this.lanes.next(), data, length: chunk.length }, [data]);
    if (reply.type === 'chunk' && reply.data) this.giveBack(reply.data);
    if (reply.type !== 'chunk' || !reply.ok) {
      const message = reply.type === 'chunk' && !reply.ok ? reply.message : 'unexpected reply';
      throw new StrataError('IO_ERROR', `cannot store a chunk: ${message}`);
    }
    return { id: reply.id, written: reply.written, storedSize: reply.storedSize };
  }

  /** A transfer buffer for a chunk: the smallest spare that fits, or a new one. */
  private takeBuffer(length: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.spare.length; i++) {
      const size = (this.spare[i] as ArrayBuffer).byteLength;
      if (size >= length && (best < 0 || size < (this.spare[best] as ArrayBuffer).byteLength)) best = i;
    }
    if (best < 0) return new ArrayBuffer(transferSize(length));
    const [data] = this.spare.splice(best, 1) as [ArrayBuffer];
    this.spareBytes -= data.byteLength;
    return data;
  }

  /**
   * Keeps a transfer buffer that came back; beyond SPARE_BYTES the smallest spares go (larger ones
   * fit more chunks).
   */
  private giveBack(data: ArrayBuffer): void {
    this.spare.push(data);
    this.spareBytes += data.byteLength;
    while (this.spareBytes > SPARE_BYTES) {
      let smallest = 0;
      for (let i = 1; i < this.spare.length; i++) if ((this.spare[i] as ArrayBuffer).byteLength < (this.spare[smallest] as ArrayBuffer).byteLength) smallest = i;
      const [dropped] = this.spare.splice(smallest, 1) as [ArrayBuffer];
      this.spareBytes -= dropped.byteLength;
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await this.lanes.close();
  }
}

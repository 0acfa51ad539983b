import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StrataError } from '../errors/index.js';
import { chooseLevel } from './compression.js';
import type { Repository } from './repository.js';
import type { FileResult, WorkerReply, WorkerRequest } from './worker-protocol.js';

export type { FileResult } from './worker-protocol.js';

/** Files sent to a worker in one message (a message costs far more than storing a small file). */
const BATCH = 32;
/**
 * Bytes of transfer buffers kept for reuse: enough for the chunks callers keep in flight, so that a
 * buffer coming back is kept rather than left to the garbage collector (which frees them late).
 */
const SPARE_BYTES = 16 * 1024 * 1024;
/** A worker's young generation, MB (see addLane). */
const WORKER_YOUNG_GENERATION_MB = 6;
/** Chunks below this size are sent in a buffer of their own size, never a reused one. */
const SMALL_CHUNK = 64 * 1024;
/** Reused transfer buffers are whole multiples of this size, so that a spare fits most chunks. */
const TRANSFER_UNIT = 1024 * 1024;

/** The transfer buffer size for a chunk of `length` bytes (at least SMALL_CHUNK). */
function transferSize(length: number): number {
  return Math.ceil(length / TRANSFER_UNIT) * TRANSFER_UNIT;
}

interface Lane {
  worker: Worker;
  /** Requests sent and not answered. */
  load: number;
}

/**
 * Worker threads that store objects, one per core, so that storing many files or a large file's
 * chunks keeps every core busy. Small files are sent by path in batches; chunks are sent as copied,
 * transferred buffers. Created with `ObjectWorkerPool.start`, which returns undefined where workers
 * cannot run (then callers store on the calling thread).
 */
export class ObjectWorkerPool {
  private readonly lanes: Lane[];
  private seq = 0;
  private readonly waiting = new Map<number, (reply: WorkerReply) => void>();
  private pendingPaths: Buffer[] = [];
  private pendingResolvers: Array<(r: FileResult) => void> = [];
  private flushScheduled = false;
  private failure: Error | undefined;
  private readonly spare: ArrayBuffer[] = [];
  private spareBytes = 0;

  private constructor(
    private readonly url: URL,
    private readonly repo: Repository,
    initial: number,
    private readonly max: number,
    private readonly compressionLevel: number,
  ) {
    this.lanes = [];
    for (let i = 0; i < initial; i++) this.addLane();
  }

  private addLane(): void {
    const worker = new Worker(this.url, {
      workerData: { root: this.repo.root, config: this.repo.config },
      // A worker holds a few chunks at a time, but also its store's cache of which objects exist,
      // which grows with the repository (about 40 MB at 300,000 objects): the limit is a ceiling
      // against runaway growth, not a budget (at 32 MB, snapshots into such a repository failed).
      // The young generation holds little that lives (a batch's results, a chunk's reply): V8 would
      // size it from the old generation's limit (about 24 MB here), all of it resident once used.
      resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    const lane: Lane = { worker, load: 0 };
    worker.on('message', (reply: WorkerReply) => {
      lane.load--;
      const done = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      done?.(reply);
    });
    worker.on('error', (err) => this.fail(err));
    this.lanes.push(lane);
  }

  /**
   * Starts `initial` workers for `repo` (default: one per core), growing to `max` when the content
   * turns out to need compression (incompressible content is cheap to store, and one more thread than
   * cores only adds contention). Returns undefined when workers are unavailable.
   */
  static start(repo: Repository, initial = availableParallelism(), max = Math.max(initial, availableParallelism())): ObjectWorkerPool | undefined {
    const url = new URL('./object-worker.js', import.meta.url);
    // Under a TypeScript test runner the compiled worker does not exist: store on the calling thread.
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url)) || initial < 1) return undefined;
    return new ObjectWorkerPool(url, repo, initial, max, repo.config.compression.level);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const done of this.waiting.values()) done({ type: 'chunk', seq: -1, ok: false, code: 'INTERNAL', message: err.message, store: true });
    this.waiting.clear();
  }

  private send(request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(new StrataError('INTERNAL', `object worker failed: ${this.failure.message}`, { cause: this.failure }));
    const lane = this.lanes.reduce((a, b) => (b.load < a.load ? b : a));
    lane.load++;
    return new Promise((resolve) => {
      this.waiting.set(request.seq, resolve);
      lane.worker.postMessage(request, transfer);
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.pendingPaths.length > 0) {
      const paths = this.pendingPaths.splice(0, BATCH);
      const resolvers = this.pendingResolvers.splice(0, BATCH);
      void this.send({ type: 'files', seq: ++this.seq, paths }).then((reply) => {
        if (reply.type === 'files') reply.results.forEach((r, i) => resolvers[i]?.(r));
        else resolvers.forEach((r) => r({ ok: false, code: reply.ok ? 'INTERNAL' : reply.code, message: reply.ok ? 'unexpected reply' : reply.message, store: true }));
      });
    }
  }

  /** Stores one whole file (small enough to read at once) in a worker. */
  storeFile(path: Buffer): Promise<FileResult> {
    return new Promise((resolve) => {
      this.pendingPaths.push(path);
      this.pendingResolvers.push(resolve);
      if (this.pendingPaths.length >= BATCH) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Hashes and stores one chunk in a worker. The bytes are copied (before this returns its promise,
   * so the caller may reuse its memory at once) into a transfer buffer, which the
   * worker hands back for reuse (fresh memory for every chunk costs page faults: measured 2 GB/s
   * against 16 GB/s into reused memory).
   */
  async storeChunk(chunk: Uint8Array): Promise<{ id: string; written: boolean; storedSize: number }> {
    if (this.lanes.length < this.max && chooseLevel(chunk, this.compressionLevel) > 0) this.addLane();
    const data = this.takeBuffer(chunk.length);
    new Uint8Array(data, 0, chunk.length).set(chunk);
    const reply = await this.send({ type: 'chunk', seq: ++this.seq, data, length: chunk.length }, [data]);
    if (reply.type === 'chunk' && reply.data) this.giveBack(reply.data);
    if (reply.type !== 'chunk' || !reply.ok) {
      const message = reply.type === 'chunk' && !reply.ok ? reply.message : 'unexpected reply';
      throw new StrataError('IO_ERROR', `cannot store a chunk: ${message}`);
    }
    return { id: reply.id, written: reply.written, storedSize: reply.storedSize };
  }

  /** A transfer buffer for a chunk: the smallest spare that fits, or a new one. */
  private takeBuffer(length: number): ArrayBuffer {
    // Small chunks (an archive's member headers) get a buffer of their own size: many are in flight.
    if (length < SMALL_CHUNK) return new ArrayBuffer(length);
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
    if (data.byteLength < SMALL_CHUNK) return;
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
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }
}

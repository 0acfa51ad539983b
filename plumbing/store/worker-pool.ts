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
/** Transfer buffers kept for reuse. */
const SPARE_BUFFERS = 4;
/** Chunks below this size are gathered into batches (one message for many); larger ones go one by one. */
const SMALL_CHUNK = 64 * 1024;
/**
 * A batch of small chunks is sent when it holds this many bytes or chunks (or when the caller pauses):
 * a message round trip costs tens of microseconds on each side, more than storing a tar header.
 */
const BATCH_BYTES = 256 * 1024;
const BATCH_CHUNKS = 128;

interface ChunkBatch {
  data: ArrayBuffer;
  used: number;
  lengths: number[];
  waiters: Array<{ resolve: (r: StoredChunk) => void; reject: (err: Error) => void }>;
}

/** How the pool stored one chunk. */
export interface StoredChunk {
  id: string;
  written: boolean;
  storedSize: number;
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
  /** The batch of small chunks being gathered, and buffers of batches handed back by the workers. */
  private batch: ChunkBatch | undefined;
  private batchScheduled = false;
  private readonly spareBatches: ArrayBuffer[] = [];

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
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
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
        else {
          const failure = reply.type === 'chunk' && !reply.ok ? { code: reply.code, message: reply.message } : { code: 'INTERNAL', message: 'unexpected reply' };
          resolvers.forEach((r) => r({ ok: false, ...failure, store: true }));
        }
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
  async storeChunk(chunk: Uint8Array): Promise<StoredChunk> {
    if (this.lanes.length < this.max && chooseLevel(chunk, this.compressionLevel) > 0) this.addLane();
    if (chunk.length < SMALL_CHUNK) return this.batchChunk(chunk);
    let data = this.spare.pop();
    if (!data || data.byteLength < chunk.length) data = new ArrayBuffer(Math.max(chunk.length, 1024 * 1024));
    new Uint8Array(data, 0, chunk.length).set(chunk);
    const reply = await this.send({ type: 'chunk', seq: ++this.seq, data, length: chunk.length }, [data]);
    if (reply.type === 'chunk' && reply.data && this.spare.length < SPARE_BUFFERS) this.spare.push(reply.data);
    if (reply.type !== 'chunk' || !reply.ok) {
      const message = reply.type === 'chunk' && !reply.ok ? reply.message : 'unexpected reply';
      throw new StrataError('IO_ERROR', `cannot store a chunk: ${message}`);
    }
    return { id: reply.id, written: reply.written, storedSize: reply.storedSize };
  }

  /** Copies a small chunk into the batch being gathered; sends the batch when it is full. */
  private batchChunk(chunk: Uint8Array): Promise<StoredChunk> {
    if (this.batch && this.batch.used + chunk.length > this.batch.data.byteLength) this.flushChunks();
    const batch = (this.batch ??= { data: this.spareBatches.pop() ?? new ArrayBuffer(BATCH_BYTES + SMALL_CHUNK), used: 0, lengths: [], waiters: [] });
    new Uint8Array(batch.data, batch.used, chunk.length).set(chunk);
    batch.used += chunk.length;
    batch.lengths.push(chunk.length);
    const stored = new Promise<StoredChunk>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.used >= BATCH_BYTES || batch.lengths.length >= BATCH_CHUNKS) this.flushChunks();
    else if (!this.batchScheduled) {
      // The caller pauses when it has enough in flight: whatever is gathered by then goes out.
      this.batchScheduled = true;
      setImmediate(() => {
        this.batchScheduled = false;
        this.flushChunks();
      });
    }
    return stored;
  }

  private flushChunks(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    const failed = (message: string): void => {
      for (const w of batch.waiters) w.reject(new StrataError('IO_ERROR', `cannot store a chunk: ${message}`));
    };
    this.send({ type: 'chunks', seq: ++this.seq, data: batch.data, lengths: batch.lengths }, [batch.data]).then(
      (reply) => {
        if (reply.type !== 'chunks') {
          failed(reply.type === 'chunk' && !reply.ok ? reply.message : 'unexpected reply');
          return;
        }
        if (this.spareBatches.length < SPARE_BUFFERS) this.spareBatches.push(reply.data);
        reply.results.forEach((r, i) => {
          const waiter = batch.waiters[i];
          if (!waiter) return;
          if (r.ok) waiter.resolve({ id: r.id, written: r.written, storedSize: r.storedSize });
          else waiter.reject(new StrataError('IO_ERROR', `cannot store a chunk: ${r.message}`));
        });
      },
      (err: unknown) => failed(err instanceof Error ? err.message : String(err)),
    );
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }
}

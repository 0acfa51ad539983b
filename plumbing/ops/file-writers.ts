/**
 * Files written by worker threads, one per core: each reads its file's content from the local store,
 * inflates and verifies it, and writes it through a temporary file renamed into place, all with
 * synchronous calls (file-writer-worker.ts). A restore of many files is otherwise bound to one thread.
 * The semantics are writeFileEntry's, `onBytes` included.
 */
import { unlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { StrataError } from '../errors/index.js';
import { tempFileName } from '../store/process-identity.js';
import type { Repository } from '../store/repository.js';
import { Batches, WorkerLanes, workerFileExists } from '../util/worker-lanes.js';
import { joinPath } from './buffer-path.js';
import { beforeTempCleanup, trackTemp, untrackTemp } from './pending-temps.js';
import { SYNC_WRITE_LIMIT } from './small-file.js';
import { GATE, type SentError, type WorkerSetup, type WriteJob, type WriteOutcome, type WriteProgress, type WriteReply, type WriteRequest } from './file-writer-protocol.js';
import type { WriteFileEntryOptions } from './write-entry.js';

/** Small files sent to a worker in one message (a message costs more than writing a small file). */
const BATCH = 32;
/** What a file costs a worker beyond its bytes (opening, renaming): weighs the choice of worker. */
const FILE_COST = 16 * 1024;

/**
 * How long the exiting main thread waits for the workers to finish the small file or the chunk each is
 * writing (milliseconds on a local disk; a worker that died inside never leaves, hence a limit).
 */
const STOP_WAIT_MS = 2000;

function raise(sent: SentError): Error {
  if (sent.strata) {
    return new StrataError(sent.code ?? 'INTERNAL', sent.message, {
      ...(sent.hint === undefined ? {} : { hint: sent.hint }),
      ...(sent.data === undefined ? {} : { data: sent.data }),
    });
  }
  const err = new Error(sent.message) as NodeJS.ErrnoException;
  if (sent.code !== undefined) err.code = sent.code;
  if (sent.errno !== undefined) err.errno = sent.errno;
  if (sent.syscall !== undefined) err.syscall = sent.syscall;
  return err;
}

export class FileWriterThreads {
  private readonly lanes: WorkerLanes<WriteRequest, WriteReply>;
  private readonly batches: Batches<WriteJob, WriteOutcome>;
  private readonly gate = new Int32Array(new SharedArrayBuffer(8));
  private readonly unregister: () => void;

  private constructor(url: URL, repo: Repository, threads: number) {
    this.lanes = new WorkerLanes<WriteRequest, WriteReply>({
      url,
      workerData: { root: repo.root, gate: this.gate } satisfies WorkerSetup,
      // What a worker allocates is garbage once its file is written: a small young generation.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      failed: () => ({ seq: -1, results: [] }),
    });
    for (let i = 0; i < threads; i++) this.lanes.add();
    // A failed worker answers nothing: its files are written on the calling thread.
    const here: WriteOutcome = { ok: false, here: true };
    this.batches = new Batches(
      BATCH,
      async (files) => {
        const cost = files.reduce((sum, f) => sum + f.size + FILE_COST, 0);
        const reply = await this.lanes.send({ seq: this.lanes.next(), files }, [], cost);
        return files.map((_, i) => reply.results[i] ?? here);
      },
      () => here,
    );
    this.unregister = beforeTempCleanup(() => this.stopWriting());
  }

  /**
   * Starts `threads` writers (default: one per core) for `repo`; undefined where they cannot run (a
   * store that does not read synchronously, or no compiled worker file, as under a TypeScript test
   * runner).
   */
  static start(repo: Repository, threads = availableParallelism()): FileWriterThreads | undefined {
    if (!repo.objects.readsSync || threads < 1) return undefined;
    const url = new URL('./file-writer-worker.js', import.meta.url);
    if (!workerFileExists(url)) return undefined;
    return new FileWriterThreads(url, repo, threads);
  }

  /** Whether a file of this size is small: one of many written in one batch. */
  static isSmall(size: number): boolean {
    return size <= SYNC_WRITE_LIMIT;
  }

  /**
   * Writes a file entry as writeFileEntry does (the same temporary name, checks, errors and
   * `onBytes`). Returns the bytes written, or undefined when the file must be written with
   * writeFileEntry instead (a worker failed).
   */
  async write(options: WriteFileEntryOptions): Promise<number | undefined> {
    const { entry } = options;
    const temp = joinPath(options.dir, `.${tempFileName()}`);
    trackTemp(temp);
    let outcome: WriteOutcome;
    try {
      const job: WriteJob = { id: entry.id, size: entry.size, mode: entry.mode, mtime: entry.mtime, temp, path: options.path, label: options.label };
      outcome = FileWriterThreads.isSmall(entry.size) ? await this.batches.add(job) : await this.one(job, options.onBytes);
      if (!outcome.ok && 'here' in outcome) {
        // A worker that failed may have left the file half written.
        try {
          unlinkSync(temp);
        } catch {
          // never created
        }
      }
    } finally {
      untrackTemp(temp);
    }
    if (outcome.ok) {
      options.onBytes?.(outcome.bytes);
      return outcome.bytes;
    }
    if ('here' in outcome) return undefined;
    throw raise(outcome.error);
  }

  /** A file written in a request of its own, its progress told to `onBytes` as it goes. */
  private async one(job: WriteJob, onBytes: ((bytes: number) => void) | undefined): Promise<WriteOutcome> {
    const notice = onBytes ? (n: unknown) => onBytes((n as WriteProgress['notice']).bytes) : undefined;
    try {
      const reply = await this.lanes.send({ seq: this.lanes.next(), files: [job] }, [], job.size + FILE_COST, notice);
      return reply.results[0] ?? { ok: false, here: true };
    } catch {
      return { ok: false, here: true };
    }
  }

  /** At exit: no worker starts another file, and the one each is writing is finished or removed. */
  private stopWriting(): void {
    Atomics.store(this.gate, GATE.stop, 1);
    for (let waited = 0; waited < STOP_WAIT_MS; waited += 100) {
      const inside = Atomics.load(this.gate, GATE.inside);
      if (inside === 0) return;
      Atomics.wait(this.gate, GATE.inside, inside, 100);
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.unregister();
    await this.lanes.close();
  }
}

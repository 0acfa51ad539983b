/**
 * Small files written by worker threads, one per core: each reads its file's blob from the local
 * store, inflates and verifies it, and writes it through a temporary file renamed into place, all with
 * synchronous calls (small-file-worker.ts). A restore of many small files is otherwise bound to one
 * thread. The semantics are writeFileEntry's; files whose content is not one blob come back to be
 * written on the calling thread.
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
import { GATE, type SentError, type WorkerSetup, type WriteJob, type WriteOutcome, type WriteReply, type WriteRequest } from './small-file-protocol.js';
import type { WriteFileEntryOptions } from './write-entry.js';

/** Files sent to a worker in one message. */
const BATCH = 32;

/** How long the exiting main thread waits for a worker to finish the file it is writing. */
const STOP_WAIT_MS = 5000;

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

export class SmallFileWriters {
  private readonly lanes: WorkerLanes<WriteRequest, WriteReply>;
  private readonly batches: Batches<WriteJob, WriteOutcome>;
  private readonly gate = new Int32Array(new SharedArrayBuffer(8));
  private readonly unregister: () => void;

  private constructor(url: URL, repo: Repository, threads: number) {
    this.lanes = new WorkerLanes<WriteRequest, WriteReply>({
      url,
      workerData: { root: repo.root, gate: this.gate } satisfies WorkerSetup,
      failed: () => ({ seq: -1, results: [] }),
    });
    for (let i = 0; i < threads; i++) this.lanes.add();
    // A failed worker answers nothing: its files are written on the calling thread.
    const here: WriteOutcome = { ok: false, here: true };
    this.batches = new Batches(
      BATCH,
      async (files) => {
        const reply = await this.lanes.send({ seq: this.lanes.next(), files });
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
  static start(repo: Repository, threads = availableParallelism()): SmallFileWriters | undefined {
    if (!repo.objects.readsSync || threads < 1) return undefined;
    const url = new URL('./small-file-worker.js', import.meta.url);
    if (!workerFileExists(url)) return undefined;
    return new SmallFileWriters(url, repo, threads);
  }

  /** Whether a file of this size is one for the writers. */
  static accepts(size: number): boolean {
    return size <= SYNC_WRITE_LIMIT;
  }

  /**
   * Writes a file entry as writeFileEntry does (the same temporary name, checks, errors and
   * `onBytes`). Returns the bytes written, or undefined when the file must be written with
   * writeFileEntry instead (its content is not one blob, or a worker failed).
   */
  async write(options: WriteFileEntryOptions): Promise<number | undefined> {
    const { entry } = options;
    const temp = joinPath(options.dir, `.${tempFileName()}`);
    trackTemp(temp);
    let outcome: WriteOutcome;
    try {
      outcome = await this.batches.add({ id: entry.id, size: entry.size, mode: entry.mode, mtime: entry.mtime, temp, path: options.path, label: options.label });
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

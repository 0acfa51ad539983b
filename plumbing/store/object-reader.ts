import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ObjectKind } from '../format/header.js';
import type { ObjectId } from '../format/object-id.js';
import type { Repository } from './repository.js';

/** Who has claimed a block of a run (the values of the run's shared claim array). */
export const CLAIM = { free: 0, caller: 1, thread: 2 } as const;

/**
 * A run of blocks of full ids. The thread claims blocks from the last one backwards while the caller
 * claims them from the first one forwards (each claim is an atomic compare-and-swap on `claims`), so
 * the two meet wherever their speeds put them; `check` leaves the bodies out.
 */
export interface RunRequest {
  seq: number;
  blocks: ObjectId[][];
  claims: Int32Array;
  check: boolean;
}

/** One object as the reader thread reports it: kind and size, or the error's code and message. */
export type ReadOutcome = { ok: true; kind: ObjectKind; size: number } | { ok: false; code: string; message: string };

/** One block the thread read (`data` holds the bodies one after another), or the end of its share. */
export type RunReply = { seq: number; block: number; results: ReadOutcome[]; data: ArrayBuffer } | { seq: number; done: true };

/** An object read by the thread, verified: kind, size and (unless only checked) body; or why not. */
export type ThreadReadResult = (ReadOutcome & { ok: false }) | { ok: true; kind: ObjectKind; size: number; body?: Buffer };

/** The caller's side of one run: claim blocks in order, and collect the ones the thread read. */
export interface ReadRun {
  /** Claims block `k` for the caller; false when the thread has it. */
  claim(k: number): boolean;
  /** The thread's results for a block it claimed; undefined if the thread failed (read it yourself). */
  result(k: number): Promise<ThreadReadResult[] | undefined>;
}

interface RunState {
  check: boolean;
  ready: Map<number, ThreadReadResult[]>;
  waiting: Map<number, (r: ThreadReadResult[] | undefined) => void>;
  done: boolean;
}

/**
 * A worker thread that reads and verifies objects from a local store, so that a long run of reads
 * (`cat-file --batch`) uses a second core. The worker loads only the code for raw reads, so it
 * starts quickly.
 */
export class ObjectReaderThread {
  private seq = 0;
  private readonly runs = new Map<number, RunState>();
  private failed = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: RunReply) => this.receive(reply));
    worker.on('error', () => {
      this.failed = true;
      for (const run of this.runs.values()) this.finish(run);
      this.runs.clear();
    });
  }

  /** Starts the thread for `repo`, or returns undefined where objects cannot be read that way. */
  static start(repo: Repository): ObjectReaderThread | undefined {
    if (!repo.objects.readsSync) return undefined;
    const url = new URL('./object-reader-worker.js', import.meta.url);
    // Under a TypeScript test runner the compiled worker does not exist: read on the calling thread.
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined;
    return new ObjectReaderThread(new Worker(url, { workerData: { root: repo.root } }));
  }

  private receive(reply: RunReply): void {
    const run = this.runs.get(reply.seq);
    if (!run) return;
    if ('done' in reply) {
      this.runs.delete(reply.seq);
      this.finish(run);
      return;
    }
    let offset = 0;
    const results = reply.results.map((r): ThreadReadResult => {
      if (!r.ok || run.check) return r;
      const body = Buffer.from(reply.data, offset, r.size);
      offset += r.size;
      return { ...r, body };
    });
    const waiter = run.waiting.get(reply.block);
    if (waiter) {
      run.waiting.delete(reply.block);
      waiter(results);
    } else run.ready.set(reply.block, results);
  }

  /** The thread will send nothing more for this run: whoever still waits reads for themselves. */
  private finish(run: RunState): void {
    run.done = true;
    for (const waiter of run.waiting.values()) waiter(undefined);
    run.waiting.clear();
  }

  /** Starts reading `blocks` from the end; the caller claims from the start (see RunRequest). */
  startRun(blocks: ObjectId[][], check: boolean): ReadRun {
    const claims = new Int32Array(new SharedArrayBuffer(4 * blocks.length));
    const run: RunState = { check, ready: new Map(), waiting: new Map(), done: this.failed };
    if (!this.failed) {
      const seq = ++this.seq;
      this.runs.set(seq, run);
      this.worker.postMessage({ seq, blocks, claims, check } satisfies RunRequest);
    }
    return {
      claim: (k) => {
        const was = Atomics.compareExchange(claims, k, CLAIM.free, CLAIM.caller);
        return was === CLAIM.free || was === CLAIM.caller;
      },
      result: (k) => {
        const ready = run.ready.get(k);
        if (ready) {
          run.ready.delete(k);
          return Promise.resolve(ready);
        }
        if (run.done) return Promise.resolve(undefined);
        return new Promise((resolve) => run.waiting.set(k, resolve));
      },
    };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The dispatch side shared by the worker-thread pools (the object writer pool, the small-file
 * writers): worker threads as lanes, each request sent to the least loaded one and answered by a
 * reply with the same `seq`; and the batching of many small requests into one message (a message costs
 * far more than storing or writing a small file).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { StrataError } from '../errors/index.js';

/** Whether a worker's compiled file exists at `url` (under a TypeScript test runner it does not). */
export function workerFileExists(url: URL): boolean {
  return url.protocol === 'file:' && existsSync(fileURLToPath(url));
}

interface Lane {
  worker: Worker;
  /** The cost of the requests sent and not answered. */
  load: number;
}

export interface WorkerLanesOptions<Reply> {
  url: URL;
  workerData: unknown;
  resourceLimits?: ResourceLimits;
  /** The reply given to every request still waiting when a worker fails. */
  failed(err: Error): Reply;
}

/** A message a worker sends while it works on a request, before its reply: `{ seq, notice }`. */
export interface Notice {
  seq: number;
  notice: unknown;
}

/** Worker threads running the same code, each request going to the least loaded one. */
export class WorkerLanes<Request extends { seq: number }, Reply extends { seq: number }> {
  private readonly lanes: Lane[] = [];
  private readonly waiting = new Map<number, { cost: number; resolve: (reply: Reply) => void; notice?: (notice: unknown) => void }>();
  private seq = 0;
  private failure: Error | undefined;

  constructor(private readonly options: WorkerLanesOptions<Reply>) {}

  /** Lanes started so far. */
  get size(): number {
    return this.lanes.length;
  }

  /** Starts one more worker. */
  add(): void {
    const worker = new Worker(this.options.url, {
      workerData: this.options.workerData,
      ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
    });
    const lane: Lane = { worker, load: 0 };
    worker.on('message', (reply: Reply | Notice) => {
      if ('notice' in reply) {
        this.waiting.get(reply.seq)?.notice?.(reply.notice);
        return;
      }
      const done = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      if (done) {
        lane.load -= done.cost;
        done.resolve(reply);
      }
    });
    worker.on('error', (err) => this.fail(err));
    this.lanes.push(lane);
  }

  /** A sequence number for the next request. */
  next(): number {
    return ++this.seq;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const reply = this.options.failed(err);
    for (const done of this.waiting.values()) done.resolve(reply);
    this.waiting.clear();
  }

  /**
   * Sends a request (numbered with `next`) to the worker with the least `cost` (default 1 per request)
   * outstanding; rejects once a worker has failed. `notice` is told of the request's notices.
   */
  send(request: Request, transfer: ArrayBuffer[] = [], cost = 1, notice?: (notice: unknown) => void): Promise<Reply> {
    if (this.failure) return Promise.reject(new StrataError('INTERNAL', `worker thread failed: ${this.failure.message}`, { cause: this.failure }));
    const lane = this.lanes.reduce((a, b) => (b.load < a.load ? b : a));
    lane.load += cost;
    return new Promise((resolve) => {
      this.waiting.set(request.seq, notice ? { cost, resolve, notice } : { cost, resolve });
      lane.worker.postMessage(request, transfer);
    });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }
}

/**
 * Collects items into batches of `size`, sending a batch when it is full or, for a partial one, once the
 * current turn of the event loop is over. `send` answers a batch with one result per item, in order;
 * if it rejects, every item of the batch gets `failed(err)`.
 */
export class Batches<Item, Result> {
  private items: Item[] = [];
  private resolvers: Array<(r: Result) => void> = [];
  private scheduled = false;

  constructor(
    private readonly size: number,
    private readonly send: (items: Item[]) => Promise<Result[]>,
    private readonly failed: (err: unknown) => Result,
  ) {}

  add(item: Item): Promise<Result> {
    return new Promise((resolve) => {
      this.items.push(item);
      this.resolvers.push(resolve);
      if (this.items.length >= this.size) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.items.length > 0) {
      const items = this.items.splice(0, this.size);
      const resolvers = this.resolvers.splice(0, this.size);
      this.send(items).then(
        (results) => results.forEach((r, i) => resolvers[i]?.(r)),
        (err: unknown) => resolvers.forEach((r) => r(this.failed(err))),
      );
    }
  }
}

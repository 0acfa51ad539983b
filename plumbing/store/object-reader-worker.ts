/**
 * The worker side of ObjectReaderThread: claims blocks of a run from the end, reads, inflates and
 * verifies their objects with synchronous calls, and sends each block's bodies back in one
 * transferred buffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LocalBackend } from './local-backend.js';
import { CLAIM, type ReadOutcome, type RunReply, type RunRequest } from './object-reader.js';
import { readRawSync } from './raw-read.js';
import type { RawObject } from '../format/raw-object.js';

/**
 * Bodies the thread reads ahead in one run at most (they wait in memory until the caller reaches
 * them); past this, the caller reads the rest.
 */
const RUN_BYTES = 32 * 1024 * 1024;

const { root } = workerData as { root: string };
const backend = new LocalBackend(root, { syncIo: true });

function describe(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e.code === 'string' ? e.code : 'IO_ERROR', message: typeof e.message === 'string' ? e.message : String(err) };
}

function readBlock(ids: string[], check: boolean): { results: ReadOutcome[]; data: ArrayBuffer } {
  const results: ReadOutcome[] = [];
  const bodies: Buffer[] = [];
  let total = 0;
  for (const id of ids) {
    try {
      const raw = readRawSync(backend, id) as RawObject;
      results.push({ ok: true, kind: raw.kind, size: raw.body.length });
      if (!check) {
        bodies.push(raw.body);
        total += raw.body.length;
      }
    } catch (err) {
      results.push({ ok: false, ...describe(err) });
    }
  }
  const data = new ArrayBuffer(total);
  const view = new Uint8Array(data);
  let offset = 0;
  for (const body of bodies) {
    view.set(body, offset);
    offset += body.length;
  }
  return { results, data };
}

function run(request: RunRequest): void {
  let bytes = 0;
  for (let k = request.blocks.length - 1; k >= 0 && bytes < RUN_BYTES; k--) {
    if (Atomics.compareExchange(request.claims, k, CLAIM.free, CLAIM.thread) !== CLAIM.free) break;
    const { results, data } = readBlock(request.blocks[k] ?? [], request.check);
    bytes += data.byteLength;
    parentPort?.postMessage({ seq: request.seq, block: k, results, data } satisfies RunReply, [data]);
  }
  parentPort?.postMessage({ seq: request.seq, done: true } satisfies RunReply);
}

parentPort?.on('message', (request: RunRequest) => run(request));

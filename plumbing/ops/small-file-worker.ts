/**
 * The worker side of SmallFileWriters: for each file of a batch, reads its blob from the local store
 * (inflated and verified), then writes it through its temporary file renamed into place, all with
 * synchronous calls. Loads only the code for raw reads and small-file writes, so it starts quickly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LocalBackend } from '../store/local-backend.js';
import { readRawSync } from '../store/raw-read.js';
import { writeSmallFileSync } from './small-file.js';
import { GATE, type SentError, type WorkerSetup, type WriteOutcome, type WriteReply, type WriteRequest } from './small-file-protocol.js';

const { root, gate } = workerData as WorkerSetup;
const backend = new LocalBackend(root, { syncIo: true });

function send(err: unknown): SentError {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; hint?: unknown; data?: unknown; errno?: unknown; syscall?: unknown };
  return {
    strata: e.name === 'StrataError',
    message: typeof e.message === 'string' ? e.message : String(err),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
    ...(typeof e.data === 'object' && e.data !== null ? { data: e.data as Record<string, unknown> } : {}),
    ...(typeof e.errno === 'number' ? { errno: e.errno } : {}),
    ...(typeof e.syscall === 'string' ? { syscall: e.syscall } : {}),
  };
}

/** Paths arrive as Uint8Arrays (a Buffer loses its class on the way): seen as Buffers again, without a copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const HERE: WriteOutcome = { ok: false, here: true };

function writeOne(job: WriteRequest['files'][number]): WriteOutcome {
  if (Atomics.load(gate, GATE.stop) !== 0) return HERE;
  let body: Buffer;
  try {
    const raw = readRawSync(backend, job.id);
    if (raw?.kind !== 'blob') return HERE;
    body = raw.body;
  } catch (err) {
    return { ok: false, error: send(err) };
  }
  // Between entering and leaving, the exiting main thread waits for this file (see GATE).
  Atomics.add(gate, GATE.inside, 1);
  try {
    if (Atomics.load(gate, GATE.stop) !== 0) return HERE;
    const file = { temp: asBuffer(job.temp), path: asBuffer(job.path), id: job.id, size: job.size, mode: job.mode, mtime: job.mtime, label: job.label };
    return { ok: true, bytes: writeSmallFileSync(file, body) };
  } catch (err) {
    return { ok: false, error: send(err) };
  } finally {
    Atomics.sub(gate, GATE.inside, 1);
    Atomics.notify(gate, GATE.inside);
  }
}

parentPort?.on('message', (request: WriteRequest) => {
  parentPort?.postMessage({ seq: request.seq, results: request.files.map(writeOne) } satisfies WriteReply);
});

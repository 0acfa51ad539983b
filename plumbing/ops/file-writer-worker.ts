/**
 * The worker side of FileWriterThreads: for each file of a request, reads its content from the local
 * store (inflated and verified, chunk by chunk for a chunk list) and writes it through its temporary
 * file, which gets the mode and mtime and is renamed into place; all with synchronous calls. The checks
 * and errors are writeFileEntry's. Loads only the code for raw reads and file writes, so it starts
 * quickly.
 */
import { closeSync, fchmodSync, futimesSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { StrataError } from '../errors/index.js';
import { decodeChunkList, type ChunkList } from '../format/chunk-list.js';
import { FormatError } from '../format/format-error.js';
import { LocalBackend } from '../store/local-backend.js';
import { corruptObject, readRawSync } from '../store/raw-read.js';
import { gcPacer } from '../util/gc-pacer.js';
import {
  GATE,
  type SentError,
  type WorkerSetup,
  type WriteJob,
  type WriteOutcome,
  type WriteProgress,
  type WriteReply,
  type WriteRequest,
} from './file-writer-protocol.js';
import { TEMP_FLAGS, fsSeconds, writeSmallFileSync } from './small-file.js';

const { root, gate } = workerData as WorkerSetup;
const backend = new LocalBackend(root, { syncIo: true });
const gc = gcPacer(4 * 1024 * 1024);
/**
 * Files up to this size are inflated into a buffer of their size (see inflateRawSync); a larger
 * file's object is surely a chunk list (chunks are at most 4 MiB by default), which is small.
 */
const GUESS_LIMIT = 4 * 1024 * 1024;
/** A large file's progress is reported every this many bytes (as writeFileEntry does, per block). */
const PROGRESS_EVERY = 8 * 1024 * 1024;

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
/** Thrown out of a chunked write when the process is exiting. */
const STOPPED = Symbol('stopped');

function stopping(): boolean {
  return Atomics.load(gate, GATE.stop) !== 0;
}

function tooShortOrLong(job: WriteJob): StrataError {
  return new StrataError('OBJECT_CORRUPT', `${job.label}: the content of ${job.id} does not have the ${job.size} bytes the tree records`, {
    data: { id: job.id, path: job.label },
  });
}

/** Reads one chunk of a list, verified, as readContent does. */
function readChunk(job: WriteJob, ref: ChunkList['chunks'][number]): Buffer {
  const raw = readRawSync(backend, ref.id, ref.size);
  if (!raw) throw new StrataError('INTERNAL', 'the store cannot read synchronously');
  if (raw.kind !== 'blob') throw new StrataError('WRONG_KIND', `object ${ref.id} is a ${raw.kind}, not a blob`, { data: { id: ref.id, kind: raw.kind } });
  if (raw.body.length !== ref.size) {
    throw new StrataError('OBJECT_CORRUPT', `chunk ${ref.id} of ${job.id} has ${raw.body.length} bytes, the list says ${ref.size}`, {
      data: { id: job.id, chunk: ref.id },
    });
  }
  return raw.body;
}

/** Writes a file whose content is a chunk list, chunk by chunk, through its temporary file. */
function writeChunked(seq: number, job: WriteJob, list: ChunkList, temp: Buffer, path: Buffer): number {
  const fd = openSync(temp, TEMP_FLAGS, 0o600);
  let written = 0;
  let reported = 0;
  try {
    try {
      for (const ref of list.chunks) {
        if (stopping()) throw STOPPED;
        gc.collectIfDue();
        const body = readChunk(job, ref);
        if (written + body.length > job.size) throw tooShortOrLong(job);
        for (let off = 0; off < body.length; ) off += writeSync(fd, body, off, body.length - off);
        written += body.length;
        gc.allocated(body.length);
        if (written - reported >= PROGRESS_EVERY) {
          reported = written;
          parentPort?.postMessage({ seq, notice: { bytes: written } } satisfies WriteProgress);
        }
      }
      if (written !== job.size) throw tooShortOrLong(job);
      fchmodSync(fd, job.mode);
      futimesSync(fd, fsSeconds(job.mtime), fsSeconds(job.mtime));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw err;
  }
  return written;
}

function writeOne(seq: number, job: WriteJob): WriteOutcome {
  if (stopping()) return HERE;
  gc.collectIfDue();
  let raw;
  let list: ChunkList | undefined;
  try {
    raw = readRawSync(backend, job.id, job.size <= GUESS_LIMIT ? job.size : undefined);
    if (!raw) throw new StrataError('INTERNAL', 'the store cannot read synchronously');
    if (raw.kind === 'chunks') {
      try {
        list = decodeChunkList(raw.body);
      } catch (err) {
        if (err instanceof FormatError) throw corruptObject(job.id, err.message, err);
        throw err;
      }
    } else if (raw.kind !== 'blob') {
      throw new StrataError('WRONG_KIND', `object ${job.id} is a ${raw.kind}, not file content`, { data: { id: job.id } });
    }
  } catch (err) {
    return { ok: false, error: send(err) };
  }
  // Between entering and leaving, the exiting main thread waits for this file (see GATE).
  Atomics.add(gate, GATE.inside, 1);
  try {
    if (stopping()) return HERE;
    const temp = asBuffer(job.temp);
    const path = asBuffer(job.path);
    if (list) return { ok: true, bytes: writeChunked(seq, job, list, temp, path) };
    const file = { temp, path, id: job.id, size: job.size, mode: job.mode, mtime: job.mtime, label: job.label };
    const bytes = writeSmallFileSync(file, raw.body);
    gc.allocated(bytes);
    return { ok: true, bytes };
  } catch (err) {
    return err === STOPPED ? HERE : { ok: false, error: send(err) };
  } finally {
    Atomics.sub(gate, GATE.inside, 1);
    Atomics.notify(gate, GATE.inside);
  }
}

parentPort?.on('message', (request: WriteRequest) => {
  parentPort?.postMessage({ seq: request.seq, results: request.files.map((job) => writeOne(request.seq, job)) } satisfies WriteReply);
});

/**
 * The worker side of the object writer pool: stores whole small files (read, chunk, hash, compress,
 * write, all with synchronous calls, which are the cheapest for small files) and single chunks sent
 * by the main thread. One of these runs per core, so storing a folder uses every core.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { computeObjectId } from '../format/object-id.js';
import type { RepoConfig } from '../format/repo-config.js';
import { gcPacer } from '../util/gc-pacer.js';
import { storeContent } from './file-content.js';
import { LocalBackend } from './local-backend.js';
import { ObjectStore } from './object-store.js';
import { chunkingFor } from './repository.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const { root, config } = workerData as { root: string; config: RepoConfig };

/**
 * Each chunk or file leaves buffers behind (the bytes read, the object bytes, the zlib output, sized to
 * the object). V8 frees their memory only when it collects the small
 * objects that own them, which it does late, so memory would grow far beyond what is in use. A
 * young-generation collection every 2 MiB stored, counting 4 KiB more per object, keeps the
 * process's peak memory bounded (on the 1 GiB porcelain bench data set, every 8 MiB of content alone
 * left the process's peak 20-30 MB higher).
 */
const gc = gcPacer(2 * 1024 * 1024);
/**
 * What storing an object leaves behind beyond its size (its read buffer, the zlib output sized to
 * it, small objects): counted so that many tiny objects (an archive's headers) also lead to a collection.
 */
const PER_OBJECT = 4 * 1024;
function stored(bytes: number): void {
  gc.allocated(bytes + PER_OBJECT);
  gc.collectIfDue();
}
const objects = new ObjectStore(new LocalBackend(root, { syncIo: true }), config.compression.level, true);
const chunking = chunkingFor(config);

function describe(err: unknown): { code: string; message: string; store: boolean } {
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : 'EIO',
    message: typeof e.message === 'string' ? e.message : String(err),
    store: e.name === 'StrataError',
  };
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  if (request.type === 'files') {
    const results: Extract<WorkerReply, { type: 'files' }>['results'] = [];
    for (const path of request.paths) {
      let data: Buffer;
      try {
        data = readFileSync(path);
      } catch (err) {
        results.push({ ok: false, ...describe(err), store: false });
        continue;
      }
      try {
        // Paths arrive as Uint8Array (a Buffer loses its class on the way): decode the bytes, not the array.
        const name = Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString();
        const strategy = chunking.forFile({ name, size: data.length });
        const r = await storeContent({ objects, strategy, source: data, write: true });
        stored(data.length);
        results.push({ ok: true, id: r.id, size: r.size, newObjects: r.newObjects, newStoredBytes: r.newStoredBytes });
      } catch (err) {
        results.push({ ok: false, ...describe(err), store: true });
      }
    }
    return { type: 'files', seq: request.seq, results };
  }
  if (request.type === 'chunks') {
    const results: Extract<WorkerReply, { type: 'chunks' }>['results'] = [];
    let offset = 0;
    for (const length of request.lengths) {
      const chunk = new Uint8Array(request.data, offset, length);
      offset += length;
      try {
        const id = computeObjectId('blob', chunk);
        const r = await objects.writeWithId(id, 'blob', chunk);
        stored(length);
        results.push({ ok: true, id, written: r.written, storedSize: r.storedSize });
      } catch (err) {
        results.push({ ok: false, ...describe(err) });
      }
    }
    return { type: 'chunks', seq: request.seq, results, data: request.data };
  }
  try {
    const chunk = new Uint8Array(request.data, 0, request.length);
    const id = computeObjectId('blob', chunk);
    const r = await objects.writeWithId(id, 'blob', chunk);
    stored(chunk.length);
    return { type: 'chunk', seq: request.seq, ok: true, id, written: r.written, storedSize: r.storedSize, data: request.data };
  } catch (err) {
    return { type: 'chunk', seq: request.seq, ok: false, ...describe(err), data: request.data };
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  void handle(request).then((reply) => parentPort?.postMessage(reply, reply.type !== 'files' && reply.data ? [reply.data] : []));
});

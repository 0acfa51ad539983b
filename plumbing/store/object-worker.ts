/**
 * The worker side of the object writer pool: stores whole small files (read, chunk, hash, compress,
 * write, all with synchronous calls, which are the cheapest for small files) and single chunks sent
 * by the main thread. One of these runs per core, so storing a folder uses every core.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { RepoConfig } from '../format/repo-config.js';
import { storeContent } from './file-content.js';
import { LocalBackend } from './local-backend.js';
import { ObjectStore } from './object-store.js';
import { strategyFor } from './repository.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const { root, config } = workerData as { root: string; config: RepoConfig };
const objects = new ObjectStore(new LocalBackend(root), config.compression.level);
const strategy = strategyFor(config);

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
        const r = await storeContent({ objects, strategy, source: data, write: true });
        results.push({ ok: true, id: r.id, size: r.size, newObjects: r.newObjects, newStoredBytes: r.newStoredBytes });
      } catch (err) {
        results.push({ ok: false, ...describe(err), store: true });
      }
    }
    return { type: 'files', seq: request.seq, results };
  }
  try {
    const r = await objects.writeWithId(request.id, 'blob', new Uint8Array(request.data));
    return { type: 'chunk', seq: request.seq, ok: true, written: r.written, storedSize: r.storedSize };
  } catch (err) {
    return { type: 'chunk', seq: request.seq, ok: false, ...describe(err) };
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  void handle(request).then((reply) => parentPort?.postMessage(reply));
});

import { OBJECT_KINDS, type ObjectKind } from '../format/header.js';
import type { ObjectStore } from './object-store.js';
import { Semaphore } from '../util/concurrency.js';

export interface KindCount {
  count: number;
  /** Bytes on disk (compressed). */
  storedBytes: number;
  /** Bytes of the bodies (uncompressed). */
  logicalBytes: number;
}

export interface CountObjectsResult {
  total: KindCount;
  byKind: Record<ObjectKind, KindCount>;
  /** Objects whose header could not be read (see fsck). */
  unreadable: number;
}

const zero = (): KindCount => ({ count: 0, storedBytes: 0, logicalBytes: 0 });

/** Objects and bytes (stored and logical) per kind, from each object's header. */
export async function computeObjectStats(objects: ObjectStore): Promise<CountObjectsResult> {
  const byKind = Object.fromEntries(OBJECT_KINDS.map((k) => [k, zero()])) as Record<ObjectKind, KindCount>;
  const total = zero();
  let unreadable = 0;
  const io = new Semaphore(16);
  const tasks: Promise<void>[] = [];
  for await (const info of objects.backend.listObjects()) {
    tasks.push(
      io.run(async () => {
        try {
          const header = await objects.readHeader(info.id);
          for (const c of [byKind[header.kind], total]) {
            c.count++;
            c.storedBytes += info.storedSize;
            c.logicalBytes += header.size;
          }
        } catch {
          unreadable++;
        }
      }),
    );
  }
  await Promise.all(tasks);
  return { total, byKind, unreadable };
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeObjectId, createRepository, storeContent, strategyFor, type Repository } from '../../../plumbing/index.js';
import { configFromOptions } from '../../../plumbing/ops/init.js';
import { pseudoRandomBytes } from '../chunking/generators.js';

let repo: Repository;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-in-flight-'));
  repo = await createRepository({ root: join(dir, 'repo'), config: configFromOptions({ minChunk: 4096, avgChunk: 16384, maxChunk: 65536 }) });
});

/**
 * Stores `data` through a writeChunk that answers a few event-loop turns later (as a worker does),
 * and reports the most chunk bytes that were ever waiting for an answer at once.
 */
async function mostBytesInFlight(data: Buffer, options: { inFlight?: number; inFlightBytes?: number }): Promise<{ most: number; id: string }> {
  let waiting = 0;
  let most = 0;
  const writeChunk = async (chunk: Uint8Array): Promise<{ id: string; written: boolean; storedSize: number }> => {
    const id = computeObjectId('blob', chunk);
    waiting += chunk.length;
    most = Math.max(most, waiting);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    waiting -= chunk.length;
    return { id, written: true, storedSize: chunk.length };
  };
  const strategy = strategyFor(repo.config);
  const r = await storeContent({ objects: repo.objects, strategy, source: data, write: true, writeChunk, copiesChunks: true, ...options });
  return { most, id: r.id };
}

describe('storeContent chunks in flight', () => {
  const data = Buffer.from(pseudoRandomBytes(7, 3_000_000));
  const maxSize = 65536;

  it('keeps the chunk bytes waiting on writeChunk within inFlightBytes plus one chunk', async () => {
    const bounded = await mostBytesInFlight(data, { inFlightBytes: 100_000 });
    expect(bounded.most).toBeLessThan(100_000 + maxSize);
    // Without it, inFlight (default 4) maximum-size chunks' worth: more bytes at once for the same content.
    const unbounded = await mostBytesInFlight(data, {});
    expect(unbounded.most).toBeGreaterThanOrEqual(4 * maxSize);
    expect(bounded.id).toBe(unbounded.id);
  });
});

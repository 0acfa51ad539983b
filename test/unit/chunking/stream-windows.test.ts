import { describe, expect, it } from 'vitest';
import { FastCdcChunker } from '../../../plumbing/chunking/fastcdc.js';
import { ChunkWindows, chunkReads, type ReadInto } from '../../../plumbing/chunking/stream.js';
import { pseudoRandomBytes } from './generators.js';

const strategy = new FastCdcChunker({ minSize: 4096, avgSize: 16384, maxSize: 65536, normalization: 1 });

/** A reader over `data`, in reads of at most `block` bytes. */
function readerOf(data: Buffer, block = 10_000): ReadInto {
  let at = 0;
  return async (buffer, offset, length) => {
    const n = Math.min(length, block, data.length - at);
    data.copy(buffer, offset, at, at + n);
    at += n;
    return n;
  };
}

/** Chunks copied as they come (what a consumer with `copiesChunks` does), and the windows they were cut from. */
async function cut(data: Buffer, options: Parameters<typeof chunkReads>[2]): Promise<{ chunks: Buffer[]; windows: Set<ArrayBufferLike> }> {
  const chunks: Buffer[] = [];
  const windows = new Set<ArrayBufferLike>();
  for await (const chunk of chunkReads(readerOf(data), strategy, options)) {
    windows.add(chunk.buffer);
    chunks.push(Buffer.from(chunk));
  }
  return { chunks, windows };
}

describe('chunkReads with kept windows', () => {
  it('cuts the same chunks, and the next file reuses the window the last one left', async () => {
    const a = Buffer.from(pseudoRandomBytes(1, 1_000_000));
    const b = Buffer.from(pseudoRandomBytes(2, 700_000));
    const kept = new ChunkWindows(1);
    const first = await cut(a, { reuseWindow: true, windows: kept });
    const second = await cut(b, { reuseWindow: true, windows: kept });
    const lengths = (chunks: Buffer[]): number[] => chunks.map((c) => c.length);
    expect(lengths(first.chunks)).toEqual(lengths((await cut(a, {})).chunks));
    expect(lengths(second.chunks)).toEqual(lengths((await cut(b, {})).chunks));
    expect(Buffer.concat(first.chunks).equals(a)).toBe(true);
    // The first file grew its window to full size; the second cut everything from that one window.
    const last = [...first.windows].at(-1);
    expect(second.windows).toEqual(new Set([last]));
    expect(Buffer.concat(second.chunks).equals(b)).toBe(true);
  });

  it('keeps no more windows than it was asked to', () => {
    const kept = new ChunkWindows(2);
    const windows = [Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8)];
    for (const w of windows) kept.give(w);
    expect([kept.take(), kept.take(), kept.take()]).toEqual([windows[1], windows[0], undefined]);
  });

  it('takes no window when the consumer keeps its chunks (no reuseWindow)', async () => {
    const kept = new ChunkWindows(1);
    const window = Buffer.alloc(2 * strategy.maxSize);
    kept.give(window);
    const { windows } = await cut(Buffer.from(pseudoRandomBytes(3, 300_000)), { windows: kept });
    expect(windows.has(window.buffer)).toBe(false);
    expect(kept.take()).toBe(window);
  });
});

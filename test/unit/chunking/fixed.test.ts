import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedSizeChunker } from '../../../plumbing/chunking/fixed.js';

describe('FixedSizeChunker', () => {
  it('reports its algorithm and maxSize', () => {
    const chunker = new FixedSizeChunker({ size: 4096 });
    expect(chunker.algorithm).toBe('fixed');
    expect(chunker.maxSize).toBe(4096);
  });

  it('cuts every chunk to exactly size bytes except the last', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), fc.integer({ min: 1, max: 5000 }), (data, size) => {
        const chunks = new FixedSizeChunker({ size }).chunkData(data);
        expect(chunks.length).toBe(Math.ceil(data.length / size));
        for (const [i, chunk] of chunks.entries()) {
          expect(chunk.byteOffset).toBe(data.byteOffset + i * size);
          if (i < chunks.length - 1) expect(chunk.length).toBe(size);
        }
        const last = chunks.at(-1);
        if (last) expect(last.length).toBe(data.length - (chunks.length - 1) * size);
        expect(Buffer.concat(chunks).equals(data)).toBe(true);
      }),
    );
  });

  it('cut returns size, or what is left when less', () => {
    const chunker = new FixedSizeChunker({ size: 100 });
    const src = new Uint8Array(1000);
    expect(chunker.cut(src, 0, 1000)).toBe(100);
    expect(chunker.cut(src, 950, 50)).toBe(50);
    expect(chunker.cut(src, 900, 100)).toBe(100);
    expect(chunker.cut(src, 1000, 0)).toBe(0);
  });

  it('returns no chunks for empty data', () => {
    expect(new FixedSizeChunker({ size: 10 }).chunkData(new Uint8Array(0))).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, 2 ** 30 + 1])('rejects size %s', (size) => {
    expect(() => new FixedSizeChunker({ size })).toThrow(RangeError);
    expect(() => new FixedSizeChunker({ size })).toThrow(/fixed chunk size must be an integer in 1\.\./);
  });
});

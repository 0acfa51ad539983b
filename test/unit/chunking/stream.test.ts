import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FastCdcChunker, type FastCdcParams } from '../../../plumbing/chunking/fastcdc.js';
import { FixedSizeChunker } from '../../../plumbing/chunking/fixed.js';
import type { ChunkingStrategy } from '../../../plumbing/chunking/strategy.js';
import { chunkStream } from '../../../plumbing/chunking/stream.js';
import { fastCdcParams, pseudoRandomBytes } from './generators.js';


/** Splits `data` into blocks at the given cut fractions (sorted, deduplicated). */
function splitAt(data: Uint8Array, fractions: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(fractions.map((f) => Math.floor(f * data.length)))].sort((a, b) => a - b);
  const blocks: Uint8Array[] = [];
  let previous = 0;
  for (const cut of [...cuts, data.length]) {
    blocks.push(data.subarray(previous, cut));
    previous = cut;
  }
  return blocks;
}

async function* fromBlocks(blocks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const block of blocks) yield block;
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return chunks;
}

const paramsArbitrary: fc.Arbitrary<FastCdcParams> = fastCdcParams(8192);

const strategyArbitrary: fc.Arbitrary<ChunkingStrategy> = fc.oneof(
  paramsArbitrary.map((params) => new FastCdcChunker(params)),
  fc.integer({ min: 1, max: 10_000 }).map((size) => new FixedSizeChunker({ size })),
);

const blocksArbitrary = fc
  .record({
    seed: fc.integer(),
    size: fc.integer({ min: 0, max: 150_000 }),
    fractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
  })
  .map(({ seed, size, fractions }) => {
    const data = pseudoRandomBytes(seed, size);
    return { data, blocks: splitAt(data, fractions) };
  });

describe('chunkStream', () => {
  it('yields the same chunks as chunkData, whatever the block boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(blocksArbitrary, strategyArbitrary, async ({ data, blocks }, strategy) => {
        const streamed = await collect(chunkStream(fromBlocks(blocks), strategy));
        const whole = strategy.chunkData(data);
        expect(streamed.map((chunk) => chunk.length)).toEqual(whole.map((chunk) => chunk.length));
        expect(Buffer.concat(streamed).equals(data)).toBe(true);
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it('yields Buffers that stay intact while later input arrives', async () => {
    const data = pseudoRandomBytes(1, 50_000);
    const chunks = await collect(chunkStream(fromBlocks(splitAt(data, [0.3, 0.31])), new FixedSizeChunker({ size: 100 })));
    expect(chunks).toHaveLength(500);
    chunks.forEach((chunk, i) => {
      expect(Buffer.isBuffer(chunk)).toBe(true);
      expect(chunk.equals(data.subarray(i * 100, i * 100 + 100))).toBe(true);
    });
  });

  it('does not let later input overwrite yielded chunks', async () => {
    const data = pseudoRandomBytes(2, 300_000);
    const strategy = new FastCdcChunker({ minSize: 256, avgSize: 1024, maxSize: 4096, normalization: 1 });
    const chunks = await collect(chunkStream(fromBlocks(splitAt(data, [0.1, 0.5, 0.9])), strategy));
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
  });

  it('yields nothing for empty input, including empty blocks', async () => {
    const strategy = new FixedSizeChunker({ size: 16 });
    expect(await collect(chunkStream(fromBlocks([]), strategy))).toEqual([]);
    expect(await collect(chunkStream(fromBlocks([new Uint8Array(0), new Uint8Array(0)]), strategy))).toEqual([]);
  });

  it('calls cut with at least maxSize bytes until the input ends', async () => {
    const calls: { length: number; ended: boolean }[] = [];
    let ended = false;
    const inner = new FastCdcChunker({ minSize: 64, avgSize: 256, maxSize: 1000, normalization: 1 });
    const spy: ChunkingStrategy = {
      algorithm: 'spy',
      maxSize: inner.maxSize,
      cut: (src, offset, length) => {
        calls.push({ length, ended });
        return inner.cut(src, offset, length);
      },
      chunkData: (data) => inner.chunkData(data),
    };
    const data = pseudoRandomBytes(3, 20_000);
    async function* source(): AsyncGenerator<Uint8Array> {
      for (const block of splitAt(data, [0.01, 0.02, 0.5, 0.77])) yield block;
      ended = true;
    }
    await collect(chunkStream(source(), spy));
    expect(calls.length).toBeGreaterThan(10);
    for (const call of calls) expect(call.ended || call.length >= inner.maxSize).toBe(true);
  });

  it('buffers at most 2 * maxSize plus one input block', async () => {
    const maxSize = 64 * 1024;
    const blockSize = 10_000;
    const strategy = new FastCdcChunker({ minSize: 4096, avgSize: 16384, maxSize, normalization: 1 });
    let produced = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 400; i++) {
        produced += blockSize;
        yield pseudoRandomBytes(i + 1, blockSize);
      }
    }
    let consumed = 0;
    let chunks = 0;
    for await (const chunk of chunkStream(source(), strategy)) {
      consumed += chunk.length;
      chunks++;
      expect(produced - consumed).toBeLessThanOrEqual(2 * maxSize + blockSize);
    }
    expect(consumed).toBe(400 * blockSize);
    expect(chunks).toBeGreaterThan(100);
  });

  it('yields chunks before the input ends', async () => {
    const strategy = new FixedSizeChunker({ size: 1000 });
    let finished = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) yield new Uint8Array(700).fill(i);
      finished = true;
    }
    const iterator = chunkStream(endless(), strategy)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(first.value?.length).toBe(1000);
    expect(finished).toBe(false);
    await iterator.return(undefined);
  });

  it('rejects a strategy that returns an impossible chunk length', async () => {
    const broken: ChunkingStrategy = {
      algorithm: 'broken',
      maxSize: 10,
      cut: () => 0,
      chunkData: () => [],
    };
    await expect(collect(chunkStream(fromBlocks([new Uint8Array(25)]), broken))).rejects.toThrow(
      /chunking strategy broken returned chunk length 0 of/,
    );
  });
});

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FASTCDC_MASKS,
  FastCdcChunker,
  fastCdcGearTables,
  fastCdcMaskIndices,
  type FastCdcParams,
} from '../../../plumbing/chunking/fastcdc.js';
import { chunkStream } from '../../../plumbing/chunking/stream.js';
import { fastCdcParams, pseudoRandomBytes } from './generators.js';

interface VectorChunk {
  offset: number;
  length: number;
  gearHash: string;
  sha256: string;
}

interface VectorCase extends FastCdcParams {
  input: string;
  chunks: VectorChunk[];
}

interface Vectors {
  GEAR: string[];
  MASKS: string[];
  cases: VectorCase[];
}

const FIXTURES = new URL('../../fixtures/fastcdc/', import.meta.url);
const vectors = JSON.parse(readFileSync(new URL('vectors.json', FIXTURES), 'utf8')) as Vectors;
const image = readFileSync(new URL('SekienAkashita.jpg', FIXTURES));

const U64 = (1n << 64n) - 1n;
const GEAR = vectors.GEAR.map((hex) => BigInt(hex));
const GEAR_LS = GEAR.map((value) => (value << 1n) & U64);
const MASKS = vectors.MASKS.map((hex) => BigInt(hex));

const PRNG_SIZE = 32 * 1024 * 1024;
const INSERT_AT = 5_000_000;
const INSERT_LENGTH = 100;

/** The vectors' `prng:N` input: SHA-256("fastcdc-conformance" || uint32be(c)) for c = 0, 1, ..., truncated. */
function conformancePrng(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  const prefix = Buffer.from('fastcdc-conformance', 'utf8');
  const message = Buffer.alloc(prefix.length + 4);
  prefix.copy(message);
  for (let counter = 0, offset = 0; offset < size; counter++, offset += 32) {
    message.writeUInt32BE(counter, prefix.length);
    createHash('sha256').update(message).digest().copy(out, offset, 0, Math.min(32, size - offset));
  }
  return out;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Params of a case as a plain object (vector cases carry extra fields). */
const paramsOf = (c: FastCdcParams): FastCdcParams => ({
  minSize: c.minSize,
  avgSize: c.avgSize,
  maxSize: c.maxSize,
  normalization: c.normalization,
});

/**
 * The 64-bit gear value at the end of the scan for the chunk `[start, start + length)`, recomputed with
 * BigInt from the vectors' GEAR table. The scan hashes bytes from `2 * floor(min / 2)` on, the byte at
 * an even position with `(h << 2) + GEAR_LS`, at an odd one with `+ GEAR`; a cut of length L stops
 * after hashing byte L, a chunk of `remaining` bytes after its last full step. After 32 steps the
 * shifts push older bytes out of 64 bits, so only the last 33 steps are replayed.
 */
function gearHashAt(data: Uint8Array, start: number, length: number, params: FastCdcParams): bigint {
  const available = data.length - start;
  if (available <= params.minSize) return 0n;
  const remaining = Math.min(available, params.maxSize);
  const scanStart = params.minSize - (params.minSize % 2);
  const last = length < remaining ? length : remaining - (remaining % 2) - 1;
  if (last < scanStart) return 0n;
  let position = Math.max(scanStart, last - 66 - (last % 2));
  let hash = 0n;
  for (; position <= last; position++) {
    const byte = data[start + position]!;
    hash = position % 2 === 0 ? ((hash << 2n) + GEAR_LS[byte]!) & U64 : (hash + GEAR[byte]!) & U64;
  }
  return hash;
}

/** FastCDC 2020 transcribed literally from the conformance README, with BigInt and the vectors' tables. */
function referenceChunkLengths(data: Uint8Array, params: FastCdcParams): number[] {
  const [small, large] = fastCdcMaskIndices(params.avgSize, params.normalization);
  const maskS = MASKS[small]!;
  const maskL = MASKS[large]!;
  const lengths: number[] = [];
  for (let offset = 0; offset < data.length; ) {
    const length = referenceCut(data.subarray(offset), params, maskS, maskL);
    lengths.push(length);
    offset += length;
  }
  return lengths;
}

function referenceCut(src: Uint8Array, params: FastCdcParams, maskS: bigint, maskL: bigint): number {
  const len = src.length;
  if (len <= params.minSize) return len;
  const remaining = Math.min(len, params.maxSize);
  const center = Math.min(params.avgSize, remaining);
  let i = Math.floor(params.minSize / 2);
  let hash = 0n;
  for (const [limit, mask] of [
    [Math.floor(center / 2), maskS],
    [Math.floor(remaining / 2), maskL],
  ] as const) {
    for (; i < limit; i++) {
      const a = 2 * i;
      hash = ((hash << 2n) + GEAR_LS[src[a]!]!) & U64;
      if ((hash & (mask << 1n)) === 0n) return a;
      hash = (hash + GEAR[src[a + 1]!]!) & U64;
      if ((hash & mask) === 0n) return a + 1;
    }
  }
  return remaining;
}


async function* blocksOf(data: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  for (let offset = 0, i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield data.subarray(offset, offset + size);
    offset += size;
  }
}

async function streamLengths(data: Uint8Array, sizes: readonly number[], params: FastCdcParams): Promise<number[]> {
  const lengths: number[] = [];
  for await (const chunk of chunkStream(blocksOf(data, sizes), new FastCdcChunker(params))) lengths.push(chunk.length);
  return lengths;
}

const lengthsOf = (chunks: Uint8Array[]): number[] => chunks.map((chunk) => chunk.length);

const paramsArbitrary: fc.Arbitrary<FastCdcParams> = fastCdcParams(16384);

/** Buffers that are random, constant or periodic, so both rare and frequent mask matches occur. */
const dataArbitrary: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.record({ seed: fc.integer(), size: fc.integer({ min: 0, max: 200_000 }) }).map(({ seed, size }) =>
    pseudoRandomBytes(seed, size),
  ),
  fc.uint8Array({ maxLength: 5000 }),
  fc
    .record({ byte: fc.integer({ min: 0, max: 255 }), size: fc.integer({ min: 0, max: 100_000 }) })
    .map(({ byte, size }) => new Uint8Array(size).fill(byte)),
  fc
    .record({ pattern: fc.uint8Array({ minLength: 1, maxLength: 64 }), size: fc.integer({ min: 0, max: 100_000 }) })
    .map(({ pattern, size }) => Uint8Array.from({ length: size }, (_, i) => pattern[i % pattern.length]!)),
);

describe('FastCDC tables', () => {
  it('derives GEAR exactly as the vectors list it', () => {
    const { gear, gearLs } = fastCdcGearTables();
    expect(gear).toEqual(GEAR);
    expect(gearLs).toEqual(GEAR_LS);
  });

  it('hard-codes the vectors MASKS', () => {
    expect(FASTCDC_MASKS.map((mask) => BigInt(mask))).toEqual(MASKS);
  });

  it('selects maskS = MASKS[bits + n] and maskL = MASKS[bits - n] for every case', () => {
    for (const c of vectors.cases) {
      const chunker = new FastCdcChunker(paramsOf(c));
      const bits = Math.round(Math.log2(c.avgSize));
      expect(BigInt(chunker.maskS)).toBe(MASKS[bits + c.normalization]);
      expect(BigInt(chunker.maskL)).toBe(MASKS[bits - c.normalization]);
    }
  });
});

describe('FastCDC conformance vectors', () => {
  let prng: Buffer;
  let inserted: Buffer;

  beforeAll(() => {
    prng = conformancePrng(PRNG_SIZE);
    inserted = Buffer.concat([
      prng.subarray(0, INSERT_AT),
      Buffer.alloc(INSERT_LENGTH, 0x41),
      prng.subarray(INSERT_AT),
    ]);
  }, 30_000);

  function inputOf(c: VectorCase): Buffer {
    if (c.input === 'SekienAkashita.jpg') return image;
    if (c.input === 'prng:32MiB') return prng;
    if (c.input === `prng:32MiB with ${INSERT_LENGTH} bytes 0x41 inserted at offset ${INSERT_AT}`) return inserted;
    throw new Error(`unknown vector input ${c.input}`);
  }

  it('covers every case in vectors.json', () => {
    expect(vectors.cases.length).toBe(9);
    for (const c of vectors.cases) expect(() => inputOf(c)).not.toThrow();
  });

  for (const [index, c] of vectors.cases.entries()) {
    const label = `case ${index}: ${c.input} ${c.minSize}/${c.avgSize}/${c.maxSize} n${c.normalization}`;

    it(`${label}: offsets, lengths, sha256 and gear hash of every chunk`, () => {
      const data = inputOf(c);
      const params = paramsOf(c);
      const chunks = new FastCdcChunker(params).chunkData(data);
      const actual = chunks.map((chunk) => ({
        offset: chunk.byteOffset - data.byteOffset,
        length: chunk.length,
        gearHash: gearHashAt(data, chunk.byteOffset - data.byteOffset, chunk.length, params).toString(),
        sha256: sha256(chunk),
      }));
      expect(actual).toEqual(c.chunks);
    }, 20_000);
  }

  it('streams the image cases identically with blocks of 1, 7 and 65537 bytes', async () => {
    for (const c of vectors.cases.filter((v) => v.input === 'SekienAkashita.jpg')) {
      const expected = c.chunks.map((chunk) => chunk.length);
      for (const sizes of [[1], [7], [65537]]) {
        expect(await streamLengths(image, sizes, paramsOf(c))).toEqual(expected);
      }
    }
  }, 20_000);

  it('streams the 32 MiB cases identically with blocks of 65537, 1 MiB + 3 and mixed sizes', async () => {
    const large = vectors.cases.filter((v) => v.input !== 'SekienAkashita.jpg');
    const plans = [[65537], [1024 * 1024 + 3], [1, 7, 65537, 1024 * 1024 + 3]];
    for (const [i, c] of large.entries()) {
      const sizes = plans[i % plans.length]!;
      const streamed = await streamLengths(inputOf(c), sizes, paramsOf(c));
      expect(streamed).toEqual(c.chunks.map((chunk) => chunk.length));
    }
  }, 30_000);

  it('changes only the chunk holding a 100-byte insertion', () => {
    const plain = vectors.cases.find((v) => v.input === 'prng:32MiB' && v.minSize === 65536)!;
    const edited = vectors.cases.find((v) => v.input.includes('inserted'))!;
    const before = new Set(plain.chunks.map((chunk) => chunk.sha256));
    const changed = edited.chunks.filter((chunk) => !before.has(chunk.sha256));
    expect(changed).toHaveLength(1);
    const [chunk] = changed;
    expect(chunk!.offset <= INSERT_AT && INSERT_AT < chunk!.offset + chunk!.length).toBe(true);
  });
});

describe('FastCDC properties', () => {
  it('matches a literal BigInt transcription of the README procedure', () => {
    fc.assert(
      fc.property(dataArbitrary, paramsArbitrary, (data, params) => {
        const slice = data.subarray(0, 40_000);
        expect(lengthsOf(new FastCdcChunker(params).chunkData(slice))).toEqual(referenceChunkLengths(slice, params));
      }),
      { numRuns: 60 },
    );
  }, 30_000);

  it('matches the reference for the largest masks and a maxSize that is not a power of two', () => {
    const data = pseudoRandomBytes(7, 300_000);
    for (const params of [
      { minSize: 64, avgSize: 2 ** 22, maxSize: 2 ** 22, normalization: 3 },
      { minSize: 64, avgSize: 2 ** 25, maxSize: 2 ** 25, normalization: 0 },
      { minSize: 100, avgSize: 1000, maxSize: 3001, normalization: 2 },
      { minSize: 4097, avgSize: 8191, maxSize: 65535, normalization: 1 },
    ]) {
      expect(lengthsOf(new FastCdcChunker(params).chunkData(data))).toEqual(referenceChunkLengths(data, params));
    }
  }, 30_000);

  it('matches the reference for tight size windows at every scan alignment', () => {
    const data = pseudoRandomBytes(11, 6000);
    for (let minSize = 64; minSize < 68; minSize++) {
      for (let avgSize = minSize; avgSize < minSize + 10; avgSize++) {
        for (let maxSize = avgSize; maxSize < avgSize + 10; maxSize++) {
          const params = { minSize, avgSize, maxSize, normalization: 1 };
          expect(lengthsOf(new FastCdcChunker(params).chunkData(data))).toEqual(referenceChunkLengths(data, params));
        }
      }
    }
  }, 30_000);

  it('continues the exact hash into the large-mask phase', () => {
    const params = { minSize: 64, avgSize: 1024, maxSize: 2048, normalization: 1 };
    const data = pseudoRandomBytes(5, 300_000);
    const chunker = new FastCdcChunker(params);
    const [small, large] = fastCdcMaskIndices(params.avgSize, params.normalization);
    let nearCenter = 0;
    for (let offset = 0; offset + params.maxSize <= data.length; offset += 151) {
      const window = data.subarray(offset, offset + params.maxSize);
      const expected = referenceCut(window, params, MASKS[small]!, MASKS[large]!);
      if (expected >= params.avgSize && expected < params.avgSize + 16) nearCenter++;
      expect(chunker.cut(data, offset, params.maxSize)).toBe(expected);
    }
    expect(nearCenter).toBeGreaterThan(10);
  }, 30_000);

  it('covers the input in order with chunks within the size bounds', () => {
    fc.assert(
      fc.property(dataArbitrary, paramsArbitrary, (data, params) => {
        const chunks = new FastCdcChunker(params).chunkData(data);
        const floorMin = params.minSize - (params.minSize % 2);
        let offset = 0;
        for (const [i, chunk] of chunks.entries()) {
          expect(chunk.buffer).toBe(data.buffer);
          expect(chunk.byteOffset).toBe(data.byteOffset + offset);
          expect(chunk.length).toBeGreaterThanOrEqual(i === chunks.length - 1 ? 1 : floorMin);
          expect(chunk.length).toBeLessThanOrEqual(params.maxSize);
          offset += chunk.length;
        }
        expect(offset).toBe(data.length);
        expect(Buffer.concat(chunks).equals(data)).toBe(true);
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it('never cuts below minSize when minSize is even', () => {
    fc.assert(
      fc.property(dataArbitrary, paramsArbitrary, (data, raw) => {
        const params = { ...raw, minSize: raw.minSize - (raw.minSize % 2) };
        const chunks = new FastCdcChunker(params).chunkData(data);
        for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(params.minSize);
      }),
      { numRuns: 50 },
    );
  }, 30_000);

  it('is deterministic across instances and calls', () => {
    fc.assert(
      fc.property(dataArbitrary, paramsArbitrary, (data, params) => {
        const first = lengthsOf(new FastCdcChunker(params).chunkData(data));
        const chunker = new FastCdcChunker(params);
        expect(lengthsOf(chunker.chunkData(data))).toEqual(first);
        expect(lengthsOf(chunker.chunkData(Buffer.from(data)))).toEqual(first);
      }),
      { numRuns: 30 },
    );
  }, 30_000);

  it('cut(src, offset, length) depends only on the bytes in its window', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 5000 }), paramsArbitrary, (seed, pad, params) => {
        const data = pseudoRandomBytes(seed, 3 * params.maxSize);
        const padded = new Uint8Array(pad + data.length + pad).fill(0xa5);
        padded.set(data, pad);
        const chunker = new FastCdcChunker(params);
        expect(chunker.cut(padded, pad, data.length)).toBe(chunker.cut(data, 0, data.length));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps chunks before and well after a local insertion unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.3, max: 0.6, noNaN: true }),
        (seed, insertion, where) => {
          const params = { minSize: 2048, avgSize: 8192, maxSize: 32768, normalization: 2 };
          const original = pseudoRandomBytes(seed, 1024 * 1024);
          const at = Math.floor(original.length * where);
          const edited = Buffer.concat([original.subarray(0, at), insertion, original.subarray(at)]);
          const chunker = new FastCdcChunker(params);
          const before = chunker.chunkData(original).map((chunk) => sha256(chunk));
          const after = chunker.chunkData(edited).map((chunk) => sha256(chunk));
          const prefix = chunker.chunkData(original).filter((chunk) => chunk.byteOffset + chunk.length < at).length;
          expect(after.slice(0, prefix)).toEqual(before.slice(0, prefix));
          expect(after.slice(-30)).toEqual(before.slice(-30));
          expect(after.length - before.length).toBeLessThanOrEqual(5);
        },
      ),
      { numRuns: 10 },
    );
  }, 30_000);
});

describe('FastCDC parameters', () => {
  const valid: FastCdcParams = { minSize: 4096, avgSize: 16384, maxSize: 65535, normalization: 1 };

  it('reports its algorithm and sizes', () => {
    const chunker = new FastCdcChunker(valid);
    expect(chunker.algorithm).toBe('fastcdc-2020');
    expect(chunker.maxSize).toBe(65535);
    expect(new FastCdcChunker(valid).chunkData(new Uint8Array(0))).toEqual([]);
  });

  it.each([
    [{ minSize: 4096.5 }, /minSize must be an integer/],
    [{ avgSize: Number.NaN }, /avgSize must be an integer/],
    [{ maxSize: Infinity }, /maxSize must be an integer/],
    [{ normalization: 1.5 }, /normalization must be an integer/],
    [{ minSize: 32, avgSize: 256 }, /minSize must be at least 64/],
    [{ minSize: 20000 }, /minSize <= avgSize <= maxSize/],
    [{ maxSize: 8192 }, /minSize <= avgSize <= maxSize/],
    [{ maxSize: 2 ** 30 + 1 }, /maxSize must be at most/],
    [{ normalization: 4 }, /normalization must be 0\.\.3/],
    [{ normalization: -1 }, /normalization must be 0\.\.3/],
    [{ minSize: 64, avgSize: 128, normalization: 3 }, /needs masks 4\.\.10/],
    [{ avgSize: 2 ** 24, maxSize: 2 ** 25, normalization: 2 }, /needs masks 22\.\.26/],
  ])('rejects %o', (override, message) => {
    const construct = (): FastCdcChunker => new FastCdcChunker({ ...valid, ...override });
    expect(construct).toThrow(RangeError);
    expect(construct).toThrow(message);
  });

  it('accepts the boundary values', () => {
    expect(() => new FastCdcChunker({ minSize: 64, avgSize: 64, maxSize: 64, normalization: 1 })).not.toThrow();
    expect(() => new FastCdcChunker({ minSize: 64, avgSize: 2 ** 25, maxSize: 2 ** 30, normalization: 0 })).not.toThrow();
  });
});

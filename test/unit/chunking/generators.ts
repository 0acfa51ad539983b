/** Test data shared by the chunking tests: a deterministic byte generator and parameter arbitraries. */
import fc from 'fast-check';
import { fastCdcMaskIndices, type FastCdcParams } from '../../../plumbing/chunking/fastcdc.js';

/** Deterministic pseudo-random bytes (xorshift32), so failures replay exactly. */
export function pseudoRandomBytes(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let state = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** Valid FastCDC parameters with averages from 64 B to `maxAvg` (so small buffers hold many chunks). */
export function fastCdcParams(maxAvg: number): fc.Arbitrary<FastCdcParams> {
  return fc
    .record({
      avgSize: fc.integer({ min: 64, max: maxAvg }),
      normalization: fc.integer({ min: 0, max: 3 }),
      minFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      maxFactor: fc.double({ min: 1, max: 8, noNaN: true }),
    })
    .filter(({ avgSize, normalization }) => fastCdcMaskIndices(avgSize, normalization)[1] >= 5)
    .map(({ avgSize, normalization, minFraction, maxFactor }) => ({
      minSize: 64 + Math.floor((avgSize - 64) * minFraction),
      avgSize,
      maxSize: Math.floor(avgSize * maxFactor),
      normalization,
    }));
}

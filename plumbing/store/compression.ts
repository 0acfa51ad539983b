import { constants, deflate, deflateSync, inflate, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/** Bodies this small are inflated synchronously: a thread-pool round trip costs more than the work. */
const SYNC_INFLATE_LIMIT = 32 * 1024;

/**
 * Shannon entropy, in bits per byte, of a few samples of `data` (4 KiB in all by default: enough to
 * tell, cheap enough to run on every object). Compressed media, archives and random data measure
 * close to 8 (about 7.95 on 4 KiB); text and most uncompressed formats far below.
 */
export function sampleEntropy(data: Uint8Array, sampleSize = 1024, samples = 4): number {
  const counts = new Uint32Array(256);
  let total = 0;
  if (data.length <= sampleSize * samples) {
    for (let i = 0; i < data.length; i++) counts[data[i] as number]!++;
    total = data.length;
  } else {
    const step = Math.floor((data.length - sampleSize) / (samples - 1));
    for (let s = 0; s < samples; s++) {
      const start = s * step;
      for (let i = start; i < start + sampleSize; i++) counts[data[i] as number]!++;
      total += sampleSize;
    }
  }
  if (total === 0) return 0;
  let bits = 0;
  for (let i = 0; i < 256; i++) {
    const c = counts[i] as number;
    if (c > 0) {
      const p = c / total;
      bits -= p * Math.log2(p);
    }
  }
  return bits;
}

/** Above this entropy (bits per byte) content is treated as incompressible and stored at level 0. */
export const INCOMPRESSIBLE_ENTROPY = 7.5;

/** The zlib level to use for `data`: the configured one, or 0 for content that will not compress. */
export function chooseLevel(data: Uint8Array, configured: number): number {
  if (configured === 0 || data.length < 512) return configured;
  return sampleEntropy(data) > INCOMPRESSIBLE_ENTROPY ? 0 : configured;
}

/**
 * Output buffer size for one zlib call. Node's default (16 KiB) makes a large object cost hundreds of
 * round trips between the thread pool and JavaScript (measured: 4x slower at level 0 on 4 MiB);
 * sized to the expected output, a call returns in one piece.
 */
function outputChunkSize(expected: number): number {
  return Math.min(Math.max(64 * 1024, expected), 64 * 1024 * 1024);
}

/** Bodies up to this size are compressed synchronously (a pool round trip costs more); larger ones on the libuv pool, so both cores work. */
const SYNC_DEFLATE_LIMIT = 64 * 1024;

/** zlib stream of `data` at `level`. */
export async function compress(data: Uint8Array, level: number, sync = false): Promise<Buffer> {
  // deflate's worst case (stored blocks) adds a few bytes per 16 KiB plus the zlib header and checksum.
  const bound = data.length + (data.length >> 10) + 64;
  // Compressed output is usually well under half the input: start there (a second piece is added if
  // needed) rather than hold a buffer of the input's size for every object.
  const options = { level, strategy: constants.Z_DEFAULT_STRATEGY, chunkSize: outputChunkSize(level === 0 ? bound : (bound >> 1) + 64) };
  if (sync || data.length <= SYNC_DEFLATE_LIMIT) return deflateSync(data, options);
  return deflateAsync(data, options);
}

/** Inflates as much as the first bytes of a zlib stream give (for reading an object's header cheaply). */
export function decompressPrefix(data: Uint8Array): Buffer {
  return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
}

/** Inflates a zlib stream (any level); throws zlib's error for a damaged stream. */
export async function decompress(data: Uint8Array): Promise<Buffer> {
  if (data.length <= SYNC_INFLATE_LIMIT) return inflateSync(data);
  return inflateAsync(data, { chunkSize: outputChunkSize(data.length * 4) });
}

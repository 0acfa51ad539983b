import { constants, deflate, deflateRaw, deflateRawSync, deflateSync, inflate, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import { adler32 } from './adler32.js';

const deflateAsync = promisify(deflate);
const deflateRawAsync = promisify(deflateRaw);
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
 * sized to the expected output, a call returns in one piece. Small objects get small buffers: the
 * result is a view of that buffer, which stays allocated as long as the result does (a 64 KiB floor
 * made every tar header hold 64 KiB until the next collection).
 */
function outputChunkSize(expected: number): number {
  return Math.min(Math.max(1024, expected), 64 * 1024 * 1024);
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

/**
 * Large bodies are judged segment by segment: content that mixes compressible and incompressible
 * stretches (game builds, disk images, archives of media and code) is deflated where it compresses and
 * stored where it does not, in one zlib stream. Deflating random bytes at level 1 runs at ~55 MB/s per
 * core here, storing them at over 1 GB/s.
 */
export const SEGMENT_SIZE = 32 * 1024;
/** Samples of 1 KiB per segment (2 KiB of 32 KiB read: random data measures ~7.9 bits per byte on it). */
const SEGMENT_SAMPLES = 2;
/** The largest stored block deflate allows. */
const STORED_BLOCK_MAX = 65535;

/** A stretch of a body compressed at one level. */
export interface LevelRun {
  start: number;
  end: number;
  level: number;
}

/**
 * The levels `body` should be compressed at: one level for the whole body (the configured one, or 0
 * when it looks incompressible), or runs of segments at the configured level and at 0 when it mixes
 * both. Bodies of up to two segments get one level.
 */
export function planLevels(body: Uint8Array, configured: number): number | LevelRun[] {
  if (configured === 0 || body.length <= 2 * SEGMENT_SIZE) return chooseLevel(body, configured);
  const runs: LevelRun[] = [];
  for (let start = 0; start < body.length; start += SEGMENT_SIZE) {
    const end = Math.min(body.length, start + SEGMENT_SIZE);
    const segment = body.subarray(start, end);
    const level = segment.length >= 512 && sampleEntropy(segment, 1024, SEGMENT_SAMPLES) > INCOMPRESSIBLE_ENTROPY ? 0 : configured;
    const last = runs[runs.length - 1];
    if (last && last.level === level) last.end = end;
    else runs.push({ start, end, level });
  }
  return runs.length === 1 ? (runs[0] as LevelRun).level : runs;
}

/** The zlib header (RFC 1950) for a deflate stream with a 32 KiB window, its level field from `level`. */
function zlibHeader(level: number): Buffer {
  // FLEVEL 0 (fastest) for levels 0-1, 1 (fast) 2-5, 2 (default) 6, 3 (best) 7-9; FCHECK makes it a multiple of 31.
  const flevel = level <= 1 ? 0 : level <= 5 ? 1 : level === 6 ? 2 : 3;
  const cmf = 0x78;
  let flg = flevel << 6;
  flg += 31 - ((cmf * 256 + flg) % 31);
  return Buffer.from([cmf, flg & 0xff]);
}

/** Deflate stored blocks (none of them final) holding `data`, as pieces that share its memory. */
function storedBlocks(data: Uint8Array, out: Uint8Array[]): void {
  for (let pos = 0; pos < data.length; pos += STORED_BLOCK_MAX) {
    const n = Math.min(STORED_BLOCK_MAX, data.length - pos);
    out.push(Uint8Array.of(0x00, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff), data.subarray(pos, pos + n));
  }
}

/**
 * The zlib stream of `head` followed by `body`: one deflate call at one level where the whole body
 * calls for it, otherwise a stream whose runs are deflated or stored as `planLevels` decides (each
 * deflated run ends with a sync flush, so the next run starts on a byte boundary; an empty final
 * stored block and the Adler-32 of everything close the stream).
 */
export async function compressObject(head: Uint8Array, body: Uint8Array, configured: number, sync = false): Promise<Buffer> {
  const plan = planLevels(body, configured);
  if (typeof plan === 'number') return compress(Buffer.concat([head, body]), plan, sync);
  const pieces: Uint8Array[] = [zlibHeader(configured)];
  for (const [i, run] of plan.entries()) {
    const part = body.subarray(run.start, run.end);
    if (run.level === 0) {
      if (i === 0) storedBlocks(head, pieces);
      storedBlocks(part, pieces);
      continue;
    }
    const input = i === 0 ? Buffer.concat([head, part]) : part;
    const options = { level: run.level, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: outputChunkSize((input.length >> 1) + 64) };
    pieces.push(sync || input.length <= SYNC_DEFLATE_LIMIT ? deflateRawSync(input, options) : await deflateRawAsync(input, options));
  }
  const trailer = Buffer.alloc(9);
  trailer.set([0x01, 0x00, 0x00, 0xff, 0xff]);
  trailer.writeUInt32BE(adler32(body, adler32(head)), 5);
  pieces.push(trailer);
  return Buffer.concat(pieces);
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

/**
 * Fixed-size chunking: every chunk is exactly `size` bytes except the last. Cheap, but an insertion
 * shifts every later boundary, so it deduplicates only data that never moves.
 */

import type { ChunkingStrategy } from './strategy.js';

/** Largest accepted chunk size (1 GiB). */
export const FIXED_MAX_SIZE = 1 << 30;

/** Parameters of a fixed-size chunker. */
export interface FixedParams {
  /** Chunk size in bytes, 1..1 GiB. */
  size: number;
}

/** Cuts data into `size`-byte chunks; the last chunk holds the rest. */
export class FixedSizeChunker implements ChunkingStrategy {
  readonly algorithm = 'fixed';
  readonly size: number;
  readonly maxSize: number;

  /** @throws RangeError when `size` is not an integer in 1..1 GiB. */
  constructor(params: FixedParams) {
    const { size } = params;
    if (!Number.isSafeInteger(size) || size < 1 || size > FIXED_MAX_SIZE) {
      throw new RangeError(`fixed chunk size must be an integer in 1..${FIXED_MAX_SIZE}, got ${String(size)}`);
    }
    this.size = size;
    this.maxSize = size;
  }

  /** Length of the chunk starting at `offset`: `size`, or what is left when less. */
  cut(_src: Uint8Array, _offset: number, length: number): number {
    return length < this.size ? length : this.size;
  }

  /** The chunks of `data`, in order, as views into it. */
  chunkData(data: Uint8Array): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < data.length; offset += this.size) {
      chunks.push(data.subarray(offset, Math.min(offset + this.size, data.length)));
    }
    return chunks;
  }
}

/**
 * Streaming chunking: cuts an async byte stream into the same chunks `strategy.chunkData` would give for
 * the whole input, while holding at most `2 * strategy.maxSize` bytes plus the input block being copied.
 */

import type { ChunkingStrategy } from './strategy.js';

/** First buffer size; the buffer doubles up to `2 * maxSize` as needed. */
const INITIAL_CAPACITY = 256 * 1024;

/**
 * A byte window over the stream: `bytes[start, end)` is buffered input not yet cut. Space is reclaimed
 * by moving the live bytes to the front (when they fill at most half the buffer) or by doubling the
 * buffer, up to `limit`; copying is amortized O(1) per byte.
 */
class ByteWindow {
  bytes: Buffer;
  start = 0;
  end = 0;

  constructor(private readonly limit: number) {
    this.bytes = Buffer.allocUnsafe(Math.min(limit, INITIAL_CAPACITY));
  }

  get buffered(): number {
    return this.end - this.start;
  }

  /** Copies as much of `block` (from `from`) as fits after making room; returns the bytes copied. */
  append(block: Uint8Array, from: number): number {
    if (this.end === this.bytes.length) this.makeRoom();
    const count = Math.min(this.bytes.length - this.end, block.length - from);
    this.bytes.set(block.subarray(from, from + count), this.end);
    this.end += count;
    return count;
  }

  /** A new Buffer, with its own memory, holding the next `length` buffered bytes; consumes them. */
  take(length: number): Buffer {
    const chunk = Buffer.allocUnsafeSlow(length);
    this.bytes.copy(chunk, 0, this.start, this.start + length);
    this.start += length;
    return chunk;
  }

  private makeRoom(): void {
    const live = this.buffered;
    const target =
      live <= this.bytes.length / 2 ? this.bytes : Buffer.allocUnsafe(Math.min(this.limit, this.bytes.length * 2));
    this.bytes.copy(target, 0, this.start, this.end);
    this.bytes = target;
    this.start = 0;
    this.end = live;
  }
}

/** The next chunk length from the window, checked against the ChunkingStrategy contract. */
function nextCut(strategy: ChunkingStrategy, window: ByteWindow): number {
  const available = window.buffered;
  const length = strategy.cut(window.bytes, window.start, available);
  if (!Number.isInteger(length) || length < 1 || length > available) {
    throw new RangeError(`chunking strategy ${strategy.algorithm} returned chunk length ${length} of ${available}`);
  }
  return length;
}

/**
 * Yields the chunks of `source`, in order, each as a freshly allocated Buffer that owns its memory
 * (not pooled; safe to keep or transfer). The cut points equal `strategy.chunkData` over the
 * concatenated input, whatever the block sizes. An empty input yields nothing.
 */
export async function* chunkStream(
  source: AsyncIterable<Uint8Array>,
  strategy: ChunkingStrategy,
): AsyncGenerator<Buffer> {
  const maxSize = strategy.maxSize;
  const window = new ByteWindow(2 * maxSize);
  for await (const block of source) {
    let from = 0;
    while (from < block.length) {
      from += window.append(block, from);
      while (window.buffered >= maxSize) {
        yield window.take(nextCut(strategy, window));
      }
    }
  }
  while (window.buffered > 0) {
    yield window.take(nextCut(strategy, window));
  }
}

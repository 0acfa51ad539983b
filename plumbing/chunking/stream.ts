/**
 * Streaming chunking: cuts a byte source into the same chunks `strategy.chunkData` gives for the
 * whole input, holding at most about `2 * maxSize` bytes of input (plus what the consumer keeps).
 *
 * Input is read straight into a window buffer, and each chunk is yielded as a view into it: no copy
 * per chunk. A window is never written again where it holds yielded bytes: when it fills up, the
 * unconsumed tail (less than `maxSize`) moves into a new window, and the old one is freed once the
 * consumer drops its chunks. So yielded chunks stay valid for as long as they are kept.
 */
import type { ChunkingStrategy } from './strategy.js';

/** Reads up to `length` bytes into `buffer` at `offset`; resolves with the count, 0 at the end. */
export type ReadInto = (buffer: Buffer, offset: number, length: number) => Promise<number>;

/** The next chunk length, checked against the ChunkingStrategy contract. */
function nextCut(strategy: ChunkingStrategy, bytes: Buffer, start: number, available: number): number {
  const length = strategy.cut(bytes, start, available);
  if (!Number.isInteger(length) || length < 1 || length > available) {
    throw new RangeError(`chunking strategy ${strategy.algorithm} returned chunk length ${length} of ${available}`);
  }
  return length;
}

/**
 * Windows handed from one `chunkReads` call (with `reuseWindow`) to the next, so that storing many
 * files one after another does not allocate (and leave to the garbage collector) windows for each.
 * Keeps at most `keep` windows: as many as files are chunked at once.
 */
export class ChunkWindows {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep: number) {}

  /** A kept window, or undefined. */
  take(): Buffer | undefined {
    return this.free.pop();
  }

  /** Keeps a window nothing refers to any more. */
  give(window: Buffer): void {
    if (this.free.length < this.keep) this.free.push(window);
  }
}

/**
 * Yields the chunks of the bytes `read` produces, in order. A cut is made only when at least
 * `maxSize` bytes are buffered or the input has ended, so cut points do not depend on how the input
 * arrives. With `reuseWindow`, a consumer that is done with each chunk before it asks for the next
 * (it copies it) lets the window be reused, so no new memory is touched.
 */
export async function* chunkReads(
  read: ReadInto,
  strategy: ChunkingStrategy,
  options: { reuseWindow?: boolean; windows?: ChunkWindows } = {},
): AsyncGenerator<Buffer> {
  const maxSize = strategy.maxSize;
  const capacity = 2 * maxSize;
  const windows = options.reuseWindow ? options.windows : undefined;
  const kept = windows?.take();
  let window = kept && kept.length <= capacity ? kept : Buffer.allocUnsafeSlow(Math.min(capacity, 1024 * 1024));
  let start = 0;
  let end = 0;
  let ended = false;
  try {
    for (;;) {
      while (!ended && end - start < maxSize) {
        if (end === window.length && options.reuseWindow && window.length === capacity) {
          // The consumer copies each chunk before asking for the next: reuse the window.
          window.copy(window, 0, start, end);
          end -= start;
          start = 0;
        } else if (end === window.length) {
          // Never overwrite the window: yielded chunks may still be in use. Move the tail instead.
          const size = end - start <= window.length / 2 ? window.length : Math.min(capacity, window.length * 2);
          const next = Buffer.allocUnsafeSlow(Math.max(size, end - start + 1));
          window.copy(next, 0, start, end);
          end -= start;
          start = 0;
          window = next;
        }
        const n = await read(window, end, window.length - end);
        if (n === 0) ended = true;
        else end += n;
      }
      if (end === start) return;
      const length = nextCut(strategy, window, start, end - start);
      yield window.subarray(start, start + length);
      start += length;
    }
  } finally {
    // The consumer copied every chunk: the window can serve the next call.
    windows?.give(window);
  }
}

/**
 * Yields the chunks of an async iterable of byte blocks (a stream such as stdin). Each block is
 * copied once into the window; see `chunkReads`.
 */
export async function* chunkStream(source: AsyncIterable<Uint8Array>, strategy: ChunkingStrategy): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  let block: Uint8Array = new Uint8Array(0);
  let from = 0;
  const read: ReadInto = async (buffer, offset, length) => {
    while (from >= block.length) {
      const next = await iterator.next();
      if (next.done) return 0;
      block = next.value;
      from = 0;
    }
    const count = Math.min(length, block.length - from);
    buffer.set(block.subarray(from, from + count), offset);
    from += count;
    return count;
  };
  try {
    yield* chunkReads(read, strategy);
  } finally {
    await iterator.return?.();
  }
}

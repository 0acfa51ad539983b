import type { ChunkingStrategy } from './strategy.js';

/**
 * Cuts a stream of bytes into chunks with `strategy`, yielding each chunk as a Buffer that owns its
 * bytes. At most about `2 * maxSize` plus one input block is buffered, whatever the input size: a cut
 * is only made once `maxSize` bytes are buffered or the input has ended.
 */
export async function* chunkStream(source: AsyncIterable<Uint8Array>, strategy: ChunkingStrategy): AsyncGenerator<Buffer> {
  const max = strategy.maxSize;
  let buf = Buffer.allocUnsafe(Math.max(2 * max, 64 * 1024));
  let start = 0;
  let end = 0;
  const drain = function* (final: boolean): Generator<Buffer> {
    while (end - start >= max || (final && end > start)) {
      const n = strategy.cut(buf, start, end - start);
      yield Buffer.from(buf.subarray(start, start + n));
      start += n;
    }
  };
  for await (const block of source) {
    let offset = 0;
    while (offset < block.length) {
      if (start > 0 && buf.length - end < block.length - offset) {
        buf.copy(buf, 0, start, end);
        end -= start;
        start = 0;
      }
      if (buf.length - end === 0) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, start, end);
        end -= start;
        start = 0;
        buf = bigger;
      }
      const take = Math.min(block.length - offset, buf.length - end);
      buf.set(block.subarray(offset, offset + take), end);
      end += take;
      offset += take;
      yield* drain(false);
    }
  }
  yield* drain(true);
}

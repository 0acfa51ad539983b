/**
 * Splits a stream of bytes into numbered text lines, in bounded memory: blocks of lines as they
 * arrive. A line longer than `maxLineBytes` is not kept whole: it is reported as one line with
 * `tooLong` set (its text cut), so one runaway line cannot exhaust memory.
 */

export interface NumberedLine {
  /** 1-based line number in the stream. */
  line: number;
  text: string;
  tooLong?: boolean;
}

export const MAX_LINE_BYTES = 1024 * 1024;

export async function* numberedLines(source: AsyncIterable<Uint8Array>, options: { maxLineBytes?: number; firstLine?: number } = {}): AsyncGenerator<NumberedLine[]> {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  let lineNo = (options.firstLine ?? 1) - 1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;
  const finish = (tail: Buffer): NumberedLine => {
    lineNo++;
    let buf = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
    const out: NumberedLine = { line: lineNo, text: buf.toString('utf8') };
    if (overflow) out.tooLong = true;
    overflow = false;
    return out;
  };
  for await (const block of source) {
    const chunk = Buffer.isBuffer(block) ? block : Buffer.from(block.buffer, block.byteOffset, block.byteLength);
    const out: NumberedLine[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      out.push(finish(overflow ? Buffer.alloc(0) : chunk.subarray(start, nl)));
      start = nl + 1;
    }
    if (start < chunk.length && !overflow) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > max) {
        overflow = true;
        const keep = Math.max(0, Math.min(rest.length, 200 - pendingBytes));
        if (keep > 0) pending.push(Buffer.from(rest.subarray(0, keep)));
        pendingBytes += keep;
      } else {
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
    if (out.length > 0) yield out;
  }
  if (pendingBytes > 0 || overflow) yield [finish(Buffer.alloc(0))];
}

/**
 * Listing the layers of a PSD/PSB of any size in bounded memory: the layer records sit near the start
 * of the file (after the header, colour mode data and image resources, at the head of the layer
 * information), while the layers' pixels follow them. This reads the file as a stream only up to the
 * end of the layer records and builds a small, valid document holding the same records with no pixel
 * data, which the PSD reader then lists exactly as it would the whole file.
 *
 * Documents whose layers are kept elsewhere (16- and 32-bit files keep them in `Lr16`/`Lr32` blocks
 * after the pixels) give undefined: the caller reads the whole file then.
 */

/** Pulls exact byte counts from a stream of blocks, holding at most one block beyond what is asked. */
class ByteReader {
  private buffered: Buffer[] = [];
  private size = 0;
  private done = false;
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Exactly `n` bytes; undefined when the stream ends first. */
  async take(n: number): Promise<Buffer | undefined> {
    while (this.size < n && !this.done) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
      else {
        this.buffered.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
        this.size += next.value.byteLength;
      }
    }
    if (this.size < n) return undefined;
    const all = this.buffered.length === 1 ? (this.buffered[0] as Buffer) : Buffer.concat(this.buffered, this.size);
    const out = Buffer.from(all.subarray(0, n));
    const rest = all.subarray(n);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    return out;
  }

  /** Stops reading (the rest of the stream is never pulled). */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

/** Records larger than this are not layer records of a sane file: read the whole file instead. */
const MAX_RECORDS_BYTES = 64 * 1024 * 1024;

function readLength(buf: Buffer, at: number, large: boolean): number {
  return large ? Number(buf.readBigUInt64BE(at)) : buf.readUInt32BE(at);
}

function writeLength(value: number, large: boolean): Buffer {
  const b = Buffer.alloc(large ? 8 : 4);
  if (large) b.writeBigUInt64BE(BigInt(value));
  else b.writeUInt32BE(value);
  return b;
}

/**
 * A small PSD with the same header, colour mode data, image resources and layer records as the one
 * streamed, every channel empty; undefined when the document's layers are not in those records (or
 * the stream is not a PSD it can follow), so the caller falls back to reading it whole.
 */
export async function psdListingDocument(source: AsyncIterable<Uint8Array>): Promise<Buffer | undefined> {
  const reader = new ByteReader(source);
  try {
    const header = await reader.take(26);
    if (!header || header.toString('latin1', 0, 4) !== '8BPS') return undefined;
    const version = header.readUInt16BE(4);
    if (version !== 1 && version !== 2) return undefined;
    const large = version === 2;
    const depth = header.readUInt16BE(22);
    if (depth !== 8 && depth !== 1) return undefined;
    const parts: Buffer[] = [header];
    for (let i = 0; i < 2; i++) {
      // Colour mode data, then image resources: each a 4-byte length and its bytes.
      const len = await reader.take(4);
      if (!len) return undefined;
      const body = await reader.take(len.readUInt32BE(0));
      if (!body) return undefined;
      parts.push(len, body);
    }
    const lw = large ? 8 : 4;
    const lengths = await reader.take(lw * 2);
    if (!lengths) return undefined;
    const layerInfoLength = readLength(lengths, lw, large);
    if (layerInfoLength < 2) return undefined;
    const countBuf = await reader.take(2);
    if (!countBuf) return undefined;
    const count = Math.abs(countBuf.readInt16BE(0));
    const records: Buffer[] = [countBuf];
    let recordsBytes = 2;
    for (let i = 0; i < count; i++) {
      const fixed = await reader.take(18);
      if (!fixed) return undefined;
      const channels = fixed.readUInt16BE(16);
      if (channels > 56) return undefined;
      const channelInfo = await reader.take(channels * (2 + lw));
      if (!channelInfo) return undefined;
      // Every channel's data length becomes 0: the listing document carries no pixels.
      for (let c = 0; c < channels; c++) {
        const at = c * (2 + lw) + 2;
        if (large) channelInfo.writeBigUInt64BE(0n, at);
        else channelInfo.writeUInt32BE(0, at);
      }
      const blend = await reader.take(16);
      if (!blend || blend.toString('latin1', 0, 4) !== '8BIM') return undefined;
      const extra = await reader.take(blend.readUInt32BE(12));
      if (!extra) return undefined;
      records.push(fixed, channelInfo, blend, extra);
      recordsBytes += fixed.length + channelInfo.length + blend.length + extra.length;
      if (recordsBytes > MAX_RECORDS_BYTES) return undefined;
    }
    const layerInfo = Buffer.concat(records, recordsBytes);
    const padded = layerInfo.length % 2 === 0 ? layerInfo : Buffer.concat([layerInfo, Buffer.alloc(1)]);
    const globalMask = Buffer.alloc(4);
    const layerAndMask = Buffer.concat([writeLength(padded.length, large), padded, globalMask]);
    // No composite image: the reader is asked to skip it. Its compression field is still present.
    parts.push(writeLength(layerAndMask.length, large), layerAndMask, Buffer.alloc(2));
    return Buffer.concat(parts);
  } finally {
    await reader.close();
  }
}

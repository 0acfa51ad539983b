/**
 * The zip walk (objects-spec.md section 10.2): each local file header (30 bytes, the name and the extra
 * field) is a header region, preceded by the data descriptor of the member before it when that member
 * has one; the member's compressed data (stored or deflated alike) is a data region. The central
 * directory (or anything that is not a local file header) ends the walk: the rest of the file is one
 * `rest` region. A member whose sizes are only in its data descriptor (streamed zips) ends it too,
 * since its data's length is not known where it starts.
 */
import { type MemberWalker, type Region, type WalkStop } from './member-walker.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const ZIP64_END = 0x06064b50;
const DESCRIPTOR = 0x08074b50;
const LOCAL_FIXED = 30;
const UNKNOWN32 = 0xffffffff;

function u16(src: Uint8Array, at: number): number {
  return src[at]! | (src[at + 1]! << 8);
}

function u32(src: Uint8Array, at: number): number {
  return (src[at]! | (src[at + 1]! << 8) | (src[at + 2]! << 16) | (src[at + 3]! << 24)) >>> 0;
}

function u64(src: Uint8Array, at: number): number {
  return u32(src, at) + u32(src, at + 4) * 2 ** 32;
}

/** True when `src[at..]` starts with a zip local file header signature. */
export function looksLikeZip(src: Uint8Array, at: number, length: number): boolean {
  return length >= LOCAL_FIXED && u32(src, at) === LOCAL_HEADER;
}

/** The zip64 extra field's compressed size, or -1 (fields appear only for values saturated in the header). */
function zip64CompressedSize(src: Uint8Array, extraAt: number, extraLength: number, usizeSaturated: boolean): number {
  let i = extraAt;
  const end = extraAt + extraLength;
  while (i + 4 <= end) {
    const id = u16(src, i);
    const len = u16(src, i + 2);
    if (i + 4 + len > end) return -1;
    if (id === 0x0001) {
      const at = i + 4 + (usizeSaturated ? 8 : 0);
      return at + 8 <= i + 4 + len ? u64(src, at) : -1;
    }
    i += 4 + len;
  }
  return -1;
}

/** Walks a zip archive's local file headers (see the module comment). */
export class ZipWalker implements MemberWalker {
  members = 0;
  stop: WalkStop | undefined;
  #pendingData = 0;
  /** The member just read has a data descriptor (after its data); 8-byte sizes when zip64. */
  #descriptor: 'none' | 'zip32' | 'zip64' = 'none';

  #rest(pos: number, damaged: boolean, reason: string): Region {
    this.stop ??= { offset: pos, damaged, reason };
    return { kind: 'rest', end: Infinity };
  }

  next(src: Uint8Array, offset: number, view: number, pos: number): Region {
    if (this.stop) return { kind: 'rest', end: Infinity };
    if (this.#pendingData > 0) {
      const end = pos + this.#pendingData;
      this.#pendingData = 0;
      return { kind: 'data', end };
    }
    let at = 0;
    if (this.#descriptor !== 'none') {
      const sizes = this.#descriptor === 'zip64' ? 16 : 8;
      at = view >= 4 && u32(src, offset) === DESCRIPTOR ? 8 + sizes : 4 + sizes;
      this.#descriptor = 'none';
    }
    if (at + 4 > view) return this.#rest(pos, true, `the zip archive ends at ${pos + at}, before its central directory`);
    const signature = u32(src, offset + at);
    if (signature === CENTRAL_HEADER || signature === END_OF_CENTRAL || signature === ZIP64_END) {
      return this.#rest(pos, false, `central directory at ${pos + at}`);
    }
    if (signature !== LOCAL_HEADER) return this.#rest(pos, true, `no zip local file header at ${pos + at}`);
    if (at + LOCAL_FIXED > view) return this.#rest(pos, true, `the zip local header at ${pos + at} runs past the bytes available`);
    const h = offset + at;
    const flags = u16(src, h + 6);
    let csize = u32(src, h + 18);
    const usize = u32(src, h + 22);
    const nameLength = u16(src, h + 26);
    const extraLength = u16(src, h + 28);
    const headerEnd = at + LOCAL_FIXED + nameLength + extraLength;
    if (headerEnd > view) {
      return this.#rest(pos, true, `the zip local header at ${pos + at} runs past the bytes available (truncated, or longer than the largest chunk)`);
    }
    const zip64 = csize === UNKNOWN32 || usize === UNKNOWN32;
    if (zip64) {
      csize = zip64CompressedSize(src, h + LOCAL_FIXED + nameLength, extraLength, usize === UNKNOWN32);
      if (csize < 0) return this.#rest(pos, true, `the zip64 member at ${pos + at} has no zip64 sizes`);
    }
    if (flags & 0x08) {
      if (csize === 0) return this.#rest(pos, false, `the zip member at ${pos + at} gives its sizes only after its data (streamed zip)`);
      this.#descriptor = zip64 ? 'zip64' : 'zip32';
    }
    this.members++;
    this.#pendingData = csize;
    return { kind: 'header', end: pos + headerEnd };
  }
}

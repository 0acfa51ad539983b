/**
 * The zip walk (objects-spec.md section 10.2): each local file header (30 bytes, the name and the extra
 * field) is a header region, preceded by the data descriptor of the member before it when that member
 * has one; the member's compressed data (stored or deflated alike) is a data region. The central
 * directory (or anything that is not a local file header) ends the walk: the rest of the file is one
 * `rest` region. A member whose sizes are only in its data descriptor (streamed zips) ends it too,
 * since its data's length is not known where it starts.
 */
import { RegionWalker, type Region } from './member-walker.js';

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

interface Local {
  /** Header length: 30 bytes, the name and the extra field. */
  length: number;
  /** Compressed data length. */
  data: number;
  /** A data descriptor follows the data. */
  descriptor: 'none' | 'zip32' | 'zip64';
  /** The sizes are only in the data descriptor. */
  streamed: boolean;
}

/** Parses the local file header at `src[h..]` (signature already checked); a string says what is wrong. */
function parseLocal(src: Uint8Array, h: number, view: number): Local | string {
  if (LOCAL_FIXED > view) return 'runs past the bytes available';
  const flags = u16(src, h + 6);
  let csize = u32(src, h + 18);
  const usize = u32(src, h + 22);
  const nameLength = u16(src, h + 26);
  const extraLength = u16(src, h + 28);
  const length = LOCAL_FIXED + nameLength + extraLength;
  if (length > view) return 'runs past the bytes available (truncated, or longer than the largest chunk)';
  const zip64 = csize === UNKNOWN32 || usize === UNKNOWN32;
  if (zip64) {
    csize = zip64CompressedSize(src, h + LOCAL_FIXED + nameLength, extraLength, usize === UNKNOWN32);
    if (csize < 0) return 'has no zip64 sizes';
  }
  const hasDescriptor = (flags & 0x08) !== 0;
  return {
    length,
    data: csize,
    descriptor: hasDescriptor ? (zip64 ? 'zip64' : 'zip32') : 'none',
    streamed: hasDescriptor && csize === 0,
  };
}

/** Walks a zip archive's local file headers (see the module comment). */
export class ZipWalker extends RegionWalker {
  /** The member just read has a data descriptor (after its data); 8-byte sizes when zip64. */
  #descriptor: 'none' | 'zip32' | 'zip64' = 'none';

  protected header(src: Uint8Array, offset: number, view: number, pos: number, tentative: boolean): Region | undefined {
    let at = 0;
    if (this.#descriptor !== 'none') {
      const sizes = this.#descriptor === 'zip64' ? 16 : 8;
      at = view >= 4 && u32(src, offset) === DESCRIPTOR ? 8 + sizes : 4 + sizes;
    }
    const signature = at + 4 > view ? undefined : u32(src, offset + at);
    const first = signature === LOCAL_HEADER ? parseLocal(src, offset + at, view - at) : undefined;
    if (tentative && (first === undefined || typeof first === 'string' || first.streamed)) return undefined;
    this.#descriptor = 'none';
    if (signature === undefined) return this.rest(pos, true, `the zip archive ends at ${pos + at}, before its central directory`);
    if (signature === CENTRAL_HEADER || signature === END_OF_CENTRAL || signature === ZIP64_END) {
      return this.rest(pos, false, `central directory at ${pos + at}`);
    }
    if (first === undefined) return this.rest(pos, true, `no zip local file header at ${pos + at}`);
    if (typeof first === 'string') return this.rest(pos, true, `the zip member at ${pos + at} ${first}`);
    if (first.streamed) return this.rest(pos, false, `the zip member at ${pos + at} gives its sizes only after its data (streamed zip)`);
    this.members++;
    at += first.length;
    let last = first;
    // Members without data (folders, empty files) join the header region of the members after them.
    while (last.data === 0 && last.descriptor === 'none') {
      if (at + 4 > view || u32(src, offset + at) !== LOCAL_HEADER) break;
      const more = parseLocal(src, offset + at, view - at);
      if (typeof more === 'string' || more.streamed) break;
      this.members++;
      at += more.length;
      last = more;
    }
    this.#descriptor = last.descriptor;
    this.pending = last.data;
    return { kind: 'header', end: pos + at };
  }
}

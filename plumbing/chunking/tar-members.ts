/**
 * The tar walk (objects-spec.md section 10.2): every member's header blocks (extension headers such as
 * pax `x`/`g` and GNU `L`/`K` with their data, then the member's own header) form one header region,
 * and the member's data with its padding to 512 bytes forms one data region. A member without data
 * (a folder, a link, an empty file) has no data region: its header blocks and those of the members
 * after it form one header region, up to and including the first member with data, as long as they
 * all fit in the view. The end-of-archive zero
 * block, a header whose checksum fails, or a header that does not fit in the view ends the walk: the
 * rest of the file is one `rest` region.
 */
import { bytesEqual, RegionWalker, type Region } from './member-walker.js';

const BLOCK = 512;
/** Type flags whose members carry no data blocks whatever their size field says. */
const NO_DATA = new Set(['1', '2', '3', '4', '5', '6'].map((c) => c.charCodeAt(0)));
/** Extension headers: their data describes the next header, which follows it. */
const PAX_LOCAL = 0x78; // 'x'
const PAX_GLOBAL = 0x67; // 'g'
const GNU_LONG_NAME = 0x4c; // 'L'
const GNU_LONG_LINK = 0x4b; // 'K'

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

/** An octal field (leading spaces, digits, then NUL or space), or -1 when it is not one. */
function octal(src: Uint8Array, at: number, length: number): number {
  let i = at;
  const end = at + length;
  while (i < end && src[i] === 0x20) i++;
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = src[i]!;
    if (c >= 0x30 && c <= 0x37) {
      value = value * 8 + (c - 0x30);
      digits++;
    } else if (c === 0 || c === 0x20) break;
    else return -1;
  }
  return digits > 0 ? value : digits === 0 && i < end ? 0 : -1;
}

/** The size field: octal, or GNU base-256 (high bit of the first byte set). -1 when invalid. */
function sizeField(src: Uint8Array, at: number): number {
  const first = src[at]!;
  if (first & 0x80) {
    if (first !== 0x80) return -1; // negative or beyond 2^53
    let value = 0;
    for (let i = at + 1; i < at + 12; i++) value = value * 256 + src[i]!;
    return Number.isSafeInteger(value) ? value : -1;
  }
  return octal(src, at, 12);
}

/** True when the block at `at` is a tar header whose checksum is right (unsigned or signed sum). */
export function tarChecksumOk(src: Uint8Array, at: number): boolean {
  const stored = octal(src, at + 148, 8);
  if (stored < 0) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : src[at + i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** True when `src[at..]` starts with a ustar (POSIX or GNU) header with a valid checksum. */
export function looksLikeTar(src: Uint8Array, at: number, length: number): boolean {
  return length >= BLOCK && bytesEqual(src, at + 257, 'ustar') && tarChecksumOk(src, at);
}

/** True when the block is all zeros (the end-of-archive marker). */
function zeroBlock(src: Uint8Array, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (src[i] !== 0) return false;
  return true;
}

/** The `size` record of pax extended header data, or undefined. Records are `<len> <key>=<value>\n`. */
function paxSize(src: Uint8Array, at: number, length: number): number | undefined {
  let i = at;
  const end = at + length;
  let found: number | undefined;
  while (i < end) {
    let len = 0;
    let j = i;
    while (j < end && src[j]! >= 0x30 && src[j]! <= 0x39) len = len * 10 + (src[j++]! - 0x30);
    if (len === 0 || src[j] !== 0x20 || i + len > end) break;
    if (bytesEqual(src, j + 1, 'size=')) {
      let v = 0;
      let k = j + 6;
      let digits = 0;
      while (k < i + len - 1 && src[k]! >= 0x30 && src[k]! <= 0x39) {
        v = v * 10 + (src[k++]! - 0x30);
        digits++;
      }
      if (digits > 0 && Number.isSafeInteger(v)) found = v;
    }
    i += len;
  }
  return found;
}

type Parsed =
  | { kind: 'member'; length: number; data: number }
  | { kind: 'end' }
  | { kind: 'bad'; reason: string }
  | { kind: 'unfit' };

/**
 * Parses the header blocks of one member at `src[at..]`, `view` bytes available: extension headers
 * (pax `x`/`g`, GNU `L`/`K`) with their data, then the member's header. Returns the blocks' length
 * and the member's data length with padding.
 */
function parseMember(src: Uint8Array, at: number, view: number, pos: number): Parsed {
  let used = 0;
  let paxOverride: number | undefined;
  for (;;) {
    if (used + BLOCK > view) return { kind: 'unfit' };
    const block = at + used;
    if (used === 0 && zeroBlock(src, block)) return { kind: 'end' };
    if (!tarChecksumOk(src, block)) return { kind: 'bad', reason: `no valid tar header at ${pos + used}` };
    const type = src[block + 156]!;
    let size = sizeField(src, block + 124);
    if (size < 0) return { kind: 'bad', reason: `invalid size field in the tar header at ${pos + used}` };
    if (type === PAX_LOCAL || type === PAX_GLOBAL || type === GNU_LONG_NAME || type === GNU_LONG_LINK) {
      const next = used + BLOCK + roundUp(size);
      if (next > view) return { kind: 'unfit' };
      if (type === PAX_LOCAL) paxOverride = paxSize(src, block + BLOCK, size) ?? paxOverride;
      used = next;
      continue;
    }
    if (paxOverride !== undefined) size = paxOverride;
    return { kind: 'member', length: used + BLOCK, data: NO_DATA.has(type) ? 0 : roundUp(size) };
  }
}

/** Walks a tar archive member by member (see the module comment). */
export class TarWalker extends RegionWalker {
  protected header(src: Uint8Array, offset: number, view: number, pos: number, tentative: boolean): Region | undefined {
    const first = parseMember(src, offset, view, pos);
    if (first.kind !== 'member' && tentative) return undefined;
    if (first.kind === 'end') return this.rest(pos, false, 'end-of-archive marker');
    if (first.kind === 'bad') return this.rest(pos, true, first.reason);
    if (first.kind === 'unfit') {
      return this.rest(pos, true, `the tar header blocks at ${pos} run past the bytes available (truncated, or longer than the largest chunk)`);
    }
    this.members++;
    // Members without data (folders, links, empty files) join the header region of the members after
    // them, up to and including the next member with data, as long as their headers fit in the view.
    let at = first.length;
    let data = first.data;
    while (data === 0) {
      const more = parseMember(src, offset + at, view - at, pos + at);
      if (more.kind !== 'member') break;
      this.members++;
      at += more.length;
      data = more.data;
    }
    this.pending = data; // data with its padding
    return { kind: 'header', end: pos + at };
  }
}

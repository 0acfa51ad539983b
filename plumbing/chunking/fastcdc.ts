/**
 * FastCDC 2020 content-defined chunking (Xia et al., IEEE TPDS 2020): gear hash, normalized chunking,
 * two bytes per step. Cuts exactly where the conformance vectors in `test/fixtures/fastcdc` say.
 *
 * The 64-bit gear hash is emulated without BigInt. Every mask has bits only below 2^48 (and
 * `maskS << 1` below 2^49), and a gear step only shifts left and adds, so carries move upwards only:
 * the bits a mask test reads depend on nothing above them. The hot loop therefore keeps the hash as
 * two int32 words, `lo` = bits 0..27 and `hi` = bits 28..59 (wrapping), which makes every mask test
 * exact. With 28 low bits, `(lo << 2) + GEAR_LS_lo` stays below 2^31, so every intermediate value is a
 * small non-negative integer and the carry into `hi` is simply `lo >>> 28`.
 *
 * A cut scans in two phases (maskS up to avgSize, then maskL). Rather than hand the hash from one phase
 * to the next through memory, the second phase rebuilds it from the last 25 steps (see replayHash),
 * which keeps the hot loop free of stores.
 */

import { createHash } from 'node:crypto';
import type { ChunkingStrategy } from './strategy.js';

/** Parameters of a FastCDC chunker; sizes in bytes. */
export interface FastCdcParams {
  /** No chunk (except the last) is shorter than `2 * floor(minSize / 2)` bytes. */
  minSize: number;
  /** Target average chunk size; selects the masks. */
  avgSize: number;
  /** No chunk is longer than this. */
  maxSize: number;
  /** Normalization level 0..3: how strongly chunk sizes are pulled towards `avgSize`. */
  normalization: number;
}

/** Smallest accepted `minSize`. */
export const FASTCDC_MIN_SIZE = 64;
/** Largest accepted `maxSize` (1 GiB). */
export const FASTCDC_MAX_SIZE = 1 << 30;

/**
 * The FastCDC 2020 masks, indexed by `bits = round(log2(avgSize))` plus or minus the normalization
 * level. All fit in 48 bits, so they are exact as JavaScript numbers.
 */
export const FASTCDC_MASKS: readonly number[] = Object.freeze([
  0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000,
  0x0000000001804110, 0x0000000001803110, 0x0000000018035100, 0x0000001800035300, 0x0000019000353000,
  0x0000590003530000, 0x0000d90003530000, 0x0000d90103530000, 0x0000d90303530000, 0x0000d90313530000,
  0x0000d90f03530000, 0x0000d90303537000, 0x0000d90703537000, 0x0000d90707537000, 0x0000d91707537000,
  0x0000d91747537000, 0x0000d91767537000, 0x0000d93767537000, 0x0000d93777537000, 0x0000d93777577000,
  0x0000db3777577000,
]);

/** Lowest mask index accepted: the masks below it are zero and would cut at every position. */
const MIN_MASK_INDEX = 5;
/** Width of the hash's low word in the hot loop (see the module comment). */
const LO_BITS = 28;
const LO_MASK = 0xfffffff;
const LO_RADIX = 2 ** LO_BITS;
/** The hash's `hi` bits that masks can read: bits 28..49 of the hash. */
const REPLAY_HI_MASK = 0x3fffff;

/** A 64-bit table as high and low 32-bit words (unsigned). */
interface Table64 {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
}

/** The same table in hot-path form: bits 0..27 (`lo`) and bits 28..59 (`hi`) of each value, as int32. */
interface SplitTable {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

/** GEAR[i] = first 8 bytes, big-endian, of MD5 of 64 bytes all equal to i. */
function deriveGear(): Table64 {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const digest = createHash('md5').update(Buffer.alloc(64, i)).digest();
    hi[i] = digest.readUInt32BE(0);
    lo[i] = digest.readUInt32BE(4);
  }
  return { hi, lo };
}

/** GEAR_LS[i] = (GEAR[i] << 1) mod 2^64. */
function shiftLeftOne(table: Table64): Table64 {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    hi[i] = ((table.hi[i]! << 1) | (table.lo[i]! >>> 31)) >>> 0;
    lo[i] = (table.lo[i]! << 1) >>> 0;
  }
  return { hi, lo };
}

function splitTable(table: Table64): SplitTable {
  const lo = new Int32Array(256);
  const hi = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    lo[i] = table.lo[i]! & LO_MASK;
    hi[i] = (table.lo[i]! >>> LO_BITS) | (table.hi[i]! << (32 - LO_BITS));
  }
  return { lo, hi };
}

const GEAR = deriveGear();
const GEAR_LS = shiftLeftOne(GEAR);
// Hot-path tables as plain module constants: reading them needs no type feedback (see scanForCut).
const { lo: GEAR_LO, hi: GEAR_HI } = splitTable(GEAR);
const { lo: GEAR_LS_LO, hi: GEAR_LS_HI } = splitTable(GEAR_LS);

function toBigInts(table: Table64): bigint[] {
  return Array.from(table.hi, (hi, i) => (BigInt(hi) << 32n) | BigInt(table.lo[i]!));
}

/** Copies of the GEAR and GEAR_LS tables as 64-bit values, for verification against the vectors. */
export function fastCdcGearTables(): { gear: bigint[]; gearLs: bigint[] } {
  return { gear: toBigInts(GEAR), gearLs: toBigInts(GEAR_LS) };
}

/** The mask indices FastCDC uses for these parameters: `[small-chunk index, large-chunk index]`. */
export function fastCdcMaskIndices(avgSize: number, normalization: number): [number, number] {
  const bits = Math.round(Math.log2(avgSize));
  return [bits + normalization, bits - normalization];
}

function requireInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`fastcdc ${name} must be an integer, got ${String(value)}`);
  }
}

function validateParams(params: FastCdcParams): void {
  const { minSize, avgSize, maxSize, normalization } = params;
  requireInteger('minSize', minSize);
  requireInteger('avgSize', avgSize);
  requireInteger('maxSize', maxSize);
  requireInteger('normalization', normalization);
  if (minSize < FASTCDC_MIN_SIZE) {
    throw new RangeError(`fastcdc minSize must be at least ${FASTCDC_MIN_SIZE}, got ${minSize}`);
  }
  if (!(minSize <= avgSize && avgSize <= maxSize)) {
    throw new RangeError(
      `fastcdc sizes must satisfy minSize <= avgSize <= maxSize, got ${minSize}/${avgSize}/${maxSize}`,
    );
  }
  if (maxSize > FASTCDC_MAX_SIZE) {
    throw new RangeError(`fastcdc maxSize must be at most ${FASTCDC_MAX_SIZE}, got ${maxSize}`);
  }
  if (normalization < 0 || normalization > 3) {
    throw new RangeError(`fastcdc normalization must be 0..3, got ${normalization}`);
  }
  const [small, large] = fastCdcMaskIndices(avgSize, normalization);
  if (large < MIN_MASK_INDEX || small >= FASTCDC_MASKS.length) {
    throw new RangeError(
      `fastcdc avgSize ${avgSize} with normalization ${normalization} needs masks ${large}..${small}, ` +
        `outside the supported ${MIN_MASK_INDEX}..${FASTCDC_MASKS.length - 1}`,
    );
  }
}

/** The low word (bits below LO_BITS) of a mask below 2^49, as an int32. */
function maskLo(mask: number): number {
  return (mask % LO_RADIX) | 0;
}

/** The high word (bits from LO_BITS up) of a mask below 2^49, as an int32. */
function maskHi(mask: number): number {
  return Math.floor(mask / LO_RADIX) | 0;
}

/**
 * Rolls the gear hash, given as its `lo` and `hi` words, over positions `a = from, from + 2, ...` while
 * `a < end` (`from` and `end` have the same parity), two bytes per step. Returns the absolute end of the
 * chunk at the first position where a mask test passes, or -1 when none does.
 *
 * Step A: `hash = (hash << 2) + GEAR_LS[src[a]]`, cut before `a` if `hash & maskA == 0` (maskA is
 * `mask << 1`); step B: `hash += GEAR[src[a + 1]]`, cut before `a + 1` if `hash & maskB == 0`. Each
 * mask comes as its low word (bits 0..27) and high word (bits 28 and up); the literals 28 and
 * 0xfffffff are LO_BITS and LO_MASK, inlined for the compiler.
 *
 * Shaped for V8: unrolled four steps deep, and every operation runs on every full iteration (the mask
 * tests are branch-free, nothing is stored), so optimized code, including the on-stack-replacement
 * code V8 keeps re-entering, never meets an operation without type feedback and deoptimizes.
 */
function scanForCut(
  src: Uint8Array,
  from: number,
  end: number,
  lo: number,
  hi: number,
  maskALo: number,
  maskAHi: number,
  maskBLo: number,
  maskBHi: number,
): number {
  const gLo = GEAR_LO;
  const gHi = GEAR_HI;
  const lsLo = GEAR_LS_LO;
  const lsHi = GEAR_LS_HI;
  let a = from;
  let b = 0;
  let x = 0;
  while (a < end) {
    x = src[a]!;
    lo = (lo << 2) + lsLo[x]!;
    hi = ((hi << 2) + lsHi[x]! + (lo >>> 28)) | 0;
    lo &= 0xfffffff;
    if (((lo & maskALo) | (hi & maskAHi)) === 0) return a;
    b = a + 1;
    x = src[b]!;
    lo += gLo[x]!;
    hi = (hi + gHi[x]! + (lo >>> 28)) | 0;
    lo &= 0xfffffff;
    if (((lo & maskBLo) | (hi & maskBHi)) === 0) return b;
    a += 2;
    if (a >= end) break;

    x = src[a]!;
    lo = (lo << 2) + lsLo[x]!;
    hi = ((hi << 2) + lsHi[x]! + (lo >>> 28)) | 0;
    lo &= 0xfffffff;
    if (((lo & maskALo) | (hi & maskAHi)) === 0) return a;
    b = a + 1;
    x = src[b]!;
    lo += gLo[x]!;
    hi = (hi + gHi[x]! + (lo >>> 28)) | 0;
    lo &= 0xfffffff;
    if (((lo & maskBLo) | (hi & maskBHi)) === 0) return b;
    a += 2;
    if (a >= end) break;

    x = src[a]!;
    lo = (lo << 2) + lsLo[x]!;
    hi = ((hi << 2) + lsHi[x]! + (lo >>> 28)) | 0;
    lo &= 0xfffffff;
    if (((lo & maskALo) | (hi & maskAHi)) === 0) return a;
    b = a + 1;
    x = src[b]!;
    lo += gLo[x]!;
    hi = (hi + gHi[x]! + (lo >>> 28)) | 0;
    lo &= 0xfffffff;
    if (((lo & maskBLo) | (hi & maskBHi)) === 0) return b;
    a += 2;
    if (a >= end) break;

    x = src[a]!;
    lo = (lo << 2) + lsLo[x]!;
    hi = ((hi << 2) + lsHi[x]! + (lo >>> 28)) | 0;
    lo &= 0xfffffff;
    if (((lo & maskALo) | (hi & maskAHi)) === 0) return a;
    b = a + 1;
    x = src[b]!;
    lo += gLo[x]!;
    hi = (hi + gHi[x]! + (lo >>> 28)) | 0;
    lo &= 0xfffffff;
    if (((lo & maskBLo) | (hi & maskBHi)) === 0) return b;
    a += 2;
  }
  return -1;
}

/**
 * The hash words after scanning `[from, to)` from a zero hash, restricted to the bits the masks read.
 * Contributions older than 25 steps are multiplied by 4^25 = 2^50, above every mask bit, so replaying
 * the last 25 steps (50 bytes) gives those bits exactly. Returned packed as `hi * 2^28 + lo` with
 * `hi` cut to 22 bits (a number below 2^50).
 */
function replayHash(src: Uint8Array, from: number, to: number): number {
  let lo = 0;
  let hi = 0;
  for (let a = Math.max(from, to - 50); a < to; a += 2) {
    let x = src[a]!;
    lo = (lo << 2) + GEAR_LS_LO[x]!;
    hi = ((hi << 2) + GEAR_LS_HI[x]! + (lo >>> LO_BITS)) | 0;
    lo &= LO_MASK;
    x = src[a + 1]!;
    lo += GEAR_LO[x]!;
    hi = (hi + GEAR_HI[x]! + (lo >>> LO_BITS)) | 0;
    lo &= LO_MASK;
  }
  return (hi & REPLAY_HI_MASK) * LO_RADIX + lo;
}

/** FastCDC 2020 chunker (normalized chunking, two bytes per step). */
export class FastCdcChunker implements ChunkingStrategy {
  readonly algorithm = 'fastcdc-2020';
  readonly minSize: number;
  readonly avgSize: number;
  readonly maxSize: number;
  readonly normalization: number;
  /** Mask for positions before `avgSize` (harder to match). */
  readonly maskS: number;
  /** Mask for positions from `avgSize` on (easier to match). */
  readonly maskL: number;

  readonly #maskSLo: number;
  readonly #maskSHi: number;
  readonly #maskSLsLo: number;
  readonly #maskSLsHi: number;
  readonly #maskLLo: number;
  readonly #maskLHi: number;
  readonly #maskLLsLo: number;
  readonly #maskLLsHi: number;

  /** @throws RangeError when the parameters are not integers in range or select no usable masks. */
  constructor(params: FastCdcParams) {
    validateParams(params);
    this.minSize = params.minSize;
    this.avgSize = params.avgSize;
    this.maxSize = params.maxSize;
    this.normalization = params.normalization;
    const [small, large] = fastCdcMaskIndices(params.avgSize, params.normalization);
    this.maskS = FASTCDC_MASKS[small]!;
    this.maskL = FASTCDC_MASKS[large]!;
    this.#maskSLo = maskLo(this.maskS);
    this.#maskSHi = maskHi(this.maskS);
    this.#maskSLsLo = maskLo(this.maskS * 2);
    this.#maskSLsHi = maskHi(this.maskS * 2);
    this.#maskLLo = maskLo(this.maskL);
    this.#maskLHi = maskHi(this.maskL);
    this.#maskLLsLo = maskLo(this.maskL * 2);
    this.#maskLLsHi = maskHi(this.maskL * 2);
  }

  /** Length of the chunk starting at `src[offset]`, given `length` bytes from there (see ChunkingStrategy). */
  cut(src: Uint8Array, offset: number, length: number): number {
    const minSize = this.minSize;
    if (length <= minSize) return length;
    const remaining = length < this.maxSize ? length : this.maxSize;
    const center = this.avgSize < remaining ? this.avgSize : remaining;
    const start = offset + minSize - (minSize & 1);
    const centerEnd = offset + center - (center & 1);
    let at = scanForCut(src, start, centerEnd, 0, 0, this.#maskSLsLo, this.#maskSLsHi, this.#maskSLo, this.#maskSHi);
    if (at < 0) {
      // center >= minSize (avgSize >= minSize and remaining > minSize), so phase one ended at centerEnd.
      const end = offset + remaining - (remaining & 1);
      const state = replayHash(src, start, centerEnd);
      const lo = (state % LO_RADIX) | 0;
      const hi = Math.floor(state / LO_RADIX) | 0;
      at = scanForCut(src, centerEnd, end, lo, hi, this.#maskLLsLo, this.#maskLLsHi, this.#maskLLo, this.#maskLHi);
    }
    return at < 0 ? remaining : at - offset;
  }

  /** The chunks of `data`, in order, as views into it. */
  chunkData(data: Uint8Array): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    let offset = 0;
    while (offset < data.length) {
      const length = this.cut(data, offset, data.length - offset);
      chunks.push(data.subarray(offset, offset + length));
      offset += length;
    }
    return chunks;
  }
}

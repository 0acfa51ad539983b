/**
 * Test data: random files, text-like files and folders of small files, all generated locally. Text
 * comes from a seeded generator so runs are comparable; every line differs (timestamps, counters,
 * word choices), so the data neither dedupes nor compresses like one repeated line would.
 */
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const KIB = 1024;
export const MIB = 1024 * 1024;
/** Block size for writing large files. */
const BLOCK = 16 * MIB;

/** mulberry32: a small, fast, seeded 32-bit generator (not cryptographic). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in `0..n-1`. */
  below(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }

  /** A uniform integer in `lo..hi` inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** A number in [0, 1). */
  unit(): number {
    return this.next() / 4294967296;
  }
}

/** Random bytes (crypto quality) for `bytes` bytes. */
export function randomBytes(bytes: number): Buffer {
  const data = Buffer.allocUnsafe(bytes);
  for (let offset = 0; offset < bytes; offset += BLOCK) randomFillSync(data, offset, Math.min(BLOCK, bytes - offset));
  return data;
}

/** Writes `bytes` bytes to `path` in 16 MiB blocks, each filled by `fill`. */
export function writeBlocks(path: string, bytes: number, fill: (block: Buffer) => void): void {
  const block = Buffer.allocUnsafe(BLOCK);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      const n = Math.min(BLOCK, bytes - written);
      const view = block.subarray(0, n);
      fill(view);
      writeSync(fd, view);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** A file of `bytes` random bytes (crypto.randomFillSync, 16 MiB blocks). */
export function writeRandomFile(path: string, bytes: number): void {
  writeBlocks(path, bytes, (block) => randomFillSync(block));
}

/** A file of `bytes` bytes of text-like content (see TextGenerator). */
export function writeTextFile(path: string, bytes: number, seed: number): void {
  const text = new TextGenerator(seed);
  writeBlocks(path, bytes, (block) => text.fill(block));
}

const COMMON_WORDS =
  'the of and to in is that it for was on are as with be at by this have from or one had not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know get through back much before go good new write our used me man too any day same right look think also around another came come work three word must because does part'.split(
    ' ',
  );
const LEVELS = ['INFO ', 'INFO ', 'INFO ', 'DEBUG', 'WARN ', 'ERROR'];
const SYLLABLES = 'ka lo mi ren tor va sel un dri pho gan ex il mor tes qua bel fin zo har cu ast ver nim plo'.split(' ');
/** Longest line the generator writes: prose lines have at most 18 words of at most ~16 bytes. */
const MAX_LINE = 1024;

function makeVocabulary(rng: Prng): Uint8Array[] {
  const words = COMMON_WORDS.map((w) => Buffer.from(w, 'latin1'));
  while (words.length < 4096) {
    let w = '';
    for (let s = rng.between(2, 4); s > 0; s--) w += SYLLABLES[rng.below(SYLLABLES.length)];
    words.push(Buffer.from(w, 'latin1'));
  }
  return words;
}

/**
 * Generates text that looks like logs, prose and CSV: words drawn with a skewed (roughly Zipf-like)
 * frequency from a 4,096-word vocabulary, with increasing timestamps and random numbers. zlib level 1
 * compresses it about 2.5-3.5x, like real text.
 */
export class TextGenerator {
  private readonly rng: Prng;
  private readonly words: Uint8Array[];
  private readonly levels: Uint8Array[];
  private readonly scratch = Buffer.allocUnsafe(MAX_LINE);
  private clock = 1_795_000_000_000;
  private lineNo = 0;

  constructor(seed: number) {
    this.rng = new Prng(seed);
    this.words = makeVocabulary(this.rng);
    this.levels = LEVELS.map((l) => Buffer.from(l, 'latin1'));
  }

  /** Fills `buf` completely with text lines (the last one cut at the end of the buffer). */
  fill(buf: Uint8Array): void {
    let pos = 0;
    while (buf.length - pos >= MAX_LINE) pos = this.line(buf, pos);
    // The tail: whole lines through the scratch buffer until every byte is written (a line can be
    // shorter than the space left, and bytes left unwritten would make the output depend on memory).
    while (pos < buf.length) {
      const n = Math.min(this.line(this.scratch, 0), buf.length - pos);
      buf.set(this.scratch.subarray(0, n), pos);
      pos += n;
    }
  }

  /** Writes one line at `pos`, returns the position after it. */
  private line(buf: Uint8Array, pos: number): number {
    this.lineNo++;
    const kind = this.rng.below(10);
    if (kind < 5) return this.logLine(buf, pos);
    if (kind < 8) return this.proseLine(buf, pos);
    return this.csvLine(buf, pos);
  }

  private logLine(buf: Uint8Array, pos: number): number {
    this.clock += this.rng.below(2000);
    let p = putNumber(buf, pos, this.clock);
    p = putByte(buf, p, 0x20);
    p = putBytes(buf, p, this.levels[this.rng.below(this.levels.length)] as Uint8Array);
    p = putByte(buf, p, 0x20);
    p = putBytes(buf, p, this.word());
    p = putByte(buf, p, 0x2d);
    p = putNumber(buf, p, this.rng.below(64));
    for (let n = this.rng.between(3, 9); n > 0; n--) {
      p = putByte(buf, p, 0x20);
      p = putBytes(buf, p, this.word());
    }
    p = putAscii(buf, p, ' id=');
    p = putNumber(buf, p, this.rng.below(1_000_000));
    p = putAscii(buf, p, ' took=');
    p = putNumber(buf, p, this.rng.below(5000));
    p = putAscii(buf, p, 'ms');
    return putByte(buf, p, 0x0a);
  }

  private proseLine(buf: Uint8Array, pos: number): number {
    let p = pos;
    for (let n = this.rng.between(6, 18); n > 0; n--) {
      p = putBytes(buf, p, this.word());
      p = putByte(buf, p, n === 1 ? 0x2e : this.rng.below(12) === 0 ? 0x2c : 0x20);
      if (n > 1 && buf[p - 1] === 0x2c) p = putByte(buf, p, 0x20);
    }
    return putByte(buf, p, 0x0a);
  }

  private csvLine(buf: Uint8Array, pos: number): number {
    let p = putNumber(buf, pos, this.lineNo);
    p = putByte(buf, p, 0x2c);
    p = putBytes(buf, p, this.word());
    p = putByte(buf, p, 0x2c);
    p = putNumber(buf, p, this.rng.below(100_000));
    p = putByte(buf, p, 0x2e);
    p = putNumber(buf, p, this.rng.below(100));
    p = putByte(buf, p, 0x2c);
    p = putBytes(buf, p, this.word());
    p = putByte(buf, p, 0x2c);
    p = putNumber(buf, p, this.rng.below(1 << 30));
    return putByte(buf, p, 0x0a);
  }

  /** A word, frequent ones much more often (index skewed by a cube). */
  private word(): Uint8Array {
    const u = this.rng.unit();
    return this.words[Math.floor(u * u * u * this.words.length)] as Uint8Array;
  }
}

function putByte(buf: Uint8Array, pos: number, byte: number): number {
  buf[pos] = byte;
  return pos + 1;
}

function putBytes(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buf[pos + i] = bytes[i] as number;
  return pos + bytes.length;
}

function putAscii(buf: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) buf[pos + i] = text.charCodeAt(i);
  return pos + text.length;
}

/** Writes a non-negative integer in decimal. */
function putNumber(buf: Uint8Array, pos: number, value: number): number {
  let digits = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
  let v = value;
  for (let i = digits - 1; i >= 0; i--) {
    buf[pos + i] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  return pos + digits;
}

/** One file of a generated folder. */
export interface TreeFile {
  /** Path relative to the folder, `/`-separated. */
  path: string;
  size: number;
}

export interface SmallFileTreeSpec {
  files: number;
  /** Leaf folders (files are spread evenly over them); they sit ten to a parent folder. */
  folders: number;
  minSize: number;
  maxSize: number;
  seed: number;
}

/**
 * A folder of small files spread over `folders` leaf folders (ten per top-level folder), sizes
 * uniform in `minSize..maxSize`, alternately text-like (`.txt`) and random (`.bin`).
 */
export function writeSmallFileTree(root: string, spec: SmallFileTreeSpec): TreeFile[] {
  const rng = new Prng(spec.seed);
  const text = new TextGenerator(spec.seed + 1);
  const scratch = Buffer.allocUnsafe(spec.maxSize);
  const leaves: string[] = [];
  for (let i = 0; i < spec.folders; i++) {
    const leaf = `dir-${String(Math.floor(i / 10)).padStart(3, '0')}/sub-${i % 10}`;
    mkdirSync(join(root, leaf), { recursive: true });
    leaves.push(leaf);
  }
  const files: TreeFile[] = [];
  for (let i = 0; i < spec.files; i++) {
    const isText = i % 2 === 0;
    const size = rng.between(spec.minSize, spec.maxSize);
    const content = scratch.subarray(0, size);
    if (isText) text.fill(content);
    else randomFillSync(content);
    const path = `${leaves[i % leaves.length]}/file-${String(i).padStart(6, '0')}.${isText ? 'txt' : 'bin'}`;
    writeFileSync(join(root, path), content);
    files.push({ path, size });
  }
  return files;
}

/**
 * The porcelain benchmark's data set and its edits, deterministic from a seed: source files (text-like,
 * 1-20 KiB, twenty to a folder in a three-level tree), media files (incompressible, 100 KiB-2 MiB) and
 * four large binaries (two incompressible, two compressible-ish), then the edits a working day makes.
 * Incompressible bytes come from AES-128-CTR keyed by the seed (fast and reproducible, unlike
 * crypto.randomFillSync); text comes from data.ts's TextGenerator.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KIB, MIB, Prng, TextGenerator, writeBlocks } from './data.js';

/** Full-scale sizes; `--scale` multiplies the counts of source and media files and the binaries' sizes. */
export const FULL_SCALE = {
  sourceFiles: 20_000,
  sourceMin: 1 * KIB,
  sourceMax: 20 * KIB,
  filesPerFolder: 20,
  mediaFiles: 200,
  mediaMin: 100 * KIB,
  mediaMax: 2 * MIB,
  /** The first binary is exactly this size (the single large file the restore case reads). */
  largeBinary: 200 * MIB,
  binaryMin: 100 * MIB,
  binaryMax: 200 * MIB,
  /** Share of source files the edits change. */
  editedShare: 0.01,
  appendBytes: 8 * MIB,
  insertBytes: 100,
} as const;

/** Large-file sizes are rounded to this (so chunk boundaries are comparable between scales). */
const SIZE_GRANULARITY = 64 * KIB;
/** Compressible binaries are built from blocks of this size, each text, random or table-like. */
const MIXED_BLOCK = 64 * KIB;
const MEDIA_EXTENSIONS = ['png', 'jpg', 'wav', 'mp4', 'webp'];
const SOURCE_EXTENSIONS = ['ts', 'ts', 'ts', 'js', 'json', 'md', 'css', 'c', 'h', 'py', 'yaml', 'txt'];
/** The folder the edits rename (it exists at every scale: the first one files go into). */
const RENAMED_FROM = 'src/lib-00/mod-00';
const RENAMED_TO = 'src/lib-00/core';

export interface BinaryFile {
  path: string;
  size: number;
  content: 'incompressible' | 'compressible-ish';
}

/** The data set as generated (and, after `applyEdits`, as edited). Paths are relative, `/`-separated. */
export interface DataSet {
  root: string;
  seed: number;
  scale: number;
  sourceFiles: string[];
  mediaFiles: string[];
  binaries: BinaryFile[];
  /** Regular files and their bytes (kept current by applyEdits). */
  files: number;
  bytes: number;
  /** A source file no edit touches (the single small file the restore case reads). */
  smallFile: string;
  /** The first binary (incompressible, 200 MiB at full scale; no edit touches it). */
  largeFile: string;
  /** Source files the edits changed (empty before the edits). */
  editedFiles: string[];
  /** Set once the edits are applied. */
  edits?: EditSummary;
}

export interface EditSummary {
  editedFiles: number;
  appendedBytes: number;
  appendedTo: string;
  insertedBytes: number;
  insertedInto: string;
  renamed: { from: string; to: string; files: number };
}

/** Incompressible bytes: the AES-128-CTR key stream for (seed, stream). */
export class SeededBytes {
  private readonly cipher;
  private zeros = Buffer.alloc(0);

  constructor(seed: number, stream: number) {
    const key = createHash('sha256').update(`strata-bench-${seed}`).digest().subarray(0, 16);
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(stream >>> 0, 0);
    this.cipher = createCipheriv('aes-128-ctr', key, iv);
  }

  fill(buf: Uint8Array): void {
    if (this.zeros.length < buf.length) this.zeros = Buffer.alloc(buf.length);
    buf.set(this.cipher.update(this.zeros.subarray(0, buf.length)));
  }
}

/**
 * Fills buffers with content that compresses about 1.5-2x, like game assets and build outputs:
 * 64 KiB blocks that are text (half), random (a third) or tables of small records (the rest).
 */
class MixedContent {
  private readonly rng: Prng;
  private readonly random: SeededBytes;
  private counter = 0;

  constructor(
    seed: number,
    stream: number,
    private readonly text: TextGenerator,
  ) {
    this.rng = new Prng(seed ^ (stream * 0x9e3779b1));
    this.random = new SeededBytes(seed, stream);
  }

  fill(buf: Uint8Array): void {
    for (let pos = 0; pos < buf.length; pos += MIXED_BLOCK) {
      const block = buf.subarray(pos, Math.min(buf.length, pos + MIXED_BLOCK));
      const kind = this.rng.below(6);
      if (kind < 3) this.text.fill(block);
      else if (kind < 5) this.random.fill(block);
      else this.table(block);
    }
  }

  /** Records of 16 bytes: a counter, a small value and a flag word (compresses well, not trivially). */
  private table(block: Uint8Array): void {
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let off = 0; off + 16 <= block.length; off += 16) {
      view.setUint32(off, this.counter++, true);
      view.setUint32(off + 4, this.rng.below(4096), true);
      view.setFloat32(off + 8, this.rng.below(1000) / 8, true);
      view.setUint32(off + 12, this.rng.below(4) === 0 ? 0xffff : 0, true);
    }
    block.fill(0, block.length - (block.length % 16));
  }
}

function count(full: number, scale: number): number {
  return Math.max(1, Math.round(full * scale));
}

function size(full: number, scale: number): number {
  return Math.max(SIZE_GRANULARITY, Math.round((full * scale) / SIZE_GRANULARITY) * SIZE_GRANULARITY);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Leaf folder `i` of the source tree: ten `lib-` folders of ten `mod-` folders of ten `part-` folders. */
function sourceFolder(i: number): string {
  return `src/lib-${pad(Math.floor(i / 100), 2)}/mod-${pad(Math.floor(i / 10) % 10, 2)}/part-${i % 10}`;
}

function writeSourceFiles(root: string, n: number, rng: Prng, text: TextGenerator): { paths: string[]; bytes: number } {
  const scratch = Buffer.allocUnsafe(FULL_SCALE.sourceMax);
  const paths: string[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const folder = sourceFolder(Math.floor(i / FULL_SCALE.filesPerFolder));
    if (i % FULL_SCALE.filesPerFolder === 0) mkdirSync(join(root, folder), { recursive: true });
    const ext = SOURCE_EXTENSIONS[rng.below(SOURCE_EXTENSIONS.length)] as string;
    const path = `${folder}/file-${pad(i, 5)}.${ext}`;
    const content = scratch.subarray(0, rng.between(FULL_SCALE.sourceMin, FULL_SCALE.sourceMax));
    text.fill(content);
    writeFileSync(join(root, path), content);
    paths.push(path);
    bytes += content.length;
  }
  return { paths, bytes };
}

function writeMediaFiles(root: string, n: number, rng: Prng, seed: number): { paths: string[]; bytes: number } {
  const random = new SeededBytes(seed, 1);
  const paths: string[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const folder = `assets/media/set-${pad(Math.floor(i / FULL_SCALE.filesPerFolder), 2)}`;
    if (i % FULL_SCALE.filesPerFolder === 0) mkdirSync(join(root, folder), { recursive: true });
    const path = `${folder}/clip-${pad(i, 3)}.${MEDIA_EXTENSIONS[rng.below(MEDIA_EXTENSIONS.length)] as string}`;
    const fileBytes = rng.between(FULL_SCALE.mediaMin, FULL_SCALE.mediaMax);
    writeBlocks(join(root, path), fileBytes, (block) => random.fill(block));
    paths.push(path);
    bytes += fileBytes;
  }
  return { paths, bytes };
}

function writeBinaries(root: string, scale: number, rng: Prng, seed: number, text: TextGenerator): BinaryFile[] {
  mkdirSync(join(root, 'builds'), { recursive: true });
  const specs: Array<Omit<BinaryFile, 'size'> & { full: number }> = [
    { path: 'builds/game-x64.pak', content: 'incompressible', full: FULL_SCALE.largeBinary },
    { path: 'builds/game-arm64.pak', content: 'incompressible', full: rng.between(FULL_SCALE.binaryMin / MIB, FULL_SCALE.binaryMax / MIB) * MIB },
    { path: 'builds/levels.bundle', content: 'compressible-ish', full: rng.between(FULL_SCALE.binaryMin / MIB, FULL_SCALE.binaryMax / MIB) * MIB },
    { path: 'builds/symbols.db', content: 'compressible-ish', full: rng.between(FULL_SCALE.binaryMin / MIB, FULL_SCALE.binaryMax / MIB) * MIB },
  ];
  return specs.map((spec, i) => {
    const bytes = size(spec.full, scale);
    const source = spec.content === 'incompressible' ? new SeededBytes(seed, 100 + i) : new MixedContent(seed, 100 + i, text);
    writeBlocks(join(root, spec.path), bytes, (block) => source.fill(block));
    return { path: spec.path, size: bytes, content: spec.content };
  });
}

/** Generates the data set into `root` (created). */
export function generateDataSet(root: string, scale: number, seed: number): DataSet {
  const rng = new Prng(seed);
  const text = new TextGenerator(seed + 1);
  mkdirSync(root, { recursive: true });
  const source = writeSourceFiles(root, count(FULL_SCALE.sourceFiles, scale), rng, text);
  const media = writeMediaFiles(root, count(FULL_SCALE.mediaFiles, scale), rng, seed);
  const binaries = writeBinaries(root, scale, rng, seed, text);
  const binaryBytes = binaries.reduce((sum, b) => sum + b.size, 0);
  const smallFile = source.paths[source.paths.length - 1] as string;
  return {
    root,
    seed,
    scale,
    sourceFiles: source.paths,
    mediaFiles: media.paths,
    binaries,
    files: source.paths.length + media.paths.length + binaries.length,
    bytes: source.bytes + media.bytes + binaryBytes,
    // The last source file: outside the renamed folder whenever there is more than one folder.
    smallFile,
    largeFile: (binaries[0] as BinaryFile).path,
    editedFiles: [],
  };
}

/** `count` distinct indices below `n`, in increasing order (partial Fisher-Yates). */
function pick(rng: Prng, n: number, wanted: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < wanted; i++) {
    const j = i + rng.below(n - i);
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, wanted).sort((a, b) => a - b);
}

/** Rewrites a span of the file with new text and appends a line (in place: same inode). */
function editSourceFile(path: string, rng: Prng, text: TextGenerator): number {
  const content = readFileSync(path);
  const span = Math.min(content.length, rng.between(64, 512));
  const start = rng.below(content.length - span + 1);
  text.fill(content.subarray(start, start + span));
  const line = Buffer.allocUnsafe(rng.between(40, 160));
  text.fill(line);
  line[line.length - 1] = 0x0a;
  writeFileSync(path, Buffer.concat([content, line]));
  return line.length;
}

/** Appends `bytes` bytes of compressible-ish content. */
function appendTo(path: string, bytes: number, seed: number, text: TextGenerator): void {
  const content = new MixedContent(seed, 200, text);
  const block = Buffer.allocUnsafe(Math.min(bytes, 16 * MIB));
  const fd = openSync(path, 'a');
  try {
    for (let written = 0; written < bytes; ) {
      const view = block.subarray(0, Math.min(block.length, bytes - written));
      content.fill(view);
      writeSync(fd, view);
      written += view.length;
    }
  } finally {
    closeSync(fd);
  }
}

/** Inserts `bytes` new bytes at the start: a new file renamed over the old one, as editors save. */
function insertAtStart(path: string, bytes: number, seed: number): void {
  const head = Buffer.allocUnsafe(bytes);
  new SeededBytes(seed, 300).fill(head);
  const temp = `${path}.tmp`;
  const block = Buffer.allocUnsafe(16 * MIB);
  const from = openSync(path, 'r');
  const to = openSync(temp, 'w');
  try {
    writeSync(to, head);
    for (let n = readSync(from, block); n > 0; n = readSync(from, block)) writeSync(to, block.subarray(0, n));
  } finally {
    closeSync(from);
    closeSync(to);
  }
  renameSync(temp, path);
}

const renamedPath = (path: string): string => (path.startsWith(`${RENAMED_FROM}/`) ? `${RENAMED_TO}${path.slice(RENAMED_FROM.length)}` : path);

/**
 * The day's edits: 1% of the source files changed, 8 MiB appended to one compressible binary, 100
 * bytes inserted at the start of an incompressible one, and a source folder renamed. Updates `data`.
 */
export function applyEdits(data: DataSet): EditSummary {
  const rng = new Prng(data.seed + 7);
  const text = new TextGenerator(data.seed + 8);
  const candidates = data.sourceFiles.filter((p) => p !== data.smallFile);
  const wanted = Math.max(1, Math.round(data.sourceFiles.length * FULL_SCALE.editedShare));
  const edited = pick(rng, candidates.length, Math.min(wanted, candidates.length)).map((i) => candidates[i] as string);
  for (const path of edited) data.bytes += editSourceFile(join(data.root, path), rng, text);

  const appendedTo = data.binaries[2] as BinaryFile;
  const appendedBytes = size(FULL_SCALE.appendBytes, data.scale);
  appendTo(join(data.root, appendedTo.path), appendedBytes, data.seed, text);
  appendedTo.size += appendedBytes;
  const insertedInto = data.binaries[1] as BinaryFile;
  insertAtStart(join(data.root, insertedInto.path), FULL_SCALE.insertBytes, data.seed);
  insertedInto.size += FULL_SCALE.insertBytes;
  data.bytes += appendedBytes + FULL_SCALE.insertBytes;

  mkdirSync(dirname(join(data.root, RENAMED_TO)), { recursive: true });
  renameSync(join(data.root, RENAMED_FROM), join(data.root, RENAMED_TO));
  const renamedFiles = data.sourceFiles.filter((p) => p.startsWith(`${RENAMED_FROM}/`)).length;
  data.sourceFiles = data.sourceFiles.map(renamedPath);
  data.smallFile = renamedPath(data.smallFile);
  data.editedFiles = edited.map(renamedPath);

  data.edits = {
    editedFiles: edited.length,
    appendedBytes,
    appendedTo: appendedTo.path,
    insertedBytes: FULL_SCALE.insertBytes,
    insertedInto: insertedInto.path,
    renamed: { from: RENAMED_FROM, to: RENAMED_TO, files: renamedFiles },
  };
  return data.edits;
}

/** Regular files and their bytes under `dir` (recursively; 0 and 0 when it does not exist). */
export function countTree(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        files++;
        bytes += statSync(path).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

/** True when two files have the same bytes (compared in 4 MiB blocks). */
export function sameContent(a: string, b: string): boolean {
  if (statSync(a).size !== statSync(b).size) return false;
  const bufA = Buffer.allocUnsafe(4 * MIB);
  const bufB = Buffer.allocUnsafe(4 * MIB);
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  try {
    for (;;) {
      const na = readSync(fa, bufA);
      const nb = readSync(fb, bufB);
      if (na !== nb || !bufA.subarray(0, na).equals(bufB.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

/** Files a restore check compares byte for byte: every edited file, every 50th source and 10th media file, and the binaries. */
export function verificationSample(data: DataSet): string[] {
  return [
    ...data.editedFiles,
    ...data.sourceFiles.filter((_, i) => i % 50 === 0),
    data.smallFile,
    ...data.mediaFiles.filter((_, i) => i % 10 === 0),
    ...data.binaries.map((b) => b.path),
  ];
}

/**
 * Checks a full restore: the same number of files and bytes as the data set, and the sample's
 * contents identical. Returns what differs, or undefined.
 */
export function checkRestoredTree(data: DataSet, restored: string): string | undefined {
  const found = countTree(restored);
  if (found.files !== data.files || found.bytes !== data.bytes) {
    return `restored ${found.files} files, ${found.bytes} bytes; the data set has ${data.files} files, ${data.bytes} bytes`;
  }
  for (const path of new Set(verificationSample(data))) {
    let same = false;
    try {
      same = sameContent(join(data.root, path), join(restored, path));
    } catch {
      same = false;
    }
    if (!same) return `${path} differs or is missing`;
  }
  return undefined;
}

/**
 * Git LFS, as the bridge uses it: pointer files (spec v1), the repository's LFS object store
 * (`<gitdir>/lfs/objects/<2 hex>/<2 hex>/<sha256>`, content written to `lfs/tmp/` and renamed into
 * place), and the `.gitattributes` lines that make git hand those paths to the LFS filter. The bridge
 * writes its lines as one section between two marker comments, so that an import can take exactly
 * them out again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { StrataError } from '../../plumbing/index.js';

const VERSION_LINE = 'version https://git-lfs.github.com/spec/v1';

/** The pointer file that stands for content of `size` bytes with SHA-256 `oid`. */
export function encodeLfsPointer(oid: string, size: number): Buffer {
  return Buffer.from(`${VERSION_LINE}\noid sha256:${oid}\nsize ${size}\n`, 'utf8');
}

/** Pointer files are small: git-lfs itself never reads more than this to recognise one. */
export const LFS_POINTER_MAX = 1024;

/** The content a pointer file names, or undefined when the bytes are not a pointer. */
export function parseLfsPointer(data: Uint8Array): { oid: string; size: number } | undefined {
  if (data.length > LFS_POINTER_MAX) return undefined;
  const text = Buffer.from(data).toString('utf8');
  const lines = text.split('\n');
  if (lines[0] !== VERSION_LINE || lines[lines.length - 1] !== '') return undefined;
  let oid: string | undefined;
  let size: number | undefined;
  for (const line of lines.slice(1, -1)) {
    const m = /^oid sha256:([0-9a-f]{64})$/.exec(line);
    if (m) oid = m[1];
    const s = /^size (\d+)$/.exec(line);
    if (s) size = Number(s[1]);
  }
  return oid !== undefined && size !== undefined && Number.isSafeInteger(size) ? { oid, size } : undefined;
}

export function lfsObjectPath(gitdir: string, oid: string): string {
  return join(gitdir, 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid);
}

/** Whether the LFS store holds the object with the right size. */
export async function hasLfsObject(gitdir: string, oid: string, size: number): Promise<boolean> {
  try {
    return (await stat(lfsObjectPath(gitdir, oid))).size === size;
  } catch {
    return false;
  }
}

/**
 * Streams content into the LFS store, hashing it as it goes; returns its SHA-256. OBJECT_CORRUPT when
 * the blocks do not add up to `size`. With `dryRun`, only hashes.
 */
export async function writeLfsObject(gitdir: string, size: number, blocks: AsyncIterable<Uint8Array>, onBytes?: (n: number) => void, dryRun = false): Promise<string> {
  if (dryRun) {
    const hash = createHash('sha256');
    let n = 0;
    for await (const block of blocks) {
      n += block.length;
      hash.update(block);
      onBytes?.(block.length);
    }
    if (n !== size) throw new StrataError('OBJECT_CORRUPT', `content read for an LFS object has ${n} bytes, its tree records ${size}`);
    return hash.digest('hex');
  }
  const tmpDir = join(gitdir, 'lfs', 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const temp = join(tmpDir, `strata-${process.pid}-${randomBytes(6).toString('hex')}`);
  const hash = createHash('sha256');
  let seen = 0;
  try {
    await pipeline(
      (async function* () {
        for await (const block of blocks) {
          seen += block.length;
          hash.update(block);
          onBytes?.(block.length);
          yield block;
        }
      })(),
      createWriteStream(temp, { flags: 'wx', mode: 0o644 }),
    );
    if (seen !== size) throw new StrataError('OBJECT_CORRUPT', `content read for an LFS object has ${seen} bytes, its tree records ${size}`);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  const oid = hash.digest('hex');
  const final = lfsObjectPath(gitdir, oid);
  if (await hasLfsObject(gitdir, oid, size)) {
    await unlink(temp).catch(() => undefined);
  } else {
    await mkdir(dirname(final), { recursive: true });
    await rename(temp, final);
  }
  return oid;
}

/**
 * The content of an LFS object, streamed and checked against its SHA-256 and size as it is read
 * (OBJECT_CORRUPT at the end when it does not match).
 */
export async function* readLfsObject(gitdir: string, oid: string, size: number): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let seen = 0;
  for await (const block of createReadStream(lfsObjectPath(gitdir, oid), { highWaterMark: 1 << 20 })) {
    const b = block as Buffer;
    seen += b.length;
    hash.update(b);
    yield b;
  }
  if (seen !== size || hash.digest('hex') !== oid) {
    throw new StrataError('OBJECT_CORRUPT', `the LFS object ${oid} in ${gitdir} does not match its pointer (${seen} bytes, ${size} expected)`, { data: { oid } });
  }
}

export const ATTRIBUTES_FILE = '.gitattributes';
const BEGIN = '# strata: files stored with Git LFS (begin)';
/** The begin line when the file's own content did not end in a line feed and one was added before the section. */
const BEGIN_ADDED_LF = '# strata: files stored with Git LFS (begin, after an added line feed)';
const END = '# strata: files stored with Git LFS (end)';

/** A path as a `.gitattributes` pattern that matches it alone, anchored at the root. */
function pattern(path: string): string {
  const escaped = `/${path.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`)}`;
  if (!/[\s"]/.test(escaped) && !/[^\x21-\x7e]/.test(escaped)) return escaped;
  // C-style quoting (git reads quoted patterns since 2.19).
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t').replace(/\n/g, '\\n')}"`;
}

/** The root `.gitattributes` content for a version: the version's own file (if any) and the bridge's section. */
export function buildAttributes(existing: Buffer | undefined, lfsPaths: string[]): Buffer {
  const addLf = existing !== undefined && existing.length > 0 && existing[existing.length - 1] !== 0x0a;
  const lines = [addLf ? BEGIN_ADDED_LF : BEGIN, ...[...lfsPaths].sort().map((p) => `${pattern(p)} filter=lfs diff=lfs merge=lfs -text`), END, ''];
  const section = Buffer.from(lines.join('\n'), 'utf8');
  if (existing === undefined || existing.length === 0) return section;
  return Buffer.concat([existing, Buffer.from(addLf ? '\n' : ''), section]);
}

/** Where the bridge's section starts and ends in a `.gitattributes` (character offsets), and whether a line feed was added before it. */
function findSection(text: string): { start: number; bodyStart: number; end: number; addedLf: boolean } | undefined {
  for (const [marker, addedLf] of [[BEGIN, false], [BEGIN_ADDED_LF, true]] as const) {
    const at = text.indexOf(`${marker}\n`);
    if (at < 0 || (at > 0 && text[at - 1] !== '\n') || (addedLf && at === 0)) continue;
    const endAt = text.indexOf(`${END}\n`, at);
    if (endAt < 0) continue;
    return { start: addedLf ? at - 1 : at, bodyStart: at + marker.length + 1, end: endAt + END.length + 1, addedLf };
  }
  return undefined;
}

/**
 * A root `.gitattributes` without the bridge's section: the original content (undefined when the file
 * held only the section, so the version had none), and whether a section was there.
 */
export function stripAttributes(content: Buffer): { content: Buffer | undefined; found: boolean } {
  const text = content.toString('utf8');
  const section = findSection(text);
  if (!section) return { content, found: false };
  const before = content.subarray(0, Buffer.byteLength(text.slice(0, section.start)));
  const after = content.subarray(Buffer.byteLength(text.slice(0, section.end)));
  const rest = Buffer.concat([before, after]);
  return { content: rest.length === 0 ? undefined : rest, found: true };
}

/** The path a pattern written by `pattern` matches. */
function unpattern(p: string): string {
  let s = p;
  if (s.startsWith('"') && s.endsWith('"')) {
    s = s.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
  }
  return s.slice(1).replace(/\\(.)/g, '$1');
}

/** The paths the bridge's section of a root `.gitattributes` names. */
export function attributesLfsPaths(content: Buffer): string[] {
  const text = content.toString('utf8');
  const section = findSection(text);
  if (!section) return [];
  const suffix = ' filter=lfs diff=lfs merge=lfs -text';
  return text
    .slice(section.bodyStart, section.end - END.length - 1)
    .split('\n')
    .filter((l) => l.endsWith(suffix))
    .map((l) => unpattern(l.slice(0, -suffix.length)));
}

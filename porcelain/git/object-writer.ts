/**
 * Writes loose git objects the way git does: `objects/<2 hex>/<38 hex>`, a zlib stream of header and
 * body, written to a temporary file in that folder and renamed into place (read-only), so a reader
 * never sees half an object. Small bodies are hashed in memory (an object that exists is not
 * compressed again); large ones are streamed: hashed, compressed and written as they are read, with
 * their size given up front as git's header needs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { constants as zc, createDeflate, deflate } from 'node:zlib';
import { StrataError } from '../../plumbing/index.js';
import { gitHeader, type GitObjectType } from './git-format.js';

const deflateAsync = promisify(deflate);

/** Git's default for loose objects (core.looseCompression): fastest. */
const LEVEL = 1;

export class GitObjectWriter {
  /** Objects known to exist (written or found) in this run. */
  private readonly known = new Set<string>();
  private readonly folders = new Set<string>();
  private readonly listings = new Map<string, Promise<Set<string>>>();
  /** Temporary file names: this process, a random tag per writer, a counter. */
  private readonly tag = `${process.pid}_${randomBytes(4).toString('hex')}`;
  private counter = 0;
  /** Objects newly written, and their compressed bytes. */
  written = 0;
  writtenBytes = 0;

  /** With `dryRun`, objects are hashed and their ids returned, and nothing is written. */
  constructor(
    readonly gitdir: string,
    readonly dryRun = false,
  ) {}

  private pathOf(oid: string): { dir: string; file: string } {
    const dir = join(this.gitdir, 'objects', oid.slice(0, 2));
    return { dir, file: join(dir, oid.slice(2)) };
  }

  /**
   * Whether the object is stored loose (packed objects are not looked for: writing one again loose is
   * harmless). Each fan-out folder is listed once, not each object looked up: most objects of an export
   * are new, and a failed lookup per object costs more than the listing.
   */
  async hasLoose(oid: string): Promise<boolean> {
    if (this.known.has(oid)) return true;
    return (await this.listing(oid.slice(0, 2))).has(oid.slice(2));
  }

  private listing(prefix: string): Promise<Set<string>> {
    let names = this.listings.get(prefix);
    if (!names) {
      names = readdir(join(this.gitdir, 'objects', prefix)).then(
        (list) => new Set(list),
        () => new Set<string>(),
      );
      this.listings.set(prefix, names);
    }
    return names;
  }

  private async folder(dir: string): Promise<void> {
    if (this.folders.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.folders.add(dir);
  }

  private tempIn(dir: string): string {
    return join(dir, `tmp_obj_${this.tag}_${this.counter++}`);
  }

  /** Renames a written temporary file into place; false (and the file removed) when the object was there already. */
  private async place(temp: string, oid: string): Promise<boolean> {
    const { file } = this.pathOf(oid);
    if (await this.hasLoose(oid)) {
      await unlink(temp).catch(() => undefined);
      return false;
    }
    await rename(temp, file);
    this.known.add(oid);
    return true;
  }

  /** Writes an object held in memory; returns its id. */
  async write(type: GitObjectType, body: Uint8Array): Promise<string> {
    const header = gitHeader(type, body.length);
    const oid = createHash('sha1').update(header).update(body).digest('hex');
    if (this.dryRun || (await this.hasLoose(oid))) return oid;
    const data = await deflateAsync(Buffer.concat([header, body]), { level: LEVEL });
    const { dir } = this.pathOf(oid);
    await this.folder(dir);
    const temp = this.tempIn(dir);
    await writeFile(temp, data, { mode: 0o444, flag: 'wx' });
    if (await this.place(temp, oid)) {
      this.written++;
      this.writtenBytes += data.length;
    }
    return oid;
  }

  /**
   * Writes an object whose body arrives in blocks and whose size is known up front (git's header comes
   * first); memory stays bounded by the block size. OBJECT_CORRUPT when the blocks do not add up to `size`.
   */
  async writeStream(type: GitObjectType, size: number, blocks: AsyncIterable<Uint8Array>, onBytes?: (n: number) => void): Promise<string> {
    const hash = createHash('sha1');
    const header = gitHeader(type, size);
    hash.update(header);
    if (this.dryRun) {
      let n = 0;
      for await (const block of blocks) {
        n += block.length;
        hash.update(block);
        onBytes?.(block.length);
      }
      if (n !== size) throw new StrataError('OBJECT_CORRUPT', `content read for a git ${type} has ${n} bytes, its tree records ${size}`);
      return hash.digest('hex');
    }
    const dir = join(this.gitdir, 'objects');
    await this.folder(dir);
    const temp = this.tempIn(dir);
    let seen = 0;
    const deflater = createDeflate({ level: LEVEL, flush: zc.Z_NO_FLUSH });
    const out = createWriteStream(temp, { mode: 0o444, flags: 'wx' });
    try {
      await pipeline(
        (async function* () {
          yield header;
          for await (const block of blocks) {
            seen += block.length;
            hash.update(block);
            onBytes?.(block.length);
            yield block;
          }
        })(),
        deflater,
        out,
      );
      if (seen !== size) throw new StrataError('OBJECT_CORRUPT', `content read for a git ${type} has ${seen} bytes, its tree records ${size}`);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    const oid = hash.digest('hex');
    await this.folder(this.pathOf(oid).dir);
    if (await this.place(temp, oid)) {
      this.written++;
      this.writtenBytes += out.bytesWritten;
    }
    return oid;
  }
}

import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { deflateSync, inflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  StrataError,
  StorageManager,
  computeObjectId,
  createRepository,
  openRepository,
  readContent,
  storeContent,
  strategyFor,
  type Repository,
} from '../../../plumbing/index.js';
import { configFromOptions } from '../../../plumbing/ops/init.js';

let repo: Repository;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-store-'));
  repo = await createRepository({ root: join(dir, 'repo'), config: configFromOptions({ minChunk: 4096, avgChunk: 16384, maxChunk: 65536 }) });
});

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

function objectFile(id: string): string {
  return join(repo.root, 'objects', id.slice(0, 2), id.slice(2));
}

describe('object store', () => {
  it('writes each object once, at its id, as a zlib stream of header and body', async () => {
    const first = await repo.objects.writeBlob(Buffer.from('hello'));
    const again = await repo.objects.writeBlob(Buffer.from('hello'));
    expect(first).toMatchObject({ id: computeObjectId('blob', Buffer.from('hello')), written: true });
    expect(again.written).toBe(false);
    expect(inflateSync(readFileSync(objectFile(first.id))).toString('latin1')).toBe('blob 5\0hello');
    expect(readdirSync(join(repo.root, 'tmp'))).toEqual([]);
  });

  it('stores incompressible content at level 0 and compressible content compressed', async () => {
    const random = randomBytes(100_000);
    const text = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(2000));
    const r = await repo.objects.writeBlob(random);
    const t = await repo.objects.writeBlob(text);
    expect(r.storedSize).toBeGreaterThan(random.length);
    expect(t.storedSize).toBeLessThan(text.length / 10);
  });

  it('reads any compression level', async () => {
    const body = Buffer.from('level nine');
    const id = computeObjectId('blob', body);
    const path = objectFile(id);
    (await import('node:fs')).mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, deflateSync(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body]), { level: 9 }));
    expect((await repo.objects.readKind(id, 'blob')).body.toString()).toBe('level nine');
  });

  it('detects a flipped byte, a wrong id and a missing object', async () => {
    const { id } = await repo.objects.writeBlob(Buffer.from('some content that is long enough to flip'));
    const path = objectFile(id);
    chmodSync(path, 0o644);
    const good = readFileSync(path);
    const flipped = Buffer.from(good);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
    writeFileSync(path, flipped);
    await expect(repo.objects.read(id)).rejects.toMatchObject({ code: 'OBJECT_CORRUPT', data: { id } });
    writeFileSync(path, deflateSync(Buffer.from('blob 3\0abc')));
    await expect(repo.objects.read(id)).rejects.toThrow(/hashes to/);
    await expect(repo.objects.read('0'.repeat(64))).rejects.toMatchObject({ code: 'OBJECT_MISSING' });
  });

  it('rejects a structured object that is not canonical, even with the right id', async () => {
    const body = Buffer.from('{ "entries": [] }');
    const id = computeObjectId('tree', body);
    await repo.objects.writeWithId(id, 'tree', body);
    await expect(repo.objects.readTree(id)).rejects.toMatchObject({ code: 'OBJECT_CORRUPT' });
  });

  it('reads the header without the body', async () => {
    const { id } = await repo.objects.writeBlob(randomBytes(60_000));
    expect(await repo.objects.readHeader(id)).toMatchObject({ kind: 'blob', size: 60_000 });
  });

  it('writes into a fan-out folder that another handle emptied and removed (a gc elsewhere)', async () => {
    const other = await openRepository({ repo: repo.root });
    /** A body like `base` whose blob id starts with `fan` (the last four bytes varied). */
    const inFan = (base: Buffer, fan: string): Buffer => {
      const body = Buffer.from(base);
      for (let i = 0; ; i++) {
        body.writeUInt32BE(i, body.length - 4);
        if (computeObjectId('blob', body).startsWith(fan)) return body;
      }
    };
    const first = randomBytes(100);
    const fan = computeObjectId('blob', first).slice(0, 2);
    // The next writes: small (written with synchronous calls) and large (through tmp/, then renamed).
    for (const base of [randomBytes(100), randomBytes(1536 * 1024), randomBytes(200)]) {
      const body = inFan(base, fan);
      const { id } = await repo.objects.writeBlob(first);
      await other.objects.backend.deleteObject(id); // the folder is empty again, and removed
      expect(readdirSync(join(repo.root, 'objects'))).not.toContain(fan);
      const again = await repo.objects.writeBlob(body);
      expect(again.written).toBe(true);
      expect((await repo.objects.readKind(again.id, 'blob')).body.equals(body)).toBe(true);
      await other.objects.backend.deleteObject(again.id);
    }
    expect(readdirSync(join(repo.root, 'tmp'))).toEqual([]);
  });
});

describe('file content', () => {
  it('one chunk is a blob; more become a chunk list; both stream back exactly', async () => {
    const strategy = strategyFor(repo.config);
    const small = randomBytes(3000);
    const s = await storeContent({ objects: repo.objects, strategy, source: Readable.from([small]), write: true });
    expect(s).toMatchObject({ kind: 'blob', id: computeObjectId('blob', small), chunks: 1 });
    const big = randomBytes(1_000_000);
    const blocks = [big.subarray(0, 1), big.subarray(1, 70_001), big.subarray(70_001)];
    const b = await storeContent({ objects: repo.objects, strategy, source: Readable.from(blocks), write: true });
    expect(b.kind).toBe('chunks');
    expect(b.chunks).toBeGreaterThan(10);
    expect((await collect(readContent(repo.objects, b.id))).equals(big)).toBe(true);
    const dry = await storeContent({ objects: repo.objects, strategy, source: Readable.from([big]), write: false });
    expect(dry.id).toBe(b.id);
  });

  it('an empty file is the empty blob', async () => {
    const r = await storeContent({ objects: repo.objects, strategy: strategyFor(repo.config), source: Readable.from([]), write: true });
    expect(r).toMatchObject({ id: computeObjectId('blob', Buffer.alloc(0)), kind: 'blob', size: 0 });
  });

  it('StorageManager stores and retrieves files and chunks', async () => {
    const sm = new StorageManager(repo);
    const src = join(dir, 'src.bin');
    const data = randomBytes(200_000);
    writeFileSync(src, data);
    const stored = await sm.storeFile(src);
    await sm.retrieveFile(stored.id, join(dir, 'out.bin'));
    expect(readFileSync(join(dir, 'out.bin')).equals(data)).toBe(true);
    const chunkId = await sm.storeChunk(Buffer.from('chunk'));
    expect((await sm.retrieveChunk(chunkId)).toString()).toBe('chunk');
    const size = await sm.getStorageSize();
    expect(size.byKind.chunks.count).toBe(1);
    expect(size.total.logicalBytes).toBeGreaterThan(200_000);
    await expect(sm.storeFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

describe('repository config', () => {
  it('opens what it created, and refuses unknown versions and malformed configs', async () => {
    const again = await openRepository({ repo: repo.root });
    expect(again.config).toEqual(repo.config);
    const cfg = join(repo.root, 'config');
    chmodSync(cfg, 0o644);
    writeFileSync(cfg, JSON.stringify({ ...repo.config, formatVersion: 2 }));
    await expect(openRepository({ repo: repo.root })).rejects.toMatchObject({ code: 'FORMAT_UNSUPPORTED' });
    writeFileSync(cfg, '{"format":"strata","formatVersion":1,"hash":"md5"}');
    await expect(openRepository({ repo: repo.root })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    writeFileSync(cfg, 'not json');
    await expect(openRepository({ repo: repo.root })).rejects.toBeInstanceOf(StrataError);
  });

  it('refuses to create a repository twice or in a non-empty folder', async () => {
    await expect(createRepository({ root: repo.root })).rejects.toMatchObject({ code: 'REPO_EXISTS' });
    writeFileSync(join(dir, 'file'), 'x');
    await expect(createRepository({ root: dir })).rejects.toMatchObject({ code: 'TARGET_NOT_EMPTY' });
  });
});

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FastCdcChunker, type FastCdcParams } from '../../../plumbing/chunking/fastcdc.js';
import { FileChunking, FormatAwareChunker } from '../../../plumbing/chunking/format-aware.js';
import type { ChunkingStrategy } from '../../../plumbing/chunking/strategy.js';
import { chunkStream } from '../../../plumbing/chunking/stream.js';
import { defaultConfig } from '../../../plumbing/format/repo-config.js';
import { chunkingFor } from '../../../plumbing/store/repository.js';
import { makeStreamedZip, makeTar, makeZip, tarMembers, zipMembers, type Member } from './archives.js';
import { pseudoRandomBytes } from './generators.js';

const PARAMS: FastCdcParams = { minSize: 256, avgSize: 1024, maxSize: 4096, normalization: 1 };
const BOTH = { tar: { strategy: 'tar-members' as const }, zip: { strategy: 'zip-members' as const } };
const chunking = new FileChunking(new FastCdcChunker(PARAMS), BOTH, PARAMS.minSize);
const generic = new FastCdcChunker(PARAMS);

function lengths(chunks: readonly Uint8Array[]): number[] {
  return chunks.map((c) => c.length);
}

function offsets(chunks: readonly Uint8Array[]): Set<number> {
  const set = new Set<number>([0]);
  let at = 0;
  for (const c of chunks) set.add((at += c.length));
  return set;
}

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The chunks lying inside [from, to), as hashes; undefined when a chunk crosses either end. */
function chunksWithin(chunks: readonly Uint8Array[], from: number, to: number): string[] | undefined {
  const out: string[] = [];
  let at = 0;
  for (const c of chunks) {
    const end = at + c.length;
    if (at < to && end > from) {
      if (at < from || end > to) return undefined;
      out.push(sha(c));
    }
    at = end;
  }
  return out;
}

async function streamed(strategy: ChunkingStrategy, data: Uint8Array, blockSize: number): Promise<number[]> {
  async function* blocks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < data.length; i += blockSize) yield data.subarray(i, i + blockSize);
  }
  const out: number[] = [];
  for await (const c of chunkStream(blocks(), strategy)) out.push(c.length);
  return out;
}

/** Round trip, chunk sizes within 1..max, and the same cuts whole or streamed in any block size. */
async function checkCuts(data: Uint8Array, name: string, blockSize: number): Promise<Uint8Array[]> {
  const chunks = chunking.forFile({ name }).chunkData(data);
  expect(Buffer.concat(chunks).equals(Buffer.from(data))).toBe(true);
  for (const c of chunks) {
    expect(c.length).toBeGreaterThan(0);
    expect(c.length).toBeLessThanOrEqual(PARAMS.maxSize);
  }
  expect(await streamed(chunking.forFile({ name }), data, blockSize)).toEqual(lengths(chunks));
  expect(lengths(chunking.forFile({ name }).chunkData(Buffer.from(data)))).toEqual(lengths(chunks));
  return chunks;
}

/** Local header offsets, data offsets and sizes, and the central directory offset of a zip. */
function zipLayout(zip: Uint8Array): { headers: { header: number; data: number; size: number }[]; central: number } {
  const b = Buffer.from(zip.buffer, zip.byteOffset, zip.length);
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = b.readUInt16LE(eocd + 10);
  const central = b.readUInt32LE(eocd + 16);
  const headers = [];
  let at = central;
  for (let i = 0; i < count; i++) {
    const csize = b.readUInt32LE(at + 20);
    const n = b.readUInt16LE(at + 28);
    const m = b.readUInt16LE(at + 30);
    const k = b.readUInt16LE(at + 32);
    const local = b.readUInt32LE(at + 42);
    const data = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    headers.push({ header: local, data, size: csize });
    at += 46 + n + m + k;
  }
  return { headers, central };
}

const blockSize = fc.integer({ min: 1, max: 9000 });

describe('tar-members chunking', () => {
  it('round-trips byte for byte, cuts within 1..max, the same whole or streamed', async () => {
    await fc.assert(
      fc.asyncProperty(tarMembers(20_000), fc.constantFrom<'pax' | 'gnu'>('pax', 'gnu'), blockSize, async (members, longNames, block) => {
        const { tar } = makeTar(members, longNames);
        await checkCuts(tar, 'a.tar', block);
      }),
      { numRuns: 150 },
    );
  });

  it('cuts at every member header and at the start and end of its data', () => {
    fc.assert(
      fc.property(tarMembers(20_000), fc.constantFrom<'pax' | 'gnu'>('pax', 'gnu'), (members, longNames) => {
        const { tar, layout } = makeTar(members, longNames);
        const strategy = chunking.forFile({ name: 'x' }) as FormatAwareChunker;
        const cuts = offsets(strategy.chunkData(tar));
        if (members.length === 0) {
          // Only the end-of-archive blocks: nothing that starts like a tar.
          expect(strategy.explain().strategy).toBe('generic');
          return;
        }
        const explained = strategy.explain();
        expect(explained.strategy).toBe('tar-members');
        expect(explained.stop?.reason).toBe('end-of-archive marker');
        expect(explained.members).toBe(members.length);
        layout.forEach((m, i) => {
          // A member without data shares its header region with the members after it.
          if (i === 0 || layout[i - 1]!.size > 0) expect(cuts.has(m.header)).toBe(true);
          if (m.size === 0) return;
          expect(cuts.has(m.data)).toBe(true);
          expect(cuts.has(m.data + Math.ceil(m.size / 512) * 512)).toBe(true);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('gives unchanged member data the same chunks when only headers (mtimes, names) change', () => {
    fc.assert(
      fc.property(tarMembers(20_000), fc.integer({ min: 1, max: 2 ** 30 }), (members, shift) => {
        const before = makeTar(members);
        const moved: Member[] = members.map((m, i) => ({ ...m, mtime: m.mtime + shift, name: i % 2 ? `${m.name}.renamed` : m.name }));
        const after = makeTar([{ name: 'inserted/first.txt', data: pseudoRandomBytes(shift, 700), mtime: 1 }, ...moved]);
        const a = chunking.forFile({}).chunkData(before.tar);
        const b = chunking.forFile({}).chunkData(after.tar);
        if (before.tar.length <= PARAMS.minSize) return;
        members.forEach((m, i) => {
          const x = before.layout[i]!;
          const y = after.layout[i + 1]!;
          if (x.size === 0) return;
          const pad = Math.ceil(x.size / 512) * 512;
          expect(chunksWithin(b, y.data, y.data + pad)).toEqual(chunksWithin(a, x.data, x.data + pad));
          expect(chunksWithin(a, x.data, x.data + pad)).toBeDefined();
          void m;
        });
      }),
      { numRuns: 120 },
    );
  });

  it('chunks truncated and corrupted archives without an error, deterministically, round trip intact', async () => {
    await fc.assert(
      fc.asyncProperty(tarMembers(12_000), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 }), fc.boolean(), blockSize, async (members, where, byte, truncate, block) => {
        const { tar } = makeTar(members);
        const at = Math.floor(where * tar.length);
        const damaged = truncate ? tar.subarray(0, at) : Uint8Array.from(tar, (b, i) => (i === at ? byte : b));
        const first = await checkCuts(damaged, 'd.tar', block);
        expect(lengths(chunking.forFile({ name: 'd.tar' }).chunkData(damaged))).toEqual(lengths(first));
      }),
      { numRuns: 150 },
    );
  });

  it('sub-chunks member data larger than the maximum with FastCDC, anchored at the data start', () => {
    const big = pseudoRandomBytes(7, 50_000);
    const { tar, layout } = makeTar([
      { name: 'a.bin', data: big, mtime: 1 },
      { name: 'empty', data: new Uint8Array(0), mtime: 2 },
    ]);
    const chunks = chunking.forFile({}).chunkData(tar);
    const inner = chunksWithin(chunks, layout[0]!.data, layout[0]!.data + 50_176);
    const padded = new Uint8Array(50_176);
    padded.set(big);
    expect(inner).toEqual(generic.chunkData(padded).map(sha));
    expect(inner!.length).toBeGreaterThan(5);
  });

  it('handles real archives written by GNU tar (gnu, pax and ustar formats)', () => {
    const probe = spawnSync('tar', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) return; // no tar here: the generated archives above still cover the format
    const dir = mkdtempSync(join(tmpdir(), 'strata-tar-'));
    try {
      const src = join(dir, 'src');
      mkdirSync(join(src, 'a'.repeat(90), 'b'.repeat(90)), { recursive: true });
      writeFileSync(join(src, 'a'.repeat(90), 'b'.repeat(90), 'long-name-file.txt'), 'x'.repeat(3000));
      writeFileSync(join(src, 'big.bin'), pseudoRandomBytes(3, 40_000));
      writeFileSync(join(src, 'empty'), '');
      for (const format of ['gnu', 'pax', 'ustar']) {
        const out = join(dir, `${format}.tar`);
        const r = spawnSync('tar', ['-c', '-f', out, `--format=${format}`, '-C', src, '.'], { encoding: 'utf8' });
        if (format === 'ustar' && r.status !== 0) continue; // ustar cannot hold the long name
        expect(r.status).toBe(0);
        const bytes = readFileSync(out);
        const strategy = chunking.forFile({ name: out }) as FormatAwareChunker;
        const chunks = strategy.chunkData(bytes);
        expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
        expect(strategy.explain()).toMatchObject({ strategy: 'tar-members', stop: { reason: 'end-of-archive marker', damaged: false } });
        expect(strategy.explain().members).toBeGreaterThanOrEqual(6);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('zip-members chunking', () => {
  it('round-trips, cuts at local headers, data and the central directory, stored and deflated alike', async () => {
    await fc.assert(
      fc.asyncProperty(zipMembers(20_000), blockSize, async (members, block) => {
        const zip = makeZip(members);
        const strategy = chunking.forFile({ name: 'x.kra' }) as FormatAwareChunker;
        const chunks = await checkCuts(zip, 'x.kra', block);
        if (zip.length <= PARAMS.minSize) return;
        strategy.chunkData(zip);
        const cuts = offsets(chunks);
        const { headers, central } = zipLayout(zip);
        expect(strategy.explain()).toMatchObject({ strategy: members.length > 0 ? 'zip-members' : 'generic' });
        if (members.length === 0) return;
        expect(strategy.explain().stop).toMatchObject({ damaged: false, offset: central });
        headers.forEach((h, i) => {
          if (i === 0 || headers[i - 1]!.size > 0) expect(cuts.has(h.header)).toBe(true);
          if (h.size === 0) return;
          expect(cuts.has(h.data)).toBe(true);
          expect(cuts.has(h.data + h.size)).toBe(true);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('gives unchanged members the same chunks when other members and all times change', () => {
    fc.assert(
      fc.property(zipMembers(20_000), fc.integer({ min: 0, max: 9 }), (members, which) => {
        if (members.length === 0) return;
        const changed = members.map((m, i) => ({
          ...m,
          mtime: new Date(Math.min(m.mtime.getTime() + 86_400_000 * 7, Date.parse('2100-01-01'))),
          data: i === which % members.length ? pseudoRandomBytes(which, 900) : m.data,
        }));
        const a = makeZip(members);
        const b = makeZip(changed);
        const ca = chunking.forFile({}).chunkData(a);
        const cb = chunking.forFile({}).chunkData(b);
        const la = zipLayout(a).headers;
        const lb = zipLayout(b).headers;
        members.forEach((_, i) => {
          if (i === which % members.length || a.length <= PARAMS.minSize) return;
          expect(chunksWithin(cb, lb[i]!.data, lb[i]!.data + lb[i]!.size)).toEqual(chunksWithin(ca, la[i]!.data, la[i]!.data + la[i]!.size));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips streamed zips (data descriptors) and truncated or corrupted zips without an error', async () => {
    await fc.assert(
      fc.asyncProperty(zipMembers(12_000), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 }), fc.constantFrom('truncate', 'flip', 'streamed'), blockSize, async (members, where, byte, how, block) => {
        const zip = how === 'streamed' ? makeStreamedZip(members) : makeZip(members);
        const at = Math.floor(where * zip.length);
        const input = how === 'truncate' ? zip.subarray(0, at) : how === 'flip' ? Uint8Array.from(zip, (b, i) => (i === at ? byte : b)) : zip;
        await checkCuts(input, 'y.zip', block);
      }),
      { numRuns: 150 },
    );
  });
});

describe('a real Krita document (test/fixtures/chunking)', () => {
  const kra = readFileSync(new URL('../../fixtures/chunking/Comics-USTemplate.kra', import.meta.url));

  it('is followed member by member to its central directory, and round-trips', async () => {
    const strategy = chunking.forFile({ name: 'Comics-USTemplate.kra' }) as FormatAwareChunker;
    const chunks = await checkCuts(kra, 'Comics-USTemplate.kra', 65536);
    strategy.chunkData(kra);
    const { headers, central } = zipLayout(kra);
    expect(headers.length).toBe(19);
    expect(strategy.explain()).toMatchObject({ strategy: 'zip-members', format: 'zip', hint: 'zip', members: 19, stop: { offset: central, damaged: false } });
    const cuts = offsets(chunks);
    headers.forEach((h, i) => {
      if (i === 0 || headers[i - 1]!.size > 0) expect(cuts.has(h.header)).toBe(true);
      if (h.size > 0) expect(cuts.has(h.data)).toBe(true);
    });
  });
});

describe('detection and configuration', () => {
  const tar = makeTar([
    { name: 'one.txt', data: pseudoRandomBytes(1, 3000), mtime: 5 },
    { name: 'two.bin', data: pseudoRandomBytes(2, 9000), mtime: 6 },
  ]).tar;
  const zip = makeZip([{ name: 'layer', data: pseudoRandomBytes(3, 9000), level: 0, mtime: new Date('2020-01-01') }]);

  it('detects by content: a renamed archive is still followed, a look-alike name is not', () => {
    const renamed = chunking.forFile({ name: 'backup.bin' }) as FormatAwareChunker;
    renamed.chunkData(tar);
    expect(renamed.explain()).toMatchObject({ strategy: 'tar-members', format: 'tar' });
    expect(renamed.explain().hint).toBeUndefined();
    const misnamed = chunking.forFile({ name: 'archive.tar' }) as FormatAwareChunker;
    misnamed.chunkData(zip);
    expect(misnamed.explain()).toMatchObject({ strategy: 'zip-members', format: 'zip', hint: 'tar' });
    const fake = chunking.forFile({ name: 'fake.zip' }) as FormatAwareChunker;
    const noise = pseudoRandomBytes(4, 20_000);
    expect(lengths(fake.chunkData(noise))).toEqual(lengths(generic.chunkData(noise)));
    expect(fake.explain()).toMatchObject({ strategy: 'generic', hint: 'zip' });
    expect(fake.explain().reason).toMatch(/suggests zip but the content does not start like one/);
  });

  it('a file no larger than the minimum chunk is one chunk whatever its format', () => {
    const small = makeTar([{ name: 'a', data: new Uint8Array(10), mtime: 1 }]).tar.subarray(0, 256);
    const strategy = chunking.forFile({ name: 'a.tar' }) as FormatAwareChunker;
    expect(lengths(strategy.chunkData(small))).toEqual([256]);
    expect(strategy.explain().reason).toMatch(/not more than the minimum chunk/);
    expect(chunking.forFile({ name: 'a.tar', size: 256 })).toBe(chunking.generic);
  });

  it('members without data share one header region with the next member that has data', () => {
    const { tar: folders, layout } = makeTar([
      { name: 'dir/', data: new Uint8Array(0), mtime: 1, type: '5' },
      { name: 'dir/empty', data: new Uint8Array(0), mtime: 1 },
      { name: 'dir/link', data: new Uint8Array(0), mtime: 1, type: '2' },
      { name: 'dir/file', data: pseudoRandomBytes(9, 1000), mtime: 1 },
    ]);
    expect(lengths(chunking.forFile({}).chunkData(folders))).toEqual([4 * 512, 1024, 1024]);
    expect(layout[3]!.data).toBe(2048);
    const zipped = makeZip([
      { name: 'a/', data: new Uint8Array(0), level: 0, mtime: new Date('2020-01-01') },
      { name: 'a/b', data: pseudoRandomBytes(1, 600), level: 0, mtime: new Date('2020-01-01') },
    ]);
    const { headers, central } = zipLayout(zipped);
    expect(lengths(chunking.forFile({}).chunkData(zipped))).toEqual([headers[1]!.data, 600, zipped.length - central]);
  });

  it('explains an archive cut short: inside a member, or after one', () => {
    const inside = chunking.forFile({}) as FormatAwareChunker;
    inside.chunkData(tar.subarray(0, 512 + 1000));
    expect(inside.explain()).toMatchObject({ strategy: 'tar-members', members: 1, stop: { offset: 1512, damaged: true, reason: 'the archive ends inside a member (truncated)' } });
    const after = chunking.forFile({}) as FormatAwareChunker;
    after.chunkData(tar.subarray(0, 512 + 3072));
    expect(after.explain()).toMatchObject({ members: 1, stop: { offset: 3584, damaged: true, reason: 'the archive ends without an end-of-archive marker (truncated)' } });
  });

  it('a damaged look-alike falls back to FastCDC from where the damage is', () => {
    const damaged = Uint8Array.from(tar);
    const flip = (at: number): void => {
      damaged[at] = (damaged[at] as number) ^ 0xff;
    };
    flip(3 * 512 + 7000); // inside the second member's data: harmless
    flip(512 + 3072 + 100); // the second member's header: checksum fails there
    const strategy = chunking.forFile({}) as FormatAwareChunker;
    const chunks = strategy.chunkData(damaged);
    expect(strategy.explain()).toMatchObject({ strategy: 'tar-members', members: 1, stop: { offset: 3584, damaged: true } });
    expect(lengths(chunks).slice(0, 2)).toEqual([512, 3072]);
    expect(lengths(chunks.slice(2))).toEqual(lengths(generic.chunkData(damaged.subarray(3584))));
  });

  it('a repository config without formatChunking (every repository made before it) chunks archives generically', () => {
    const old = chunkingFor({ ...defaultConfig(), chunking: { algorithm: 'fastcdc-2020', ...PARAMS } });
    expect(old.forFile({ name: 'a.tar' })).toBe(old.generic);
    expect(lengths(old.forFile({ name: 'a.tar' }).chunkData(tar))).toEqual(lengths(generic.chunkData(tar)));
    const withFormats = chunkingFor({ ...defaultConfig(), chunking: { algorithm: 'fastcdc-2020', ...PARAMS }, formatChunking: { tar: { strategy: 'tar-members' } } });
    const cut = lengths(withFormats.forFile({ name: 'a.tar' }).chunkData(tar));
    expect(cut.slice(0, 3)).toEqual([512, 3072, 512]);
    expect(cut.slice(3, -1)).toEqual(lengths(generic.chunkData(tar.subarray(4096, 4096 + 9216))));
    expect(cut.at(-1)).toBe(1024);
    // zip is not enabled there: generic
    expect(lengths(withFormats.forFile({ name: 'a.zip' }).chunkData(zip))).toEqual(lengths(generic.chunkData(zip)));
  });
});

describe('grouping small members (groupBelow)', () => {
  const grouped = (groupBelow: number): FileChunking =>
    new FileChunking(new FastCdcChunker(PARAMS), { tar: { strategy: 'tar-members', groupBelow }, zip: { strategy: 'zip-members', groupBelow } }, PARAMS.minSize);

  it('round-trips tar and zip, cuts within 1..max, the same whole or streamed, for any groupBelow', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(tarMembers(12_000).map((m) => makeTar(m).tar), zipMembers(12_000).map(makeZip)),
        fc.integer({ min: 0, max: 6000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        blockSize,
        async (archive, groupBelow, cut, block) => {
          const chunking = grouped(groupBelow);
          for (const data of [archive, archive.subarray(0, Math.floor(cut * archive.length))]) {
            const chunks = chunking.forFile({}).chunkData(data);
            expect(Buffer.concat(chunks).equals(Buffer.from(data))).toBe(true);
            for (const c of chunks) expect(c.length).toBeLessThanOrEqual(PARAMS.maxSize);
            expect(await streamed(chunking.forFile({}), data, block)).toEqual(lengths(chunks));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('members with data above groupBelow keep their data chunks when headers change; small ones share chunks', () => {
    fc.assert(
      fc.property(tarMembers(20_000), fc.integer({ min: 1, max: 2 ** 30 }), (members, shift) => {
        const chunking = grouped(1024);
        const before = makeTar(members);
        const after = makeTar(members.map((m) => ({ ...m, mtime: m.mtime + shift })));
        const a = chunking.forFile({}).chunkData(before.tar);
        const b = chunking.forFile({}).chunkData(after.tar);
        if (before.tar.length <= PARAMS.minSize) return;
        before.layout.forEach((x, i) => {
          const pad = Math.ceil(x.size / 512) * 512;
          if (pad <= 1024) return;
          const y = after.layout[i]!;
          expect(chunksWithin(a, x.data, x.data + pad)).toBeDefined();
          expect(chunksWithin(b, y.data, y.data + pad)).toEqual(chunksWithin(a, x.data, x.data + pad));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('in a zip, replacing one member leaves the chunks of members far from it unchanged', () => {
    const members = Array.from({ length: 400 }, (_, i) => ({ name: `m/${i}.txt`, data: pseudoRandomBytes(i + 1, 200 + ((i * 37) % 900)), level: 0 as const, mtime: new Date('2022-02-02') }));
    const chunking = grouped(1024);
    const a = chunking.forFile({}).chunkData(makeZip(members));
    const changed = members.map((m, i) => (i === 200 ? { ...m, data: pseudoRandomBytes(9999, 700) } : m));
    const zip = makeZip(changed);
    const b = chunking.forFile({}).chunkData(zip);
    const known = new Set(a.map(sha));
    const { central } = zipLayout(zip);
    let at = 0;
    const fresh: number[] = [];
    for (const c of b) {
      if (at < central && !known.has(sha(c))) fresh.push(c.length);
      at += c.length;
    }
    // Among the members: only the group holding the replaced one, and the next (its end may move).
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    expect(fresh.length).toBeLessThanOrEqual(2);
    expect(a.length).toBeLessThan(members.length / 2);
  });
});

import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTar, makeZip } from '../unit/chunking/archives.js';
import { pseudoRandomBytes } from '../unit/chunking/generators.js';
import { ok, okJson, removeTempDirs, strata, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** A tar of `count` members of about 5 kB, with `mtime` in every header: about `count * 5.6` kB. */
function tarOf(count: number, mtime: number, seed = 1): Uint8Array {
  const members = Array.from({ length: count }, (_, i) => ({ name: `src/file-${i}.c`, data: pseudoRandomBytes(seed * 1000 + i, 5000), mtime }));
  return makeTar(members).tar;
}

describe('format-aware chunking through the CLI', () => {
  let dir: string;
  let formatRepo: string;
  let genericRepo: string;

  beforeAll(() => {
    dir = tempDir('chunk-formats');
    formatRepo = join(dir, 'format-repo');
    genericRepo = join(dir, 'generic-repo');
    ok(['init', '--repo', formatRepo, '--format-chunking', 'tar:0,zip:0']);
    ok(['init', '--repo', genericRepo, '--format-chunking', 'none']);
  });

  it('init records the formats it is given, none with "none", and rejects an unknown one without creating anything', () => {
    const config = JSON.parse(readFileSync(join(formatRepo, 'config'), 'utf8'));
    expect(config.formatChunking).toEqual({ tar: { strategy: 'tar-members', groupBelow: 0 }, zip: { strategy: 'zip-members', groupBelow: 0 } });
    expect(JSON.parse(readFileSync(join(genericRepo, 'config'), 'utf8')).formatChunking).toEqual({});
    const tarOnly = okJson<{ config: { formatChunking: unknown } }>(['init', '--repo', join(dir, 'tar-only'), '--format-chunking', 'tar', '--json']);
    expect(tarOnly.config.formatChunking).toEqual({ tar: { strategy: 'tar-members', groupBelow: 4096 } });
    const byDefault = okJson<{ config: { formatChunking: unknown } }>(['init', '--repo', join(dir, 'default'), '--json']);
    expect(byDefault.config.formatChunking).toEqual({ zip: { strategy: 'zip-members', groupBelow: 65536 } });
    const bad = strata(['init', '--repo', join(dir, 'bad'), '--format-chunking', 'tar,rar']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error\[INVALID_ARGUMENT\]: unknown archive format "rar"/);
    expect(existsSync(join(dir, 'bad', 'config'))).toBe(false);
    const badSize = strata(['init', '--repo', join(dir, 'bad'), '--format-chunking', 'zip:lots']);
    expect(badSize.code).toBe(2);
    expect(badSize.stderr).toMatch(/^error\[INVALID_ARGUMENT\]: "zip:lots": the size after the format must be a whole number of bytes/);
    expect(existsSync(join(dir, 'bad', 'config'))).toBe(false);
  });

  it('chunk --explain says which strategy applied and why, with counts and sizes; --json', () => {
    const tarPath = join(dir, 'renamed.bin');
    writeFileSync(tarPath, tarOf(40, 1_700_000_000));
    const text = ok(['chunk', '--explain', tarPath, '--repo', formatRepo]);
    expect(text).toContain(`${tarPath}: tar-members (content: tar)`);
    expect(text).toContain('why: the content starts with a ustar header with a valid checksum');
    expect(text).toMatch(/members: 40; from offset \d+ generic \(end-of-archive marker\)/);
    expect(text).toMatch(/chunks: 81 over /);
    const json = okJson<{ explanation: Record<string, unknown>; summary: Record<string, number>; chunks?: unknown }>(['chunk', '--explain', tarPath, '--repo', formatRepo, '--json']);
    expect(json.explanation).toMatchObject({ strategy: 'tar-members', format: 'tar', members: 40, stop: { damaged: false, reason: 'end-of-archive marker' } });
    expect(json.summary).toEqual({ count: 81, minSize: 512, maxSize: 5120, avgSize: Math.round(readFileSync(tarPath).length / 81) });
    expect(json.chunks).toBeUndefined();
    const generic = ok(['chunk', '--explain', tarPath, '--repo', genericRepo]);
    expect(generic).toContain('generic');
    expect(generic).toContain('why: this repository chunks every file generically');
  });

  it('chunk --explain on a damaged look-alike falls back to FastCDC without an error', () => {
    const zip = Buffer.from(makeZip(Array.from({ length: 30 }, (_, i) => ({ name: `layer${i}`, data: pseudoRandomBytes(i, 4000), level: 0 as const, mtime: new Date('2024-01-01') }))));
    zip.writeUInt32LE(0x12345678, 2 * (30 + 6 + 4000)); // the third local header's signature
    const path = join(dir, 'damaged.kra');
    writeFileSync(path, zip);
    const r = strata(['chunk', '--explain', path, '--repo', formatRepo, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).explanation).toMatchObject({ strategy: 'zip-members', hint: 'zip', members: 2, stop: { offset: 8072, damaged: true } });
    const chunks = okJson<{ chunks: { offset: number; length: number }[] }>(['chunk', path, '--repo', formatRepo, '--json']).chunks;
    expect(chunks.slice(0, 4).map((c) => c.length)).toEqual([36, 4000, 36, 4000]);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(zip.length);
  });

  it('snapshot, write-tree and hash-object cut the same file the same way (small, whole-read and streamed files)', () => {
    const src = join(dir, 'src');
    mkdirSync(src, { recursive: true });
    const files = { 'small.tar': tarOf(10, 5), 'medium.tar': tarOf(60, 5), 'large.tar': tarOf(300, 5) }; // 57 kB, 340 kB, 1.7 MB
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(src, name), bytes);
    ok(['snapshot', src, '--repo', formatRepo]);
    const listing = ok(['ls-tree', 'main', '--repo', formatRepo]).trim().split('\n');
    const written = okJson<{ id: string }>(['write-tree', src, '--repo', formatRepo, '--json']);
    for (const name of Object.keys(files)) {
      const path = join(src, name);
      const hashed = ok(['hash-object', path, '--repo', formatRepo]).trim();
      const line = listing.find((l) => l.endsWith(`\t${name}`));
      expect(line, name).toContain(hashed);
      expect(ok(['ls-tree', written.id, '--repo', formatRepo])).toContain(hashed);
      const generic = ok(['hash-object', path, '--repo', genericRepo]).trim();
      if (name === 'small.tar') expect(hashed).toBe(generic); // not more than the minimum chunk: one blob
      else expect(hashed).not.toBe(generic);
    }
    // diff against the working folder hashes files whose times changed: the same cuts, so no change.
    const later = new Date(Date.now() + 60_000);
    for (const name of Object.keys(files)) utimesSync(join(src, name), later, later);
    const diff = okJson<{ hashedFiles: number; entries: unknown[] }>(['diff', 'main', '--source', src, '--repo', formatRepo, '--json']);
    expect(diff.hashedFiles).toBe(3);
    expect(diff.entries).toEqual([]);
    writeFileSync(join(src, 'medium.tar'), tarOf(60, 6));
    const changed = ok(['diff', 'main', '--source', src, '--repo', formatRepo]);
    expect(changed).toContain('medium.tar');
    expect(changed).not.toContain('large.tar');
  });

  it('a second tarball whose headers all changed stores only the headers again', () => {
    const work = join(dir, 'versions');
    mkdirSync(work, { recursive: true });
    const stored: Record<string, number[]> = {};
    for (const [label, repo] of [['format', join(dir, 'v-format')], ['generic', join(dir, 'v-generic')]] as const) {
      ok(['init', '--repo', repo, '--format-chunking', label === 'format' ? 'tar:0' : 'none', '--min-chunk', '4K', '--avg-chunk', '16K', '--max-chunk', '64K']);
      stored[label] = [];
      for (const mtime of [1_600_000_000, 1_700_000_000]) {
        writeFileSync(join(work, 'release.tar'), tarOf(200, mtime, 7));
        const summary = JSON.parse(ok(['snapshot', work, '--repo', repo, '--json']).trim().split('\n').pop() as string);
        stored[label]!.push(summary.newObjects);
      }
    }
    // 200 headers (one chunk each), the chunk list, the tree (and the version, when counted): no data
    expect(stored.format![1]).toBeGreaterThanOrEqual(202);
    expect(stored.format![1]).toBeLessThanOrEqual(203);
    expect(stored.generic![0]).toBeLessThan(stored.format![0]!);
    const restored = join(dir, 'restored');
    ok(['restore', 'main', restored, '--repo', join(dir, 'v-format')]);
    expect(readFileSync(join(restored, 'release.tar')).equals(readFileSync(join(work, 'release.tar')))).toBe(true);
  });

  it('a store that fails while a tar streams through the worker pool ends the snapshot with one IO_ERROR line and records nothing', () => {
    const repo = join(dir, 'failing-store');
    ok(['init', '--repo', repo, '--format-chunking', 'tar:0', '--min-chunk', '4K', '--avg-chunk', '16K', '--max-chunk', '64K']);
    const src = join(dir, 'failing-src');
    mkdirSync(src, { recursive: true });
    // Large enough to be streamed (above 1 MiB), in small member chunks that travel in batches.
    writeFileSync(join(src, 'big.tar'), tarOf(400, 1_650_000_000, 11));
    // Every fan-out folder is a file: no object can be written (root ignores permissions, not this).
    for (let i = 0; i < 256; i++) writeFileSync(join(repo, 'objects', i.toString(16).padStart(2, '0')), '');
    const r = strata(['snapshot', src, '--repo', repo]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^error\[IO_ERROR\]: cannot store a chunk: /);
    expect(r.stderr).not.toContain('    at ');
    expect(existsSync(join(repo, 'refs', 'heads', 'main'))).toBe(false);
  });

  it('a repository whose config has no formatChunking (made before it existed) chunks tars generically', () => {
    const old = join(dir, 'old-repo');
    ok(['init', '--repo', old]);
    const configPath = join(old, 'config');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    delete config.formatChunking;
    writeFileSync(configPath, `${JSON.stringify(Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : 1))))}\n`);
    const path = join(dir, 'renamed.bin');
    expect(ok(['hash-object', path, '--repo', old]).trim()).toBe(ok(['hash-object', path, '--repo', genericRepo]).trim());
    expect(ok(['chunk', '--explain', path, '--repo', old])).toContain('this repository chunks every file generically');
  });
});

/**
 * The git bridge's LFS pieces: pointer files, and the `.gitattributes` section (every path matched by
 * the real git's check-attr, odd characters included; taken out again byte for byte).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attributesLfsPaths, buildAttributes, encodeLfsPointer, parseLfsPointer, stripAttributes } from '../../../porcelain/git/lfs.js';
import { hasGit, runGit } from '../../helpers/git.js';

const base = mkdtempSync(join(tmpdir(), 'strata-git-attrs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const ODD = ['plain.bin', 'with space/big file.psd', 'star*name[1].bin', '#hash!.bin', 'quote"d.bin', 'back\\slash.bin', 'naïve/日本.bin', 'tab\there.bin', 'deep/a/b/c.bin'];

describe('LFS pointers', () => {
  it('round-trips and refuses what is not a pointer', () => {
    const oid = 'a'.repeat(64);
    const p = encodeLfsPointer(oid, 123);
    expect(p.toString()).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 123\n`);
    expect(parseLfsPointer(p)).toEqual({ oid, size: 123 });
    expect(parseLfsPointer(Buffer.from(p.toString().trimEnd()))).toBeUndefined();
    expect(parseLfsPointer(Buffer.from('hello\n'))).toBeUndefined();
    expect(parseLfsPointer(Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${'g'.repeat(64)}\nsize 1\n`))).toBeUndefined();
    expect(parseLfsPointer(Buffer.concat([p, Buffer.alloc(2000, 0x20)]))).toBeUndefined();
  });
});

describe('the .gitattributes section', () => {
  it('names each path so that it reads back the same, and is taken out byte for byte', () => {
    for (const existing of [undefined, Buffer.from('*.txt text\n'), Buffer.from('*.txt text'), Buffer.from('# only a comment\n\n')]) {
      const built = buildAttributes(existing, ODD);
      expect(attributesLfsPaths(built).sort()).toEqual([...ODD].sort());
      const stripped = stripAttributes(built);
      expect(stripped.found).toBe(true);
      expect(stripped.content).toEqual(existing);
    }
    // A file the bridge did not write is left alone.
    const own = Buffer.from('*.psd filter=lfs diff=lfs merge=lfs -text\n');
    expect(stripAttributes(own)).toEqual({ content: own, found: false });
  });

  it.skipIf(!hasGit)('is read by git as naming exactly those paths', () => {
    const work = join(base, 'repo');
    mkdirSync(work);
    runGit(work, ['init', '--quiet']);
    writeFileSync(join(work, '.gitattributes'), buildAttributes(Buffer.from('*.txt text\n'), ODD));
    const others = ['plain.bin2', 'with space/big', 'starXname1.bin', 'deep/a/b/c.bin.old', 'other.txt'];
    const r = runGit(work, ['check-attr', '-z', 'filter', '--stdin'], { input: [...ODD, ...others].join('\0') });
    const fields = r.stdout.split('\0');
    const got = new Map<string, string>();
    for (let i = 0; i + 2 < fields.length; i += 3) got.set(fields[i] as string, fields[i + 2] as string);
    for (const p of ODD) expect([p, got.get(p)]).toEqual([p, 'lfs']);
    for (const p of others) expect([p, got.get(p)]).toEqual([p, 'unspecified']);
  });
});

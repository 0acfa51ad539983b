/**
 * The pure cores of `restore`: the include/exclude path filter, the overwrite policy and the quoting
 * of paths for human output.
 */
import { describe, expect, it } from 'vitest';
import { afterCompare, decideDirectory, decideEntry, type DiskState, type WantedEntry } from '../../../porcelain/core/overwrite-policy.js';
import { createPathFilter } from '../../../porcelain/core/path-filter.js';
import { quotePath } from '../../../porcelain/core/quote-path.js';

describe('path filter', () => {
  it('selects everything without patterns', () => {
    const f = createPathFilter();
    expect(f.restricted).toBe(false);
    expect(f.selects('a/b.txt', false)).toBe(true);
    expect(f.selects('a', true)).toBe(true);
    expect(f.excludes('a/b.txt', false)).toBe(false);
  });

  it('exclude patterns use gitignore syntax and cover what is inside a matching folder', () => {
    const f = createPathFilter({ exclude: ['build/', '*.log', '/top.txt'] });
    expect(f.excludes('build', true)).toBe(true);
    expect(f.excludes('build/x/y.o', false)).toBe(true);
    expect(f.excludes('src/build', true)).toBe(true);
    expect(f.excludes('build', false)).toBe(false); // a file named build is not the folder pattern
    expect(f.excludes('deep/a.log', false)).toBe(true);
    expect(f.excludes('top.txt', false)).toBe(true);
    expect(f.excludes('sub/top.txt', false)).toBe(false);
    expect(f.selects('src/main.c', false)).toBe(true);
  });

  it('include patterns select matching paths and everything in matching folders; exclusion wins', () => {
    const f = createPathFilter({ include: ['*.png', 'docs/'], exclude: ['docs/private/'] });
    expect(f.restricted).toBe(true);
    expect(f.selects('a.png', false)).toBe(true);
    expect(f.selects('art/tex/a.png', false)).toBe(true);
    expect(f.selects('art/b.psd', false)).toBe(false);
    expect(f.selects('art', true)).toBe(false);
    expect(f.selects('docs', true)).toBe(true);
    expect(f.selects('docs/guide/x.md', false)).toBe(true);
    expect(f.selects('docs/private/key.md', false)).toBe(false);
    expect(f.excludes('docs/private', true)).toBe(true);
  });

  it('negated patterns re-include', () => {
    const f = createPathFilter({ exclude: ['*.tmp', '!keep.tmp'] });
    expect(f.excludes('a.tmp', false)).toBe(true);
    expect(f.excludes('keep.tmp', false)).toBe(false);
  });

  it('refuses empty patterns and comments', () => {
    expect(() => createPathFilter({ include: [''] })).toThrow(/--include/);
    expect(() => createPathFilter({ exclude: ['# x'] })).toThrow(/--exclude/);
  });
});

describe('overwrite policy', () => {
  const file: WantedEntry = { type: 'file', size: 10, mode: 0o644, mtime: 1_000_000 };
  const link: WantedEntry = { type: 'symlink', size: 5, mtime: 1_000_000 };
  const dir: WantedEntry = { type: 'directory', mode: 0o755, mtime: 1_000_000 };
  const disk = (over: Partial<DiskState> = {}): DiskState => ({ kind: 'file', size: 10, mode: 0o644, mtime: 1_000_000, ...over });

  it('creates what is missing in every mode', () => {
    for (const mode of ['always', 'if-changed', 'if-newer', 'never'] as const) {
      expect(decideEntry(file, undefined, mode)).toEqual({ action: 'create' });
      expect(decideDirectory(dir, undefined, mode)).toEqual({ action: 'create' });
    }
  });

  it('if-changed: equal size and mtime is unchanged; other mode is metadata; other size is changed; same size other mtime is compared', () => {
    expect(decideEntry(file, disk(), 'if-changed')).toEqual({ action: 'keep', reason: 'unchanged' });
    expect(decideEntry(file, disk({ mode: 0o600 }), 'if-changed')).toEqual({ action: 'metadata' });
    expect(decideEntry(file, disk({ size: 11 }), 'if-changed')).toEqual({ action: 'replace', reason: 'changed' });
    expect(decideEntry(file, disk({ mtime: 5 }), 'if-changed')).toEqual({ action: 'compare' });
    expect(decideEntry(file, disk({ kind: 'symlink' }), 'if-changed')).toEqual({ action: 'replace', reason: 'type' });
    expect(decideEntry(file, disk({ kind: 'directory' }), 'if-changed')).toEqual({ action: 'replace', reason: 'type' });
    expect(decideEntry(link, disk({ kind: 'symlink', size: 5 }), 'if-changed')).toEqual({ action: 'compare' });
    expect(decideEntry({ ...file, type: 'executable', mode: 0o755 }, disk({ mode: 0o755 }), 'if-changed')).toEqual({ action: 'keep', reason: 'unchanged' });
  });

  it('after a comparison: equal content only needs metadata, other content is replaced', () => {
    expect(afterCompare(file, disk({ mtime: 5 }), true, 'if-changed')).toEqual({ action: 'metadata' });
    expect(afterCompare(file, disk({ mtime: 5 }), false, 'if-changed')).toEqual({ action: 'replace', reason: 'changed' });
    expect(afterCompare(link, disk({ kind: 'symlink', size: 5 }), true, 'if-changed')).toEqual({ action: 'keep', reason: 'unchanged' });
    expect(afterCompare(file, disk({ mtime: 5 }), false, 'if-newer')).toEqual({ action: 'replace', reason: 'older' });
  });

  it('always replaces, never keeps', () => {
    expect(decideEntry(file, disk(), 'always')).toEqual({ action: 'replace', reason: 'always' });
    expect(decideEntry(file, disk({ kind: 'other' }), 'always')).toEqual({ action: 'replace', reason: 'type' });
    expect(decideEntry(file, disk({ size: 1 }), 'never')).toEqual({ action: 'keep', reason: 'exists' });
    expect(decideDirectory(dir, disk(), 'never')).toEqual({ action: 'keep', reason: 'exists' });
  });

  it('if-newer replaces only what is older on disk', () => {
    expect(decideEntry(file, disk({ mtime: 2_000_000, size: 1 }), 'if-newer')).toEqual({ action: 'keep', reason: 'newer' });
    expect(decideEntry(file, disk({ mtime: 1_000_000, size: 1 }), 'if-newer')).toEqual({ action: 'keep', reason: 'newer' });
    expect(decideEntry(file, disk({ mtime: 5, size: 1 }), 'if-newer')).toEqual({ action: 'replace', reason: 'older' });
    expect(decideEntry(file, disk({ mtime: 5 }), 'if-newer')).toEqual({ action: 'compare' });
    expect(decideDirectory(dir, disk({ mtime: 5 }), 'if-newer')).toEqual({ action: 'replace', reason: 'type' });
    expect(decideDirectory(dir, disk({ mtime: 2_000_000 }), 'if-newer')).toEqual({ action: 'keep', reason: 'newer' });
  });

  it('folders are entered; their metadata is fixed only by always and if-changed', () => {
    const d = (over: Partial<DiskState> = {}) => disk({ kind: 'directory', size: 4096, mode: 0o755, ...over });
    expect(decideDirectory(dir, d(), 'if-changed')).toEqual({ action: 'enter', metadataDiffers: false });
    expect(decideDirectory(dir, d({ mode: 0o700 }), 'if-changed')).toEqual({ action: 'enter', metadataDiffers: true });
    expect(decideDirectory(dir, d({ mtime: 1 }), 'always')).toEqual({ action: 'enter', metadataDiffers: true });
    expect(decideDirectory(dir, d({ mtime: 1 }), 'never')).toEqual({ action: 'enter', metadataDiffers: false });
    expect(decideDirectory(dir, d({ mtime: 1 }), 'if-newer')).toEqual({ action: 'enter', metadataDiffers: false });
    expect(decideDirectory(dir, d({ kind: 'symlink' }), 'if-changed')).toEqual({ action: 'replace', reason: 'type' });
  });
});

describe('quotePath', () => {
  it('leaves printable UTF-8 alone', () => {
    expect(quotePath('src/a b.txt')).toBe('src/a b.txt');
    expect(quotePath('ünïcødé/日本.txt')).toBe('ünïcødé/日本.txt');
  });

  it('quotes control characters, bytes that are not UTF-8 and a leading quote', () => {
    expect(quotePath('new\nline')).toBe('"new\\nline"');
    expect(quotePath('tab\there')).toBe('"tab\\there"');
    expect(quotePath(Buffer.from([0x66, 0xff, 0x2e, 0x74]))).toBe('"f\\xff.t"');
    expect(quotePath('"quoted"')).toBe('"\\"quoted\\""');
    expect(quotePath('a\\b\n')).toBe('"a\\\\b\\n"');
    expect(quotePath(Buffer.from([0xc2, 0x85]))).toBe('"\\xc2\\x85"'); // U+0085, a C1 control
    expect(quotePath(Buffer.from([0xed, 0xa0, 0x80]))).toBe('"\\xed\\xa0\\x80"'); // a surrogate is not UTF-8
    expect(quotePath(Buffer.concat([Buffer.from('ü\n'), Buffer.from([0xe2, 0x82])]))).toBe('"ü\\n\\xe2\\x82"');
  });
});

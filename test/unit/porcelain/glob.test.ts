/** The `find` glob matcher: names and paths, wildcards, sets, braces, globstar, folders, errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StrataError } from '../../../plumbing/index.js';
import { compileGlob } from '../../../porcelain/index.js';

const matches = (pattern: string, path: string): boolean => compileGlob(pattern).test(path);

describe('compileGlob', () => {
  it('a pattern without / matches the last name at any depth', () => {
    expect(matches('*.psd', 'hero.psd')).toBe(true);
    expect(matches('*.psd', 'art/chars/hero.psd')).toBe(true);
    expect(matches('*.psd', 'art/hero.psd.bak')).toBe(false);
    expect(matches('hero.*', 'a/b/hero.png')).toBe(true);
  });

  it('a pattern with / matches whole paths from the root (a leading / is allowed)', () => {
    expect(matches('art/*.png', 'art/a.png')).toBe(true);
    expect(matches('art/*.png', 'x/art/a.png')).toBe(false);
    expect(matches('art/*.png', 'art/sub/a.png')).toBe(false);
    expect(matches('/notes.txt', 'notes.txt')).toBe(true);
    expect(matches('/notes.txt', 'docs/notes.txt')).toBe(false);
  });

  it('** matches any number of folders, including none', () => {
    expect(matches('art/**', 'art/a.png')).toBe(true);
    expect(matches('art/**', 'art/x/y/z.png')).toBe(true);
    expect(matches('**/v1/*.png', 'v1/a.png')).toBe(true);
    expect(matches('**/v1/*.png', 'a/b/v1/c.png')).toBe(true);
    expect(matches('**/v1/*.png', 'a/b/v2/c.png')).toBe(false);
  });

  it('?, sets, negated sets, ranges, braces and escapes', () => {
    expect(matches('level?.txt', 'level7.txt')).toBe(true);
    expect(matches('level?.txt', 'level10.txt')).toBe(false);
    expect(matches('v[0-9].png', 'v3.png')).toBe(true);
    expect(matches('v[!0-9].png', 'v3.png')).toBe(false);
    expect(matches('v[!0-9].png', 'vx.png')).toBe(true);
    expect(matches('*.{psd,png}', 'a/b.png')).toBe(true);
    expect(matches('*.{psd,png}', 'a/b.jpg')).toBe(false);
    expect(matches('\\*.txt', '*.txt')).toBe(true);
    expect(matches('\\*.txt', 'a.txt')).toBe(false);
  });

  it('* stays within one name; names starting with . match like any other; case matters', () => {
    expect(matches('art/*', 'art/x/y')).toBe(false);
    expect(matches('*.cfg', '.hidden/.game.cfg')).toBe(true);
    expect(matches('*.PSD', 'hero.psd')).toBe(false);
  });

  it('a trailing / marks a pattern for folders', () => {
    expect(compileGlob('build/').folders).toBe(true);
    expect(compileGlob('build').folders).toBe(false);
    expect(compileGlob('build/').test('build')).toBe(true);
  });

  it('rejects an empty pattern and empty names between slashes', () => {
    for (const bad of ['', '/', 'a//b']) {
      expect(() => compileGlob(bad), bad).toThrow(StrataError);
    }
  });

  it('never backtracks exponentially', () => {
    const started = Date.now();
    expect(matches('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    expect(matches('**/**/**/**/**/x', Array.from({ length: 200 }, () => 'd').join('/'))).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a literal name matches exactly itself (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9_.-]{1,12}$/), fc.stringMatching(/^[a-z0-9_.-]{1,12}$/), (name, other) => {
        expect(matches(name, `dir/${name}`)).toBe(true);
        expect(matches(name, `dir/${other}`)).toBe(name === other);
      }),
    );
  });
});

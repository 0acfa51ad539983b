import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalEncode } from '../../../plumbing/format/canonical-json.js';
import { FormatError } from '../../../plumbing/format/format-error.js';
import { decodeTree, encodeTree, type TreeEntry } from '../../../plumbing/format/tree.js';

const ID = 'a'.repeat(64);
const file = (name: string | Buffer, extra: Partial<TreeEntry> = {}): TreeEntry => ({
  name: typeof name === 'string' ? Buffer.from(name) : name,
  type: 'file',
  id: ID,
  size: 3,
  mode: 0o644,
  mtime: 1_700_000_000_000,
  ...extra,
});

function rawTree(entries: unknown[]): Buffer {
  return canonicalEncode({ entries });
}

describe('tree objects', () => {
  it('round-trips every entry type, sorted by name bytes', () => {
    const entries: TreeEntry[] = [
      file('b.txt'),
      { name: Buffer.from('tools'), type: 'directory', id: ID, mode: 0o755, mtime: 5 },
      { name: Buffer.from('link'), type: 'symlink', id: ID, size: 7, mtime: -5 },
      file('run.sh', { type: 'executable', mode: 0o755 }),
      file('B.txt'),
      file(Buffer.from([0x66, 0xff, 0x6f])),
    ];
    const body = encodeTree(entries);
    const back = decodeTree(body);
    expect(back.entries.map((e) => e.name.toString('latin1'))).toEqual(['B.txt', 'b.txt', 'f\xffo', 'link', 'run.sh', 'tools']);
    expect(encodeTree(back.entries).equals(body)).toBe(true);
    expect(body.toString()).toContain('"rawName":"Zv9v"');
  });

  it('rejects unsafe or invalid names on write and on read', () => {
    for (const name of ['', '.', '..', 'a/b', 'nul\0byte', 'x'.repeat(256)]) {
      expect(() => encodeTree([file(name)]), JSON.stringify(name)).toThrow(FormatError);
      const crafted = rawTree([{ id: ID, mode: 420, mtime: 0, name, size: 3, type: 'file' }]);
      expect(() => decodeTree(crafted), JSON.stringify(name)).toThrow(FormatError);
    }
  });

  it('rejects duplicates, bad order, and inconsistent types', () => {
    expect(() => encodeTree([file('a'), file('a')])).toThrow(/two entries/);
    const unsorted = rawTree([
      { id: ID, mode: 420, mtime: 0, name: 'b', size: 1, type: 'file' },
      { id: ID, mode: 420, mtime: 0, name: 'a', size: 1, type: 'file' },
    ]);
    expect(() => decodeTree(unsorted)).toThrow(/order/);
    const dup = rawTree([
      { id: ID, mode: 420, mtime: 0, name: 'a', size: 1, type: 'file' },
      { id: ID, mode: 493, mtime: 0, name: 'a', type: 'directory' },
    ]);
    expect(() => decodeTree(dup)).toThrow(FormatError);
    expect(() => encodeTree([file('x', { mode: 0o755 })])).toThrow(/executable/);
    expect(() => decodeTree(rawTree([{ id: ID, mode: 420, mtime: 0, name: 'l', size: 1, type: 'symlink' }]))).toThrow(FormatError);
    expect(() => decodeTree(rawTree([{ id: ID, mtime: 0, name: 'd', type: 'directory' }]))).toThrow(FormatError);
    expect(() => decodeTree(rawTree([{ id: ID, mode: 420, mtime: 0, name: 'x', rawName: 'eA==', size: 1, type: 'file' }]))).toThrow(FormatError);
    // a valid UTF-8 name must not be hidden in rawName (two encodings of one tree)
    expect(() => decodeTree(rawTree([{ id: ID, mode: 420, mtime: 0, rawName: 'eA==', size: 1, type: 'file' }]))).toThrow(/valid UTF-8/);
    expect(() => decodeTree(rawTree([{ extra: 1, id: ID, mode: 420, mtime: 0, name: 'x', size: 1, type: 'file' }]))).toThrow(FormatError);
  });

  it('property: any set of valid names round-trips and the bytes do not depend on input order', () => {
    const nameBytes = fc
      .uint8Array({ minLength: 1, maxLength: 20 })
      .filter((b) => !b.includes(0) && !b.includes(0x2f) && !(b.length <= 2 && b.every((x) => x === 0x2e)));
    fc.assert(
      fc.property(fc.uniqueArray(nameBytes, { maxLength: 12, selector: (b) => Buffer.from(b).toString('hex') }), (names) => {
        const entries = names.map((n) => file(Buffer.from(n)));
        const body = encodeTree(entries);
        expect(encodeTree([...entries].reverse()).equals(body)).toBe(true);
        const back = decodeTree(body);
        expect(back.entries.map((e) => e.name.toString('hex')).sort()).toEqual(names.map((n) => Buffer.from(n).toString('hex')).sort());
      }),
      { numRuns: 200 },
    );
  });
});

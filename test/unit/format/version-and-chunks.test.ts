import { describe, expect, it } from 'vitest';
import { canonicalEncode } from '../../../plumbing/format/canonical-json.js';
import { decodeChunkList, encodeChunkList } from '../../../plumbing/format/chunk-list.js';
import { FormatError } from '../../../plumbing/format/format-error.js';
import { refNameProblem, parseRefValue } from '../../../plumbing/format/ref-name.js';
import { decodeVersion, encodeVersion } from '../../../plumbing/format/version.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('version objects', () => {
  it('fills defaults, sorts and de-duplicates tags, keeps parent order', () => {
    const body = encodeVersion({ tree: A, parents: [B, A], time: 1000, tags: ['z', 'a', 'z'] });
    expect(body.toString()).toBe(
      `{"description":"","meta":{},"milestone":false,"name":"","parents":["${B}","${A}"],"tags":["a","z"],"time":1000,"tree":"${A}"}`,
    );
    expect(decodeVersion(body).parents).toEqual([B, A]);
  });

  it('rejects unsorted tags, repeated parents, unknown fields and fractional times', () => {
    const base = { description: '', meta: {}, milestone: false, name: '', parents: [], tags: [], time: 1, tree: A };
    expect(() => decodeVersion(canonicalEncode({ ...base, tags: ['b', 'a'] }))).toThrow(/sorted/);
    expect(() => decodeVersion(canonicalEncode({ ...base, parents: [B, B] }))).toThrow(/twice/);
    expect(() => decodeVersion(canonicalEncode({ ...base, author: 'x' }))).toThrow(FormatError);
    expect(() => decodeVersion(Buffer.from(canonicalEncode(base).toString().replace('"time":1', '"time":1.5')))).toThrow(FormatError);
    expect(() => encodeVersion({ tree: 'xyz', time: 1 })).toThrow(FormatError);
  });
});

describe('chunk lists', () => {
  it('records chunk ids and sizes and the total', () => {
    const body = encodeChunkList([
      { id: A, size: 10 },
      { id: B, size: 5 },
    ]);
    expect(body.toString()).toBe(`{"chunks":[{"id":"${A}","size":10},{"id":"${B}","size":5}],"size":15}`);
    expect(decodeChunkList(body).size).toBe(15);
  });

  it('enforces the one-chunk rule and the total', () => {
    expect(() => encodeChunkList([{ id: A, size: 10 }])).toThrow(FormatError);
    expect(() => decodeChunkList(canonicalEncode({ chunks: [{ id: A, size: 1 }, { id: B, size: 1 }], size: 3 }))).toThrow(/add up/);
    expect(() => decodeChunkList(canonicalEncode({ chunks: [{ id: A, size: 0 }, { id: B, size: 1 }], size: 1 }))).toThrow(FormatError);
  });
});

describe('ref names and ref files', () => {
  it('accepts git-style names', () => {
    for (const ok of ['HEAD', 'refs/heads/main', 'refs/tags/v1.0', 'refs/game/feedback', `refs/versions/${A}`]) {
      expect(refNameProblem(ok), ok).toBeUndefined();
    }
  });
  it('rejects bad names', () => {
    for (const bad of ['main', 'refs/', 'refs/heads/', 'refs//x', 'refs/a..b', 'refs/.hidden', 'refs/x.lock', 'refs/a b', 'refs/a~1', 'refs/a^', 'refs/a:b', 'refs/x.', 'refs/a@{1}', 'refs/a\\b']) {
      expect(refNameProblem(bad), bad).toBeDefined();
    }
  });
  it('parses direct and symbolic ref files and nothing else', () => {
    expect(parseRefValue(`${A}\n`)).toEqual({ kind: 'direct', id: A });
    expect(parseRefValue('ref: refs/heads/main\n')).toEqual({ kind: 'symbolic', target: 'refs/heads/main' });
    for (const bad of [A, `${A.toUpperCase()}\n`, 'ref: main\n', 'ref: HEAD\n', '', `${A}\n\n`]) expect(parseRefValue(bad), bad).toBeUndefined();
  });
});

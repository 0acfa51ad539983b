/**
 * objects-spec.md's worked examples are part of the contract: every example block is parsed out of
 * the spec and recomputed here byte for byte, and each is also rebuilt from plain values with the
 * encoders, so the spec and the code cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  FastCdcChunker,
  RepoConfig,
  computeObjectId,
  decodeObject,
  encodeChunkList,
  encodeTree,
  encodeVersion,
  parseObject,
  type TreeEntry,
} from '../../plumbing/index.js';
import { configFromOptions } from '../../plumbing/ops/init.js';
import { serializeConfig } from '../../plumbing/store/repository.js';

interface Example {
  kind: string;
  id?: string;
  encoding?: string;
  text: string;
}

const spec = readFileSync(resolve(__dirname, '../../objects-spec.md'), 'utf8');

function examples(): Example[] {
  const out: Example[] = [];
  const re = /```example ([^\n]*)\n([\s\S]*?)\n?```/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(spec)) !== null) {
    const attrs = Object.fromEntries((m[1] as string).trim().split(/\s+/).map((kv) => kv.split('=') as [string, string]));
    out.push({ kind: attrs.kind as string, id: attrs.id, encoding: attrs.encoding, text: m[2] as string });
  }
  return out;
}

const all = examples();
const bodyOf = (e: Example): Buffer => (e.encoding === 'hex' ? Buffer.from(e.text.trim(), 'hex') : Buffer.from(e.text, 'utf8'));
const find = (kind: string, index = 0): Example => {
  const e = all.filter((x) => x.kind === kind)[index];
  if (!e) throw new Error(`no ${kind} example #${index}`);
  return e;
};

describe('objects-spec.md worked examples', () => {
  it('has an example of every kind', () => {
    expect(new Set(all.map((e) => e.kind))).toEqual(new Set(['blob', 'blob-stream', 'chunks', 'tree', 'version', 'config']));
  });

  for (const [i, e] of all.entries()) {
    if (e.kind === 'config' || e.kind === 'blob-stream') continue;
    it(`example ${i} (${e.kind} ${e.id?.slice(0, 12)}): id, header and canonical form`, () => {
      const body = bodyOf(e);
      expect(computeObjectId(e.kind as 'blob', body)).toBe(e.id);
      const parsed = parseObject({ kind: e.kind as 'blob', body });
      expect(parsed.kind).toBe(e.kind);
    });
  }

  it('the level-0 stream of the blob inflates to the object and hashes to its id', () => {
    const e = find('blob-stream');
    const raw = decodeObject(inflateSync(Buffer.from(e.text.trim(), 'hex')));
    expect(raw.kind).toBe('blob');
    expect(raw.body.toString()).toBe('hello, strata\n');
    expect(computeObjectId(raw.kind, raw.body)).toBe(e.id);
  });

  it('the chunk list is what FastCDC 4096/16384/65535 makes of SekienAkashita.jpg', () => {
    const img = readFileSync(resolve(__dirname, '../fixtures/fastcdc/SekienAkashita.jpg'));
    const chunker = new FastCdcChunker({ minSize: 4096, avgSize: 16384, maxSize: 65535, normalization: 1 });
    const refs = chunker.chunkData(img).map((c) => ({ id: computeObjectId('blob', c), size: c.length }));
    const body = encodeChunkList(refs);
    expect(body.toString()).toBe(find('chunks').text);
    expect(computeObjectId('chunks', body)).toBe(find('chunks').id);
  });

  it('the trees are what the encoder makes of the described entries', () => {
    const hello = find('blob', 0).id as string;
    const empty = find('blob', 1).id as string;
    const docs: TreeEntry[] = [{ name: Buffer.from('notes.txt'), type: 'file', id: empty, size: 0, mode: 0o600, mtime: 1795435200000 }];
    expect(encodeTree(docs).toString()).toBe(find('tree', 0).text);
    const link = Buffer.from('docs/notes.txt');
    const root: TreeEntry[] = [
      { name: Buffer.from('hello.txt'), type: 'file', id: hello, size: 14, mode: 0o644, mtime: 1795435200000 },
      { name: Buffer.from('build.sh'), type: 'executable', id: hello, size: 14, mode: 0o755, mtime: 1795435200123 },
      { name: Buffer.from('latest'), type: 'symlink', id: computeObjectId('blob', link), size: link.length, mtime: 1795435200000 },
      { name: Buffer.from('docs'), type: 'directory', id: find('tree', 0).id as string, mode: 0o755, mtime: 1795435200000 },
      { name: Buffer.from([0x63, 0x61, 0x66, 0xe9]), type: 'file', id: empty, size: 0, mode: 0o644, mtime: -1000 },
      { name: Buffer.from('Ünïcode.txt'), type: 'file', id: empty, size: 0, mode: 0o644, mtime: 0 },
    ];
    expect(encodeTree(root).toString()).toBe(find('tree', 1).text);
  });

  it('the versions are what the encoder makes of the described fields', () => {
    const v1 = encodeVersion({ tree: find('tree', 1).id as string, time: 1795435200000, name: 'first', description: 'first state of the project', tags: ['wip'] });
    expect(v1.toString()).toBe(find('version', 0).text);
    const v2 = encodeVersion({
      tree: find('tree', 0).id as string,
      parents: [find('version', 0).id as string],
      time: 1795438800000,
      description: 'only the docs\nsecond line',
      tags: ['review', 'art'],
      milestone: true,
      meta: { host: 'studio-3', 'build.type': 'nightly' },
    });
    expect(v2.toString()).toBe(find('version', 1).text);
  });

  it('the config is what init writes for those chunk sizes', () => {
    const config = configFromOptions({ minChunk: 4096, avgChunk: 16384, maxChunk: 65535 });
    expect(serializeConfig(config)).toBe(`${find('config').text}\n`);
    expect(RepoConfig.parse(JSON.parse(find('config').text))).toEqual(config);
  });
});

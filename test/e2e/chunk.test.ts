import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobId, noRepositoryAbove, ok, removeTempDirs, sha256, storedObjectIds, strataAll, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const FIXTURES = fileURLToPath(new URL('../fixtures/fastcdc/', import.meta.url));
const SHARED = '/work/shared/conformance/fastcdc/';

interface VectorCase {
  input: string;
  minSize: number;
  avgSize: number;
  maxSize: number;
  normalization: number;
  chunks: Array<{ offset: number; length: number; sha256: string }>;
}

/** The fixture file, copied from the shared conformance folder when the repository lacks it. */
function fixture(name: string): string {
  const path = join(FIXTURES, name);
  if (!existsSync(path) && existsSync(join(SHARED, name))) {
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync(join(SHARED, name), path);
  }
  return path;
}

describe('chunk', () => {
  let image: Buffer;
  let imagePath: string;
  let first: VectorCase;
  let cwd: string;

  beforeAll(() => {
    const vectors = JSON.parse(readFileSync(fixture('vectors.json'), 'utf8')) as { cases: VectorCase[] };
    first = vectors.cases[0] as VectorCase;
    imagePath = fixture(first.input);
    image = readFileSync(imagePath);
    cwd = tempDir('chunk');
  });

  it('the first conformance case is SekienAkashita.jpg with 4096 / 16384 / 65535', () => {
    expect(first).toMatchObject({ input: 'SekienAkashita.jpg', minSize: 4096, avgSize: 16384, maxSize: 65535, normalization: 1 });
    expect(image.length).toBe(109_466);
    expect(first.chunks.reduce((n, c) => n + c.length, 0)).toBe(image.length);
  });

  it('prints "<offset> <length> <id>" lines with exactly the reference boundaries and blob ids; --json; K suffixes', async () => {
    expect(noRepositoryAbove(cwd)).toBe(true);
    const [r, json] = await strataAll([
      [['chunk', imagePath, '--min', '4096', '--avg', '16384', '--max', '65535'], { cwd }],
      [['chunk', imagePath, '--min', '4K', '--avg', '16K', '--max', '65535', '--json'], { cwd }],
    ]);
    expect(r!.code).toBe(0);
    expect(r!.stderr).toBe('');
    const expected = first.chunks.map((c) => {
      const bytes = image.subarray(c.offset, c.offset + c.length);
      expect(sha256(bytes)).toBe(c.sha256);
      return `${c.offset} ${c.length} ${blobId(bytes)}`;
    });
    expect(r!.stdout).toBe(`${expected.join('\n')}\n`);
    expect(json!.code).toBe(0);
    expect(JSON.parse(json!.stdout)).toEqual({
      file: imagePath,
      size: image.length,
      chunking: { algorithm: 'fastcdc-2020', minSize: 4096, avgSize: 16384, maxSize: 65535, normalization: 1 },
      chunks: first.chunks.map((c) => ({ offset: c.offset, length: c.length, id: blobId(image.subarray(c.offset, c.offset + c.length)) })),
      // Outside a repository, a new repository's per-format chunking applies (a JPEG is not a zip).
      formatChunking: { zip: { strategy: 'zip-members', groupBelow: 65536 } },
      explanation: { strategy: 'generic', reason: 'the content is not zip' },
      summary: {
        count: first.chunks.length,
        minSize: Math.min(...first.chunks.map((c) => c.length)),
        maxSize: Math.max(...first.chunks.map((c) => c.length)),
        avgSize: Math.round(image.length / first.chunks.length),
      },
    });
  });

  it('uses the repository\'s parameters by default, stores nothing, and agrees with hash-object', () => {
    const repo = join(cwd, 'repo');
    ok(['init', '--repo', repo, '--min-chunk', '4096', '--avg-chunk', '16384', '--max-chunk', '65535']);
    const lines = ok(['chunk', imagePath, '--repo', repo]).split('\n');
    expect(lines.map((l) => l.split(' ').slice(0, 2).map(Number))).toEqual(first.chunks.map((c) => [c.offset, c.length]));
    expect(storedObjectIds(repo)).toEqual([]);
    const fileId = ok(['hash-object', '-w', imagePath, '--repo', repo]);
    const listed = ok(['cat-file', '-p', fileId, '--repo', repo]).split('\n');
    expect(listed.slice(0, -1)).toEqual(lines.map((l) => `${l.split(' ')[2]} ${l.split(' ')[1]}`));
    expect(listed.at(-1)).toBe(`total ${image.length} bytes in ${first.chunks.length} chunks`);
  });

  it('rejects a missing file and impossible parameters', async () => {
    const [missing, bad] = await strataAll([
      [['chunk', join(cwd, 'nope.bin')], { cwd }],
      [['chunk', imagePath, '--min', '65536', '--avg', '4096', '--max', '8192'], { cwd }],
    ]);
    expect(missing!.code).toBe(1);
    expect(missing!.stderr).toMatch(/^error\[FILE_NOT_FOUND\]/);
    expect(bad!.code).toBe(2);
    expect(bad!.stderr).toMatch(/^error\[INVALID_ARGUMENT\]: invalid chunking parameters/);
  });
});

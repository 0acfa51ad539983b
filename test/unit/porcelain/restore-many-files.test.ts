/**
 * A restore of many files through the library on TypeScript sources, where the writer threads cannot
 * start (their compiled worker file does not exist): the calling thread writes every file, with the
 * same results the threads give (test/e2e/porcelain-restore.test.ts covers them through the built CLI).
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriterThreads } from '../../../plumbing/index.js';
import { BackupEngine, restore } from '../../../porcelain/index.js';

const base = mkdtempSync(join(tmpdir(), 'strata-restore-many-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const MS = 1_700_000_000_123;
const MODES = [0o644, 0o755, 0o600, 0o444];

function blobId(content: Buffer): string {
  return createHash('sha256').update(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content])).digest('hex');
}

/** Every file below `dir` (but .strata): content hash, mode and mtime (ms). */
function files(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(dir, rel))) {
    if (rel === '' && name === '.strata') continue;
    const r = rel === '' ? name : `${rel}/${name}`;
    const st = lstatSync(join(dir, r), { bigint: true });
    if (st.isDirectory()) for (const [k, v] of files(dir, r)) out.set(k, v);
    else {
      const hash = createHash('sha256').update(readFileSync(join(dir, r))).digest('hex');
      out.set(r, `${hash} ${(Number(st.mode) & 0o7777).toString(8)} ${st.mtimeNs / 1_000_000n}`);
    }
  }
  return out;
}

describe('restore of many files on the calling thread', () => {
  it('damaged and missing objects are named with their codes; the other files are exact, with modes and mtimes', async () => {
    const project = join(base, 'project');
    const contents = new Map<string, Buffer>();
    for (let i = 0; i < 120; i++) contents.set(`d${i % 4}/f${i}.txt`, Buffer.concat([Buffer.from(`file ${i}\n`), randomBytes((i * 53) % 5000)]));
    let i = 0;
    for (const [rel, content] of contents) {
      mkdirSync(join(project, rel, '..'), { recursive: true });
      writeFileSync(join(project, rel), content);
      chmodSync(join(project, rel), MODES[i % MODES.length] as number);
      utimesSync(join(project, rel), (MS + i * 11 + 0.5) / 1000, (MS + i * 11 + 0.5) / 1000);
      i++;
    }
    const engine = await BackupEngine.initializeRepository({ dir: project });
    await engine.createSnapshot({ source: project });
    expect(FileWriterThreads.start(engine.repo)).toBeUndefined();

    const corrupt = 'd1/f5.txt';
    const missing = 'd2/f42.txt';
    const objectPath = (id: string): string => join(engine.repo.root, 'objects', id.slice(0, 2), id.slice(2));
    rmSync(objectPath(blobId(contents.get(corrupt) as Buffer)));
    writeFileSync(objectPath(blobId(contents.get(corrupt) as Buffer)), deflateSync(Buffer.from('blob 5\0wrong')));
    rmSync(objectPath(blobId(contents.get(missing) as Buffer)));

    const target = join(base, 'out');
    const r = await restore({ repo: engine.repo, source: 'main', target });
    expect(r.damaged.map((d) => ({ path: d.path, code: d.code, id: d.id }))).toEqual([
      { path: corrupt, code: 'OBJECT_CORRUPT', id: blobId(contents.get(corrupt) as Buffer) },
      { path: missing, code: 'OBJECT_MISSING', id: blobId(contents.get(missing) as Buffer) },
    ]);
    expect(r.written).toBe(contents.size - 2);
    const expected = files(project);
    expected.delete(corrupt);
    expected.delete(missing);
    expect(files(target)).toEqual(expected);
  });
});

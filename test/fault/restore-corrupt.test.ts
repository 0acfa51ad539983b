/**
 * Restoring a version whose objects are damaged or missing: the restore names the damaged paths,
 * restores everything else byte for byte, leaves no partial or temporary file, never replaces a file
 * on disk with damaged content, and exits 12 with RESTORE_INCOMPLETE. Each case damages a copy of one
 * real repository (made with `strata init` and `strata snapshot`) by flipping one byte of a stored
 * object file, or deleting it.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk, describeResult, makeTempDir, parseErrorLine, parseJsonLines, runCli, runCliAsync, type CliResult } from '../helpers/cli.js';
import { chooseSeed, makeRng, objectPath, randInt, randomBytesFrom, verifyObjectFile } from './_support.js';

interface Summary {
  written: number;
  damaged: Array<{ path: string; code: string; id?: string; message: string }>;
  failed: unknown[];
  complete: boolean;
}

/** Every path below a folder (folders with a trailing slash), `.strata` left out. */
function listAll(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel))) {
    if (rel === '' && name === '.strata') continue;
    const p = rel === '' ? name : `${rel}/${name}`;
    if (readdirSync(join(dir, rel), { withFileTypes: true }).find((d) => d.name === name)?.isDirectory()) {
      out.push(`${p}/`, ...listAll(dir, p));
    } else out.push(p);
  }
  return out.sort();
}

describe.concurrent('restore of a damaged version', () => {
  const seed = chooseSeed('restore-corrupt');
  const rng = makeRng(seed);
  const tmp = makeTempDir('strata-restore-corrupt-');
  const base = join(tmp.dir, 'base');
  const files: Record<string, Buffer> = {};
  const ids: Record<string, string> = {};

  beforeAll(() => {
    // Small chunks so that big.bin is a chunk list of many blobs.
    mkdirSync(base);
    files['small.txt'] = Buffer.from('a small file, one blob\n');
    files['docs/guide.md'] = Buffer.from('# guide\nsome words\n');
    files['docs/deep/note.txt'] = Buffer.from('deep note\n');
    files['assets/big.bin'] = randomBytesFrom(rng, 300 * 1024);
    files['assets/other.bin'] = randomBytesFrom(rng, 20 * 1024);
    files['zz-last.txt'] = Buffer.from('the last file\n');
    for (const [p, data] of Object.entries(files)) {
      mkdirSync(join(base, p, '..'), { recursive: true });
      writeFileSync(join(base, p), data);
    }
    const init = runCli(['init', '--min-chunk', '4K', '--avg-chunk', '16K', '--max-chunk', '64K'], { cwd: base });
    if (init.code !== 0) throw new Error(describeResult(init));
    const snap = runCli(['snapshot'], { cwd: base });
    if (snap.code !== 0) throw new Error(describeResult(snap));
    const repo = join(base, '.strata');
    const listing = JSON.parse(cliOk(repo, ['ls', 'main', '-r', '--json'])) as { entries: Array<{ path: string; id: string }> };
    for (const e of listing.entries) ids[e.path] = e.id;
    const chunks = JSON.parse(cliOk(repo, ['cat-file', '-p', ids['assets/big.bin'] as string, '--json'])) as { body: { chunks: Array<{ id: string }> } };
    expect(chunks.body.chunks.length).toBeGreaterThan(3);
    ids['a chunk of assets/big.bin'] = (chunks.body.chunks[randInt(rng, 0, chunks.body.chunks.length - 1)] as { id: string }).id;
    for (const id of Object.values(ids)) expect(verifyObjectFile(objectPath(repo, id), id).problem).toBeUndefined();
  });

  afterAll(() => tmp.cleanup());

  let copies = 0;
  /** A copy of the project and its repository with one object damaged: a byte flipped, or the file deleted. */
  function damaged(what: string, how: 'flip' | 'delete'): { dir: string; repo: string; id: string } {
    const dir = join(tmp.dir, `copy-${++copies}`);
    cpSync(base, dir, { recursive: true });
    const repo = join(dir, '.strata');
    const id = ids[what] as string;
    const path = objectPath(repo, id);
    if (how === 'delete') rmSync(path);
    else {
      chmodSync(path, 0o644);
      const bytes = readFileSync(path);
      // Inside the deflate data (past the 2-byte zlib header, before the last byte, whose padding bits
      // zlib ignores, and the 4-byte checksum): inflating or hashing must notice.
      const at = randInt(rng, 2, bytes.length - 6);
      bytes[at] = (bytes[at] as number) ^ 0x5a;
      writeFileSync(path, bytes);
      expect(verifyObjectFile(path, id).problem, `the flip at ${at} damages ${id}`).toBeDefined();
    }
    return { dir, repo, id };
  }

  function summaryOf(r: CliResult): Summary {
    const lines = r.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1] as string) as Summary;
  }

  /** Runs the restore, checks exit 12 and the one error line naming `paths`, returns the JSON summary. */
  async function restoreDamaged(dir: string, target: string, paths: string[], extra: string[] = []): Promise<Summary> {
    const human = await runCliAsync(['restore', 'main', target, ...extra], { cwd: dir });
    expect(human.code, describeResult(human)).toBe(12);
    const e = parseErrorLine(human.stderr);
    expect(e?.code, describeResult(human)).toBe('RESTORE_INCOMPLETE');
    for (const p of paths) expect(e?.message).toContain(p);
    expect(human.stderr).not.toMatch(/^\s+at /m);
    const json = await runCliAsync(['restore', 'main', target, '--json', ...extra], { cwd: dir });
    expect(json.code, describeResult(json)).toBe(12);
    const err = parseJsonLines(json.stderr).find((l) => l.message_type === 'error');
    expect(err).toMatchObject({ code: 'RESTORE_INCOMPLETE', exitCode: 12 });
    return summaryOf(json);
  }

  /** Every file but `skip` is in the target byte for byte, and no temporary file is left. */
  function expectRestExact(target: string, skip: string[]): void {
    for (const [p, data] of Object.entries(files)) {
      if (skip.some((s) => p === s || p.startsWith(`${s}/`))) continue;
      expect(readFileSync(join(target, p)).equals(data), p).toBe(true);
    }
    expect(listAll(target).filter((p) => /\.tmp$/.test(p))).toEqual([]);
  }

  it('a flipped byte in a small file\'s blob: that file is named, everything else is restored', async () => {
    const { dir, id } = damaged('docs/guide.md', 'flip');
    const target = join(dir, '..', `t-${copies}`);
    const s = await restoreDamaged(dir, target, ['docs/guide.md']);
    expect(s.damaged.map((d) => d.path)).toEqual(['docs/guide.md']);
    expect(s.damaged[0]).toMatchObject({ code: 'OBJECT_CORRUPT', id });
    expect(s.complete).toBe(false);
    expect(existsSync(join(target, 'docs/guide.md'))).toBe(false);
    expectRestExact(target, ['docs/guide.md']);
    // cat of the damaged file fails the same way; of another file it works.
    const cat = runCli(['cat', 'main:docs/guide.md'], { cwd: dir });
    expect(cat.code).toBe(12);
    expect(parseErrorLine(cat.stderr)?.code).toBe('OBJECT_CORRUPT');
    expect(runCli(['cat', 'main:small.txt'], { cwd: dir }).stdout).toBe('a small file, one blob\n');
  });

  it('a flipped byte in one chunk of a large file: the file is named, no partial file or temporary file is left', async () => {
    const { dir } = damaged('a chunk of assets/big.bin', 'flip');
    const target = join(dir, '..', `t-${copies}`);
    const s = await restoreDamaged(dir, target, ['assets/big.bin']);
    expect(s.damaged.map((d) => d.path)).toEqual(['assets/big.bin']);
    expect(existsSync(join(target, 'assets/big.bin'))).toBe(false);
    expectRestExact(target, ['assets/big.bin']);
  });

  it('the chunk list of a large file is missing', async () => {
    const { dir } = damaged('assets/big.bin', 'delete');
    const target = join(dir, '..', `t-${copies}`);
    const s = await restoreDamaged(dir, target, ['assets/big.bin']);
    expect(s.damaged).toMatchObject([{ path: 'assets/big.bin', code: 'OBJECT_MISSING' }]);
    expectRestExact(target, ['assets/big.bin']);
  });

  it("a folder's tree is damaged: the folder is named and nothing below it is guessed; the rest is restored", async () => {
    const { dir } = damaged('docs/deep', 'flip');
    const target = join(dir, '..', `t-${copies}`);
    const s = await restoreDamaged(dir, target, ['docs/deep']);
    expect(s.damaged.map((d) => d.path)).toEqual(['docs/deep']);
    expect(existsSync(join(target, 'docs/deep/note.txt'))).toBe(false);
    expectRestExact(target, ['docs/deep']);
  });

  it('a file on disk is never replaced by damaged content', async () => {
    const { dir } = damaged('zz-last.txt', 'flip');
    writeFileSync(join(dir, 'zz-last.txt'), 'edited on disk\n');
    writeFileSync(join(dir, 'small.txt'), 'edited too\n');
    const s = await restoreDamaged(dir, dir, ['zz-last.txt'], ['--force']);
    expect(s.damaged.map((d) => d.path)).toEqual(['zz-last.txt']);
    expect(readFileSync(join(dir, 'zz-last.txt'), 'utf8')).toBe('edited on disk\n');
    expect(readFileSync(join(dir, 'small.txt'), 'utf8')).toBe('a small file, one blob\n');
    expect(listAll(dir).filter((p) => /\.tmp$/.test(p))).toEqual([]);
  });

  it('several damaged files are all named; restoring only undamaged paths succeeds', async () => {
    const { dir, repo } = damaged('small.txt', 'flip');
    rmSync(objectPath(repo, ids['assets/other.bin'] as string));
    const target = join(dir, '..', `t-${copies}`);
    const s = await restoreDamaged(dir, target, ['small.txt', 'assets/other.bin']);
    expect(s.damaged.map((d) => d.path)).toEqual(['assets/other.bin', 'small.txt']);
    expectRestExact(target, ['small.txt', 'assets/other.bin']);
    const fine = await runCliAsync(['restore', 'main:docs', join(dir, '..', `t-${copies}-docs`)], { cwd: dir });
    expect(fine.code, describeResult(fine)).toBe(0);
  });
});

/**
 * Hostile trees: tree objects written straight into the object store (ids computed here) whose entries
 * break the format's name and order rules (objects-spec.md section 6.3). Checking them out must fail
 * with OBJECT_CORRUPT (exit 12) and must never write outside the target folder; ls-tree and fsck must
 * report them corrupt. Also: a symlink already in the target where the tree has a folder.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk, describeResult, initRepo, makeTempDir, parseErrorLine, runCliAsync, type CliResult } from '../helpers/cli.js';
import { canonicalJson, writeObjectFile } from './_support.js';

const MTIME = 1_700_000_000_000;

function noStack(r: CliResult): void {
  expect(r.stderr, describeResult(r)).not.toMatch(/^\s+at /m);
  expect(r.stderr.trim().split('\n').length, describeResult(r)).toBeLessThanOrEqual(2);
}

/** Every path under `dir` (relative), folders included, symlinks not followed. */
function listAll(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel === '' ? name : `${rel}/${name}`;
      out.push(r);
      const st = lstatSync(join(dir, r));
      if (st.isDirectory() && !st.isSymbolicLink()) walk(r);
    }
  };
  walk('');
  return out.sort();
}

describe.concurrent('crafted trees', () => {
  const tmp = makeTempDir('strata-crafted-');
  const repo = join(tmp.dir, 'repo');
  /** A folder outside every checkout target; nothing may ever appear in it. */
  const outside = join(tmp.dir, `outside-${randomBytes(4).toString('hex')}`);
  const escapeName = `escape-${randomBytes(4).toString('hex')}`;
  const payload = Buffer.from('pwned\n');
  let payloadBlob = '';
  let linkBlob = '';
  let subtree = '';
  let caseIds: string[] = [];
  let goodTree = '';
  let evilInner = '';
  let nestedRoot = '';

  const fileEntry = (name: Record<string, string>) => ({ ...name, type: 'file', id: payloadBlob, size: payload.length, mode: 0o644, mtime: MTIME });
  const dirEntry = (name: Record<string, string>) => ({ ...name, type: 'directory', id: subtree, mode: 0o755, mtime: MTIME });
  const linkEntry = (name: Record<string, string>) => ({ ...name, type: 'symlink', id: linkBlob, size: Buffer.byteLength(outside), mtime: MTIME });
  const tree = (entries: unknown[]) => writeObjectFile(repo, 'tree', Buffer.from(canonicalJson({ entries }), 'utf8'));

  beforeAll(() => {
    initRepo(repo);
    mkdirSync(outside);
    payloadBlob = writeObjectFile(repo, 'blob', payload);
    linkBlob = writeObjectFile(repo, 'blob', Buffer.from(outside));
    subtree = tree([fileEntry({ name: 'pwned.txt' })]);
    // Every object the tests use is written here, before any strata process runs: tests run at the
    // same time, and fsck must never see a file being written.
    caseIds = cases.map((c) => tree(c.entries()));
    goodTree = tree([dirEntry({ name: 'dir' }), linkEntry({ name: 'link' })]);
    evilInner = tree([dirEntry({ name: '..' })]);
    nestedRoot = tree([{ name: 'inner', type: 'directory', id: evilInner, mode: 0o755, mtime: MTIME }, fileEntry({ name: 'ok.txt' })]);
  });

  afterAll(() => tmp.cleanup());

  /** What nothing may touch: the outside folder stays empty and no stray file appears next to targets. */
  function expectNothingOutside(work: string, label: string): void {
    expect(readdirSync(outside), `${label}: the outside folder is untouched`).toEqual([]);
    expect(readdirSync(work).sort(), `${label}: nothing written next to the target`).toEqual(['target']);
    expect(existsSync(join(tmp.dir, escapeName)), `${label}: nothing escaped upward`).toBe(false);
    expect(existsSync(join(tmp.dir, 'pwned.txt')), label).toBe(false);
    expect(existsSync(join(tmp.dir, 'x')), label).toBe(false);
  }

  // Each case is the full entry list of one tree; every one of them breaks a rule of section 6.3.
  const cases: Array<{ what: string; entries: () => unknown[] }> = [
    { what: 'a folder named ".."', entries: () => [dirEntry({ name: '..' })] },
    { what: 'a folder named "."', entries: () => [dirEntry({ name: '.' })] },
    { what: 'a file named "a/b"', entries: () => [fileEntry({ name: 'a/b' })] },
    { what: `a file named "../${escapeName}"`, entries: () => [fileEntry({ name: `../${escapeName}` })] },
    { what: 'a file with an absolute name "/tmp/x"', entries: () => [fileEntry({ name: `${tmp.dir}/x` })] },
    { what: 'an empty name', entries: () => [fileEntry({ name: '' })] },
    { what: 'a name with a NUL byte "x\\u0000y"', entries: () => [fileEntry({ name: 'x\u0000y' })] },
    { what: 'a name longer than 255 bytes', entries: () => [fileEntry({ name: 'n'.repeat(256) })] },
    { what: 'rawName ".." (base64 "Li4=")', entries: () => [dirEntry({ rawName: Buffer.from('..').toString('base64') })] },
    {
      what: 'rawName of non-UTF-8 bytes with a slash ("\\xff/../x")',
      entries: () => [fileEntry({ rawName: Buffer.concat([Buffer.from([0xff]), Buffer.from('/../x')]).toString('base64') })],
    },
    {
      what: 'duplicate names: a symlink "a" -> the outside folder, then a folder "a" holding a file',
      entries: () => [linkEntry({ name: 'a' }), dirEntry({ name: 'a' })],
    },
    {
      what: 'duplicate names: a folder "a", then a symlink "a" -> the outside folder',
      entries: () => [dirEntry({ name: 'a' }), linkEntry({ name: 'a' })],
    },
    {
      what: 'entries out of order: "link" (symlink to the outside folder) before "a" (a folder)',
      entries: () => [linkEntry({ name: 'link' }), dirEntry({ name: 'a' })],
    },
    { what: 'two files with the same name', entries: () => [fileEntry({ name: 'same' }), fileEntry({ name: 'same' })] },
  ];

  it('the crafting itself is right: a well-formed crafted tree is accepted and checks out', async () => {
    const good = goodTree;
    const work = join(tmp.dir, 'case-good');
    mkdirSync(work);
    const r = await runCliAsync(['checkout-tree', good, join(work, 'target'), '--repo', repo]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(readFileSync(join(work, 'target', 'dir', 'pwned.txt'))).toEqual(payload);
    expect(readlinkSync(join(work, 'target', 'link'))).toBe(outside);
    expect(readdirSync(outside)).toEqual([]);
    expect((await runCliAsync(['ls-tree', good, '--repo', repo])).code).toBe(0);
    rmSync(work, { recursive: true, force: true });
  });

  it.each(cases.map((c, i) => [c.what, i] as const))('checkout of a tree with %s fails with OBJECT_CORRUPT and writes nothing outside', async (what, i) => {
    const id = caseIds[i] as string;
    const work = join(tmp.dir, `case-${i}`);
    mkdirSync(work);
    const target = join(work, 'target');
    const [co, ls] = await Promise.all([
      runCliAsync(['checkout-tree', id, target, '--repo', repo]),
      runCliAsync(['ls-tree', '-r', id, '--repo', repo]),
    ]);
    expect(co.code, `${what}\n${describeResult(co)}`).toBe(12);
    const err = parseErrorLine(co.stderr);
    expect(err?.code, describeResult(co)).toBe('OBJECT_CORRUPT');
    expect(err?.message).toContain(id);
    noStack(co);
    if (!existsSync(target)) mkdirSync(target);
    expectNothingOutside(work, what);
    expect(listAll(target), `${what}: nothing written from a corrupt tree`).toEqual([]);
    expect(ls.code, `ls-tree: ${describeResult(ls)}`).toBe(12);
    expect(parseErrorLine(ls.stderr)?.code).toBe('OBJECT_CORRUPT');
    expect(ls.stdout).toBe('');
    noStack(ls);
  });

  it('a crafted tree one level down: the check-out stops with OBJECT_CORRUPT and nothing is written outside', async () => {
    const evil = evilInner;
    const work = join(tmp.dir, 'case-nested');
    mkdirSync(work);
    const r = await runCliAsync(['checkout-tree', nestedRoot, join(work, 'target'), '--repo', repo]);
    expect(r.code, describeResult(r)).toBe(12);
    expect(parseErrorLine(r.stderr)?.code).toBe('OBJECT_CORRUPT');
    expect(r.stderr).toContain(evil);
    noStack(r);
    expectNothingOutside(work, 'nested');
    expect(listAll(join(work, 'target')).filter((p) => p.includes('pwned'))).toEqual([]);
  });

  it('fsck reports every crafted tree as corrupt (exit 12), named by a ref or dangling', async () => {
    const ids = caseIds;
    // Half named by tags, half dangling: both must be checked in full.
    const tagFile = (i: number) => join(repo, 'refs', 'tags', `crafted-${i}`);
    ids.forEach((id, i) => {
      if (i % 2 === 0) writeFileSync(tagFile(i), `${id}\n`);
    });
    const r = await runCliAsync(['fsck', '--repo', repo]);
    expect(r.code, describeResult(r)).toBe(12);
    for (const [i, id] of ids.entries()) {
      expect(r.stdout, `${(cases[i] as (typeof cases)[number]).what}\n${describeResult(r)}`).toMatch(new RegExp(`^corrupt ${id}`, 'm'));
    }
    for (const [i] of ids.entries()) rmSync(tagFile(i), { force: true });
  });

  describe('a symlink already in the target where the tree has a folder', async () => {
    let treeId = '';
    /** Its own repository, so that write-tree here never races with the fsck above. */
    const repo2 = join(tmp.dir, 'repo-symlinks');
    /** A second outside folder holding a file a symlink points at (the first must stay empty). */
    const outside2 = join(tmp.dir, `outside2-${randomBytes(4).toString('hex')}`);
    const victim = () => join(outside2, 'victim.txt');

    beforeAll(() => {
      initRepo(repo2);
      mkdirSync(outside2);
      // A normal tree, made by write-tree: sub/file.txt.
      const src = join(tmp.dir, 'symlink-src');
      mkdirSync(join(src, 'sub'), { recursive: true });
      writeFileSync(join(src, 'sub', 'file.txt'), 'inside\n');
      treeId = cliOk(repo2, ['write-tree', src]);
    });

    it('without --force: refuses (non-zero exit, one error line) and writes nothing through the symlink', async () => {
      const work = join(tmp.dir, 'symlink-noforce');
      mkdirSync(join(work, 'target'), { recursive: true });
      symlinkSync(outside, join(work, 'target', 'sub'));
      const r = await runCliAsync(['checkout-tree', treeId, join(work, 'target'), '--repo', repo2]);
      expect(r.code, describeResult(r)).not.toBe(0);
      expect(r.code).not.toBe(70);
      expect(parseErrorLine(r.stderr), describeResult(r)).toBeDefined();
      noStack(r);
      expect(readdirSync(outside)).toEqual([]);
      expect(lstatSync(join(work, 'target', 'sub')).isSymbolicLink(), 'the symlink is left alone').toBe(true);
    });

    it('with --force: the symlink is replaced by a real folder, and nothing is written into the outside folder', async () => {
      const work = join(tmp.dir, 'symlink-force');
      mkdirSync(join(work, 'target'), { recursive: true });
      symlinkSync(outside, join(work, 'target', 'sub'));
      const r = await runCliAsync(['checkout-tree', treeId, join(work, 'target'), '--force', '--repo', repo2]);
      expect(r.code, describeResult(r)).toBe(0);
      const st = lstatSync(join(work, 'target', 'sub'));
      expect(st.isSymbolicLink()).toBe(false);
      expect(st.isDirectory()).toBe(true);
      expect(readFileSync(join(work, 'target', 'sub', 'file.txt'), 'utf8')).toBe('inside\n');
      expect(readdirSync(outside), 'the outside folder is untouched').toEqual([]);
      expectNothingOutside(work, 'symlink --force');
    });

    it('with --force: a symlink where the tree has a file is replaced, never written through', async () => {
      writeFileSync(victim(), 'original\n');
      try {
        const work = join(tmp.dir, 'symlink-file-force');
        mkdirSync(join(work, 'target', 'sub'), { recursive: true });
        symlinkSync(victim(), join(work, 'target', 'sub', 'file.txt'));
        const r = await runCliAsync(['checkout-tree', treeId, join(work, 'target'), '--force', '--repo', repo2]);
        expect(r.code, describeResult(r)).toBe(0);
        expect(lstatSync(join(work, 'target', 'sub', 'file.txt')).isSymbolicLink()).toBe(false);
        expect(readFileSync(join(work, 'target', 'sub', 'file.txt'), 'utf8')).toBe('inside\n');
        expect(readFileSync(victim(), 'utf8'), 'the file the symlink pointed at is unchanged').toBe('original\n');
        expect(readdirSync(outside2)).toEqual(['victim.txt']);
        expect(readdirSync(outside)).toEqual([]);
      } finally {
        rmSync(victim(), { force: true });
      }
    });

    it('the target folder itself given as a symlink to the outside folder is refused', async () => {
      const work = join(tmp.dir, 'symlink-root');
      mkdirSync(work);
      symlinkSync(outside, join(work, 'target'));
      const r = await runCliAsync(['checkout-tree', treeId, join(work, 'target'), '--force', '--repo', repo2]);
      expect(r.code, describeResult(r)).not.toBe(0);
      expect(r.code).not.toBe(70);
      noStack(r);
      expect(readdirSync(outside)).toEqual([]);
    });
  });
});

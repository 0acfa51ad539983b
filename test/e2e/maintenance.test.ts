import { chmodSync, existsSync, mkdirSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobId, ok, okJson, objectPath, removeTempDirs, storedObjectIds, strata, strataP, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const THREE_WEEKS_AGO = (Date.now() - 21 * 24 * 3600 * 1000) / 1000;

describe('fsck, count-objects and prune', () => {
  let base: string;
  let repo: string;
  let tree: string;
  let subTree: string;
  let version: string;
  let reachable: string[];
  const run = (...args: string[]) => strata([...args, '--repo', repo], { cwd: base });
  const out = (...args: string[]) => ok([...args, '--repo', repo], { cwd: base });
  const runP = (...args: string[]) => strataP([...args, '--repo', repo], { cwd: base });

  beforeAll(() => {
    base = tempDir('maint');
    repo = join(base, 'repo');
    ok(['init', '--repo', repo]);
    const work = join(base, 'work');
    mkdirSync(join(work, 'sub'), { recursive: true });
    writeFileSync(join(work, 'a.txt'), 'alpha\n');
    writeFileSync(join(work, 'b.txt'), 'beta\n');
    writeFileSync(join(work, 'sub', 'c.txt'), 'alpha\n'); // same content as a.txt: stored once
    tree = out('write-tree', work);
    version = out('commit-version', tree, '--time', '1000');
    subTree = out('rev-parse', `${version}:sub`);
    reachable = [blobId('alpha\n'), blobId('beta\n'), tree, subTree, version].sort();
  });

  it('fsck on a clean repository: exit 0 and the summary line', () => {
    expect(storedObjectIds(repo)).toEqual(reachable);
    const r = run('fsck');
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: '5 objects, 5 reachable from 2 refs, 0 dangling; no damage found\n' });
  });

  it('fsck lists an object no ref reaches as dangling (still exit 0); --json shape', async () => {
    writeFileSync(join(base, 'loose.txt'), 'nobody names me\n');
    const loose = out('hash-object', '-w', 'loose.txt');
    const [r, j] = await Promise.all([runP('fsck'), runP('fsck', '--full', '--json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`dangling blob ${loose}\n6 objects, 5 reachable from 2 refs, 1 dangling; no damage found\n`);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({
      ok: true,
      objects: 6,
      reachable: 5,
      refs: 2,
      missing: [],
      corrupt: [],
      dangling: [{ id: loose, kind: 'blob' }],
      forgottenParents: [],
    });
  });

  it('count-objects counts objects and bytes per kind', async () => {
    const [json, text, sizes] = await Promise.all([
      runP('count-objects', '--json'),
      runP('count-objects'),
      strataP(['cat-file', '--batch-check', '--repo', repo], { input: `${tree}\n${subTree}\n` }),
    ]);
    const j = JSON.parse(json.stdout);
    const stored = (ids: string[]) => ids.reduce((n, id) => n + statSync(objectPath(repo, id)).size, 0);
    const blobs = [blobId('alpha\n'), blobId('beta\n'), blobId('nobody names me\n')];
    expect(j.byKind.blob).toEqual({ count: 3, storedBytes: stored(blobs), logicalBytes: 6 + 5 + 16 });
    expect(j.byKind.chunks).toEqual({ count: 0, storedBytes: 0, logicalBytes: 0 });
    expect(j.byKind.tree).toMatchObject({ count: 2, storedBytes: stored([tree, subTree]) });
    expect(j.byKind.version).toMatchObject({ count: 1, storedBytes: stored([version]) });
    const treeBytes = sizes.stdout
      .trim()
      .split('\n')
      .reduce((n, l) => n + Number(l.split(' ')[2]), 0);
    expect(j.byKind.tree.logicalBytes).toBe(treeBytes);
    expect(j.total).toEqual({
      count: 6,
      storedBytes: stored(storedObjectIds(repo)),
      logicalBytes: j.byKind.blob.logicalBytes + j.byKind.tree.logicalBytes + j.byKind.version.logicalBytes,
    });
    expect(j.unreadable).toBe(0);

    const lines = text.stdout.replace(/\n$/, '').split('\n');
    expect(lines[0]).toBe(`${'kind'.padEnd(8)} ${'objects'.padStart(10)} ${'stored'.padStart(12)} ${'logical'.padStart(12)}`);
    expect(lines.map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['kind', 'objects'],
      ['blob', '3'],
      ['chunks', '0'],
      ['tree', '2'],
      ['version', '1'],
      ['total', '6'],
    ]);
    expect(lines[1]).toBe(`blob     ${'3'.padStart(10)} ${`${j.byKind.blob.storedBytes} B`.padStart(12)} ${'27 B'.padStart(12)}`);
  });

  it('prune --dry-run reports without removing; the default grace period (2w) keeps fresh objects', async () => {
    const loose = blobId('nobody names me\n');
    const [dry, dflt] = await Promise.all([runP('prune', '--dry-run', '--expire', 'now'), runP('prune')]);
    expect(dry.code).toBe(0);
    const size = statSync(objectPath(repo, loose)).size;
    expect(dry.stdout).toBe(
      `would remove 1 unreachable objects (${size} B) and 0 temporary files; 0 unreachable objects are younger than the grace period and were kept\n`,
    );
    expect(existsSync(objectPath(repo, loose))).toBe(true);
    expect(dflt.stdout).toBe('removed 0 unreachable objects (0 B) and 0 temporary files; 1 unreachable objects are younger than the grace period and were kept\n');
    expect(existsSync(objectPath(repo, loose))).toBe(true);
  });

  it('prune removes unreachable objects older than the grace period and dead writers\' temporary files', () => {
    writeFileSync(join(base, 'old.txt'), 'old and unreachable\n');
    const old = out('hash-object', '-w', 'old.txt');
    utimesSync(objectPath(repo, old), THREE_WEEKS_AGO, THREE_WEEKS_AGO);
    const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'host';
    const deadTemp = `${host}.2147483646.7.0badf00d.tmp`;
    mkdirSync(join(repo, 'tmp'), { recursive: true });
    writeFileSync(join(repo, 'tmp', deadTemp), 'partial');
    const j = okJson(['prune', '--repo', repo]);
    expect(j).toEqual({ dryRun: false, removed: [{ id: old, storedBytes: expect.any(Number) }], removedBytes: j.removed[0].storedBytes, kept: 1, tempFiles: [`tmp/${deadTemp}`] });
    expect(existsSync(objectPath(repo, old))).toBe(false);
    expect(existsSync(join(repo, 'tmp', deadTemp))).toBe(false);
    expect(existsSync(objectPath(repo, blobId('nobody names me\n')))).toBe(true);
  });

  it('prune --expire now removes every unreachable object and nothing reachable', async () => {
    const r = run('prune', '--expire', 'now');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^removed 1 unreachable objects \(\d+ B\) and 0 temporary files; 0 unreachable objects/);
    expect(storedObjectIds(repo)).toEqual(reachable);
    const [fsck, bad] = await Promise.all([runP('fsck', '--full'), runP('prune', '--expire', 'soon')]);
    expect(fsck.stdout).toBe('5 objects, 5 reachable from 2 refs, 0 dangling; no damage found\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error\[USAGE\]: --expire/);
  });

  it('storing an object that already exists refreshes it, so prune\'s grace period protects it again', () => {
    // BUG (see report): writeObjectIfAbsent returns early for an existing object without touching its
    // mtime, so a writer that re-stores an old unreachable object (and is about to name it from a new
    // tree and ref) can have it removed under its feet by a concurrent prune.
    writeFileSync(join(base, 'again.txt'), 'written twice\n');
    const id = out('hash-object', '-w', 'again.txt');
    utimesSync(objectPath(repo, id), THREE_WEEKS_AGO, THREE_WEEKS_AGO);
    expect(out('hash-object', '-w', 'again.txt')).toBe(id);
    out('prune');
    expect(existsSync(objectPath(repo, id))).toBe(true);
  });
});

describe('fsck and prune on a damaged repository', () => {
  let base: string;
  let repo: string;
  const run = (...args: string[]) => strata([...args, '--repo', repo], { cwd: base });

  beforeAll(() => {
    base = tempDir('damage');
    repo = join(base, 'repo');
    ok(['init', '--repo', repo]);
    mkdirSync(join(base, 'work'));
    writeFileSync(join(base, 'work', 'keep.txt'), 'keep\n');
    writeFileSync(join(base, 'work', 'lose.txt'), 'lose\n');
    const tree = ok(['write-tree', join(base, 'work'), '--repo', repo]);
    ok(['update-ref', 'refs/tags/snap', tree, '--repo', repo]);
  });

  it('a corrupt blob is found by fsck --full (exit 12) but not by the header-only check', () => {
    const keep = blobId('keep\n');
    const path = objectPath(repo, keep);
    chmodSync(path, 0o644);
    writeFileSync(path, deflateSync(Buffer.from('blob 5\0KEEP\n'))); // right header, wrong bytes
    expect(run('fsck').code).toBe(0);
    const full = run('fsck', '--full');
    expect(full.code).toBe(12);
    expect(full.stdout).toMatch(new RegExp(`^corrupt ${keep}: `, 'm'));
    expect(full.stdout).toMatch(/0 missing, 1 corrupt\n$/);
  });

  it('a missing reachable object: fsck exit 12 names who refers to it; prune refuses (FSCK_FAILED, exit 12)', () => {
    const lose = blobId('lose\n');
    unlinkSync(objectPath(repo, lose));
    const r = run('fsck');
    expect(r.code).toBe(12);
    expect(r.stdout).toMatch(new RegExp(`^missing ${lose} \\(named by tree [0-9a-f]{64} entry "lose.txt"\\)$`, 'm'));
    expect(r.stdout).toMatch(/1 missing, 0 corrupt\n$/);
    const p = run('prune', '--expire', 'now');
    expect(p.code).toBe(12);
    expect(p.stderr).toMatch(/^error\[FSCK_FAILED\]/);
  });
});

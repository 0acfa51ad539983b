/**
 * Damaged and missing objects of every kind are detected on read (cat-file: exit 12, OBJECT_CORRUPT or
 * OBJECT_MISSING, naming the id) and by `fsck --full` (exit 12, naming the id). objects-spec.md section 9.
 */
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk, describeResult, initRepo, makeTempDir, parseErrorLine, runCliAsync, type CliResult } from '../helpers/cli.js';
import { chooseSeed, encodeObjectBytes, makeRng, objectPath, randomBytesFrom, verifyObjectFile, type Kind } from './_support.js';

type Damage = 'body-byte' | 'zlib-header' | 'wrong-content' | 'truncated';

const DAMAGES: Array<{ damage: Damage; what: string }> = [
  { damage: 'body-byte', what: 'one byte flipped inside the zlib body' },
  { damage: 'zlib-header', what: 'one byte flipped in the zlib header' },
  { damage: 'wrong-content', what: 'replaced by a valid zlib stream of other content (wrong id)' },
  { damage: 'truncated', what: 'the zlib stream cut short' },
];

/** Runs at most `limit` async jobs at once (the CLI runs are processes; two cores). */
async function inBatches<T>(jobs: Array<() => Promise<T>>, limit = 2): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await (jobs[i] as () => Promise<T>)();
      }
    }),
  );
  return out;
}

function checkOneErrorLine(r: CliResult): void {
  expect(r.stderr, describeResult(r)).not.toMatch(/^\s+at /m);
  expect(r.stderr.trim().split('\n').length, describeResult(r)).toBeLessThanOrEqual(2);
}

describe.concurrent('corrupt and missing objects', () => {
  const seed = chooseSeed('corruption');
  const rng = makeRng(seed);
  const tmp = makeTempDir('strata-corrupt-');
  const base = join(tmp.dir, 'base-repo');
  const ids = {} as Record<Kind, string>;

  beforeAll(() => {
    // Small chunk parameters so a 300 KiB file becomes a chunk list.
    initRepo(base, ['--min-chunk', '4096', '--avg-chunk', '16384', '--max-chunk', '65536']);
    const data = join(tmp.dir, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'small.txt'), 'a small file, stored as one blob\n');
    writeFileSync(join(data, 'big.bin'), randomBytesFrom(rng, 300 * 1024));
    ids.tree = cliOk(base, ['write-tree', data]);
    ids.version = cliOk(base, ['commit-version', ids.tree, '-m', 'corruption fixture']);
    cliOk(base, ['update-ref', 'refs/heads/main', ids.version]);
    const listing = JSON.parse(cliOk(base, ['ls-tree', ids.tree, '--json'])) as { entries: Array<{ path: string; id: string }> };
    ids.blob = listing.entries.find((e) => e.path === 'small.txt')?.id as string;
    ids.chunks = listing.entries.find((e) => e.path === 'big.bin')?.id as string;
    // Each object is what the test needs (checked by reading the files directly).
    for (const kind of ['blob', 'chunks', 'tree', 'version'] as const) {
      expect(verifyObjectFile(objectPath(base, ids[kind]), ids[kind]).kind, kind).toBe(kind);
    }
    const fsck = cliOk(base, ['fsck', '--full']);
    expect(fsck).toContain('no damage found');
  });

  afterAll(() => tmp.cleanup());

  /** A copy of the base repository with one object damaged as described. */
  let copies = 0;
  function damagedCopy(kind: Kind, damage: Damage | 'deleted'): { repo: string; id: string } {
    const id = ids[kind];
    // A folder of its own per call: tests run concurrently and may damage the same kind the same way.
    const repo = join(tmp.dir, `repo-${kind}-${damage}-${++copies}`);
    cpSync(base, repo, { recursive: true });
    const path = objectPath(repo, id);
    const stored = readFileSync(path);
    chmodSync(path, 0o644);
    expect(verifyObjectFile(path, id).problem).toBeUndefined();
    switch (damage) {
      case 'deleted':
        rmSync(path);
        break;
      case 'body-byte': {
        const copy = Buffer.from(stored);
        const at = 2 + Math.floor((copy.length - 6) / 2);
        copy[at] = (copy[at] as number) ^ 0x5a;
        writeFileSync(path, copy);
        break;
      }
      case 'zlib-header': {
        const copy = Buffer.from(stored);
        copy[1] = (copy[1] as number) ^ 0x01;
        writeFileSync(path, copy);
        break;
      }
      case 'wrong-content':
        writeFileSync(path, deflateSync(encodeObjectBytes(kind, Buffer.from('{"not":"the right object"}'))));
        break;
      case 'truncated':
        writeFileSync(path, stored.subarray(0, Math.max(3, Math.floor(stored.length / 2))));
        break;
    }
    if (damage !== 'deleted') chmodSync(path, 0o444);
    return { repo, id };
  }

  const kinds: Kind[] = ['blob', 'chunks', 'tree', 'version'];

  it.each(kinds)('a damaged %s object: cat-file -p exits 12 OBJECT_CORRUPT naming it, fsck --full exits 12 and lists it', async (kind) => {
    const cases = DAMAGES.map(({ damage, what }) => ({ ...damagedCopy(kind, damage), damage, what }));
    const results = await inBatches(
      cases.map((c) => async () => ({
        c,
        cat: await runCliAsync(['cat-file', '-p', c.id, '--repo', c.repo]),
        fsck: await runCliAsync(['fsck', '--full', '--repo', c.repo]),
      })),
    );
    for (const { c, cat, fsck } of results) {
      const label = `${kind} ${c.id}: ${c.what}`;
      expect(cat.code, `${label}\n${describeResult(cat)}`).toBe(12);
      const err = parseErrorLine(cat.stderr);
      expect(err?.code, `${label}\n${describeResult(cat)}`).toBe('OBJECT_CORRUPT');
      expect(err?.message, label).toContain(c.id);
      checkOneErrorLine(cat);
      expect(cat.stdout, `${label}: nothing printed from a corrupt object`).toBe('');
      expect(fsck.code, `${label}\n${describeResult(fsck)}`).toBe(12);
      expect(fsck.stdout, `${label}\n${describeResult(fsck)}`).toMatch(new RegExp(`^corrupt ${c.id}`, 'm'));
    }
  });

  it.each(kinds)('a deleted %s object: cat-file -p exits 12 OBJECT_MISSING, fsck --full exits 12 naming it missing', async (kind) => {
    const c = damagedCopy(kind, 'deleted');
    const [cat, fsck] = await Promise.all([
      runCliAsync(['cat-file', '-p', c.id, '--repo', c.repo]),
      runCliAsync(['fsck', '--full', '--repo', c.repo]),
    ]);
    expect(cat.code, describeResult(cat)).toBe(12);
    const err = parseErrorLine(cat.stderr);
    expect(err?.code, describeResult(cat)).toBe('OBJECT_MISSING');
    expect(err?.message).toContain(c.id);
    checkOneErrorLine(cat);
    expect(fsck.code, describeResult(fsck)).toBe(12);
    expect(fsck.stdout, describeResult(fsck)).toMatch(new RegExp(`^missing ${c.id}`, 'm'));
  });

  it('reading through a damaged object fails too: checkout of a version whose chunk list is corrupt exits 12', async () => {
    const c = damagedCopy('chunks', 'body-byte');
    const target = join(tmp.dir, 'checkout-of-damaged');
    const r = await runCliAsync(['checkout-tree', ids.version, target, '--repo', c.repo]);
    expect(r.code, describeResult(r)).toBe(12);
    expect(parseErrorLine(r.stderr)?.code).toBe('OBJECT_CORRUPT');
    expect(r.stderr).toContain(c.id);
    checkOneErrorLine(r);
  });

  it('prune refuses to run on a repository with a corrupt reachable object (exit 12) and removes nothing', async () => {
    const c = damagedCopy('tree', 'wrong-content');
    const r = await runCliAsync(['prune', '--expire', 'now', '--repo', c.repo]);
    expect(r.code, describeResult(r)).toBe(12);
    expect(parseErrorLine(r.stderr)?.code).toBe('FSCK_FAILED');
    expect(verifyObjectFile(objectPath(c.repo, ids.blob), ids.blob).problem).toBeUndefined();
    expect(verifyObjectFile(objectPath(c.repo, ids.version), ids.version).problem).toBeUndefined();
  });
});

/**
 * Derived data (refs/derived/<namespace>): stored once per source id, merged across writers, read back,
 * and kept by gc only while the source is reachable from the other refs.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsck, lsTree, type Repository } from '../../../plumbing/index.js';
import { BackupEngine, forget, gc, loadDerivedIndex, putDerived, readDerived, derivedRefName } from '../../../porcelain/index.js';

async function lsTreeIds(repo: Repository, version: string): Promise<Map<string, string>> {
  return new Map((await lsTree({ repo, treeish: version, recursive: true })).map((e) => [e.path, e.id]));
}

const base = mkdtempSync(join(tmpdir(), 'strata-derived-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('derived data', () => {
  it('stores, merges, reads back and survives gc only while the source lives', async () => {
    const project = join(base, 'p1');
    mkdirSync(project);
    writeFileSync(join(project, 'a.txt'), 'first file\n');
    writeFileSync(join(project, 'b.txt'), 'second file\n');
    const engine = await BackupEngine.initializeRepository({ dir: project });
    const repo = engine.repo;
    const v1 = await engine.createSnapshot({ source: project, description: 'one' });
    const ids = await lsTreeIds(repo, v1.id);
    const idA = ids.get('a.txt') as string;
    const idB = ids.get('b.txt') as string;

    const empty = await loadDerivedIndex(repo, 'test/thumbs');
    expect(empty.root).toBeUndefined();
    expect(empty.entries.size).toBe(0);

    const first = await putDerived({ repo, namespace: 'test/thumbs', items: [{ source: idA, data: Buffer.from('thumb of a') }] });
    expect(first.added).toBe(1);
    // A second writer adds to what is there; writing the same again adds nothing.
    const second = await putDerived({ repo, namespace: 'test/thumbs', items: [{ source: idB, data: Buffer.from('thumb of b') }, { source: idA, data: Buffer.from('thumb of a') }] });
    expect(second.added).toBe(1);
    const index = await loadDerivedIndex(repo, 'test/thumbs');
    expect([...index.entries.keys()].sort()).toEqual([idA, idB].sort());
    const read = await readDerived(repo, index, [idA, idB, 'f'.repeat(64)]);
    expect(read.get(idA)?.toString()).toBe('thumb of a');
    expect(read.get(idB)?.toString()).toBe('thumb of b');
    expect(read.has('f'.repeat(64))).toBe(false);
    expect((await fsck({ repo })).ok).toBe(true);

    // b.txt changes: its old content stays reachable through v1 until v1 is forgotten.
    writeFileSync(join(project, 'b.txt'), 'second file, edited\n');
    const v2 = await engine.createSnapshot({ source: project, description: 'two' });
    let r = await gc({ repo });
    expect(r.derived).toEqual([{ namespace: 'test/thumbs', kept: 2, dropped: 0 }]);

    await forget({ repo, versions: [v1.id] });
    const dry = await gc({ repo, dryRun: true });
    expect(dry.derived).toEqual([{ namespace: 'test/thumbs', kept: 1, dropped: 1 }]);
    r = await gc({ repo });
    expect(r.derived).toEqual([{ namespace: 'test/thumbs', kept: 1, dropped: 1 }]);
    const after = await loadDerivedIndex(repo, 'test/thumbs');
    expect([...after.entries.keys()]).toEqual([idA]);
    // The dropped thumbnail's blob is gone, the kept one is readable, the repository is whole.
    expect((await readDerived(repo, after, [idA])).get(idA)?.toString()).toBe('thumb of a');
    expect((await fsck({ repo })).ok).toBe(true);
    expect(v2.id).toBeTruthy();

    // When no source is left, the namespace's ref goes.
    rmSync(join(project, 'a.txt'));
    await engine.createSnapshot({ source: project, description: 'three' });
    await forget({ repo, versions: [v2.id] });
    r = await gc({ repo });
    expect(r.derived).toEqual([{ namespace: 'test/thumbs', kept: 0, dropped: 1 }]);
    expect(await repo.refs.list('refs/derived/')).toEqual([]);
    expect((await loadDerivedIndex(repo, 'test/thumbs')).root).toBeUndefined();
  });

  it('refuses bad namespaces and ids', async () => {
    expect(() => derivedRefName('Bad Name')).toThrow(/not a valid derived-data namespace/);
    expect(() => derivedRefName('a/../b')).toThrow();
    expect(derivedRefName('creative/thumbnails-256')).toBe('refs/derived/creative/thumbnails-256');
    const project = join(base, 'p2');
    mkdirSync(project);
    const engine = await BackupEngine.initializeRepository({ dir: project });
    await expect(putDerived({ repo: engine.repo, namespace: 'x', items: [{ source: 'nothex', data: Buffer.from('') }] })).rejects.toThrow(/not a content id/);
  });
});

/**
 * The seed's BackupEngine and VersionTracker, through the library: a whole backup workflow on real
 * files in a temporary folder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VersionInfo } from '../../../plumbing/index.js';
import { BackupEngine, VersionTracker } from '../../../porcelain/index.js';

const base = mkdtempSync(join(tmpdir(), 'strata-engine-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('BackupEngine and VersionTracker', () => {
  it('snapshot, list, inspect, diff, restore and measure a project', async () => {
    const project = join(base, 'project');
    mkdirSync(join(project, 'art'), { recursive: true });
    writeFileSync(join(project, 'art', 'hero.txt'), 'hero v1\n');
    writeFileSync(join(project, 'readme.md'), 'hello\n');
    const engine = await BackupEngine.initializeRepository({ dir: project });
    expect(engine.repo.root).toBe(join(project, '.strata'));

    const first = await engine.createSnapshot({ source: project, description: 'first', milestone: true });
    writeFileSync(join(project, 'art', 'hero.txt'), 'hero v2, longer\n');
    writeFileSync(join(project, 'new.txt'), 'new\n');
    const second = await engine.createSnapshot({ source: project, description: 'second' });
    expect(second.parent).toBe(first.id);

    const list = await engine.listSnapshots();
    expect(list.map((v) => v.id)).toEqual([second.id, first.id]);
    for (const v of list) expect(VersionInfo.safeParse(v).success).toBe(true);
    expect(list[1]).toMatchObject({ description: 'first', isMilestone: true, parents: [] });
    expect(list[0]).toMatchObject({ parentId: first.id, description: 'second' });

    expect((await engine.versions.getLatestVersion())?.id).toBe(second.id);
    expect((await engine.versions.getVersion('main~1')).id).toBe(first.id);

    const info = await engine.getSnapshotInfo(second.id);
    expect(info.version.id).toBe(second.id);

    const diff = await engine.getVersionDiff(first.id, second.id);
    const byPath = new Map(diff.entries.map((e) => [e.path, e.status]));
    expect(byPath.get('art/hero.txt')).toBe('modified');
    expect(byPath.get('new.txt')).toBe('added');

    writeFileSync(join(project, 'readme.md'), 'changed on disk\n');
    const working = await engine.getVersionDiff('main', undefined, { source: project });
    expect(working.entries.map((e) => `${e.status} ${e.path}`)).toEqual(['modified readme.md']);

    const target = join(base, 'restored');
    const restored = await engine.restoreSnapshot({ source: `${first.id}`, target });
    expect(restored).toBeDefined();
    expect(readFileSync(join(target, 'art', 'hero.txt'), 'utf8')).toBe('hero v1\n');

    const stats = await engine.getStorageStats();
    expect(stats.versions).toBe(2);
    expect(stats.logicalBytes).toBeGreaterThan(0);
  });

  it('VersionTracker.createVersion records a version of a stored tree and can move a branch', async () => {
    const project = join(base, 'tracked');
    mkdirSync(project);
    writeFileSync(join(project, 'a.txt'), 'a\n');
    const engine = await BackupEngine.initializeRepository({ dir: project });
    const snap = await engine.createSnapshot({ source: project });
    const tracker = new VersionTracker(engine.repo);
    const v = await tracker.createVersion({ tree: snap.tree, parents: [snap.id], name: 'release', tags: ['gold'], metadata: { build: '42' }, branch: 'main' });
    expect(v).toMatchObject({ name: 'release', tags: ['gold'], metadata: { build: '42' }, parentId: snap.id, tree: snap.tree });
    expect((await tracker.getLatestVersion('main'))?.id).toBe(v.id);
    expect(await tracker.keptVersionIds()).toEqual(expect.arrayContaining([snap.id, v.id]));
    expect(await tracker.getLatestVersion('no-such-branch')).toBeUndefined();
  });
});

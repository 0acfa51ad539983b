/** resolveVersionRef: a milestone name, a tag, a branch, an id or prefix; a milestone wins over a tag of its spelling; clear errors. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupEngine, createTag, fixedClock } from '../../../porcelain/index.js';
import { createMilestone } from '../../../personas/game/index.js';
import { VersionRefCache, resolveVersionRef } from '../../../personas/game/core/version-ref.js';

const base = mkdtempSync(join(tmpdir(), 'strata-version-ref-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveVersionRef', () => {
  it('reads milestones, tags, branches, ids and prefixes, and names what it could not', async () => {
    const project = join(base, 'p');
    mkdirSync(project);
    const engine = await BackupEngine.initializeRepository({ dir: project, clock: fixedClock(Date.UTC(2026, 5, 1, 12)) });
    const repo = engine.repo;
    writeFileSync(join(project, 'a.txt'), 'a\n');
    const v1 = (await engine.createSnapshot({ source: project })).id;
    writeFileSync(join(project, 'a.txt'), 'b\n');
    const v2 = (await engine.createSnapshot({ source: project })).id;
    await createMilestone({ repo, name: 'Beta-1', type: 'beta', revision: v1 });
    await createTag({ repo, name: 'beta-1', version: v2 });
    await createTag({ repo, name: 'v2', version: v1 });

    expect(await resolveVersionRef({ repo, ref: 'beta-1' })).toEqual({ id: v1, time: Date.UTC(2026, 5, 1, 12), ref: 'beta-1', via: 'milestone', milestone: 'Beta-1' });
    expect(await resolveVersionRef({ repo, ref: 'v2' })).toMatchObject({ id: v1, via: 'revision' });
    expect(await resolveVersionRef({ repo, ref: 'tags/beta-1' })).toMatchObject({ id: v2, via: 'revision' });
    expect(await resolveVersionRef({ repo, ref: 'main' })).toMatchObject({ id: v2 });
    expect(await resolveVersionRef({ repo, ref: 'main~1' })).toMatchObject({ id: v1 });
    expect(await resolveVersionRef({ repo, ref: v1 })).toMatchObject({ id: v1 });
    expect(await resolveVersionRef({ repo, ref: v1.slice(0, 10) })).toMatchObject({ id: v1 });

    await expect(resolveVersionRef({ repo, ref: 'nightly-42' })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION', message: '"nightly-42" is not a version id, tag, branch or milestone' });
    await expect(resolveVersionRef({ repo, ref: 'ab' })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });
    await expect(resolveVersionRef({ repo, ref: '  ' })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });
    const tree = (await repo.objects.readVersion(v1)).tree;
    await expect(resolveVersionRef({ repo, ref: tree })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION', message: expect.stringContaining('tree') });

    const cache = new VersionRefCache(repo);
    expect((await cache.lookup('v2'))?.id).toBe(v1);
    expect(await cache.lookup('nope')).toBeUndefined();
  });
});

/** Milestones through the library: records and pins, races on one name, case-insensitive names, an injected clock. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupEngine, fixedClock, listPins, listRecordNamespaces, listRecords } from '../../../porcelain/index.js';
import { createMilestone, deleteMilestone, getMilestone, listMilestones, promoteMilestone, releaseNotes } from '../../../personas/game/index.js';

const base = mkdtempSync(join(tmpdir(), 'strata-milestones-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('milestone ops', () => {
  it('stores a record per milestone, pins its version, and lets one of two racing creators win', async () => {
    const project = join(base, 'p');
    mkdirSync(project);
    const engine = await BackupEngine.initializeRepository({ dir: project, clock: fixedClock(Date.UTC(2026, 5, 1, 12)) });
    const repo = engine.repo;
    writeFileSync(join(project, 'a.txt'), 'a\n');
    const v1 = (await engine.createSnapshot({ source: project, description: 'one' })).id;

    const results = await Promise.allSettled([
      createMilestone({ repo, name: 'Alpha', type: 'alpha', semver: '0.1.0-alpha.1' }),
      createMilestone({ repo, name: 'alpha', type: 'alpha', semver: '0.1.0-alpha.2' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as { code: string }).code)).toEqual(['MILESTONE_EXISTS']);
    expect(await listRecordNamespaces(repo, 'game/milestones/')).toEqual(['game/milestones/alpha']);
    expect((await listPins({ repo, owner: 'game-milestones' })).map((p) => [p.name, p.id])).toEqual([['alpha', v1]]);

    // Three creators of one name on different versions, a few times over: one wins, and the pin is its version.
    writeFileSync(join(project, 'a.txt'), 'b\n');
    const v2 = (await engine.createSnapshot({ source: project, description: 'two' })).id;
    writeFileSync(join(project, 'a.txt'), 'c\n');
    const v3 = (await engine.createSnapshot({ source: project, description: 'three' })).id;
    for (const name of ['race-1', 'race-2', 'race-3']) {
      const r = await Promise.allSettled([v1, v2, v3].map((revision) => createMilestone({ repo, name, type: 'dev', revision })));
      expect(r.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
      expect(r.filter((x) => x.status === 'rejected').map((x) => ((x as PromiseRejectedResult).reason as { code: string }).code)).toEqual(['MILESTONE_EXISTS', 'MILESTONE_EXISTS']);
      const winner = await getMilestone({ repo, name });
      expect(await listRecords(repo, `game/milestones/${name}`)).toHaveLength(1);
      expect((await listPins({ repo, owner: 'game-milestones' })).find((p) => p.name === name)?.id).toBe(winner.version);
      await deleteMilestone({ repo, name });
    }

    const m = await getMilestone({ repo, name: 'ALPHA' });
    expect(m).toMatchObject({ type: 'alpha', version: v1, created: Date.UTC(2026, 5, 1, 12), promotions: [] });
    const p = await promoteMilestone({ repo, name: 'alpha', to: 'beta', semver: '0.1.0-beta.1', notes: 'feature complete' });
    expect(p.promotion).toEqual({ time: Date.UTC(2026, 5, 1, 12), from: 'alpha', to: 'beta', semverBefore: m.semver, semverAfter: '0.1.0-beta.1', notes: 'feature complete' });
    expect(await listRecords(repo, 'game/milestones/alpha')).toHaveLength(2);

    // A refused create leaves no record and no pin behind.
    await expect(createMilestone({ repo, name: 'r1', type: 'release' })).rejects.toMatchObject({ code: 'RELEASE_RULE' });
    await expect(createMilestone({ repo, name: 'r1', type: 'release', semver: '1.0.0', revision: 'nope' })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });
    expect(await listRecordNamespaces(repo, 'game/milestones/')).toEqual(['game/milestones/alpha']);
    expect(await listPins({ repo })).toHaveLength(1);

    // An interrupted create's leftover pin (no record) does not block the name.
    await repo.refs.update('refs/pins/game-milestones/demo', v1, { expected: null });
    expect((await createMilestone({ repo, name: 'demo', type: 'demo' })).pinned).toBe(true);
    expect((await listMilestones({ repo, type: 'demo' })).map((x) => x.name)).toEqual(['demo']);

    const notes = await releaseNotes({ repo, from: 'alpha', to: 'demo', configChanges: async () => ({ platforms: [{ platform: 'pc', added: [], removed: [], changed: [{ key: 'fps', before: 30, after: 60 }] }] }) });
    expect(notes.platforms).toEqual({ declared: true, changes: { platforms: [{ platform: 'pc', added: [], removed: [], changed: [{ key: 'fps', before: 30, after: 60 }] }] } });
    expect(notes.files.map((f) => [f.change, f.path, f.oldSize, f.newSize])).toEqual([['changed', 'a.txt', 2, 2]]);

    expect(await deleteMilestone({ repo, name: 'Alpha' })).toMatchObject({ name: m.name, records: 2, unpinned: true });
    await expect(getMilestone({ repo, name: 'alpha' })).rejects.toMatchObject({ code: 'UNKNOWN_MILESTONE' });
    expect(await listRecordNamespaces(repo, 'game/milestones/')).toEqual(['game/milestones/demo']);
  });
});

/** Pins (refs/pins/<owner>/<name>): written by compare-and-swap, listed, honoured by forget and gc, removed. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsck } from '../../../plumbing/index.js';
import { BackupEngine, applyRetentionPolicy, forget, gc, listPins, pinRef, pinVersion, unpinVersion } from '../../../porcelain/index.js';

const base = mkdtempSync(join(tmpdir(), 'strata-pins-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('pins', () => {
  it('names refs and refuses bad owners and names', () => {
    expect(pinRef('game-milestones', 'alpha-1')).toBe('refs/pins/game-milestones/alpha-1');
    expect(() => pinRef('Game', 'x')).toThrow(/not a valid pin owner/);
    expect(() => pinRef('game', '')).toThrow(/the name is empty/);
    expect(() => pinRef('game', 'a..b')).toThrow(/not a valid pin name/);
  });

  it('retention keeps a pinned version whatever the policy, with the reason "pinned"', () => {
    const versions = [
      { id: 'a', time: 3, tags: [], milestone: false },
      { id: 'b', time: 2, tags: [], milestone: false, pinned: true },
      { id: 'c', time: 1, tags: [], milestone: false },
    ];
    const r = applyRetentionPolicy({ versions, policy: { keepLast: 1 }, now: 10 });
    expect(r.keep.map((d) => [d.version.id, d.reasons])).toEqual([['a', ['last']], ['b', ['pinned']]]);
    expect(r.remove.map((d) => d.version.id)).toEqual(['c']);
  });

  it('keeps pinned versions through forget and gc, and lets them go once unpinned', async () => {
    const project = join(base, 'p');
    mkdirSync(project);
    const engine = await BackupEngine.initializeRepository({ dir: project });
    const repo = engine.repo;
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      writeFileSync(join(project, 'f.txt'), `state ${n}\n`);
      ids.push((await engine.createSnapshot({ source: project, description: `v${n}` })).id);
    }
    const [v1, v2] = ids as [string, string, string];
    expect(await pinVersion({ repo, owner: 'test', name: 'keep/one', version: v1 })).toEqual({ owner: 'test', name: 'keep/one', ref: 'refs/pins/test/keep/one', id: v1 });
    await expect(pinVersion({ repo, owner: 'test', name: 'keep/one', version: v2 })).rejects.toMatchObject({ code: 'TARGET_EXISTS' });
    await expect(pinVersion({ repo, owner: 'test', name: 'keep/one', version: v2, expected: v2 })).rejects.toMatchObject({ code: 'TARGET_EXISTS' });
    expect(await listPins({ repo })).toEqual([{ owner: 'test', name: 'keep/one', ref: 'refs/pins/test/keep/one', id: v1 }]);
    expect(await listPins({ repo, owner: 'other' })).toEqual([]);

    // Naming a pinned version explicitly is refused, with the pin named.
    await expect(forget({ repo, versions: [v1] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('pinned by refs/pins/test/keep/one') });
    const f = await forget({ repo, policy: { keepLast: 1 } });
    expect(f.keep.map((k) => [k.id, k.reasons.includes('pinned')])).toContainEqual([v1, true]);
    expect(f.remove.map((r) => r.id)).toEqual([v2]);

    // Its own version ref deleted by other means: gc still keeps it, because the pin reaches it.
    await repo.refs.delete(`refs/versions/${v1}`);
    await gc({ repo });
    expect((await fsck({ repo })).ok).toBe(true);
    expect((await repo.objects.readVersion(v1)).description).toBe('v1');

    expect(await unpinVersion({ repo, owner: 'test', name: 'keep/one' })).toMatchObject({ id: v1 });
    await expect(unpinVersion({ repo, owner: 'test', name: 'keep/one' })).rejects.toMatchObject({ code: 'UNKNOWN_REF' });
    await gc({ repo });
    expect(await repo.objects.has(v1)).toBe(false);
  });
});

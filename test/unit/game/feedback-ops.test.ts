/**
 * Player feedback through the library on a real repository: import and re-import, linking (version,
 * build map, build name, time), unlinked and malformed rows, the secret (kept out of the objects; missing
 * or replaced is an error), report rises and correlate, concurrent imports.
 */
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupEngine, createTag, gc, listRecords, openRepository, systemClock, type Repository } from '../../../porcelain/index.js';
import { addFeedback, forgetFeedback, correlateFeedback, createMilestone, feedbackNotesSection, releaseNotes, feedbackReport, importFeedback, queryFeedback, analyzeFeedback, FEEDBACK_SECRET_PATH } from '../../../personas/game/index.js';

const base = mkdtempSync(join(tmpdir(), 'strata-feedback-ops-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

interface Fixture {
  project: string;
  repo: Repository;
  v: string[];
}

/** A project with three versions a day apart (v1, v2 changing code and a texture, v3 audio); milestone alpha on v1. */
async function makeProject(name: string): Promise<Fixture> {
  const project = join(base, name);
  mkdirSync(join(project, 'src'), { recursive: true });
  mkdirSync(join(project, 'art'));
  const clock = { now: () => now };
  let now = T0;
  const engine = await BackupEngine.initializeRepository({ dir: project, clock });
  const repo = engine.repo;
  const v: string[] = [];
  writeFileSync(join(project, 'src', 'physics.cpp'), 'int g = 1;\n');
  writeFileSync(join(project, 'art', 'kart.png'), 'png1');
  v.push((await engine.createSnapshot({ source: project })).id);
  now = T0 + DAY;
  writeFileSync(join(project, 'src', 'physics.cpp'), 'int g = 2;\n');
  writeFileSync(join(project, 'art', 'kart.png'), 'png2');
  v.push((await engine.createSnapshot({ source: project })).id);
  now = T0 + 2 * DAY;
  writeFileSync(join(project, 'music.ogg'), 'ogg');
  v.push((await engine.createSnapshot({ source: project })).id);
  now = T0 + 3 * DAY;
  await createTag({ repo, name: 'v2', version: v[1] as string });
  await createMilestone({ repo, name: 'alpha', type: 'alpha', revision: v[0] as string });
  return { project, repo, v };
}

function objectsText(repoRoot: string): string {
  const out: string[] = [];
  const dir = join(repoRoot, 'objects');
  for (const fan of readdirSync(dir)) {
    if (!/^[0-9a-f]{2}$/.test(fan)) continue;
    for (const f of readdirSync(join(dir, fan))) out.push(inflateSync(readFileSync(join(dir, fan, f))).toString('latin1'));
  }
  return out.join('\n');
}

describe('feedback import', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await makeProject('p1');
  });

  it('links by version, build map, build name and time; reports malformed rows and unlinked items by line; keeps personal data out', async () => {
    const { project, repo, v } = fx;
    writeFileSync(join(project, 'strata-feedback.json'), JSON.stringify({ builds: { '0.9.1 (4512)': 'alpha', '0.9.2 (4520)': (v[1] as string).slice(0, 12) } }));
    const csv = [
      'text,rating,platform,build,player,email,time,strata_version',
      'Love it,5,pc,0.9.1 (4512),alice,alice@example.org,2026-01-01T12:00:00Z,',
      '"Crashes on ""start"", every time",1,switch,0.9.2 (4520),bob,bob@example.org,2026-01-02T09:00:00Z,',
      'Tag build,4,pc,v2,carol,,,',
      'By time,3,pc,,dave,,2026-01-03T08:00:00Z,',
      'Explicit,2,pc,,erin,,,' + (v[2] as string).slice(0, 10),
      'Unknown build,2,pc,1.0-nightly,frank,,2026-01-02T00:00:00Z,',
      'Before history,2,pc,,gina,,2025-06-01,',
      'Bad rating,lots,pc,,hal,,,',
    ].join('\n');
    writeFileSync(join(base, 'p1.csv'), `${csv}\n`);
    const r = await importFeedback({ repo, file: join(base, 'p1.csv'), format: 'csv' });
    expect(r).toMatchObject({ rows: 8, added: 7, present: 0, malformedCount: 1, malformed: [{ at: 9, problem: 'rating "lots" is not a number' }], unlinkedCount: 2, settings: join(project, 'strata-feedback.json') });
    expect(r.links).toEqual({ version: 1, 'build-map': 2, build: 1, time: 1, none: 2 });
    expect(r.unlinked).toEqual([
      { at: 7, id: expect.any(String), reason: 'build "1.0-nightly" is not in the build map and names no version' },
      { at: 8, id: expect.any(String), reason: expect.stringContaining('before the branch') },
    ]);
    const items = (await queryFeedback({ repo })).items;
    const byText = new Map(items.map((i) => [i.text, i]));
    expect(byText.get('Love it')).toMatchObject({ version: v[0], link: 'build-map', milestone: 'alpha', source: { file: 'p1.csv', at: 2 } });
    expect(byText.get('Crashes on "start", every time')).toMatchObject({ version: v[1], link: 'build-map', categories: ['crash'] });
    expect(byText.get('Tag build')).toMatchObject({ version: v[1], link: 'build' });
    expect(byText.get('By time')).toMatchObject({ version: v[2], link: 'time' });
    expect(byText.get('Explicit')).toMatchObject({ version: v[2], link: 'version', versionRef: (v[2] as string).slice(0, 10) });
    expect(byText.get('Unknown build')?.version).toBeUndefined();
    expect(byText.get('Love it')?.player).toMatch(/^p-[0-9a-f]{20}$/);

    // The secret: made once, 0600, outside the objects; no identifier, email or secret inside any object.
    const secretFile = join(repo.root, FEEDBACK_SECRET_PATH);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secretHex = readFileSync(secretFile, 'utf8').trim();
    const all = objectsText(repo.root);
    expect(all).toContain('Crashes on');
    for (const s of ['alice@example.org', 'bob@example.org', '"alice"', 'frank', secretHex]) expect(all).not.toContain(s);

    // Queries: by player (pseudonymised the same way), platform, rating, time, text, range, milestone, unlinked.
    expect((await queryFeedback({ repo, filter: { player: 'bob' } })).items.map((i) => i.text)).toEqual(['Crashes on "start", every time']);
    expect((await queryFeedback({ repo, filter: { platform: ['SWITCH'] } })).total).toBe(1);
    expect((await queryFeedback({ repo, filter: { rating: '>=4' } })).items.map((i) => i.text).sort()).toEqual(['Love it', 'Tag build']);
    expect((await queryFeedback({ repo, filter: { since: '2026-01-02', until: '2026-01-03' } })).items.map((i) => i.text).sort()).toEqual(['Crashes on "start", every time', 'Unknown build']);
    expect((await queryFeedback({ repo, filter: { text: 'CRASHES' } })).total).toBe(1);
    expect((await queryFeedback({ repo, filter: { versionRange: { from: 'v2' } } })).total).toBe(4);
    expect((await queryFeedback({ repo, filter: { versionRange: { to: 'alpha' } } })).total).toBe(1);
    expect((await queryFeedback({ repo, filter: { milestone: 'ALPHA' } })).total).toBe(5);
    expect((await queryFeedback({ repo, filter: { unlinked: true } })).total).toBe(2);
    expect((await queryFeedback({ repo, filter: { category: ['crash'] } })).total).toBe(1);
    expect((await queryFeedback({ repo, limit: 2 })).items).toHaveLength(2);
    await expect(queryFeedback({ repo, filter: { category: ['nope'] } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(queryFeedback({ repo, filter: { milestone: 'beta' } })).rejects.toMatchObject({ code: 'UNKNOWN_MILESTONE' });
    await expect(queryFeedback({ repo, filter: { version: 'nope' } })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });

    // Re-import: nothing new, no record. With the build added to the map, the unlinked item is linked now.
    const records = (await listRecords(repo, 'game/feedback')).length;
    const again = await importFeedback({ repo, file: join(base, 'p1.csv'), format: 'csv' });
    expect(again).toMatchObject({ added: 0, relinked: 0, present: 7, malformedCount: 1 });
    expect(again.record).toBeUndefined();
    expect(await listRecords(repo, 'game/feedback')).toHaveLength(records);
    writeFileSync(join(project, 'strata-feedback.json'), JSON.stringify({ builds: { '0.9.1 (4512)': 'alpha', '0.9.2 (4520)': v[1], '1.0-nightly': 'main' } }));
    const relink = await importFeedback({ repo, file: join(base, 'p1.csv'), format: 'csv' });
    expect(relink).toMatchObject({ added: 0, relinked: 1, present: 6, unlinkedCount: 0 });
    expect((await queryFeedback({ repo, filter: { text: 'Unknown build' } })).items[0]?.version).toBe(v[2]);
    expect((await queryFeedback({ repo })).total).toBe(7);

    // A map entry naming no version stops the import before anything is stored.
    writeFileSync(join(project, 'strata-feedback.json'), JSON.stringify({ builds: { '1.0-nightly': 'rc-9' } }));
    writeFileSync(join(base, 'p1b.csv'), 'text,build\nnew one,1.0-nightly\n');
    await expect(importFeedback({ repo, file: join(base, 'p1b.csv'), format: 'csv' })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION', message: expect.stringContaining('"rc-9"') });
    expect(await listRecords(repo, 'game/feedback')).toHaveLength(records + 1);
    rmSync(join(project, 'strata-feedback.json'));

    // add: one item; the same again adds nothing.
    const a = await addFeedback({ repo, text: 'Menu font too small', platform: 'pc', version: 'v2', player: 'alice', time: '2026-01-02T10:00:00Z' });
    expect(a).toMatchObject({ added: true, item: { version: v[1], link: 'version', player: byText.get('Love it')?.player } });
    expect((await addFeedback({ repo, text: 'Menu font too small', platform: 'pc', version: 'v2', player: 'alice', time: '2026-01-02T10:00:00Z' })).added).toBe(false);
    await expect(addFeedback({ repo, text: ' ' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const an = await analyzeFeedback({ repo, withItems: true });
    expect(an).toMatchObject({ items: 8, lexicon: 'AFINN-165' });
    expect(an.categories.find((c) => c.category === 'ui')?.count).toBe(1);

    // Forget a player: their item is gone from every answer and, after gc, from every object.
    expect(await forgetFeedback({ repo, player: 'bob', dryRun: true })).toMatchObject({ forgotten: 1, remaining: 7, dryRun: true });
    expect(objectsText(repo.root)).toContain('Crashes on');
    const before = (await listRecords(repo, 'game/feedback')).length;
    const f = await forgetFeedback({ repo, player: 'bob' });
    expect(f).toMatchObject({ forgotten: 1, remaining: 7, recordsDeleted: before });
    expect(await listRecords(repo, 'game/feedback')).toHaveLength(1);
    expect((await queryFeedback({ repo })).total).toBe(7);
    expect((await queryFeedback({ repo, filter: { player: 'bob' } })).total).toBe(0);
    expect((await queryFeedback({ repo, filter: { player: 'alice' } })).total).toBe(2);
    // gc judges object age by the repository's clock: this one is fixed in January, so gc runs on a handle
    // with the real clock, and the test goes on with that handle (the other's caches knew the fan-out folders gc removed).
    const live = await openRepository({ repo: repo.root, clock: systemClock });
    await gc({ repo: live });
    fx.repo = live;
    expect(objectsText(repo.root)).not.toContain('Crashes on');
    expect((await forgetFeedback({ repo: live, player: 'bob' })).forgotten).toBe(0);
    // The index of the new record is whole: re-importing adds only what was forgotten.
    writeFileSync(join(project, 'strata-feedback.json'), JSON.stringify({ builds: { '0.9.1 (4512)': 'alpha', '0.9.2 (4520)': v[1], '1.0-nightly': 'main' } }));
    expect(await importFeedback({ repo: live, file: join(base, 'p1.csv'), format: 'csv' })).toMatchObject({ added: 1, present: 6 });
    rmSync(join(project, 'strata-feedback.json'));
  });

  it('a missing or replaced secret is an error, never a silent new one', async () => {
    const { repo } = fx;
    const secretFile = join(repo.root, FEEDBACK_SECRET_PATH);
    const saved = readFileSync(secretFile);
    writeFileSync(join(base, 'one.jsonl'), '{"text":"hello there","player":"zed"}\n');
    unlinkSync(secretFile);
    await expect(importFeedback({ repo, file: join(base, 'one.jsonl'), format: 'jsonl' })).rejects.toMatchObject({ code: 'FEEDBACK_SECRET', message: expect.stringContaining('missing') });
    expect(existsSync(secretFile)).toBe(false);
    await expect(queryFeedback({ repo, filter: { player: 'alice' } })).rejects.toMatchObject({ code: 'FEEDBACK_SECRET' });
    writeFileSync(secretFile, `${'ab'.repeat(32)}\n`);
    await expect(importFeedback({ repo, file: join(base, 'one.jsonl'), format: 'jsonl' })).rejects.toMatchObject({ code: 'FEEDBACK_SECRET', message: expect.stringContaining('not the one') });
    writeFileSync(secretFile, 'garbage\n');
    await expect(importFeedback({ repo, file: join(base, 'one.jsonl'), format: 'jsonl' })).rejects.toMatchObject({ code: 'FEEDBACK_SECRET', message: expect.stringContaining('damaged') });
    writeFileSync(secretFile, saved);
    expect((await importFeedback({ repo, file: join(base, 'one.jsonl'), format: 'jsonl' })).added).toBe(1);
  });

  it('errors of the file: missing, not the format, a bad --map', async () => {
    const { repo } = fx;
    await expect(importFeedback({ repo, file: join(base, 'nope.csv'), format: 'csv' })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    writeFileSync(join(base, 'bad.json'), '{"items": [');
    await expect(importFeedback({ repo, file: join(base, 'bad.json'), format: 'json' })).rejects.toMatchObject({ code: 'FEEDBACK_PARSE' });
    writeFileSync(join(base, 'ok.csv'), 'text\nhi\n');
    await expect(importFeedback({ repo, file: join(base, 'ok.csv'), format: 'csv', map: ['text=comment'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no column "comment"') });
  });
});

describe('feedback report and correlate', () => {
  it('finds the category that rose after a version and the files that changed in it; concurrent imports lose nothing', async () => {
    const fx = await makeProject('p2');
    const { repo, v } = fx;
    // v1: 1 crash report of 20; v2: 9 of 20 (Fisher one-sided p = 0.00418, scipy.stats.fisher_exact([[9,11],[1,19]], 'greater')); v3: 9 of 20 (no rise).
    const lines = (version: string, crashes: number, tag: string) =>
      Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: i < crashes ? `It crashed at lap ${i} (${tag})` : `Nice track ${i} (${tag})`, strata_version: version, rating: i < crashes ? 1 : 4 })).join('\n');
    writeFileSync(join(base, 'a.jsonl'), `${lines(v[0] as string, 1, 'a')}\n${lines(v[2] as string, 9, 'c')}\n`);
    writeFileSync(join(base, 'b.jsonl'), `${lines(v[1] as string, 9, 'b')}\n`);
    const [ra, rb] = await Promise.all([importFeedback({ repo, file: join(base, 'a.jsonl'), format: 'jsonl' }), importFeedback({ repo, file: join(base, 'b.jsonl'), format: 'jsonl' })]);
    expect(ra.added + rb.added).toBe(60);
    // The second writer's index did not see the first's items: the next import notices and reads them all.
    expect((await importFeedback({ repo, file: join(base, 'a.jsonl'), format: 'jsonl' })).present).toBe(40);
    expect((await importFeedback({ repo, file: join(base, 'b.jsonl'), format: 'jsonl' })).present).toBe(20);

    const report = await feedbackReport({ repo, by: 'version' });
    expect(report.groups.map((g) => [g.version, g.items, g.label])).toEqual([
      [v[0], 20, 'alpha'],
      [v[1], 20, 'v2'],
      [v[2], 20, (v[2] as string).slice(0, 12)],
    ]);
    expect(report.groups[1]?.rises.map((r) => r.category)).toEqual(['crash']);
    expect(report.groups[1]?.rises[0]?.p).toBeCloseTo(0.004180867084092892, 12);
    expect(report.groups[1]?.rating).toEqual({ mean: 2.65, n: 20 });
    expect(report.groups[2]?.rises).toEqual([]);
    const z = await feedbackReport({ repo, by: 'version', test: 'z', alpha: 0.01 });
    expect(z.groups[1]?.rises[0]).toMatchObject({ category: 'crash', test: 'z' });
    await expect(feedbackReport({ repo, by: 'version', alpha: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // Holm over the 18 tests (9 categories at 2 versions): 18 x 0.00418 = 0.075, no longer below 0.05.
    const holm = await feedbackReport({ repo, by: 'version', adjust: 'holm' });
    expect(holm.adjust).toBe('holm');
    expect(holm.groups[1]?.rises).toEqual([]);
    expect((await feedbackReport({ repo, by: 'version', adjust: 'holm', alpha: 0.1 })).groups[1]?.rises[0]?.pAdjusted).toBeCloseTo(18 * 0.004180867084092892, 12);
    const byMilestone = await feedbackReport({ repo, by: 'milestone' });
    expect(byMilestone.groups.map((g) => [g.label, g.items])).toEqual([['alpha', 60]]);

    const c = await correlateFeedback({ repo, category: 'crash' });
    expect(c.versions).toHaveLength(1);
    expect(c.versions[0]).toMatchObject({ version: v[1], label: 'v2', previous: { version: v[0], label: 'alpha' } });
    expect(c.versions[0]?.files.map((f) => [f.change, f.path, f.group])).toEqual([
      ['changed', 'art/kart.png', 'textures'],
      ['changed', 'src/physics.cpp', 'code'],
    ]);
    expect(c.assetGroups).toEqual([
      { group: 'code', versions: 1, files: 1 },
      { group: 'textures', versions: 1, files: 1 },
    ]);
    expect((await correlateFeedback({ repo, category: 'audio' })).versions).toEqual([]);

    // Release notes from alpha to v2 carry the feedback of v2 and its rise; from v2 to v3, no rise.
    const notes = await releaseNotes({ repo, from: 'alpha', to: 'v2', sections: [feedbackNotesSection] });
    const section = notes.sections.find((s) => s.id === 'feedback');
    expect(section?.data).toMatchObject({ items: 20, versions: [{ version: v[1], label: 'v2', items: 20 }], rises: [{ category: 'crash', label: 'v2', after: 0.45, before: 0.05 }] });
    expect(section?.markdown.join('\n')).toContain('- **crash** rose at v2: 45.0% of its feedback, from 5.0% (p = 0.0042)');
    const later = await releaseNotes({ repo, from: 'v2', to: v[2] as string, sections: [feedbackNotesSection] });
    expect(later.sections[0]?.markdown.at(-1)).toMatch(/^No category rose significantly/);
    expect(await feedbackNotesSection({ repo, from: v[1] as string, to: v[1] as string })).toBeUndefined();
    await expect(correlateFeedback({ repo, category: 'netcode' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

/**
 * Player feedback end to end, through the built CLI: a CSV file as spreadsheet programs write it (BOM,
 * CRLF, quotes, an embedded newline) with malformed rows, imported for two builds through a build map;
 * re-import; unlinked items; list and query; analyze; report and correlate (the crash reports that rose
 * with the second build, and the files it changed); JSON and JSON lines; the error paths.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, okJson, removeTempDirs, strata, tempDir, writeFiles as write, snapshotWithMessage as snapshot, errorCode } from './helpers.js';

afterAll(removeTempDirs);

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** 20 rows for a build, `crashes` of them crash reports. */
function rowsFor(build: string, crashes: number, day: string): string[][] {
  return Array.from({ length: 20 }, (_, i) => [
    i < crashes ? `Game crashes when I finish lap ${i}` : `Great track design, race ${i} was fun`,
    i < crashes ? '1' : '5',
    i % 2 === 0 ? 'pc' : 'switch',
    build,
    `player-${i % 7}`,
    `player${i}@example.org`,
    `${day}T1${i % 10}:00:00Z`,
  ]);
}

describe('strata game feedback', () => {
  let project: string;
  let v1: string;
  let v2: string;
  let csvPath: string;

  beforeAll(() => {
    project = tempDir('feedback');
    ok(['init'], { cwd: project });
    write(project, { 'src/physics.cpp': 'int grip = 10;\n', 'art/kart.png': 'png-1', 'audio/theme.ogg': 'ogg-1', 'README.txt': 'game\n' });
    v1 = snapshot(project, 'build 100');
    ok(['game', 'milestone', 'create', 'beta-1', '--type', 'beta'], { cwd: project });
    write(project, { 'src/physics.cpp': 'int grip = 3;\n', 'art/kart.png': 'png-2', 'levels/track1.tscn': '[scene]\n' });
    v2 = snapshot(project, 'build 101');
    ok(['tag', 'rc1', v2], { cwd: project });
    write(project, { 'strata-feedback.json': JSON.stringify({ builds: { '1.0.100': 'beta-1', '1.0.101': 'rc1' } }, null, 2) });

    const header = ['Comment', 'Stars', 'Platform', 'Build', 'Player', 'Email', 'Submitted'];
    const rows = [...rowsFor('1.0.100', 1, '2026-02-01'), ...rowsFor('1.0.101', 10, '2026-02-03')];
    const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
    lines.splice(3, 0, 'A "broken quote,3,pc,1.0.100,x,,2026-02-01T10:00:00Z'); // line 4: malformed
    lines.splice(6, 0, 'too,few,fields'); // line 7: malformed
    lines.push(['Controls feel great\nbut the "drift" button is far', '4', 'pc', '1.0.102-nightly', 'player-1', '', '2026-02-04T09:00:00Z'].map(csvField).join(','));
    csvPath = join(project, 'feedback.csv');
    writeFileSync(csvPath, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]));
  });

  it('imports a spreadsheet CSV: malformed rows and unlinked items reported by line, the rest linked through the build map', () => {
    const r = strata(['game', 'feedback', 'import', csvPath, '--map', 'text=Comment', '--map', 'time=Submitted'], { cwd: project });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('imported feedback.csv (csv): 43 rows, 41 new, 0 already present, 2 malformed');
    expect(r.stdout).toContain('linked: 0 by version, 40 by build map, 0 by build name, 0 by time; 1 unlinked');
    expect(r.stdout).toMatch(/line 4: Invalid Opening Quote/);
    expect(r.stdout).toContain('line 7: 3 fields, the header has 7');
    expect(r.stdout).toContain('line 44: build "1.0.102-nightly" is not in the build map and names no version');
    expect(r.stderr).toBe('');
    // Nothing personal in the store: no email, no player identifier.
    const q = okJson<{ total: number; items: Array<{ text: string; player?: string; fields?: Record<string, string>; source: { at: number } }> }>(['game', 'feedback', 'query'], { cwd: project });
    expect(q.total).toBe(41);
    const all = JSON.stringify(q);
    expect(all).not.toContain('@example.org');
    expect(all).not.toContain('player-1');
    expect(q.items.every((i) => /^p-[0-9a-f]{20}$/.test(i.player ?? ''))).toBe(true);
    const multi = q.items.find((i) => i.text.startsWith('Controls feel great'));
    expect(multi?.text).toBe('Controls feel great\nbut the "drift" button is far');
    expect(multi?.source.at).toBe(44);
    expect(existsSync(join(project, '.strata', 'keys', 'game-feedback'))).toBe(true);
  });

  it('re-importing the same file adds nothing', () => {
    const run = strata(['game', 'feedback', 'import', csvPath, '--map', 'text=Comment', '--map', 'time=Submitted', '--json'], { cwd: project });
    expect(run.code).toBe(3);
    const r = JSON.parse(run.stdout) as { added: number; present: number; malformedCount: number; record?: string };
    expect(r).toMatchObject({ added: 0, present: 41, malformedCount: 2 });
    expect(r.record).toBeUndefined();
    const human = strata(['game', 'feedback', 'import', csvPath, '--map', 'text=Comment', '--map', 'time=Submitted'], { cwd: project });
    expect(human.stdout).toContain('41 already present');
    expect(human.stdout).toContain('nothing new: no record written');
  });

  it('lists and queries by version range, milestone, category, platform, rating, time, text and player', () => {
    const count = (args: string[]): number => okJson<{ total: number }>(['game', 'feedback', 'query', ...args], { cwd: project }).total;
    expect(count(['--version', 'rc1'])).toBe(20);
    expect(count(['--version', v1])).toBe(20);
    expect(count(['--range', 'beta-1..rc1'])).toBe(40);
    expect(count(['--range', 'rc1..'])).toBe(20);
    expect(count(['--milestone', 'beta-1'])).toBe(40);
    expect(count(['--category', 'crash'])).toBe(11);
    expect(count(['--category', 'crash', '--platform', 'switch'])).toBe(5);
    expect(count(['--rating', '<=2'])).toBe(11);
    expect(count(['--since', '2026-02-03', '--until', '2026-02-04'])).toBe(20);
    expect(count(['--text', 'DRIFT'])).toBe(1);
    expect(count(['--unlinked'])).toBe(1);
    expect(count(['--player', 'player-1'])).toBe(7);
    const list = ok(['game', 'feedback', 'list', '--category', 'crash', '--limit', '3'], { cwd: project });
    expect(list.split('\n')[0]).toMatch(/^time\s+id\s+version\s+platform\s+rating\s+categories\s+sentiment\s+text$/);
    expect(list).toMatch(/[0-9a-f]{12} rc1 /);
    expect(list).toContain('3 of 11 items');
    const full = ok(['game', 'feedback', 'query', '--text', 'drift'], { cwd: project });
    expect(full).toContain('version:   unlinked');
    expect(full).toContain('source:    feedback.csv:44');
    expect(full).toContain('    but the "drift" button is far');
  });

  it('analyze: categories and AFINN-165 sentiment', () => {
    const a = okJson<{ items: number; categories: Array<{ category: string; count: number }>; sentiment: { mean: number; positive: number; negative: number }; lexicon: string }>(['game', 'feedback', 'analyze'], { cwd: project });
    expect(a.items).toBe(41);
    expect(a.lexicon).toBe('AFINN-165');
    expect(a.categories.find((c) => c.category === 'crash')?.count).toBe(11);
    expect(a.categories.find((c) => c.category === 'praise')?.count).toBe(30);
    expect(a.categories.find((c) => c.category === 'controls')?.count).toBe(1);
    expect(a.sentiment.positive).toBe(30);
    const human = ok(['game', 'feedback', 'analyze', '--version', 'rc1'], { cwd: project });
    expect(human).toMatch(/^20 items; rules: .*strata-feedback\.json; sentiment: AFINN-165/);
    expect(human).toMatch(/crash\s+10\s+50\.0%/);
  });

  it('report --by version and milestone: crash reports rose significantly with rc1', () => {
    const r = okJson<{ test: string; alpha: number; groups: Array<{ version: string; label: string; items: number; rating: { mean: number }; rises: Array<{ category: string; p: number; after: { hits: number }; before: { hits: number } }> }>; ungrouped: number }>(['game', 'feedback', 'report'], { cwd: project });
    expect(r.test).toBe('fisher');
    expect(r.groups.map((g) => [g.version, g.label, g.items])).toEqual([
      [v1, 'beta-1', 20],
      [v2, 'rc1', 20],
    ]);
    expect(r.ungrouped).toBe(1);
    expect(r.groups[1]?.rating.mean).toBe(3);
    expect(r.groups[1]?.rises.map((x) => x.category)).toEqual(['crash']);
    // scipy.stats.fisher_exact([[10, 10], [1, 19]], alternative='greater').pvalue = 0.001671025864574252
    expect(r.groups[1]?.rises[0]?.p).toBeCloseTo(0.001671025864574252, 12);
    const human = ok(['game', 'feedback', 'report'], { cwd: project });
    expect(human).toContain("rises (one-sided Fisher's exact test of each category's share against the version before, alpha 0.05):");
    expect(human).toContain('crash after rc1: 50.0% of 20 (was 5.0% of 20 at beta-1), p = 0.0017');
    const strict = ok(['game', 'feedback', 'report', '--test', 'z', '--alpha', '0.0001'], { cwd: project });
    expect(strict).toContain('two-proportion z-test');
    // Holm over 9 categories at one version: 9 x 0.00167 = 0.0150, still below 0.05.
    const holm = ok(['game', 'feedback', 'report', '--adjust', 'holm'], { cwd: project });
    expect(holm).toContain('p-values Holm-adjusted for all the tests');
    expect(holm).toContain('p = 0.0017, adjusted 0.0150');
    const m = okJson<{ groups: Array<{ label: string; items: number }> }>(['game', 'feedback', 'report', '--by', 'milestone'], { cwd: project });
    expect(m.groups).toEqual([expect.objectContaining({ label: 'beta-1', items: 40 })]);
  });

  it('correlate crash: the files and asset types rc1 changed, ranked', () => {
    const c = okJson<{ versions: Array<{ version: string; files: Array<{ path: string; change: string; group: string }> }>; assetGroups: Array<{ group: string; files: number }> }>(['game', 'feedback', 'correlate', 'crash'], { cwd: project });
    expect(c.versions.map((v) => v.version)).toEqual([v2]);
    expect(c.versions[0]?.files.map((f) => [f.change, f.path, f.group])).toEqual([
      ['changed', 'art/kart.png', 'textures'],
      ['added', 'levels/track1.tscn', 'levels'],
      ['changed', 'src/physics.cpp', 'code'],
    ]);
    expect(c.assetGroups.map((g) => g.group)).toEqual(['code', 'levels', 'textures']);
    const human = ok(['game', 'feedback', 'correlate', 'crash'], { cwd: project });
    expect(human).toContain('crash rose significantly after 1 version (alpha 0.05):');
    expect(human).toMatch(/changed since beta-1: 3 files/);
    expect(human).toMatch(/changed\s+code\s+src\/physics\.cpp/);
    expect(ok(['game', 'feedback', 'correlate', 'audio'], { cwd: project })).toContain('audio did not rise significantly after any version');
  });

  it('JSON and JSON lines, with nested fields mapped and versions named directly', () => {
    write(project, {
      'fb.json': JSON.stringify({ items: [{ message: 'Audio crackles in the menu', meta: { os: 'ps5', build: 'rc1' }, score: 2 }, 'not an object', { message: 'Nice', strata_version: 'beta-1' }] }),
      'fb.jsonl': '{"text":"Stutters on the bridge","version_id":"rc1","ip":"10.1.2.3"}\n{broken\n{"text":"Long loading times","time":"2000-01-01"}\n',
    });
    const j = strata(['game', 'feedback', 'import', 'fb.json', '--map', 'platform=meta.os', '--map', 'build=meta.build', '--json'], { cwd: project });
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout)).toMatchObject({ format: 'json', added: 2, malformed: [{ at: 2, problem: 'not a JSON object' }], links: { build: 1, version: 1 } });
    const l = strata(['game', 'feedback', 'import', 'fb.jsonl'], { cwd: project });
    expect(l.code).toBe(3);
    expect(l.stdout).toContain('line 2: not JSON');
    expect(l.stdout).toMatch(/line 3: written 2000-01-01T00:00:00.000Z, before the branch's first version/);
    expect(okJson<{ total: number }>(['game', 'feedback', 'query', '--platform', 'ps5'], { cwd: project }).total).toBe(1);
    expect(ok(['game', 'feedback', 'query', '--json', '--text', 'stutters'], { cwd: project })).not.toContain('10.1.2.3');
    const add = okJson<{ added: boolean; item: { version: string; link: string } }>(['game', 'feedback', 'add', 'Please add a photo mode', '--rating', '4', '--version', 'rc1', '--tag', 'wish'], { cwd: project });
    expect(add).toMatchObject({ added: true, item: { version: v2, link: 'version' } });
    expect(okJson<{ total: number }>(['game', 'feedback', 'query', '--tag', 'wish', '--category', 'request'], { cwd: project }).total).toBe(1);
  });

  it('error paths: missing file, bad format, unknown version in the build map, unreadable JSON, a missing secret', () => {
    let r = strata(['game', 'feedback', 'import', 'nope.csv'], { cwd: project });
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'FILE_NOT_FOUND']);
    r = strata(['game', 'feedback', 'import', 'fb.json', '--format', 'xml'], { cwd: project });
    expect(r.code).toBe(2);
    r = strata(['game', 'feedback', 'import', 'README.txt'], { cwd: project });
    expect([r.code, errorCode(r.stderr)]).toEqual([2, 'USAGE']);
    r = strata(['game', 'feedback', 'import', 'fb.json', '--format', 'csv', '--map', 'colour=x'], { cwd: project });
    expect([r.code, errorCode(r.stderr)]).toEqual([2, 'INVALID_ARGUMENT']);
    write(project, { 'bad.json': '[{"text": "x"', 'nightly.csv': 'text,build\nFreezes,1.0.102-nightly\n' });
    r = strata(['game', 'feedback', 'import', 'bad.json'], { cwd: project });
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'FEEDBACK_PARSE']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    write(project, { 'strata-feedback.json': JSON.stringify({ builds: { '1.0.102-nightly': 'rc2' } }) });
    r = strata(['game', 'feedback', 'import', 'nightly.csv', '--json'], { cwd: project });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr.trim().split('\n').pop() as string)).toMatchObject({ code: 'UNKNOWN_REVISION', message: expect.stringContaining('maps "1.0.102-nightly" to "rc2"') });
    write(project, { 'strata-feedback.json': '{"builds": 3}' });
    r = strata(['game', 'feedback', 'import', 'nightly.csv'], { cwd: project });
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'CONFIG_INVALID']);
    write(project, { 'strata-feedback.json': JSON.stringify({ builds: { '1.0.100': 'beta-1', '1.0.101': 'rc1' } }) });
    const key = join(project, '.strata', 'keys', 'game-feedback');
    renameSync(key, `${key}.away`);
    r = strata(['game', 'feedback', 'import', 'nightly.csv'], { cwd: project });
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'FEEDBACK_SECRET']);
    expect(r.stderr).toContain('hint: restore keys/game-feedback from a backup');
    expect(existsSync(key)).toBe(false);
    renameSync(`${key}.away`, key);
    expect(readFileSync(key, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    r = strata(['game', 'feedback', 'report', '--alpha', '3'], { cwd: project });
    expect([r.code, errorCode(r.stderr)]).toEqual([2, 'INVALID_ARGUMENT']);
    r = strata(['game', 'feedback', 'query', '--version', 'nope'], { cwd: project });
    expect([r.code, errorCode(r.stderr)]).toEqual([1, 'UNKNOWN_REVISION']);
  });

  it("forget --player erases a player's items; gc frees the objects that held them", () => {
    const before = okJson<{ total: number }>(['game', 'feedback', 'query'], { cwd: project }).total;
    expect(ok(['game', 'feedback', 'forget', '--player', 'player-3', '--dry-run'], { cwd: project })).toMatch(/^would forget 6 items of p-[0-9a-f]{20}; \d+ items would remain$/);
    const f = okJson<{ forgotten: number; remaining: number; recordsDeleted: number }>(['game', 'feedback', 'forget', '--player', 'player-3'], { cwd: project });
    expect(f.forgotten).toBe(6);
    expect(f.remaining).toBe(before - 6);
    expect(okJson<{ total: number }>(['game', 'feedback', 'query', '--player', 'player-3'], { cwd: project }).total).toBe(0);
    expect(okJson<{ total: number }>(['game', 'feedback', 'query'], { cwd: project }).total).toBe(before - 6);
    ok(['gc'], { cwd: project });
    expect(ok(['check'], { cwd: project })).toContain('no damage found');
    expect(ok(['game', 'feedback', 'forget', '--player', 'player-3'], { cwd: project })).toContain('no feedback of that player is stored');
  });
});

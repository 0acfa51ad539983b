/**
 * Game milestones end to end, through the built CLI: a release cycle (alpha -> beta -> rc promoted to
 * release -> hotfix) with every refusal leaving the repository as it was, release notes between two
 * milestones (markdown and JSON), and pinned milestone versions surviving `forget` and `gc`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, okJson, removeTempDirs, strata, tempDir, writeFiles as write, snapshotWithMessage as snapshot, errorCode } from './helpers.js';

afterAll(removeTempDirs);

/** Bytes of a given size with a recognisable pattern. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

interface MilestoneJson {
  name: string;
  type: string;
  semver?: string;
  version: string;
  pinned: boolean;
  promotions: Array<{ from: string; to: string; semverBefore?: string; semverAfter?: string }>;
}

describe('game milestones: a release cycle', () => {
  let dir: string;
  const v: Record<string, string> = {};
  const list = (): MilestoneJson[] => okJson<MilestoneJson[]>(['game', 'milestone', 'list'], { cwd: dir });

  beforeAll(() => {
    dir = tempDir('game-ms');
    ok(['init'], { cwd: dir });
    write(dir, { 'scratch.txt': 'a scratch build nobody keeps\n' });
    v.scratch = snapshot(dir, 'scratch');
    rmSync(join(dir, 'scratch.txt'));
    write(dir, {
      'Content/Textures/rock.png': bytes(3000, 1),
      'Content/Audio/old.wav': bytes(5000, 2),
      'Content/hero.fbx': bytes(4096, 3),
      'Source/Game/Player.cpp': 'int main() { return 0; }\n',
      'Config/DefaultEngine.ini': '[/Script/Engine.RendererSettings]\nr.VSync=0\n',
    });
    v.alpha = snapshot(dir, 'alpha build');
    // beta: a level, a code change, a model moved
    write(dir, { 'Content/Maps/level1.umap': bytes(10_000, 4), 'Source/Game/Player.cpp': 'int main() { return run(); }\n' });
    mkdirSync(join(dir, 'Content/Models'));
    renameSync(join(dir, 'Content/hero.fbx'), join(dir, 'Content/Models/hero.fbx'));
    v.beta = snapshot(dir, 'beta build');
    // rc: audio removed, config changed, a texture added
    rmSync(join(dir, 'Content/Audio/old.wav'));
    write(dir, { 'Config/DefaultEngine.ini': '[/Script/Engine.RendererSettings]\nr.VSync=1\n', 'Content/Textures/grass.png': bytes(2048, 5) });
    v.rc = snapshot(dir, 'rc build');
  });

  it('creates alpha, beta and rc milestones, pinned', () => {
    const a = okJson<MilestoneJson>(['game', 'milestone', 'create', 'alpha-1', v.alpha as string, '--type', 'alpha', '--semver', '1.0.0-alpha.1', '-m', 'first playable'], { cwd: dir });
    expect(a).toMatchObject({ name: 'alpha-1', type: 'alpha', semver: '1.0.0-alpha.1', version: v.alpha, pinned: true, promotions: [] });
    const beta = ok(['game', 'milestone', 'create', 'beta-1', v.beta as string, '--type', 'beta', '--semver', '1.0.0-beta.1'], { cwd: dir });
    expect(beta).toMatch(/^milestone beta-1: beta 1\.0\.0-beta\.1 on version [0-9a-f]{12} \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\), pinned$/);
    expect(beta).toContain((v.beta as string).slice(0, 12));
    okJson(['game', 'milestone', 'create', 'rc-1', '--type', 'rc', '--semver', '1.0.0-rc.1'], { cwd: dir }); // HEAD
    expect(list().map((m) => [m.name, m.type, m.semver, m.version, m.pinned])).toEqual([
      ['alpha-1', 'alpha', '1.0.0-alpha.1', v.alpha, true],
      ['beta-1', 'beta', '1.0.0-beta.1', v.beta, true],
      ['rc-1', 'rc', '1.0.0-rc.1', v.rc, true],
    ]);
    expect(ok(['for-each-ref', 'refs/pins/'], { cwd: dir })).toContain(`refs/pins/game-milestones/alpha-1`);
  });

  it('promotes the rc to release, dropping its pre-release tag, and records the promotion', () => {
    expect(ok(['game', 'milestone', 'promote', 'rc-1', '--to', 'release'], { cwd: dir })).toBe('milestone rc-1: rc 1.0.0-rc.1 -> release 1.0.0');
    const rc = list().find((m) => m.name === 'rc-1') as MilestoneJson;
    expect(rc).toMatchObject({ type: 'release', semver: '1.0.0', version: v.rc });
    expect(rc.promotions).toMatchObject([{ from: 'rc', to: 'release', semverBefore: '1.0.0-rc.1', semverAfter: '1.0.0' }]);
    expect(ok(['game', 'milestone', 'list', '--type', 'release'], { cwd: dir }).split('\n').slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['rc-1 release 1.0.0']);
  });

  it('refuses what the rules forbid, changing nothing', () => {
    const before = JSON.stringify(list());
    const refs = ok(['for-each-ref'], { cwd: dir });
    const cases: Array<[string[], string, string]> = [
      [['create', 'ALPHA-1', '--type', 'alpha'], 'MILESTONE_EXISTS', 'the milestone alpha-1 exists already'],
      [['create', 'old', v.alpha as string, '--type', 'release', '--semver', '0.9.0'], 'RELEASE_RULE', 'release 0.9.0 is not greater than 1.0.0 (release rc-1)'],
      [['create', 'again', '--type', 'release', '--semver', '1.0.0'], 'RELEASE_RULE', '1.0.0 has shipped already: rc-1 is the release of 1.0.0'],
      [['create', 'rel', '--type', 'release'], 'RELEASE_RULE', 'a release needs a semver'],
      [['create', 'late-rc', '--type', 'rc', '--semver', '1.0.0-rc.2'], 'RELEASE_RULE', 'comes before 1.0.0, which has shipped'],
      [['create', 'hf', '--type', 'hotfix', '--semver', '1.1.1'], 'RELEASE_RULE', 'no release 1.1.x exists'],
      [['create', 'bad', '--type', 'beta', '--semver', '1.0'], 'INVALID_ARGUMENT', '"1.0" is not a semantic version'],
      [['create', 'gold', '--type', 'gold'], 'INVALID_ARGUMENT', '"gold" is not a milestone type'],
      [['create', 'a/b', '--type', 'dev'], 'INVALID_ARGUMENT', 'is not a valid milestone name'],
      [['promote', 'rc-1', '--to', 'beta'], 'RELEASE_RULE', 'promotion goes forward only'],
      [['promote', 'nope', '--to', 'rc'], 'UNKNOWN_MILESTONE', 'there is no milestone nope'],
      [['delete', 'rc-1'], 'RELEASE_RULE', 'rc-1 is a release (1.0.0) that has shipped: deleting it needs --force'],
    ];
    for (const [args, code, message] of cases) {
      const r = strata(['game', 'milestone', ...args], { cwd: dir });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(errorCode(r.stderr), args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
    expect(JSON.stringify(list())).toBe(before);
    expect(ok(['for-each-ref'], { cwd: dir })).toBe(refs);
  });

  it('creates a hotfix on the released line', () => {
    write(dir, { 'Source/Game/Player.cpp': 'int main() { return run() || 0; }\n' });
    v.hotfix = snapshot(dir, 'hotfix build');
    expect(ok(['game', 'milestone', 'create', 'hotfix-1', '--type', 'hotfix', '--semver', '1.0.1', '-m', 'crash on start'], { cwd: dir })).toContain('milestone hotfix-1: hotfix 1.0.1 on version');
    const r = strata(['game', 'milestone', 'create', 'hotfix-0', '--type', 'hotfix', '--semver', '1.0.1+b2'], { cwd: dir });
    expect(errorCode(r.stderr)).toBe('RELEASE_RULE');
  });

  it('shows a milestone with what changed since the one before', () => {
    const out = ok(['game', 'milestone', 'show', 'rc-1'], { cwd: dir });
    expect(out).toContain(`version:  ${v.rc} (pinned)`);
    expect(out).toContain('type:     release (build type)');
    expect(out).toContain('promoted: ');
    expect(out).toContain('rc -> release (1.0.0-rc.1 -> 1.0.0)');
    expect(out).toContain('since:    beta-1 (beta 1.0.0-beta.1): 1 added, 1 removed, 1 changed, 0 renamed, -2.9 KiB');
    const j = okJson<{ version: { files: number; bytes: number }; sincePrevious: { name: string; added: number; removed: number; changed: number; netBytes: number } }>(['game', 'milestone', 'show', 'rc-1'], { cwd: dir });
    expect(j.version).toMatchObject({ files: 6, bytes: 3000 + 4096 + 10_000 + 2048 + 29 + 44 });
    expect(j.sincePrevious).toMatchObject({ name: 'beta-1', added: 1, removed: 1, changed: 1, netBytes: 2048 - 5000 });
    expect(ok(['game', 'milestone', 'show', 'alpha-1'], { cwd: dir })).toContain('since:    first milestone');
  });

  it('writes release notes between alpha and the release: markdown', () => {
    const md = ok(['game', 'release-notes', 'alpha-1', 'rc-1'], { cwd: dir });
    expect(md).toContain('# Release notes: alpha-1 → rc-1');
    expect(md).toContain('- **Files:** 2 added, 1 removed, 2 changed, 1 renamed; net size +6.9 KiB');
    expect(md).toContain('| beta-1 | beta | 1.0.0-beta.1 |');
    expect(md).toContain('| Textures and images | 1 (2.0 KiB) | – | – | – | +2.0 KiB |');
    expect(md).toContain('| Models | – | – | – | 1 | 0 B |');
    expect(md).toContain('| Audio | – | 1 (4.9 KiB) | – | – | -4.9 KiB |');
    expect(md).toContain('| Scripts and code | – | – | 1 (+4 B) | – | +4 B |');
    expect(md).toContain('| Levels and scenes | 1 (9.8 KiB) | – | – | – | +9.8 KiB |');
    expect(md).toContain('| Configuration | – | – | 1 (0 B) | – | 0 B |');
    expect(md).toContain('| `Content/` | 2 (12 KiB) | 1 (4.9 KiB) | – | 1 | +6.9 KiB |');
    expect(md).toContain('- `Content/hero.fbx` → `Content/Models/hero.fbx`');
    expect(md).toContain('No platform configuration declared.');
    expect(md).not.toContain('hotfix-1');
  });

  it('writes release notes as JSON, to stdout and to a file', () => {
    const j = okJson<any>(['game', 'release-notes', 'alpha-1', 'rc-1', '--format', 'json'], { cwd: dir });
    expect(j.from).toMatchObject({ label: 'alpha-1', id: v.alpha, milestone: { name: 'alpha-1', type: 'alpha', semver: '1.0.0-alpha.1' } });
    expect(j.to).toMatchObject({ id: v.rc, milestone: { name: 'rc-1', type: 'release', semver: '1.0.0' } });
    expect(j.totals).toEqual({ added: { count: 2, bytes: 12_048 }, removed: { count: 1, bytes: 5000 }, changed: { count: 2, oldBytes: 25 + 44, newBytes: 29 + 44 }, renamed: { count: 1, bytes: 4096 }, netBytes: 12_048 - 5000 + 4 });
    expect(j.byType.map((g: any) => g.group)).toEqual(['textures', 'models', 'audio', 'code', 'levels', 'config']);
    expect(j.byFolder.map((f: any) => [f.folder, f.added.count, f.removed.count, f.changed.count, f.renamed.count])).toEqual([
      ['Config', 0, 0, 1, 0],
      ['Content', 2, 1, 0, 1],
      ['Source', 0, 0, 1, 0],
    ]);
    expect(j.milestones.map((m: any) => [m.name, m.type, m.semver])).toEqual([['beta-1', 'beta', '1.0.0-beta.1']]);
    expect(j.platforms).toEqual({ declared: false });
    // revisions work as well as milestone names
    const byRev = okJson<any>(['game', 'release-notes', v.alpha as string, 'HEAD', '--format', 'json'], { cwd: dir });
    expect(byRev.to.id).toBe(v.hotfix);
    expect(byRev.milestones.map((m: any) => m.name)).toEqual(['beta-1', 'rc-1', 'hotfix-1']);
    const out = join(dir, 'notes.md');
    expect(ok(['game', 'release-notes', 'alpha-1', 'rc-1', '-o', out], { cwd: dir })).toBe(`wrote ${out} (md): 2 added, 1 removed, 2 changed, 1 renamed`);
    expect(readFileSync(out, 'utf8')).toBe(`${ok(['game', 'release-notes', 'alpha-1', 'rc-1'], { cwd: dir })}\n`);
    const r = strata(['game', 'release-notes', 'alpha-1', 'no-such-thing'], { cwd: dir });
    expect(errorCode(r.stderr)).toBe('UNKNOWN_REVISION');
  });

  it('keeps pinned milestone versions through forget and gc; an unpinned one goes', () => {
    // beta is not a release: deleted without --force, which unpins it
    expect(ok(['game', 'milestone', 'delete', 'beta-1'], { cwd: dir })).toBe(`deleted milestone beta-1 (beta 1.0.0-beta.1); version ${(v.beta as string).slice(0, 12)} unpinned: retention may forget it now`);
    const f = okJson<{ keep: Array<{ id: string; reasons: string[] }>; remove: Array<{ id: string }> }>(['forget', '--keep-last', '1'], { cwd: dir });
    expect(f.keep.find((k) => k.id === v.alpha)?.reasons).toEqual(['pinned']);
    expect(f.keep.find((k) => k.id === v.rc)?.reasons).toEqual(['pinned']);
    expect(f.remove.map((r) => r.id).sort()).toEqual([v.scratch, v.beta].sort());
    ok(['gc'], { cwd: dir });
    expect(list().map((m) => m.name)).toEqual(['alpha-1', 'rc-1', 'hotfix-1']);
    expect(ok(['for-each-ref', 'refs/versions/'], { cwd: dir })).toContain(`refs/versions/${v.alpha}`);
    expect(ok(['for-each-ref', 'refs/versions/'], { cwd: dir })).not.toContain(`refs/versions/${v.beta}`);
    const target = join(dir, '..', `${dir.split('/').pop()}-restored`);
    ok(['restore', v.alpha as string, target], { cwd: dir });
    expect(readFileSync(join(target, 'Content/Audio/old.wav')).equals(bytes(5000, 2))).toBe(true);
    rmSync(target, { recursive: true, force: true });
    // the forgotten beta version's objects are gone
    expect(strata(['restore', v.beta as string, target], { cwd: dir }).code).not.toBe(0);
    expect(existsSync(target) && existsSync(join(target, 'Content/Maps/level1.umap'))).toBe(false);
  });

  it('keeps a pinned version reachable when its own version ref is deleted by other means', () => {
    ok(['update-ref', '-d', `refs/versions/${v.alpha}`], { cwd: dir });
    ok(['gc'], { cwd: dir });
    expect(ok(['check'], { cwd: dir })).toBeDefined();
    const target = join(dir, '..', `${dir.split('/').pop()}-restored2`);
    ok(['restore', v.alpha as string, target], { cwd: dir });
    expect(readFileSync(join(target, 'Content/hero.fbx')).equals(bytes(4096, 3))).toBe(true);
    expect(ok(['game', 'milestone', 'show', 'alpha-1'], { cwd: dir })).toContain(`version:  ${v.alpha} (pinned)`);
    rmSync(target, { recursive: true, force: true });
  });

  it('deletes a release with --force, unpinning it', () => {
    const r = okJson<Record<string, unknown>>(['game', 'milestone', 'delete', 'rc-1', '--force'], { cwd: dir });
    expect(r).toEqual({ name: 'rc-1', type: 'release', semver: '1.0.0', version: v.rc, records: 2, unpinned: true });
    expect(list().map((m) => m.name)).toEqual(['alpha-1', 'hotfix-1']);
    expect(ok(['for-each-ref', 'refs/pins/'], { cwd: dir })).not.toContain('rc-1');
    // the name is free again
    okJson(['game', 'milestone', 'create', 'rc-1', v.rc as string, '--type', 'rc', '--semver', '1.1.0-rc.1'], { cwd: dir });
  });
});

describe('game release notes with platform configuration', () => {
  it('lists what changed in each platform\'s effective configuration', () => {
    const dir = tempDir('game-rn');
    ok(['init'], { cwd: dir });
    write(dir, {
      'strata-platforms.json': JSON.stringify({
        layers: [
          { name: 'base', file: 'Config/base.json' },
          { name: 'pc', file: 'Config/pc.json', extends: 'base' },
          { name: 'switch', file: 'Config/switch.json', extends: 'base' },
        ],
        platforms: { pc: { layers: ['pc'] }, switch: { layers: ['switch'] } },
      }),
      'Config/base.json': '{"graphics": {"vsync": false, "maxFps": 60}}\n',
      'Config/pc.json': '{"graphics": {"maxFps": 144}}\n',
      'Config/switch.json': '{"graphics": {"maxFps": 30}}\n',
    });
    const a = snapshot(dir, 'a');
    write(dir, { 'Config/switch.json': '{"graphics": {"maxFps": 30, "dynamicResolution": true}}\n' });
    snapshot(dir, 'b');
    ok(['game', 'milestone', 'create', 'demo-1', a, '--type', 'demo'], { cwd: dir });
    const md = ok(['game', 'release-notes', 'demo-1', 'HEAD'], { cwd: dir });
    expect(md).toContain('## Platform configuration\n\n- Unchanged: pc\n\n### switch\n\n| change | key | before | after | set by |\n|---|---|---|---|---|\n| added | `graphics.dynamicResolution` |  | `true` | Config/switch.json:1 |');
    const j = okJson<any>(['game', 'release-notes', 'demo-1', 'HEAD', '--format', 'json'], { cwd: dir });
    expect(j.platforms.declared).toBe(true);
    expect(j.platforms.changes.platforms.find((p: any) => p.platform === 'switch').added).toMatchObject([{ key: 'graphics.dynamicResolution', after: true }]);
    expect(j.byType.map((g: any) => [g.group, g.changed.count])).toEqual([['config', 1]]);

    // A broken platforms file in one version: the notes stand, the section says why it is missing.
    write(dir, { 'strata-platforms.json': '{"platforms": {\n' });
    snapshot(dir, 'c');
    const r = strata(['game', 'release-notes', 'demo-1', 'HEAD'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: platform configuration not compared: .*strata-platforms\.json/m);
    expect(r.stdout).toMatch(/## Platform configuration\n\nNot compared: .*strata-platforms\.json.* \(CONFIG_PARSE\)\./);
    expect(r.stdout).toContain('| Configuration | – | – | 2 (');
  });
});

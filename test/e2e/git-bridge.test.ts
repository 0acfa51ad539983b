/**
 * `strata git export|import` end to end: the built CLI against the real git. A round trip to a bare
 * repository and a clone of it, byte for byte against `strata restore`; incremental runs; `--json`
 * shapes; the error paths with their codes, exit statuses and nothing half-written.
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderListing } from '../helpers/folder-listing.js';
import { hasGit, runGit } from '../helpers/git.js';
import { ok, okJson, removeTempDirs, strata, tempDir, type RunResult } from './helpers.js';

afterAll(removeTempDirs);

function errorOf(r: RunResult): string | undefined {
  return /^error\[([A-Z_]+)\]: /m.exec(r.stderr)?.[1];
}

function snapshot(dir: string, ...args: string[]): string {
  const lines = ok(['snapshot', '--json', ...args], { cwd: dir }).trim().split('\n');
  return (JSON.parse(lines[lines.length - 1] as string) as { id: string }).id;
}

function listing(dir: string): string[] {
  return folderListing(dir, { skip: (p) => p === '.git' || p === '.strata' });
}

describe.skipIf(!hasGit)('strata git (real git)', () => {
  it('exports to a bare repository that git clones, equal to restore; then only what is new; then imports it back', () => {
    const project = tempDir('git-project');
    ok(['init'], { cwd: project });
    mkdirSync(join(project, 'levels'), { recursive: true });
    writeFileSync(join(project, 'levels/one.json'), '{"enemies":3}\n');
    writeFileSync(join(project, 'build.sh'), '#!/bin/sh\necho build\n');
    chmodSync(join(project, 'build.sh'), 0o755);
    symlinkSync('levels/one.json', join(project, 'current-level'));
    const v1 = snapshot(project, '--name', 'first level', '-m', 'three enemies');
    writeFileSync(join(project, 'levels/two.json'), '{"enemies":5}\n');
    const v2 = snapshot(project, '--name', 'second level', '--milestone');
    ok(['tag', 'alpha', v2], { cwd: project });

    const bare = join(tempDir('git-bare'), 'game.git');
    runGit(join(bare, '..'), ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    const human = ok(['git', 'export', bare], { cwd: project });
    expect(human).toMatch(/^exported 2 versions of main to .*game\.git: refs\/heads\/main -> [0-9a-f]{12}\n/);
    expect(human).toContain('new tag alpha');
    expect(human).toContain('new annotated tag (milestone) milestones/second-level');
    expect(runGit(bare, ['fsck', '--strict', '--no-dangling']).stderr).toBe('');
    expect(runGit(bare, ['log', '--format=%s', 'main']).stdout).toBe('second level\nfirst level\n');

    const clone = join(tempDir('git-clone'), 'game');
    runGit(join(clone, '..'), ['clone', '--quiet', bare, clone]);
    for (const [version, rev] of [[v2, 'main'], [v1, 'main~1']] as const) {
      runGit(clone, ['checkout', '--quiet', '--detach', rev]);
      const restored = tempDir('git-restore');
      ok(['restore', version, restored], { cwd: project });
      expect(listing(clone)).toEqual(listing(restored));
    }
    expect(runGit(clone, ['tag', '-n9', '-l', 'milestones/*']).stdout).toMatch(/^milestones\/second-level second level\n$/);

    // Nothing new, then one new version: only it (JSON shape).
    const same = okJson<{ commits: unknown[]; alreadyExported: number; refUpdated: boolean }>(['git', 'export', bare, '--json'], { cwd: project });
    expect(same).toMatchObject({ commits: [], alreadyExported: 2, refUpdated: false });
    writeFileSync(join(project, 'levels/one.json'), '{"enemies":4}\n');
    const v3 = snapshot(project, '-m', 'balance');
    const third = okJson<{ commits: Array<{ version: string; commit: string }>; head: string; ref: string }>(['git', 'export', bare, '--json'], { cwd: project });
    expect(third.commits.map((c) => c.version)).toEqual([v3]);
    expect(third.ref).toBe('refs/heads/main');
    expect(runGit(bare, ['rev-parse', 'main']).stdout.trim()).toBe(third.head);

    // The clone's history, imported into a new strata repository: every version's content comes back.
    runGit(clone, ['checkout', '--quiet', 'main']);
    runGit(clone, ['pull', '--quiet', '--ff-only']);
    const other = tempDir('git-import');
    ok(['init'], { cwd: other });
    const imported = okJson<{ versions: Array<{ commit: string; version: string }>; tags: Array<{ ref: string }>; branch: string }>(['git', 'import', clone, '--json'], { cwd: other });
    expect(imported.versions).toHaveLength(3);
    expect(imported.tags.map((t) => t.ref).sort()).toEqual(['refs/tags/alpha', 'refs/tags/milestones/second-level']);
    const restoredImport = tempDir('git-restore-import');
    ok(['restore', 'main', restoredImport], { cwd: other });
    expect(listing(restoredImport)).toEqual(listing(clone));
    expect(ok(['log', '--json'], { cwd: other })).toContain('"name":"second level"');
    const again = ok(['git', 'import', clone], { cwd: other });
    expect(again).toMatch(/^main is up to date with .*: nothing new to import\n/);
  });

  it('refuses bad repositories and moved refs with stable codes, writing nothing', () => {
    const project = tempDir('git-bad');
    ok(['init'], { cwd: project });
    writeFileSync(join(project, 'a.txt'), 'a\n');
    snapshot(project);

    const plain = tempDir('git-plain');
    let r = strata(['git', 'export', plain], { cwd: project });
    expect([r.code, errorOf(r)]).toEqual([1, 'NOT_A_GIT_REPOSITORY']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    r = strata(['git', 'import', plain, '--json'], { cwd: project });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr.trim().split('\n').pop() as string)).toMatchObject({ message_type: 'error', code: 'NOT_A_GIT_REPOSITORY', exitCode: 1 });

    const sha256 = join(tempDir('git-sha256'), 'r.git');
    runGit(join(sha256, '..'), ['init', '--quiet', '--bare', '--object-format=sha256', sha256]);
    r = strata(['git', 'export', sha256], { cwd: project });
    expect([r.code, errorOf(r)]).toEqual([1, 'GIT_FORMAT_UNSUPPORTED']);

    const work = tempDir('git-dirty');
    runGit(work, ['init', '--quiet', '--initial-branch=main']);
    writeFileSync(join(work, 'tracked'), 'one\n');
    runGit(work, ['add', 'tracked']);
    runGit(work, ['commit', '--quiet', '-m', 'one']);
    writeFileSync(join(work, 'tracked'), 'two\n');
    r = strata(['git', 'export', work], { cwd: project });
    expect([r.code, errorOf(r)]).toEqual([1, 'GIT_DIRTY_WORKTREE']);
    expect(runGit(work, ['rev-list', '--all']).stdout.trim().split('\n')).toHaveLength(1);

    // main exists in git with a commit strata did not write: refused, then moved with --force.
    runGit(work, ['checkout', '--quiet', '--', 'tracked']);
    runGit(work, ['checkout', '--quiet', '-b', 'other']);
    const foreign = runGit(work, ['rev-parse', 'main']).stdout.trim();
    r = strata(['git', 'export', work], { cwd: project });
    expect([r.code, errorOf(r)]).toEqual([1, 'GIT_REF_MOVED']);
    expect(r.stderr).toContain('hint: pass --force');
    expect(runGit(work, ['rev-parse', 'main']).stdout.trim()).toBe(foreign);
    const forced = okJson<{ head: string }>(['git', 'export', work, '--force', '--json'], { cwd: project });
    expect(runGit(work, ['rev-parse', 'main']).stdout.trim()).toBe(forced.head);
    // Moved in git again, with nothing new in strata: --force sets it back, and says so.
    runGit(work, ['update-ref', 'refs/heads/main', foreign]);
    expect(ok(['git', 'export', work, '--force'], { cwd: project })).toMatch(/^no new versions of main; refs\/heads\/main in .* set to [0-9a-f]{12}\n/);
    expect(runGit(work, ['rev-parse', 'main']).stdout.trim()).toBe(forced.head);

    r = strata(['git', 'export', work, '--lfs-threshold', 'lots'], { cwd: project });
    expect([r.code, errorOf(r)]).toEqual([2, 'USAGE']);
    r = strata(['git', 'export', work, '--author', 'no email'], { cwd: project });
    expect([r.code, errorOf(r)]).toEqual([2, 'USAGE']);
    r = strata(['git', 'import', work, '--ref', 'no-such-branch'], { cwd: project });
    expect([r.code, errorOf(r)]).toEqual([1, 'UNKNOWN_REVISION']);
  });
  it("tags a game milestone with its kind, version number and notes (the game persona's pin messages)", () => {
    const project = tempDir('git-milestone');
    ok(['init'], { cwd: project });
    writeFileSync(join(project, 'kart.json'), '{"speed":10}\n');
    const v1 = snapshot(project, '--name', 'first build');
    ok(['game', 'milestone', 'create', 'Beta-2', v1, '--type', 'beta', '--semver', '1.4.0-beta.2', '-m', 'Drift physics.\nNew beach track.'], { cwd: project });
    const bare = tempDir('git-milestone-bare');
    runGit(bare, ['init', '--bare', '-q']);
    const r = okJson(['git', 'export', bare], { cwd: project }) as { tags: Array<{ ref: string; kind: string }> };
    expect(r.tags.map((t) => [t.ref, t.kind])).toEqual([['refs/tags/pins/game-milestones/beta-2', 'pin']]);
    const tag = runGit(bare, ['cat-file', '-p', 'refs/tags/pins/game-milestones/beta-2']).stdout;
    expect(tag).toMatch(/\n\nbeta milestone Beta-2 \(1\.4\.0-beta\.2\)\n\nDrift physics\.\nNew beach track\.\n$/);
    expect(runGit(bare, ['rev-parse', 'refs/tags/pins/game-milestones/beta-2^{commit}']).stdout.trim()).toBe(runGit(bare, ['rev-parse', 'refs/heads/main']).stdout.trim());
  });
});

/**
 * The git bridge's import of a history made by the real git (files, executables, symlinks, a merge,
 * tags): every commit becomes a version whose restore equals git's checkout; exporting those versions
 * again gives back the very same commit ids; a second import adds only new commits; LFS content
 * exported by strata comes back whole.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupEngine, gitExport, gitImport, log, restore, showVersion, snapshot, listTags, type Repository } from '../../../porcelain/index.js';
import { gitMappingNamespace } from '../../../porcelain/git/mapping.js';
import { folderListing } from '../../helpers/folder-listing.js';
import { hasGit, runGit } from '../../helpers/git.js';

const base = mkdtempSync(join(tmpdir(), 'strata-git-import-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let counter = 0;
function fresh(name: string): string {
  const dir = join(base, `${name}-${counter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function newRepo(): Promise<Repository> {
  const project = fresh('strata');
  return (await BackupEngine.initializeRepository({ dir: project })).repo;
}

async function restoreListing(repo: Repository, version: string): Promise<string[]> {
  const dir = fresh('restore');
  await restore({ repo, source: version, target: dir });
  return folderListing(dir);
}

function checkoutListing(repoDir: string, commit: string): string[] {
  const dir = fresh('checkout');
  runGit(base, ['clone', '--quiet', '--no-checkout', repoDir, dir]);
  runGit(dir, ['checkout', '--quiet', '--detach', commit]);
  return folderListing(dir, { skip: (p) => p === '.git' });
}

function commitAll(work: string, message: string, date: string): string {
  runGit(work, ['add', '-A']);
  runGit(work, ['commit', '--quiet', '-m', message], { env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  return runGit(work, ['rev-parse', 'HEAD']).stdout.trim();
}

/** A small history made by git: three commits on main, a side branch merged back, two tags. */
function makeGitHistory(): { work: string; commits: string[] } {
  const work = fresh('work');
  runGit(work, ['init', '--quiet', '--initial-branch=main']);
  mkdirSync(join(work, 'src/lib'), { recursive: true });
  writeFileSync(join(work, 'README.md'), '# made by git\n');
  writeFileSync(join(work, 'src/lib/util.js'), 'export const one = 1;\n');
  const c1 = commitAll(work, 'first commit', '2025-03-01T10:00:00+01:00');
  writeFileSync(join(work, 'build.sh'), '#!/bin/sh\nmake\n');
  chmodSync(join(work, 'build.sh'), 0o755);
  symlinkSync('src/lib/util.js', join(work, 'util-link'));
  writeFileSync(Buffer.concat([Buffer.from(join(work, 'src') + '/'), Buffer.from([0x66, 0xfe, 0x2e, 0x63])]), 'non-utf-8 name\n');
  const c2 = commitAll(work, 'second: a script, a link\n\nWith a body\nof two lines.', '2025-03-02T11:30:00-05:00');
  runGit(work, ['tag', 'v1']);
  runGit(work, ['checkout', '--quiet', '-b', 'side']);
  writeFileSync(join(work, 'src/side.txt'), 'from the side branch\n');
  const c3 = commitAll(work, 'side work', '2025-03-03T09:00:00Z');
  runGit(work, ['checkout', '--quiet', 'main']);
  writeFileSync(join(work, 'README.md'), '# made by git\n\nmore\n');
  const c4 = commitAll(work, 'main work', '2025-03-04T09:00:00Z');
  runGit(work, ['merge', '--quiet', '--no-ff', '-m', 'merge side', 'side'], { env: { GIT_AUTHOR_DATE: '2025-03-05T09:00:00Z', GIT_COMMITTER_DATE: '2025-03-05T09:00:00Z' } });
  const c5 = runGit(work, ['rev-parse', 'HEAD']).stdout.trim();
  runGit(work, ['tag', '-a', 'v2', '-m', 'release two'], { env: { GIT_COMMITTER_DATE: '2025-03-05T10:00:00Z' } });
  return { work, commits: [c1, c2, c3, c4, c5] };
}

describe.skipIf(!hasGit)('git import (real git)', () => {
  it('turns every commit into a version equal to its checkout, and exports them back to the same commit ids', async () => {
    const { work, commits } = makeGitHistory();
    const repo = await newRepo();
    const r = await gitImport({ repo, gitDir: work });
    expect(r.versions.map((v) => v.commit).sort()).toEqual([...commits].sort());
    expect(r.commit).toBe(commits[4]);
    expect(r.branch).toBe('main');
    expect(r.tags.map((t) => [t.ref, t.commit, t.status])).toEqual([
      ['refs/tags/v1', commits[1], 'created'],
      ['refs/tags/v2', commits[4], 'created'],
    ]);
    for (const v of r.versions) expect(await restoreListing(repo, v.version)).toEqual(checkoutListing(work, v.commit));

    const byCommit = new Map(r.versions.map((v) => [v.commit, v.version]));
    const second = await showVersion({ repo, version: byCommit.get(commits[1] as string) as string });
    expect(second.version.name).toBe('second: a script, a link');
    expect(second.version.description).toBe('With a body\nof two lines.');
    expect(second.version.time).toBe(Date.parse('2025-03-02T11:30:00-05:00'));
    expect(second.version.meta['git.author']).toBe(`Test Author <author@example.com> ${Date.parse('2025-03-02T11:30:00-05:00') / 1000} -0500`);
    const merge = await showVersion({ repo, version: 'main' });
    expect(merge.version.parents).toEqual([byCommit.get(commits[3] as string), byCommit.get(commits[2] as string)]);
    expect((await log({ repo })).entries.map((e) => e.name)).toEqual(['merge side', 'main work', 'second: a script, a link', 'first commit']);
    expect((await listTags({ repo })).map((t) => [t.name, t.id])).toEqual([
      ['v1', byCommit.get(commits[1] as string)],
      ['v2', byCommit.get(commits[4] as string)],
    ]);

    // Round trip: exported into a new repository, the history has the very same commit ids.
    const bare = fresh('again.git');
    runGit(bare, ['init', '--quiet', '--bare', '--initial-branch=main']);
    const back = await gitExport({ repo, gitDir: bare });
    expect(back.head).toBe(commits[4]);
    expect(back.commits.map((c) => c.commit).sort()).toEqual([...commits].sort());
    expect(runGit(bare, ['fsck', '--strict', '--no-dangling']).stderr).toBe('');

    // Nothing new: nothing imported. New commits in git: only they.
    const again = await gitImport({ repo, gitDir: work });
    expect(again.versions).toEqual([]);
    expect(again.alreadyImported).toBe(5);
    expect(again.branchUpdated).toBe(false);
    writeFileSync(join(work, 'src/lib/util.js'), 'export const one = 2;\n');
    const c6 = commitAll(work, 'sixth', '2025-03-06T09:00:00Z');
    // A run that stopped after moving the branch, before recording the mapping (here: the mapping
    // lost): the branch is on a version made from these commits, so the next run goes on.
    await repo.refs.delete(`refs/derived/${gitMappingNamespace(r.gitdir)}`);
    const third = await gitImport({ repo, gitDir: work });
    expect(third.versions.map((v) => v.commit).sort()).toEqual([...commits, c6].sort());
    expect(third.versions.filter((v) => byCommit.get(v.commit) !== undefined).every((v) => byCommit.get(v.commit) === v.version)).toBe(true);
    expect((await showVersion({ repo, version: 'main' })).version.parents).toEqual([byCommit.get(commits[4] as string)]);
    expect(await restoreListing(repo, third.version)).toEqual(checkoutListing(work, c6));
  });

  it('gives a version without name or description a message, but keeps the empty message of a commit made by git', async () => {
    const work = fresh('work-empty');
    runGit(work, ['init', '--quiet', '--initial-branch=main']);
    writeFileSync(join(work, 'a.txt'), 'a\n');
    runGit(work, ['add', '-A']);
    runGit(work, ['commit', '--quiet', '--allow-empty-message', '-m', ''], { env: { GIT_AUTHOR_DATE: '2025-03-01T10:00:00Z', GIT_COMMITTER_DATE: '2025-03-01T10:00:00Z' } });
    const c1 = runGit(work, ['rev-parse', 'HEAD']).stdout.trim();
    const repo = await newRepo();
    const imported = await gitImport({ repo, gitDir: work });
    const bare = fresh('empty-message.git');
    runGit(bare, ['init', '--quiet', '--bare', '--initial-branch=main']);
    expect((await gitExport({ repo, gitDir: bare })).head).toBe(c1);

    // A version strata made, with neither name nor description, on top of the imported one.
    const restored = fresh('restored-empty');
    await restore({ repo, source: imported.version, target: restored });
    writeFileSync(join(restored, 'b.txt'), 'b\n');
    const v2 = await snapshot({ repo, source: restored });
    const out = await gitExport({ repo, gitDir: bare });
    expect(out.commits.map((c) => c.version)).toEqual([v2.id]);
    expect(runGit(bare, ['log', '--format=%s|%b', 'main']).stdout).toBe(`strata version ${v2.id.slice(0, 12)}|\n|\n`);
    expect(runGit(bare, ['fsck', '--strict', '--no-dangling']).stderr).toBe('');
  });

  it('reads packed objects, and imports another ref into another branch', async () => {
    const { work, commits } = makeGitHistory();
    runGit(work, ['gc', '--quiet', '--aggressive']);
    const repo = await newRepo();
    const r = await gitImport({ repo, gitDir: work, ref: 'side', branch: 'from-git' });
    expect(r.versions.map((v) => v.commit)).toEqual([commits[0], commits[1], commits[2]]);
    expect(r.branch).toBe('from-git');
    expect(await restoreListing(repo, r.version)).toEqual(checkoutListing(work, commits[2] as string));
    // The strata branch main is not touched.
    expect(await repo.refs.resolve('refs/heads/main')).toBeUndefined();
  });

  it('brings LFS content exported by strata back whole, without the .gitattributes lines it added', async () => {
    const project = fresh('lfs-project');
    writeFileSync(join(project, 'big.bin'), randomBytes(300_000));
    writeFileSync(join(project, 'note.txt'), 'small\n');
    const engine = await BackupEngine.initializeRepository({ dir: project });
    const v = await snapshot({ repo: engine.repo, source: project, name: 'with a big file' });
    const bare = fresh('lfs.git');
    runGit(bare, ['init', '--quiet', '--bare', '--initial-branch=main']);
    await gitExport({ repo: engine.repo, gitDir: bare, lfsThreshold: 100_000 });
    const repo = await newRepo();
    const r = await gitImport({ repo, gitDir: bare });
    expect(r.lfsResolved).toBe(1);
    expect(r.lfsMissing).toEqual([]);
    const skipStrata = (p: string): boolean => p === '.strata';
    const original = fresh('original');
    await restore({ repo: engine.repo, source: v.id, target: original });
    const imported = fresh('imported');
    await restore({ repo, source: r.version, target: imported });
    expect(folderListing(imported, { skip: skipStrata })).toEqual(folderListing(original, { skip: skipStrata }));
  });

  it('refuses what is not a git repository, a SHA-256 one, a dirty work tree, and a branch that is not from git', async () => {
    const repo = await newRepo();
    await expect(gitImport({ repo, gitDir: fresh('plain') })).rejects.toMatchObject({ code: 'NOT_A_GIT_REPOSITORY' });
    const sha256 = fresh('sha256');
    runGit(sha256, ['init', '--quiet', '--object-format=sha256']);
    await expect(gitImport({ repo, gitDir: sha256 })).rejects.toMatchObject({ code: 'GIT_FORMAT_UNSUPPORTED' });
    const empty = fresh('empty');
    runGit(empty, ['init', '--quiet']);
    await expect(gitImport({ repo, gitDir: empty })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });

    const { work } = makeGitHistory();
    writeFileSync(join(work, 'README.md'), 'changed, not committed\n');
    await expect(gitImport({ repo, gitDir: work })).rejects.toMatchObject({ code: 'GIT_DIRTY_WORKTREE' });
    expect(await repo.refs.list('refs/versions/')).toEqual([]);
    runGit(work, ['checkout', '--quiet', '--', 'README.md']);

    // A strata branch with its own versions is not moved by an import.
    const project = fresh('own');
    writeFileSync(join(project, 'mine.txt'), 'mine\n');
    const engine = await BackupEngine.initializeRepository({ dir: project });
    const mine = await snapshot({ repo: engine.repo, source: project });
    await expect(gitImport({ repo: engine.repo, gitDir: work })).rejects.toMatchObject({ code: 'GIT_REF_MOVED' });
    expect((await engine.repo.refs.resolve('refs/heads/main'))?.id).toBe(mine.id);
    const forced = await gitImport({ repo: engine.repo, gitDir: work, force: true });
    expect((await engine.repo.refs.resolve('refs/heads/main'))?.id).toBe(forced.version);
  });

  it('imports a submodule as the empty folder a checkout has, and an LFS pointer whose object is missing as it is, reporting both', async () => {
    const work = fresh('odd');
    runGit(work, ['init', '--quiet', '--initial-branch=main']);
    writeFileSync(join(work, 'kept.txt'), 'kept\n');
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${'ab'.repeat(32)}\nsize 12345\n`;
    writeFileSync(join(work, 'missing.bin'), pointer);
    runGit(work, ['add', 'kept.txt', 'missing.bin']);
    runGit(work, ['update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendor/lib`]);
    runGit(work, ['commit', '--quiet', '-m', 'with a submodule']);
    const repo = await newRepo();
    const r = await gitImport({ repo, gitDir: work });
    expect(r.skipped).toEqual([{ path: 'vendor/lib', reason: `a submodule (commit ${'1'.repeat(12)}) has no content in this repository: imported as an empty folder` }]);
    expect(r.lfsMissing).toEqual(['missing.bin']);
    // As git checks it out (without its submodules): the submodule an empty folder.
    const dir = fresh('restore-odd');
    await restore({ repo, source: r.version, target: dir });
    const checkout = fresh('checkout-odd');
    runGit(base, ['clone', '--quiet', work, checkout]);
    expect(folderListing(dir, { emptyFolders: true })).toEqual(folderListing(checkout, { emptyFolders: true, skip: (p) => p === '.git' }));
    expect(folderListing(dir, { emptyFolders: true })).toContain('dir  vendor/lib');
    expect(createHash('sha256').update(pointer).digest('hex')).toBe(folderListing(dir).find((l) => l.includes('missing.bin'))?.split(' ').pop());
  });
});

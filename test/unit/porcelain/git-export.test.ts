/**
 * The git bridge's export, judged by the real git: `git fsck --strict` is clean, `git log` lists every
 * version, and a checkout of each commit equals `strata restore` of its version byte for byte
 * (executables and symlinks included). Incremental runs, refs that moved, and bad repositories.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitVersion } from '../../../plumbing/index.js';
import { BackupEngine, gitExport, loadDerivedIndex, restore, snapshot, createTag, pinVersion, type Repository } from '../../../porcelain/index.js';
import { gitMappingNamespace } from '../../../porcelain/git/mapping.js';
import { folderListing } from '../../helpers/folder-listing.js';
import { hasGit, runGit } from '../../helpers/git.js';

const base = mkdtempSync(join(tmpdir(), 'strata-git-export-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let counter = 0;
function fresh(name: string): string {
  const dir = join(base, `${name}-${counter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function newProject(): Promise<{ project: string; repo: Repository }> {
  const project = fresh('project');
  let t = Date.UTC(2026, 0, 2, 3, 4, 5);
  const engine = await BackupEngine.initializeRepository({ dir: project, clock: { now: () => (t += 60_000) } });
  return { project, repo: engine.repo };
}

/** Checks out `commit` of `bare` into a new folder (a clone, detached) and lists it. */
function checkoutListing(bare: string, commit: string): string[] {
  const dir = fresh('clone');
  runGit(base, ['clone', '--quiet', '--no-checkout', bare, dir]);
  runGit(dir, ['checkout', '--quiet', '--detach', commit]);
  return folderListing(dir, { skip: (p) => p === '.git' });
}

async function restoreListing(repo: Repository, version: string): Promise<string[]> {
  const dir = fresh('restore');
  await restore({ repo, source: version, target: dir });
  return folderListing(dir, { skip: (p) => p === '.strata' });
}

function gitLog(bare: string, ref = 'main'): string[] {
  return runGit(bare, ['log', '--format=%H %at %s', ref]).stdout.trim().split('\n').filter(Boolean);
}

describe.skipIf(!hasGit)('git export (real git)', () => {
  it('writes every version as a commit git accepts, each checkout equal to a restore, then only new versions', async () => {
    const { project, repo } = await newProject();
    mkdirSync(join(project, 'src/deep/er'), { recursive: true });
    writeFileSync(join(project, 'README.md'), '# demo\n');
    writeFileSync(join(project, 'src/main.c'), 'int main(void) { return 0; }\n');
    writeFileSync(join(project, 'src/deep/er/data.bin'), Buffer.from([0, 1, 2, 255, 254]));
    writeFileSync(join(project, 'run.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(join(project, 'run.sh'), 0o755);
    symlinkSync('src/main.c', join(project, 'link-to-main'));
    symlinkSync('../nowhere', join(project, 'dangling'));
    mkdirSync(join(project, 'empty/inner'), { recursive: true });
    writeFileSync(join(project, Buffer.from([0x6e, 0xe9, 0x2e, 0x74, 0x78, 0x74]).toString('latin1')), 'latin-1 named\n');
    writeFileSync(Buffer.concat([Buffer.from(project + '/'), Buffer.from([0x72, 0xff, 0x77])]), 'not utf-8\n');
    const v1 = await snapshot({ repo, source: project, name: 'first', description: 'the first state\nwith two lines' });

    writeFileSync(join(project, 'src/main.c'), 'int main(void) { return 1; }\n');
    rmSync(join(project, 'dangling'));
    chmodSync(join(project, 'README.md'), 0o755);
    const v2 = await snapshot({ repo, source: project, name: 'second', milestone: true });
    await createTag({ repo, name: 'v2.0', version: v2.id });

    const bare = fresh('bare.git');
    runGit(bare, ['init', '--quiet', '--bare', '--initial-branch=main']);
    const r = await gitExport({ repo, gitDir: bare });
    expect(r.commits.map((c) => c.version)).toEqual([v1.id, v2.id]);
    expect(r.head).toBe(r.commits[1]?.commit);
    expect(r.emptyFolders).toEqual(['empty', 'empty/inner']);
    expect(r.tags.map((t) => [t.ref, t.kind, t.status])).toEqual([
      ['refs/tags/v2.0', 'tag', 'created'],
      ['refs/tags/milestones/second', 'milestone', 'created'],
    ]);
    expect(runGit(bare, ['fsck', '--strict', '--no-dangling']).stderr).toBe('');
    const log = gitLog(bare);
    expect(log.map((l) => l.split(' ').slice(1).join(' '))).toEqual([`${Math.floor(v2.time / 1000)} second`, `${Math.floor(v1.time / 1000)} first`]);
    expect(runGit(bare, ['log', '-1', '--format=%B', r.commits[0]?.commit as string]).stdout).toBe('first\n\nthe first state\nwith two lines\n\n');
    expect(runGit(bare, ['rev-parse', 'v2.0']).stdout.trim()).toBe(r.head);
    expect(runGit(bare, ['cat-file', '-t', 'milestones/second']).stdout.trim()).toBe('tag');
    expect(runGit(bare, ['rev-parse', 'milestones/second^{commit}']).stdout.trim()).toBe(r.head);
    for (const c of r.commits) {
      const fromGit = checkoutListing(bare, c.commit);
      expect(fromGit).toEqual(await restoreListing(repo, c.version));
    }
    // The modes git recorded.
    const tree = runGit(bare, ['ls-tree', r.head]).stdout;
    expect(tree).toMatch(/^100755 blob [0-9a-f]{40}\tREADME\.md$/m);
    expect(tree).toMatch(/^100755 blob [0-9a-f]{40}\trun\.sh$/m);
    expect(tree).toMatch(/^120000 blob [0-9a-f]{40}\tlink-to-main$/m);
    expect(tree).toMatch(/^040000 tree [0-9a-f]{40}\tsrc$/m);

    // The mapping is derived data of the strata repository.
    const index = await loadDerivedIndex(repo, gitMappingNamespace(r.gitdir));
    expect([...index.entries.keys()].sort()).toEqual([v1.id, v2.id].sort());

    // A second export with nothing new writes nothing; with a new version, only it.
    const again = await gitExport({ repo, gitDir: bare });
    expect(again.commits).toEqual([]);
    expect(again.refUpdated).toBe(false);
    expect(again.objectsWritten).toBe(0);
    writeFileSync(join(project, 'src/deep/er/new.txt'), 'added\n');
    const v3 = await snapshot({ repo, source: project, description: 'third' });
    const third = await gitExport({ repo, gitDir: bare });
    expect(third.commits.map((c) => c.version)).toEqual([v3.id]);
    expect(third.alreadyExported).toBe(2);
    // The new commit, its tree, the changed folders and the new file: nothing else.
    expect(third.objectsWritten).toBe(1 + 1 + 3 + 1);
    expect(gitLog(bare)).toHaveLength(3);
    expect(runGit(bare, ['fsck', '--strict', '--no-dangling']).stderr).toBe('');
    expect(checkoutListing(bare, third.head)).toEqual(await restoreListing(repo, v3.id));

    // A tag put on a version exported long ago, and a second milestone with a name already taken.
    await createTag({ repo, name: 'first-ever', version: v1.id });
    writeFileSync(join(project, 'README.md'), '# demo, again\n');
    const v4 = await snapshot({ repo, source: project, name: 'second', milestone: true });
    const fourth = await gitExport({ repo, gitDir: bare });
    expect(fourth.tags.filter((t) => t.status === 'created').map((t) => t.ref)).toEqual(['refs/tags/first-ever', `refs/tags/milestones/${v4.id.slice(0, 12)}`]);
    expect(runGit(bare, ['rev-parse', 'first-ever']).stdout.trim()).toBe(r.commits[0]?.commit);
    expect(runGit(bare, ['rev-parse', 'milestones/second^{commit}']).stdout.trim()).toBe(r.head);
  });

  it('is deterministic: another repository gets the same commit ids', async () => {
    const { project, repo } = await newProject();
    writeFileSync(join(project, 'a.txt'), 'a\n');
    await snapshot({ repo, source: project, name: 'one' });
    const a = fresh('a.git');
    const b = fresh('b.git');
    runGit(a, ['init', '--quiet', '--bare']);
    runGit(b, ['init', '--quiet', '--bare']);
    const ra = await gitExport({ repo, gitDir: a });
    const rb = await gitExport({ repo, gitDir: b, branch: 'main' });
    expect(rb.head).toBe(ra.head);
    expect(runGit(a, ['log', '--format=%an <%ae>', 'main']).stdout).toBe('strata <strata@localhost>\n');
  });

  it('refuses a branch that moved in git since the last export (nothing written), and moves it with force', async () => {
    const { project, repo } = await newProject();
    writeFileSync(join(project, 'a.txt'), 'a\n');
    await snapshot({ repo, source: project, name: 'one' });
    const bare = fresh('moved.git');
    runGit(bare, ['init', '--quiet', '--bare', '--initial-branch=main']);
    const first = await gitExport({ repo, gitDir: bare });
    // Someone commits in git on top of the export.
    const tree = runGit(bare, ['rev-parse', `${first.head}^{tree}`]).stdout.trim();
    const foreign = runGit(bare, ['commit-tree', tree, '-p', first.head, '-m', 'made in git']).stdout.trim();
    runGit(bare, ['update-ref', 'refs/heads/main', foreign]);
    writeFileSync(join(project, 'a.txt'), 'b\n');
    const v2 = await snapshot({ repo, source: project, name: 'two' });
    const objectsBefore = runGit(bare, ['count-objects']).stdout;
    await expect(gitExport({ repo, gitDir: bare })).rejects.toMatchObject({ code: 'GIT_REF_MOVED' });
    expect(runGit(bare, ['rev-parse', 'main']).stdout.trim()).toBe(foreign);
    expect(runGit(bare, ['count-objects']).stdout).toBe(objectsBefore);
    const index = await loadDerivedIndex(repo, gitMappingNamespace(first.gitdir));
    expect(index.entries.has(v2.id)).toBe(false);
    const forced = await gitExport({ repo, gitDir: bare, force: true });
    expect(forced.commits.map((c) => c.version)).toEqual([v2.id]);
    expect(runGit(bare, ['rev-parse', 'main']).stdout.trim()).toBe(forced.head);
    expect(runGit(bare, ['rev-parse', `${forced.head}^`]).stdout.trim()).toBe(first.head);
  });

  it('refuses what is not a SHA-1 git repository, and a dirty work tree', async () => {
    const { project, repo } = await newProject();
    writeFileSync(join(project, 'a.txt'), 'a\n');
    await snapshot({ repo, source: project, name: 'one' });
    const plain = fresh('plain');
    writeFileSync(join(plain, 'file'), 'x');
    await expect(gitExport({ repo, gitDir: plain })).rejects.toMatchObject({ code: 'NOT_A_GIT_REPOSITORY' });
    await expect(gitExport({ repo, gitDir: join(base, 'does-not-exist') })).rejects.toMatchObject({ code: 'NOT_A_GIT_REPOSITORY' });
    const empty = fresh('empty.git');
    runGit(empty, ['init', '--quiet', '--bare']);
    await expect(gitExport({ repo, gitDir: empty, branch: 'no-such-branch' })).rejects.toMatchObject({ code: 'UNKNOWN_BRANCH' });
    await expect(gitExport({ repo, gitDir: empty, since: 'no-such-version' })).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });
    await expect(gitExport({ repo, gitDir: empty, lfsThreshold: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(runGit(empty, ['count-objects']).stdout).toBe('0 objects, 0 kilobytes\n');
    expect(runGit(empty, ['for-each-ref']).stdout).toBe('');
    const sha256 = fresh('sha256.git');
    runGit(sha256, ['init', '--quiet', '--bare', '--object-format=sha256']);
    await expect(gitExport({ repo, gitDir: sha256 })).rejects.toMatchObject({ code: 'GIT_FORMAT_UNSUPPORTED' });
    expect(readdirSync(join(sha256, 'objects')).sort()).toEqual(['info', 'pack']);

    const work = fresh('work');
    runGit(work, ['init', '--quiet', '--initial-branch=trunk']);
    writeFileSync(join(work, 'tracked.txt'), 'one\n');
    runGit(work, ['add', 'tracked.txt']);
    runGit(work, ['commit', '--quiet', '-m', 'tracked']);
    writeFileSync(join(work, 'tracked.txt'), 'two\n');
    await expect(gitExport({ repo, gitDir: work })).rejects.toMatchObject({ code: 'GIT_DIRTY_WORKTREE', data: { changed: ['tracked.txt'] } });
    expect(runGit(work, ['for-each-ref', '--format=%(refname)']).stdout).toBe('refs/heads/trunk\n');
    // Clean again: main is exported beside trunk, which stays checked out.
    runGit(work, ['checkout', '--quiet', '--', 'tracked.txt']);
    writeFileSync(join(work, 'untracked.txt'), 'not in git\n');
    const r = await gitExport({ repo, gitDir: work });
    expect(r.checkedOut).toBe(false);
    expect(runGit(work, ['for-each-ref', '--format=%(refname)']).stdout).toBe('refs/heads/main\nrefs/heads/trunk\n');
    expect(runGit(work, ['status', '--porcelain']).stdout).toBe('?? untracked.txt\n');
  });

  it('exports into a new non-bare repository and checks the branch out there', async () => {
    const { project, repo } = await newProject();
    writeFileSync(join(project, 'a.txt'), 'a\n');
    writeFileSync(join(project, 'tool'), '#!/bin/sh\n');
    chmodSync(join(project, 'tool'), 0o755);
    writeFileSync(Buffer.concat([Buffer.from(project + '/'), Buffer.from([0x72, 0xff, 0x77])]), 'not utf-8\n');
    const v1 = await snapshot({ repo, source: project, name: 'one' });
    const work = fresh('new-work');
    runGit(work, ['init', '--quiet', '--initial-branch=main']);
    const r = await gitExport({ repo, gitDir: work });
    expect(r.checkedOut).toBe(true);
    expect(runGit(work, ['status', '--porcelain']).stdout).toBe('');
    expect(folderListing(work, { skip: (p) => p === '.git' })).toEqual(await restoreListing(repo, v1.id));
    expect(existsSync(join(work, '.git/index'))).toBe(true);
    expect(readFileSync(join(work, 'a.txt'), 'utf8')).toBe('a\n');
    // The next version is checked out over the first; an untracked file in the way stops only that step.
    writeFileSync(join(project, 'a.txt'), 'b\n');
    writeFileSync(join(project, 'new.txt'), 'new\n');
    const v2 = await snapshot({ repo, source: project, name: 'two' });
    writeFileSync(join(work, 'new.txt'), 'mine, untracked\n');
    const blocked = await gitExport({ repo, gitDir: work });
    expect(blocked.checkedOut).toBe(false);
    expect(blocked.worktreeProblem).toMatch(/new\.txt/);
    expect(readFileSync(join(work, 'new.txt'), 'utf8')).toBe('mine, untracked\n');
    expect(runGit(work, ['rev-parse', 'main']).stdout.trim()).toBe(blocked.head);
    rmSync(join(work, 'new.txt'));
    runGit(work, ['checkout', '--quiet', '-f']);
    expect(folderListing(work, { skip: (p) => p === '.git' })).toEqual(await restoreListing(repo, v2.id));
  });

  it('exports pins as annotated tags (with a message a layer above gives), from --since on, as another author', async () => {
    const { project, repo } = await newProject();
    writeFileSync(join(project, 'a.txt'), '1\n');
    const v1 = await snapshot({ repo, source: project, name: 'one' });
    writeFileSync(join(project, 'a.txt'), '2\n');
    const v2 = await snapshot({ repo, source: project, name: 'two', description: 'the second' });
    writeFileSync(join(project, 'a.txt'), '3\n');
    const v3 = await snapshot({ repo, source: project, name: 'three' });
    await pinVersion({ repo, owner: 'game-milestones', name: 'alpha-1', version: v2.id });
    await pinVersion({ repo, owner: 'tools', name: 'shipped', version: v3.id });
    await pinVersion({ repo, owner: 'tools', name: 'old', version: v1.id });
    const bare = fresh('since.git');
    runGit(bare, ['init', '--quiet', '--bare']);
    const same = {
      repo,
      gitDir: bare,
      since: v1.id,
      identity: { name: 'Ada Lovelace', email: 'ada@example.com' },
      pinMessage: async (pin: { owner: string; name: string }) => (pin.owner === 'game-milestones' ? `Alpha 1\n\nFirst playable build (${pin.name}).` : undefined),
    };
    const r = await gitExport(same);
    // The new bare repository's HEAD named master, which does not exist: it names main now.
    expect(r.headSet).toBe(true);
    expect(runGit(bare, ['symbolic-ref', 'HEAD']).stdout).toBe('refs/heads/main\n');
    // v1 and what came before it are left out: v2 is a root commit.
    expect(r.commits.map((c) => c.version)).toEqual([v2.id, v3.id]);
    expect(runGit(bare, ['rev-list', '--parents', 'main']).stdout.trim().split('\n').map((l) => l.split(' ').length)).toEqual([2, 1]);
    expect(runGit(bare, ['log', '--format=%an <%ae> %cn', 'main']).stdout).toBe('Ada Lovelace <ada@example.com> Ada Lovelace\n'.repeat(2));
    expect(r.tags.map((t) => [t.ref, t.kind])).toEqual([
      ['refs/tags/pins/game-milestones/alpha-1', 'pin'],
      ['refs/tags/pins/tools/shipped', 'pin'],
    ]);
    expect(runGit(bare, ['cat-file', 'tag', 'pins/game-milestones/alpha-1']).stdout).toMatch(/\ntagger Ada Lovelace <ada@example\.com> \d+ \+0000\n\nAlpha 1\n\nFirst playable build \(alpha-1\)\.\n$/);
    expect(runGit(bare, ['cat-file', 'tag', 'pins/tools/shipped']).stdout).toMatch(/\n\npinned: tools\/shipped\n$/);
    expect(runGit(bare, ['fsck', '--strict', '--no-dangling']).stderr).toBe('');
    // A strata tag moved after the export: the git tag is not moved without --force.
    await createTag({ repo, name: 'release', version: v2.id });
    expect((await gitExport(same)).tags.map((t) => [t.ref, t.status])).toEqual([
      ['refs/tags/release', 'created'],
      ['refs/tags/pins/game-milestones/alpha-1', 'unchanged'],
      ['refs/tags/pins/tools/shipped', 'unchanged'],
    ]);
    await createTag({ repo, name: 'release', version: v3.id, force: true });
    await expect(gitExport(same)).rejects.toMatchObject({ code: 'GIT_REF_MOVED', data: { refs: ['refs/tags/release'] } });
    expect(runGit(bare, ['rev-parse', 'release']).stdout.trim()).toBe(r.commits[0]?.commit);
    const forced = await gitExport({ ...same, force: true });
    expect(forced.tags.find((t) => t.ref === 'refs/tags/release')?.status).toBe('moved');
    expect(runGit(bare, ['rev-parse', 'release']).stdout.trim()).toBe(r.commits[1]?.commit);
    // --since a version exported before: the new commit still has its parent.
    writeFileSync(join(project, 'a.txt'), '4\n');
    const v4 = await snapshot({ repo, source: project, name: 'four' });
    const fourth = await gitExport({ ...same, since: v3.id });
    expect(fourth.commits.map((c) => c.version)).toEqual([v4.id]);
    expect(runGit(bare, ['rev-parse', `${fourth.head}^`]).stdout.trim()).toBe(r.commits[1]?.commit);
    await expect(gitExport({ repo, gitDir: bare, identity: { name: 'A <b>', email: 'x' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('leaves out names git reserves, and reports them', async () => {
    const { repo } = await newProject();
    const blob = await repo.objects.writeBlob(Buffer.from('x'));
    const file = { type: 'file' as const, id: blob.id, size: 1, mode: 0o644, mtime: 0 };
    const inner = await repo.objects.writeTree([{ name: Buffer.from('config'), ...file }]);
    const sub = await repo.objects.writeTree([{ name: Buffer.from('.GIT'), ...file }, { name: Buffer.from('kept.txt'), ...file }]);
    const root = await repo.objects.writeTree([
      { name: Buffer.from('.git'), type: 'directory', id: inner.id, mode: 0o755, mtime: 0 },
      { name: Buffer.from('ok.txt'), ...file },
      { name: Buffer.from('sub'), type: 'directory', id: sub.id, mode: 0o755, mtime: 0 },
    ]);
    const v = await commitVersion({ repo, tree: root.id, name: 'odd names' });
    await repo.refs.update('refs/heads/odd', v.id);
    const bare = fresh('reserved.git');
    runGit(bare, ['init', '--quiet', '--bare']);
    const r = await gitExport({ repo, gitDir: bare, branch: 'odd' });
    expect(r.reservedNames).toEqual(['.git', 'sub/.GIT']);
    expect(runGit(bare, ['ls-tree', '-r', '--name-only', 'odd']).stdout).toBe('ok.txt\nsub/kept.txt\n');
    expect(runGit(bare, ['fsck', '--strict', '--no-dangling']).stderr).toBe('');
  });

  it('picks up after a run that stopped between the refs and the mapping, or at a locked ref', async () => {
    const { project, repo } = await newProject();
    writeFileSync(join(project, 'a.txt'), '1\n');
    const v1 = await snapshot({ repo, source: project, name: 'one' });
    await createTag({ repo, name: 't1', version: v1.id });
    const bare = fresh('resume.git');
    runGit(bare, ['init', '--quiet', '--bare', '--initial-branch=main']);
    // git holds the branch's lock: the tags are written, the branch and the mapping are not.
    writeFileSync(join(bare, 'refs/heads/main.lock'), '');
    await expect(gitExport({ repo, gitDir: bare })).rejects.toMatchObject({ code: 'LOCKED' });
    expect(runGit(bare, ['for-each-ref', '--format=%(refname)']).stdout).toBe('refs/tags/t1\n');
    expect((await loadDerivedIndex(repo, gitMappingNamespace(realpathSync(bare)))).entries.size).toBe(0);
    rmSync(join(bare, 'refs/heads/main.lock'));
    const first = await gitExport({ repo, gitDir: bare });
    expect(first.tags.map((t) => t.status)).toEqual(['unchanged']);
    // A run that moved the branch but stopped before the mapping (here: the mapping lost): the branch
    // is on a commit this export makes anyway, so the next run goes on without --force.
    await repo.refs.delete(`refs/derived/${gitMappingNamespace(first.gitdir)}`);
    writeFileSync(join(project, 'a.txt'), '2\n');
    const v2 = await snapshot({ repo, source: project, name: 'two' });
    const next = await gitExport({ repo, gitDir: bare });
    expect(next.commits.map((c) => c.version)).toEqual([v1.id, v2.id]);
    expect(next.commits[0]?.commit).toBe(first.head);
    expect(runGit(bare, ['rev-parse', 'main^']).stdout.trim()).toBe(first.head);
  });
});

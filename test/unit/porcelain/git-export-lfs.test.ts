/**
 * The git bridge's export of large files: streamed into git blobs, or above the LFS threshold into
 * the repository's LFS store behind pointer files that the real `git lfs` checks out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupEngine, gitExport, gitImport, restore, snapshot, type Repository } from '../../../porcelain/index.js';
import { folderListing } from '../../helpers/folder-listing.js';
import { LFS_CONFIG, hasGit, hasGitLfs, runGit } from '../../helpers/git.js';

const base = mkdtempSync(join(tmpdir(), 'strata-git-lfs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.skipIf(!hasGit)('git export of large files', () => {
  // Set by the first test, checked out with git-lfs by the second.
  let exported: { repo: Repository; version: string; lfs: string } | undefined;

  it('streams a file larger than memory reads allow into one git blob, and above the threshold into LFS', async () => {
    const project = join(base, 'project');
    mkdirSync(join(project, 'art'), { recursive: true });
    // Random data in 1 MiB blocks with repeats, so the content is chunked (a chunk list).
    const block = randomBytes(1 << 20);
    const big = Buffer.concat([block, randomBytes(9 << 20), block]);
    writeFileSync(join(project, 'art/huge texture.bin'), big);
    writeFileSync(join(project, 'art/small.txt'), 'small\n');
    writeFileSync(join(project, '.gitattributes'), '*.txt text eol=lf');
    let t = Date.UTC(2026, 1, 1);
    const engine = await BackupEngine.initializeRepository({ dir: project, clock: { now: () => (t += 1000) } });
    const repo = engine.repo;
    const v1 = await snapshot({ repo, source: project, name: 'big' });

    // Without a threshold: one plain blob, hashed while streamed; git agrees with its id.
    const plain = join(base, 'plain.git');
    runGit(base, ['init', '--quiet', '--bare', '--initial-branch=main', plain]);
    const r1 = await gitExport({ repo, gitDir: plain });
    expect(r1.lfsFiles).toBe(0);
    const blobId = runGit(plain, ['rev-parse', `${r1.head}:art/huge texture.bin`]).stdout.trim();
    expect(blobId).toBe(createHash('sha1').update(`blob ${big.length}\0`).update(big).digest('hex'));
    expect(runGit(plain, ['cat-file', '-s', blobId]).stdout.trim()).toBe(String(big.length));
    expect(runGit(plain, ['fsck', '--strict', '--no-dangling']).stderr).toBe('');

    // With a threshold: a pointer in git, the content in lfs/objects, the path in .gitattributes.
    const lfs = join(base, 'lfs.git');
    runGit(base, ['init', '--quiet', '--bare', '--initial-branch=main', lfs]);
    const r2 = await gitExport({ repo, gitDir: lfs, lfsThreshold: 1024 * 1024 });
    expect(r2.lfsFiles).toBe(1);
    const sha = createHash('sha256').update(big).digest('hex');
    const pointer = runGit(lfs, ['cat-file', 'blob', `${r2.head}:art/huge texture.bin`]).stdout;
    expect(pointer).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha}\nsize ${big.length}\n`);
    const stored = join(lfs, 'lfs/objects', sha.slice(0, 2), sha.slice(2, 4), sha);
    expect(existsSync(stored)).toBe(true);
    expect(createHash('sha256').update(readFileSync(stored)).digest('hex')).toBe(sha);
    const attributes = runGit(lfs, ['cat-file', 'blob', `${r2.head}:.gitattributes`]).stdout;
    expect(attributes).toBe(
      '*.txt text eol=lf\n# strata: files stored with Git LFS (begin, after an added line feed)\n"/art/huge texture.bin" filter=lfs diff=lfs merge=lfs -text\n# strata: files stored with Git LFS (end)\n',
    );
    expect(runGit(lfs, ['fsck', '--strict', '--no-dangling']).stderr).toBe('');
    exported = { repo, version: v1.id, lfs };
  });

  it.skipIf(!hasGitLfs)('is checked out by git-lfs, and imported back from the clone (needs git-lfs)', async () => {
    if (!exported) throw new Error('the export test did not run');
    const { repo, lfs } = exported;
    const v1 = { id: exported.version };
    // A clone with the LFS filter on gets the real content, equal to a restore but for the LFS lines.
    const clone = join(base, 'clone');
    runGit(base, [...LFS_CONFIG, 'clone', '--quiet', lfs, clone]);
    expect(runGit(clone, ['check-attr', 'filter', '--', 'art/huge texture.bin', 'art/small.txt']).stdout).toBe('art/huge texture.bin: filter: lfs\nart/small.txt: filter: unspecified\n');
    expect(runGit(clone, [...LFS_CONFIG, 'lfs', 'ls-files']).stdout).toMatch(/^[0-9a-f]{10} \* art\/huge texture\.bin\n$/);
    const restored = join(base, 'restored');
    await restore({ repo, source: v1.id, target: restored });
    const skipMeta = (p: string): boolean => p === '.git' || p === '.strata' || p === '.gitattributes';
    expect(folderListing(clone, { skip: skipMeta })).toEqual(folderListing(restored, { skip: skipMeta }));
    expect(runGit(clone, [...LFS_CONFIG, 'status', '--porcelain']).stdout).toBe('');
    expect(runGit(clone, [...LFS_CONFIG, 'lfs', 'fsck']).status).toBe(0);

    // The clone's work tree holds the real content where git has pointers: clean for git, and for the
    // bridge, which imports it back whole from the clone's own LFS store.
    const back = join(base, 'back');
    mkdirSync(back);
    const other = (await BackupEngine.initializeRepository({ dir: back })).repo;
    const imported = await gitImport({ repo: other, gitDir: clone });
    expect(imported.lfsResolved).toBe(1);
    const restoredBack = join(base, 'restored-back');
    await restore({ repo: other, source: imported.version, target: restoredBack });
    expect(folderListing(restoredBack, { skip: skipMeta })).toEqual(folderListing(restored, { skip: skipMeta }));
    expect(existsSync(join(restoredBack, '.gitattributes'))).toBe(true);
    expect(readFileSync(join(restoredBack, '.gitattributes'), 'utf8')).toBe('*.txt text eol=lf');
    // A changed LFS file is a change.
    writeFileSync(join(clone, 'art/huge texture.bin'), 'replaced');
    await expect(gitImport({ repo: other, gitDir: clone })).rejects.toMatchObject({ code: 'GIT_DIRTY_WORKTREE', data: { changed: ['art/huge texture.bin'] } });
  });
});

/**
 * `strata snapshot` end to end: what is stored (and left out), incremental reuse of unchanged files,
 * versions, branches and metadata, warnings and exit codes, progress and JSON output, locks.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOk, describeResult, initRepo, makeTempDir, parseErrorLine, runCli, runCliAsync, startCli } from '../helpers/cli.js';

const tmp = makeTempDir('strata-snap-');
afterAll(() => tmp.cleanup());

let counter = 0;
/** A new project folder with its own `.strata` repository. */
function project(files: Record<string, string | Buffer> = {}): { dir: string; repo: string } {
  const dir = join(tmp.dir, `p${++counter}`);
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const r = runCli(['init'], { cwd: dir });
  if (r.code !== 0) throw new Error(describeResult(r));
  return { dir, repo: join(dir, '.strata') };
}

interface Summary {
  message_type: string;
  id: string;
  tree: string;
  parent?: string;
  branch: string;
  files: number;
  reusedFiles: number;
  directories: number;
  symlinks: number;
  bytes: number;
  newObjects: number;
  unchanged: boolean;
  created: boolean;
  warnings: Array<{ code: string; path: string }>;
}

function snap(dir: string, args: string[] = [], env: Record<string, string> = {}): Summary {
  const r = runCli(['snapshot', '--json', ...args], { cwd: dir, env });
  if (r.code !== 0) throw new Error(describeResult(r));
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as Summary;
}

/** Paths of a version's tree (recursive), with their types. */
function listing(dir: string, rev = 'HEAD'): string[] {
  const out = cliOk(join(dir, '.strata'), ['ls-tree', '-r', '--json', rev]);
  return (JSON.parse(out) as { entries: Array<{ path: string; type: string }> }).entries.map((e) => `${e.type} ${e.path}`).sort();
}

/** Files older than the snapshot cache's 2-second window for recent changes. */
function age(dir: string, paths: string[]): void {
  const old = new Date(Date.now() - 60_000);
  for (const p of paths) utimesSync(join(dir, p), old, old);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('snapshot: what is stored', () => {
  it('stores the project folder (never its .strata), with ignore rules from .strataignore, the config and --exclude', () => {
    const { dir, repo } = project({
      'src/main.c': 'int main() {}\n',
      'src/gen/out.o': 'obj',
      'src/gen/keep.o': 'kept by a negation',
      'build/a.bin': 'build output',
      'notes.log': 'log',
      'art/.strataignore': '*.psd\n!hero.psd\n',
      'art/hero.psd': 'hero',
      'art/villain.psd': 'villain',
      'art/deep/x.psd': 'x',
      'cache.tmp': 'tmp',
      '.strataignore': 'build/\n*.log\nsrc/gen/*.o\n!src/gen/keep.o\n',
    });
    // The config's ignore patterns apply to every snapshot.
    const config = JSON.parse(readFileSync(join(repo, 'config'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(repo, 'config'), `${JSON.stringify({ ...config, ignore: ['*.tmp'] })}\n`);
    const s = snap(dir, ['--exclude', 'art/deep/']);
    expect(s.created).toBe(true);
    expect(s.branch).toBe('refs/heads/main');
    expect(listing(dir)).toEqual(
      [
        'file .strataignore',
        'directory art',
        'file art/.strataignore',
        'file art/hero.psd',
        'directory src',
        'directory src/gen',
        'file src/gen/keep.o',
        'file src/main.c',
      ].sort(),
    );
  });

  it('keeps modes, symlinks (not followed), empty folders, and names with newlines or invalid UTF-8', () => {
    const { dir } = project({ 'bin/run.sh': '#!/bin/sh\necho hi\n', 'data.txt': 'data\n' });
    chmodSync(join(dir, 'bin/run.sh'), 0o755);
    chmodSync(join(dir, 'data.txt'), 0o600);
    symlinkSync('../data.txt', join(dir, 'bin/link'));
    symlinkSync('/etc', join(dir, 'outside'));
    mkdirSync(join(dir, 'empty/nested'), { recursive: true });
    writeFileSync(join(dir, 'line\nbreak.txt'), 'newline in the name');
    writeFileSync(Buffer.concat([Buffer.from(join(dir, 'bad-')), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'latin-1 name');
    const s = snap(dir);
    expect(s.symlinks).toBe(2);
    const out = cliOk(join(dir, '.strata'), ['ls-tree', '-r', '--json', 'HEAD']);
    const entries = (JSON.parse(out) as { entries: Array<{ path: string; type: string; mode?: number; rawName?: string }> }).entries;
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('bin/run.sh')?.type).toBe('executable');
    expect(byPath.get('data.txt')?.mode).toBe(0o600);
    expect(byPath.get('bin/link')?.type).toBe('symlink');
    expect(byPath.get('outside')?.type).toBe('symlink');
    expect(byPath.get('empty/nested')?.type).toBe('directory');
    expect(byPath.get('line\nbreak.txt')?.type).toBe('file');
    expect(entries.some((e) => e.path.startsWith('bad-') && e.type === 'file')).toBe(true);
    // The whole tree round-trips through checkout-tree byte for byte.
    const out2 = join(tmp.dir, `checkout${counter}`);
    cliOk(join(dir, '.strata'), ['checkout-tree', 'HEAD', out2]);
    expect(readFileSync(join(out2, 'line\nbreak.txt'), 'utf8')).toBe('newline in the name');
    expect(readFileSync(Buffer.concat([Buffer.from(join(out2, 'bad-')), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'utf8')).toBe('latin-1 name');
  });

  it('skips a FIFO with a warning (exit 0); an unreadable file is a warning with exit 3 and the rest is stored', async () => {
    const { dir } = project({ 'ok.txt': 'fine', 'secret.txt': 'hidden' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const fifo = runCli(['snapshot'], { cwd: dir });
    expect(fifo.code, describeResult(fifo)).toBe(0);
    expect(fifo.stderr).toMatch(/^warning: skipped pipe/m);
    unlinkSync(join(dir, 'pipe'));

    const asRoot = process.getuid?.() === 0;
    const wrap = asRoot ? { wrap: ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search'] } : {};
    chmodSync(join(dir, 'secret.txt'), 0o000);
    try {
      const r = await runCliAsync(['snapshot', '-m', 'partial'], { cwd: dir, ...wrap });
      expect(r.code, describeResult(r)).toBe(3);
      expect(r.stderr).toMatch(/^warning: cannot read secret\.txt/m);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      chmodSync(join(dir, 'secret.txt'), 0o644);
    }
    expect(listing(dir)).toContain('file ok.txt');
    expect(listing(dir)).not.toContain('file secret.txt');
  });
});

describe('snapshot: versions, branches and metadata', () => {
  it('chains versions on the branch, records description, name, tags, milestone and meta', () => {
    const { dir, repo } = project({ 'a.txt': 'one' });
    const first = snap(dir, ['-m', 'first version', '--name', 'v1', '--tag', 'wip', '--tag', 'art', '--milestone', '--meta', 'ticket=GAME-12']);
    expect(first.parent).toBeUndefined();
    writeFileSync(join(dir, 'a.txt'), 'two');
    const second = snap(dir, ['-m', 'second']);
    expect(second.parent).toBe(first.id);
    expect(cliOk(repo, ['rev-parse', 'main'])).toBe(second.id);
    expect(cliOk(repo, ['rev-parse', 'main~1'])).toBe(first.id);
    const body = JSON.parse(cliOk(repo, ['cat-file', '--raw', first.id])) as Record<string, unknown>;
    expect(body).toMatchObject({ description: 'first version', name: 'v1', tags: ['art', 'wip'], milestone: true, parents: [] });
    expect(body.meta).toMatchObject({ ticket: 'GAME-12', source: dir });
    // Every version is kept by its own ref.
    expect(cliOk(repo, ['rev-parse', `refs/versions/${first.id}`])).toBe(first.id);
  });

  it('--branch keeps separate histories for several sources in one repository', () => {
    const { dir, repo } = project({ 'game/level.txt': 'level 1' });
    const other = join(tmp.dir, `other${counter}`);
    mkdirSync(other);
    writeFileSync(join(other, 'site.html'), '<html>');
    const main = snap(dir);
    const site = snap(dir, ['--branch', 'website', other]);
    expect(site.branch).toBe('refs/heads/website');
    expect(site.parent).toBeUndefined();
    expect(cliOk(repo, ['rev-parse', 'website'])).toBe(site.id);
    expect(cliOk(repo, ['rev-parse', 'main'])).toBe(main.id);
    expect(listing(dir, 'website')).toEqual(['file site.html']);
  });

  it('with nothing changed: a version with the same tree, or none with --skip-if-unchanged', () => {
    const { dir } = project({ 'a.txt': 'same' });
    const first = snap(dir);
    const again = snap(dir);
    expect(again.created).toBe(true);
    expect(again.unchanged).toBe(true);
    expect(again.tree).toBe(first.tree);
    const skipped = snap(dir, ['--skip-if-unchanged']);
    expect(skipped.created).toBe(false);
    expect(skipped.id).toBe(again.id);
  });
});

describe('snapshot: incremental', () => {
  let dir: string;
  let repo: string;
  const names = Array.from({ length: 40 }, (_, i) => `d${i % 4}/f${i}.txt`);

  beforeAll(() => {
    ({ dir, repo } = project(Object.fromEntries(names.map((n, i) => [n, `content ${i}\n`.repeat(50)]))));
    age(dir, names);
  });

  it('reads only files whose metadata changed; the cache never outranks the objects', async () => {
    const first = snap(dir);
    expect(first.reusedFiles).toBe(0);
    // The cache leaves out files changed within 2 s of a scan (their ctime is recent here).
    await sleep(2100);
    const warm = snap(dir);
    expect(warm.files).toBe(40);
    const second = snap(dir);
    expect(second.reusedFiles).toBe(40);
    expect(second.tree).toBe(first.tree);
    expect(warm.tree).toBe(first.tree);

    // Same size, new content: the mtime (and ctime) differ, so it is read again.
    writeFileSync(join(dir, names[3] as string), 'CONTENT 3\n'.repeat(50));
    const third = snap(dir);
    expect(third.reusedFiles).toBe(39);
    expect(third.tree).not.toBe(first.tree);
    expect(cliOk(repo, ['cat-file', '--raw', `HEAD:${names[3]}`])).toBe('CONTENT 3\n'.repeat(50).trim());

    // An object the cache points at is gone (damage, or a gc): the file is read and stored again.
    const id = cliOk(repo, ['rev-parse', `HEAD:${names[5]}`]);
    rmSync(join(repo, 'objects', id.slice(0, 2), id.slice(2)));
    await sleep(2100);
    const healed = snap(dir);
    // names[3] was too recent for the last scan to remember, names[5] lost its object: both are read.
    expect(healed.reusedFiles).toBe(38);
    expect(healed.newObjects).toBeGreaterThanOrEqual(1);
    expect(runCli(['fsck', '--full', '--repo', repo]).code).toBe(0);

    // --rescan reads everything.
    expect(snap(dir, ['--rescan']).reusedFiles).toBe(0);

    // A renamed folder: its files keep their inodes and times, so none of them is read again.
    renameSync(join(dir, 'd2'), join(dir, 'd2-moved'));
    const moved = snap(dir);
    expect(moved.reusedFiles).toBe(40);
    expect(listing(dir)).toContain('file d2-moved/f2.txt');
    expect(listing(dir)).not.toContain('file d2/f2.txt');
  });

  it('a deleted cache only means files are read again', () => {
    rmSync(join(repo, 'cache'), { recursive: true, force: true });
    const s = snap(dir);
    expect(s.reusedFiles).toBe(0);
    expect(s.unchanged).toBe(true);
  });

  it('a damaged cache only means files are read again: a bad envelope all of them, a bad entry its file', () => {
    snap(dir);
    const cacheFile = (): string => {
      const names = readdirSync(join(repo, 'cache')).filter((n) => n.startsWith('snapshot-'));
      expect(names).toHaveLength(1);
      return join(repo, 'cache', names[0] as string);
    };
    const good = readFileSync(cacheFile(), 'utf8');
    const parsed = JSON.parse(good) as { files: Record<string, unknown> };
    expect(Object.keys(parsed.files).length).toBeGreaterThan(1);
    for (const broken of ['{"cacheVersion":2', JSON.stringify({ ...parsed, files: [] }), JSON.stringify({ ...parsed, cacheVersion: 3 }), 'null']) {
      writeFileSync(cacheFile(), broken);
      const s = snap(dir);
      expect(s.reusedFiles).toBe(0);
      expect(s.unchanged).toBe(true);
    }
    // One malformed entry (a file's): that file alone is read again.
    const all = snap(dir).reusedFiles;
    expect(all).toBeGreaterThan(1);
    const files = JSON.parse(readFileSync(cacheFile(), 'utf8')).files as Record<string, unknown>;
    const victim = Object.keys(files).find((k) => k.endsWith('.txt')) as string;
    writeFileSync(cacheFile(), JSON.stringify({ ...parsed, files: { ...files, [victim]: ['not', 'an', 'entry'] } }));
    const s = snap(dir);
    expect(s.reusedFiles).toBe(all - 1);
    expect(s.unchanged).toBe(true);
  });
});

describe('snapshot: output, errors and locks', () => {
  it('--json prints status lines at the configured rate and one summary; human output is one line', () => {
    const { dir } = project({ 'a.txt': 'x'.repeat(5000), 'b/c.txt': 'y' });
    const r = runCli(['snapshot', '--json'], { cwd: dir, env: { STRATA_PROGRESS_MS: '0' } });
    expect(r.code, describeResult(r)).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.slice(0, -1).every((l) => l.message_type === 'status' && typeof l.files === 'number' && typeof l.bytes === 'number')).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ message_type: 'summary', files: 2, bytes: 5001 });
    const human = runCli(['snapshot', '-m', 'again'], { cwd: dir });
    // Whether the two files are read again depends on whether they were written within the file
    // system's time granularity of the first snapshot (then they must be), so either count is right.
    const m = /^version [0-9a-f]{12} on main: 2 files, 4\.9 KiB \(([0-2]) read, ([0-2]) unchanged\)[^\n]*\n$/.exec(human.stdout);
    expect(m, human.stdout).not.toBeNull();
    expect(Number(m?.[1]) + Number(m?.[2])).toBe(2);
  });

  it('bad input: one error line with its code and exit code', () => {
    const { dir, repo } = project({ 'a.txt': 'a' });
    const notFolder = runCli(['snapshot', join(dir, 'a.txt'), '--repo', repo]);
    expect(notFolder.code).toBe(2);
    expect(parseErrorLine(notFolder.stderr)?.code).toBe('INVALID_ARGUMENT');
    const missing = runCli(['snapshot', join(dir, 'nope'), '--repo', repo]);
    expect(missing.code).toBe(1);
    expect(parseErrorLine(missing.stderr)?.code).toBe('FILE_NOT_FOUND');
    const badBranch = runCli(['snapshot', '--branch', 'a..b'], { cwd: dir });
    expect(parseErrorLine(badBranch.stderr)?.code).toBe('INVALID_REF_NAME');
    const noRepo = runCli(['snapshot', dir, '--repo', join(tmp.dir, 'no-such-repo')]);
    expect(noRepo.code).toBe(10);
    const bareRepo = join(tmp.dir, `bare${counter}`);
    initRepo(bareRepo);
    const noPath = runCli(['snapshot', '--repo', bareRepo]);
    expect(noPath.code).toBe(2);
    expect(noPath.stderr).toMatch(/give the folder to snapshot/);
    for (const r of [notFolder, missing, badBranch, noRepo, noPath]) expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('an exclusive lock held by a live process makes snapshot exit 11 naming it; a dead holder is reported as stale', async () => {
    const { dir, repo } = project({ 'a.txt': 'a' });
    const holder = startCli(['snapshot', '--help'], { cwd: dir }); // any live pid of ours
    await holder.done;
    // A real live holder: this test process itself.
    mkdirSync(join(repo, 'locks'), { recursive: true });
    const lockFile = join(repo, 'locks', `testhost.${process.pid}.1.00000000.json`);
    const { hostname } = await import('node:os');
    const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
    writeFileSync(lockFile, JSON.stringify({ kind: 'exclusive', pid: process.pid, host, time: Date.now(), command: 'gc' }));
    const busy = runCli(['snapshot'], { cwd: dir });
    expect(busy.code, describeResult(busy)).toBe(11);
    expect(parseErrorLine(busy.stderr)?.code).toBe('LOCKED');
    expect(busy.stderr).toMatch(new RegExp(`gc \\(exclusive lock, process ${process.pid} on `));
    // The same lock left by a process that is gone.
    writeFileSync(lockFile, JSON.stringify({ kind: 'exclusive', pid: holder.pid, host, time: Date.now(), command: 'gc' }));
    const stale = runCli(['snapshot'], { cwd: dir });
    expect(stale.code).toBe(11);
    expect(parseErrorLine(stale.stderr)?.code).toBe('STALE_LOCK');
    expect(stale.stderr).toMatch(/strata unlock/);
    rmSync(lockFile);
    expect(runCli(['snapshot'], { cwd: dir }).code).toBe(0);
    // A snapshot leaves no lock behind.
    expect(readdirNames(join(repo, 'locks'))).toEqual([]);
  });
});

function readdirNames(dir: string): string[] {
  return execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

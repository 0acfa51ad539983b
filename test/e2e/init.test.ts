import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blobId, noRepositoryAbove, ok, removeTempDirs, storedObjectIds, strata, strataAll, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const DEFAULT_CONFIG =
  '{"chunking":{"algorithm":"fastcdc-2020","avgSize":1048576,"maxSize":4194304,"minSize":65536,"normalization":1},' +
  '"compression":{"algorithm":"zlib","level":1},"format":"strata","formatChunking":{"zip":{"groupBelow":65536,"strategy":"zip-members"}},"formatVersion":1,"hash":"sha256"}\n';

const PLUMBING = [
  'init',
  'hash-object',
  'cat-file',
  'ls-tree',
  'write-tree',
  'checkout-tree',
  'commit-version',
  'update-ref',
  'symbolic-ref',
  'for-each-ref',
  'rev-parse',
  'chunk',
  'fsck',
  'count-objects',
  'prune',
];

describe('init', () => {
  it('creates .strata in the current folder with config, HEAD, objects and refs', () => {
    const project = tempDir('init');
    const out = ok(['init'], { cwd: project });
    const repo = join(project, '.strata');
    expect(out).toBe(`Initialized empty strata repository in ${repo} (FastCDC 64.0 KiB / 1.0 MiB / 4.0 MiB, zip by members, zlib level 1)`);
    expect(readFileSync(join(repo, 'config'), 'utf8')).toBe(DEFAULT_CONFIG);
    expect(readFileSync(join(repo, 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(statSync(join(repo, 'objects')).isDirectory()).toBe(true);
    expect(statSync(join(repo, 'refs')).isDirectory()).toBe(true);
    expect(storedObjectIds(repo)).toEqual([]);
  });

  it('a second init in the same place fails with REPO_EXISTS (exit 1) and leaves the config alone', async () => {
    const project = tempDir('init');
    ok(['init'], { cwd: project });
    const [r, j] = await strataAll([
      [['init'], { cwd: project }],
      [['init', '--json'], { cwd: project }],
    ]);
    expect(r!.code).toBe(1);
    expect(r!.stdout).toBe('');
    expect(r!.stderr).toMatch(/^error\[REPO_EXISTS\]: .*\.strata is already a strata repository\n/);
    expect(readFileSync(join(project, '.strata', 'config'), 'utf8')).toBe(DEFAULT_CONFIG);
    expect(j!.code).toBe(1);
    const err = JSON.parse(j!.stderr.trim().split('\n')[0] as string);
    expect(err).toMatchObject({ message_type: 'error', code: 'REPO_EXISTS', exitCode: 1 });
  });

  it('--repo X makes X itself the repository (no .strata inside)', () => {
    const base = tempDir('init');
    const repo = join(base, 'backup-disk', 'store');
    const out = ok(['init', '--repo', repo], { cwd: base });
    expect(out).toContain(`in ${repo} (`);
    expect(existsSync(join(repo, 'config'))).toBe(true);
    expect(readFileSync(join(repo, 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(existsSync(join(repo, '.strata'))).toBe(false);
    const again = strata(['init', '--repo', repo], { cwd: base });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error\[REPO_EXISTS\]/);
  });

  it('records chunking parameters in bytes and with K/M suffixes, and --json prints root and config', async () => {
    const base = tempDir('init');
    const [ra, rb] = await strataAll([
      [['init', '--repo', 'a', '--min-chunk', '4096', '--avg-chunk', '16384', '--max-chunk', '65535', '--json'], { cwd: base }],
      [['init', '--repo', 'b', '--min-chunk', '16K', '--avg-chunk', '256K', '--max-chunk', '1M', '--compression-level', '6'], { cwd: base }],
    ]);
    expect(JSON.parse(ra!.stdout)).toEqual({
      root: join(base, 'a'),
      config: {
        format: 'strata',
        formatVersion: 1,
        hash: 'sha256',
        chunking: { algorithm: 'fastcdc-2020', minSize: 4096, avgSize: 16384, maxSize: 65535, normalization: 1 },
        formatChunking: { zip: { strategy: 'zip-members', groupBelow: 65536 } },
        compression: { algorithm: 'zlib', level: 1 },
      },
    });
    expect(readFileSync(join(base, 'a', 'config'), 'utf8')).toBe(
      '{"chunking":{"algorithm":"fastcdc-2020","avgSize":16384,"maxSize":65535,"minSize":4096,"normalization":1},' +
        '"compression":{"algorithm":"zlib","level":1},"format":"strata","formatChunking":{"zip":{"groupBelow":65536,"strategy":"zip-members"}},"formatVersion":1,"hash":"sha256"}\n',
    );

    expect(rb!.stdout).toBe(`Initialized empty strata repository in ${join(base, 'b')} (FastCDC 16.0 KiB / 256.0 KiB / 1.0 MiB, zip by members, zlib level 6)\n`);
    const config = JSON.parse(readFileSync(join(base, 'b', 'config'), 'utf8'));
    expect(config.chunking).toEqual({ algorithm: 'fastcdc-2020', minSize: 16384, avgSize: 262144, maxSize: 1048576, normalization: 1 });
    expect(config.compression).toEqual({ algorithm: 'zlib', level: 6 });
  });

  it('rejects impossible chunking parameters and unparsable sizes without creating anything', async () => {
    const base = tempDir('init');
    const [r, s] = await strataAll([
      [['init', '--repo', 'bad', '--min-chunk', '64K', '--avg-chunk', '16K'], { cwd: base }],
      [['init', '--repo', 'bad2', '--min-chunk', 'lots'], { cwd: base }],
    ]);
    expect(r!.code).toBe(2);
    expect(r!.stderr).toMatch(/^error\[INVALID_ARGUMENT\]/);
    expect(existsSync(join(base, 'bad', 'config'))).toBe(false);
    expect(s!.code).toBe(2);
    expect(s!.stderr).toMatch(/^error\[USAGE\]: --min-chunk/);
    expect(existsSync(join(base, 'bad2', 'config'))).toBe(false);
  });
});

describe('repository discovery', () => {
  it('finds the .strata of a folder above the current one', () => {
    const project = tempDir('discover');
    ok(['init'], { cwd: project });
    const deep = join(project, 'art', 'textures', 'v2');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'note.txt'), 'found from below\n');
    const id = ok(['hash-object', '-w', 'note.txt'], { cwd: deep });
    expect(id).toBe(blobId('found from below\n'));
    expect(storedObjectIds(join(project, '.strata'))).toEqual([id]);
    expect(ok(['cat-file', '-p', id], { cwd: join(project, 'art') })).toBe('found from below');
    expect(existsSync(join(deep, '.strata'))).toBe(false);
  });

  it('uses STRATA_REPO (a repository folder, or a project folder holding .strata) and --repo', async () => {
    const base = tempDir('discover');
    const elsewhere = tempDir('discover-cwd');
    expect(noRepositoryAbove(elsewhere)).toBe(true);
    writeFileSync(join(elsewhere, 'f'), 'env\n');
    const id = blobId('env\n');
    const inits = await strataAll([
      [['init', '--repo', 'store'], { cwd: base }],
      [['init', 'project'], { cwd: base }],
      // init with STRATA_REPO and no folder argument creates the repository there
      [['init'], { cwd: elsewhere, env: { STRATA_REPO: join(base, 'from-env') } }],
    ]);
    expect(inits.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(existsSync(join(base, 'from-env', 'config'))).toBe(true);
    expect(existsSync(join(elsewhere, '.strata'))).toBe(false);
    expect(readFileSync(join(base, 'project', '.strata', 'config'), 'utf8')).toBe(DEFAULT_CONFIG); // init <dir>

    const [a, b] = await strataAll([
      [['hash-object', '-w', 'f'], { cwd: elsewhere, env: { STRATA_REPO: join(base, 'store') } }],
      [['hash-object', '-w', 'f'], { cwd: elsewhere, env: { STRATA_REPO: join(base, 'project') } }],
    ]);
    expect([a!.stdout, b!.stdout]).toEqual([`${id}\n`, `${id}\n`]);
    expect(storedObjectIds(join(base, 'store'))).toEqual([id]);
    expect(storedObjectIds(join(base, 'project', '.strata'))).toEqual([id]);
    expect(ok(['cat-file', '-t', id, '--repo', join(base, 'project')], { cwd: elsewhere })).toBe('blob');
  });

  it('without any repository a command fails with NO_REPOSITORY (exit 10)', async () => {
    const lonely = tempDir('norepo');
    expect(noRepositoryAbove(lonely)).toBe(true);
    const [r, missing] = await strataAll([
      [['count-objects'], { cwd: lonely }],
      [['fsck', '--repo', join(lonely, 'nope')], { cwd: lonely }],
    ]);
    expect(r!.code).toBe(10);
    expect(r!.stderr).toMatch(/^error\[NO_REPOSITORY\]: no strata repository in /);
    expect(missing!.code).toBe(10);
    expect(missing!.stderr).toMatch(/^error\[NO_REPOSITORY\]: .*nope is not a strata repository/);
  });
});

describe('help', () => {
  it('`strata help plumbing` lists every plumbing command', () => {
    const out = ok(['help', 'plumbing']);
    const lines = out.split('\n');
    expect(lines[0]).toBe('Plumbing commands (stable output, for scripts):');
    const names = lines.filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    expect(names).toEqual(PLUMBING);
    expect(out).toContain('Every command takes --json, --repo PATH (or STRATA_REPO) and --help.');
  });

  it('`strata --version` prints the package version from any folder, and --debug names it too', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const elsewhere = tempDir('version');
    const [r, debug] = await strataAll([
      [['--version'], { cwd: elsewhere }],
      [['cat-file', '-p', 'nonsense', '--debug', '--repo', join(elsewhere, 'none')], { cwd: elsewhere }],
    ]);
    expect(r!.code).toBe(0);
    expect(r!.stdout.trim()).toBe(pkg.version);
    expect(debug!.stderr).toContain(`strata ${pkg.version} node ${process.version}`);
  });

  it('`strata --help` exits 0 with usage; an unknown command is a usage error (exit 2)', async () => {
    const [r, bad] = await strataAll([['--help'], ['no-such-command']]);
    expect(r!.code).toBe(0);
    expect(r!.stdout).toContain('strata <command> [options]');
    for (const name of PLUMBING) expect(r!.stdout).toContain(name);
    expect(bad!.code).toBe(2);
    expect(bad!.stderr).toMatch(/^error\[USAGE\]/);
  });
});

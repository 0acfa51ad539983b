/**
 * History and comparison end to end, on real snapshots: log, show, diff (two versions, or a version and
 * the working folder), status, find, tag and branch, with their --json shapes and error paths.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEX64, objectPath, ok, okJson, removeTempDirs, strataP, tempDir, type RunOptions, type RunResult, writeFiles as write } from './helpers.js';

afterAll(removeTempDirs);

/** Human output shows local times: run in UTC so the tests can spell them. */
const UTC: RunOptions = { env: { TZ: 'UTC' } };

/** A new project folder with `.strata` in it. */
function project(label: string, files: Record<string, string | Buffer> = {}): string {
  const dir = tempDir(label);
  ok(['init'], { cwd: dir });
  write(dir, files);
  return dir;
}

/** Takes a snapshot in a project and returns the version id. */
function snapshot(dir: string, ...args: string[]): string {
  const out = ok(['snapshot', '--json', ...args], { cwd: dir });
  const lines = out.split('\n');
  return (JSON.parse(lines[lines.length - 1] as string) as { id: string }).id;
}

function errorOf(r: RunResult): { code: string; message: string } | undefined {
  const m = /^error\[([A-Z_]+)\]: (.*)$/m.exec(r.stderr);
  return m ? { code: m[1] as string, message: m[2] as string } : undefined;
}

const short = (id: string): string => id.slice(0, 12);

/** Random (incompressible) content of a given size, so renames are exact content matches. */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/**
 * The main history: three versions of one project.
 *  v1 "alpha: first state": a.txt, src/main.c, art/hero.psd, art/old.png, docs/readme.md, cfg (a file),
 *     link -> a.txt (a symlink); notes.tmp left out with --exclude.
 *  v2 "second" (milestone): a.txt edited, art/hero.psd renamed to art/hero-v2.psd, art/old.png deleted,
 *     new.txt added, link now a regular file, cfg now a folder holding inner.txt, src/main.c executable.
 *  v3 "docs only" (label "review"): docs/readme.md edited.
 */
describe('history of one project', () => {
  let dir: string;
  let v1: string;
  let v2: string;
  let v3: string;
  const run = (args: string[], options: RunOptions = {}) => strataP(args, { cwd: dir, ...options, env: { ...UTC.env, ...options.env } });

  beforeAll(() => {
    dir = project('hist', {
      'a.txt': 'hello\n',
      'src/main.c': 'int main() { return 0; }\n',
      'art/hero.psd': bytes(3000, 1),
      'art/old.png': bytes(700, 2),
      'docs/readme.md': '# readme\n',
      cfg: 'key=value\n',
      'notes.tmp': 'scratch',
    });
    symlinkSync('a.txt', join(dir, 'link'));
    v1 = snapshot(dir, '-m', 'first state\n\nwith a second paragraph', '--name', 'alpha', '--tag', 'wip', '--exclude', '*.tmp');

    write(dir, { 'a.txt': 'hello, world\n', 'new.txt': 'new\n' });
    renameSync(join(dir, 'art/hero.psd'), join(dir, 'art/hero-v2.psd'));
    unlinkSync(join(dir, 'art/old.png'));
    unlinkSync(join(dir, 'link'));
    writeFileSync(join(dir, 'link'), 'now a file\n');
    unlinkSync(join(dir, 'cfg'));
    write(dir, { 'cfg/inner.txt': 'inner\n' });
    chmodSync(join(dir, 'src/main.c'), 0o755);
    v2 = snapshot(dir, '-m', 'second', '--milestone', '--exclude', '*.tmp');

    write(dir, { 'docs/readme.md': '# readme\n\nmore words\n' });
    v3 = snapshot(dir, '-m', 'docs only', '--tag', 'review', '--exclude', '*.tmp');
  });

  describe('log', () => {
    it('lists the branch newest first: ids, times, decorations, names, labels, descriptions and totals', async () => {
      const r = await run(['log']);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(new RegExp(`^${short(v3)}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  \\(main\\) docs only #review  \\(7 files, [\\d.]+ KiB\\)$`));
      expect(lines[1]).toMatch(new RegExp(`^${short(v2)}  .*  \\[milestone\\] second  \\(7 files, [\\d.]+ KiB\\)$`));
      expect(lines[2]).toMatch(new RegExp(`^${short(v1)}  .*  alpha: first state #wip  \\(6 files, [\\d.]+ KiB\\)$`));
    });

    it('--json gives every field of each version, plus refs and totals', async () => {
      const r = await run(['log', '--json']);
      const entries = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      expect(entries.map((e) => e.id)).toEqual([v3, v2, v1]);
      const first = entries[2] as Record<string, unknown>;
      expect(Object.keys(first).sort()).toEqual(
        ['branches', 'bytes', 'description', 'files', 'id', 'meta', 'milestone', 'name', 'parents', 'tagRefs', 'tags', 'time', 'tree'].sort(),
      );
      expect(first).toMatchObject({
        name: 'alpha',
        description: 'first state\n\nwith a second paragraph',
        tags: ['wip'],
        milestone: false,
        parents: [],
        tagRefs: [],
        branches: [],
        files: 6,
      });
      expect((first.meta as Record<string, string>).source).toBe(dir);
      expect(first.tree).toMatch(HEX64);
      expect(entries[0]).toMatchObject({ parents: [v2], branches: ['main'], tags: ['review'] });
      expect(entries[1]).toMatchObject({ milestone: true, parents: [v1] });
    });

    it('filters: -n, --milestone, --tag, --grep, --path (files and folders), --since, --until', async () => {
      const ids = async (...args: string[]): Promise<string[]> => {
        const r = await run(['log', '--json', '--no-totals', ...args]);
        expect(r.code, r.stderr).toBe(0);
        return (JSON.parse(r.stdout) as Array<{ id: string }>).map((e) => e.id);
      };
      const results = await Promise.all([
        ids('-n', '1'),
        ids('-n', '0'),
        ids('--milestone'),
        ids('--tag', 'wip'),
        ids('--tag', 'review'),
        ids('--grep', 'DOCS ONLY'),
        ids('--grep', 'second'),
        ids('--grep', 'paragraph'),
        ids('--path', 'docs'),
        ids('--path', 'art'),
        ids('--path', 'a.txt'),
        ids('--path', 'cfg/inner.txt'),
        ids('--path', 'no/such/path'),
        ids('--since', '1h'),
        ids('--since', '2999-01-01'),
        ids('--until', '2000-01-01'),
        ids('--milestone', '--path', 'docs'),
      ]);
      expect(results).toEqual([
        [v3],
        [],
        [v2],
        [v1],
        [v3],
        [v3],
        [v2, v1],
        [v1],
        [v3, v1],
        [v2, v1],
        [v2, v1],
        [v2],
        [],
        [v3, v2, v1],
        [],
        [],
        [],
      ]);
      const none = await run(['log', '--grep', 'nothing like this']);
      expect(none.stdout).toBe('no versions match\n');
    });

    it('a version whose mtime alone changed is not a change of that path', async () => {
      const d = project('touch', { 'f.txt': 'same\n', 'g.txt': 'one\n' });
      const a = snapshot(d);
      utimesSync(join(d, 'f.txt'), new Date(2001, 0, 1), new Date(2001, 0, 1));
      write(d, { 'g.txt': 'two\n' });
      const b = snapshot(d);
      const [f, g] = await Promise.all([
        strataP(['log', '--json', '--path', 'f.txt'], { cwd: d }),
        strataP(['log', '--json', '--path', 'g.txt'], { cwd: d }),
      ]);
      expect((JSON.parse(f.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual([a]);
      expect((JSON.parse(g.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual([b, a]);
    });

    it('bad arguments are usage errors (exit 2)', async () => {
      const [both, negative, date] = await Promise.all([
        run(['log', '--all', '--branch', 'main']),
        run(['log', '-n', '-1']),
        run(['log', '--since', 'yesterday-ish']),
      ]);
      expect(both.code).toBe(2);
      expect(errorOf(both)?.code).toBe('USAGE');
      expect(negative.code).toBe(2);
      expect(date.code).toBe(2);
      expect(errorOf(date)?.message).toContain('--since');
    });
  });

  describe('show', () => {
    it('prints metadata and the change against the first parent', async () => {
      const r = await run(['show', v2]);
      expect(r.code).toBe(0);
      const text = r.stdout;
      expect(text).toContain(`version    ${v2}\n`);
      expect(text).toMatch(/^date       \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
      expect(text).toContain('milestone  yes\n');
      expect(text).toContain(`parent     ${v1}\n`);
      expect(text).toContain(`meta       source=${dir}\n`);
      expect(text).toContain('content    7 files, 3.0 KiB\n');
      expect(text).toContain('\n    second\n');
      expect(text).toContain(
        `changes against ${short(v1)}: 2 added (+10 B), 1 deleted (-700 B), 2 modified (31 B -> 38 B), 1 renamed (2.9 KiB), 2 type-changed; net -687 B\n`,
      );
      const changes = text.slice(text.indexOf('changes against'));
      expect(changes.split('\n').slice(1, -1)).toEqual([
        'M  a.txt  6 B -> 13 B',
        'R  art/hero.psd -> art/hero-v2.psd  2.9 KiB',
        'D  art/old.png  700 B',
        'T  cfg  file -> directory, 10 B -> folder',
        'A  cfg/inner.txt  6 B',
        'T  link  symlink -> file, 5 B -> 11 B',
        'A  new.txt  4 B',
        'M  src/main.c  mode 0644 -> 0755',
      ]);
    });

    it('caps the list in human output (…and N more) but not in --json', async () => {
      const [capped, json] = await Promise.all([run(['show', v2, '--max-paths', '2']), run(['show', v2, '--json'])]);
      const lines = capped.stdout.trimEnd().split('\n');
      expect(lines.slice(-3)).toEqual(['M  a.txt  6 B -> 13 B', 'R  art/hero.psd -> art/hero-v2.psd  2.9 KiB', '…and 6 more']);
      const r = JSON.parse(json.stdout) as {
        version: Record<string, unknown>;
        parent: { id: string; time: number; name: string };
        changes: { entries: Array<Record<string, unknown>>; summary: Record<string, { count: number; oldBytes: number; newBytes: number }> };
      };
      expect(r.version).toMatchObject({ id: v2, milestone: true, parents: [v1], files: 7, branches: [], tagRefs: [] });
      expect(r.parent).toMatchObject({ id: v1, name: 'alpha' });
      expect(r.changes.entries).toHaveLength(8);
      expect(r.changes.summary.renamed).toEqual({ count: 1, oldBytes: 3000, newBytes: 3000 });
      expect(r.changes.summary.total?.count).toBe(8);
      expect(r.changes.entries.find((e) => e.status === 'renamed')).toMatchObject({
        path: 'art/hero-v2.psd',
        oldPath: 'art/hero.psd',
        oldType: 'file',
        newType: 'file',
        oldSize: 3000,
        newSize: 3000,
      });
      expect(r.changes.entries.find((e) => e.path === 'src/main.c')).toMatchObject({
        status: 'modified',
        contentChanged: false,
        modeChanged: true,
        oldType: 'file',
        newType: 'executable',
        oldMode: 0o644,
        newMode: 0o755,
      });
    });

    it('a first version is compared with an empty folder; revisions such as main~2 work', async () => {
      const r = await run(['show', 'main~2']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`version    ${v1}\n`);
      expect(r.stdout).toContain('name       alpha\n');
      expect(r.stdout).toContain('labels     wip\n');
      expect(r.stdout).toContain('parent     none (a first version)\n');
      expect(r.stdout).toContain('changes against an empty folder (a first version): 7 added');
      expect(r.stdout).toContain('A  link  5 B, symlink\n');
    });

    it('unknown versions and objects that are not versions are clear errors', async () => {
      const tree = JSON.parse((await run(['log', '--json', '-n', '1'])).stdout)[0].tree as string;
      const [unknown, wrong, json] = await Promise.all([run(['show', 'nosuch']), run(['show', tree]), run(['show', 'nosuch', '--json'])]);
      expect(unknown.code).toBe(1);
      expect(errorOf(unknown)?.code).toBe('UNKNOWN_REVISION');
      expect(unknown.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
      expect(wrong.code).toBe(1);
      expect(errorOf(wrong)?.code).toBe('WRONG_KIND');
      expect(JSON.parse(json.stderr.trim())).toMatchObject({ message_type: 'error', code: 'UNKNOWN_REVISION', exitCode: 1 });
    });
  });

  describe('diff between versions', () => {
    it('one line per path with a status letter and sizes', async () => {
      const r = await run(['diff', v1, v3]);
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual([
        'M  a.txt  6 B -> 13 B',
        'R  art/hero.psd -> art/hero-v2.psd  2.9 KiB',
        'D  art/old.png  700 B',
        'T  cfg  file -> directory, 10 B -> folder',
        'A  cfg/inner.txt  6 B',
        'M  docs/readme.md  9 B -> 21 B',
        'T  link  symlink -> file, 5 B -> 11 B',
        'A  new.txt  4 B',
        'M  src/main.c  mode 0644 -> 0755',
      ]);
    });

    it('--stat, --path, --no-renames, --json; equal versions have no differences', async () => {
      const [stat, path, noRenames, json, same] = await Promise.all([
        run(['diff', 'main~2', 'main', '--stat']),
        run(['diff', v1, v3, '--path', 'art', '--path', 'docs/']),
        run(['diff', v1, v2, '--no-renames', '--path', 'art']),
        run(['diff', v2, v3, '--json']),
        run(['diff', v3, 'main']),
      ]);
      expect(stat.stdout.trimEnd().split('\n')).toEqual([
        'added               2  +10 B',
        'deleted             1  -700 B',
        'modified            3  40 B -> 59 B',
        'renamed             1  2.9 KiB',
        'type-changed        2  15 B -> 11 B',
        'total               9  net -675 B',
      ]);
      expect(path.stdout.trimEnd().split('\n')).toEqual([
        'R  art/hero.psd -> art/hero-v2.psd  2.9 KiB',
        'D  art/old.png  700 B',
        'M  docs/readme.md  9 B -> 21 B',
      ]);
      expect(noRenames.stdout.trimEnd().split('\n')).toEqual(['A  art/hero-v2.psd  2.9 KiB', 'D  art/hero.psd  2.9 KiB', 'D  art/old.png  700 B']);
      const d = JSON.parse(json.stdout) as { from: Record<string, unknown>; to: Record<string, unknown>; entries: unknown[]; summary: unknown };
      expect(d.from).toMatchObject({ id: v2, kind: 'version' });
      expect(d.to).toMatchObject({ id: v3, kind: 'version' });
      expect(d.entries).toEqual([
        {
          status: 'modified',
          path: 'docs/readme.md',
          oldType: 'file',
          newType: 'file',
          oldSize: 9,
          newSize: 21,
          oldId: expect.stringMatching(HEX64),
          newId: expect.stringMatching(HEX64),
          oldMode: 0o644,
          newMode: 0o644,
          contentChanged: true,
          modeChanged: false,
        },
      ]);
      expect(d.summary).toMatchObject({ modified: { count: 1, oldBytes: 9, newBytes: 21 }, total: { count: 1 } });
      expect(same.stdout).toBe(`no differences between ${short(v3)} and ${short(v3)}\n`);
    });

    it('unknown revisions fail with UNKNOWN_REVISION (exit 1)', async () => {
      const r = await run(['diff', v1, 'nosuch']);
      expect(r.code).toBe(1);
      expect(errorOf(r)?.code).toBe('UNKNOWN_REVISION');
    });
  });

  describe('find', () => {
    it('lists versions holding matching paths, newest first; unchanged paths shown once in human output', async () => {
      const r = await run(['find', '*.psd']);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^${short(v2)}  \\d{4}-`));
      expect(lines[1]).toMatch(/^ +2\.9 KiB {2}[0-9a-f]{12} {2}art\/hero-v2\.psd {2}\(unchanged in 1 later version\)$/);
      expect(lines[2]).toMatch(new RegExp(`^${short(v1)}  .*  alpha$`));
      expect(lines[3]).toMatch(/^ +2\.9 KiB {2}[0-9a-f]{12} {2}art\/hero\.psd$/);
      expect(lines[4]).toBe('3 matches in 3 of 3 versions');
      expect(lines).toHaveLength(5);
    });

    it('--json lists every match without deduplication', async () => {
      const r = await run(['find', 'art/*', '--json']);
      const matches = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      expect(matches.map((m) => [m.version, m.path])).toEqual([
        [v3, 'art/hero-v2.psd'],
        [v2, 'art/hero-v2.psd'],
        [v1, 'art/hero.psd'],
        [v1, 'art/old.png'],
      ]);
      expect(matches[2]?.id).toMatch(HEX64);
      expect(matches[0]).toEqual({
        version: v3,
        time: expect.any(Number),
        versionName: '',
        path: 'art/hero-v2.psd',
        type: 'file',
        size: 3000,
        // Renamed, not edited: the same content id as art/hero.psd in the first version.
        id: (matches[2] as { id: string }).id,
        mode: 0o644,
        mtime: expect.any(Number),
      });
    });

    it('glob forms: names at any depth, anchored paths, **, classes, braces, folders only', async () => {
      const paths = async (pattern: string): Promise<string[]> => {
        const r = await run(['find', pattern, '--json']);
        expect(r.code, r.stderr).toBe(0);
        return [...new Set((JSON.parse(r.stdout) as Array<{ path: string }>).map((m) => m.path))].sort();
      };
      const got = await Promise.all([
        paths('*.md'),
        paths('**/*.md'),
        paths('/*.txt'),
        paths('*.txt'),
        paths('art/**'),
        paths('**'),
        paths('art/hero?v2.psd'),
        paths('art/[a-h]*'),
        paths('art/[!h]*'),
        paths('*.{png,psd}'),
        paths('art/'),
        paths('c*/'),
        paths('src/*.C'),
        paths('link'),
      ]);
      expect(got).toEqual([
        ['docs/readme.md'],
        ['docs/readme.md'],
        ['a.txt', 'new.txt'],
        ['a.txt', 'cfg/inner.txt', 'new.txt'],
        ['art/hero-v2.psd', 'art/hero.psd', 'art/old.png'],
        ['a.txt', 'art/hero-v2.psd', 'art/hero.psd', 'art/old.png', 'cfg', 'cfg/inner.txt', 'docs/readme.md', 'link', 'new.txt', 'src/main.c'],
        ['art/hero-v2.psd'],
        ['art/hero-v2.psd', 'art/hero.psd'],
        ['art/old.png'],
        ['art/hero-v2.psd', 'art/hero.psd', 'art/old.png'],
        ['art'],
        ['cfg'],
        [],
        ['link'],
      ]);
    });

    it('no match says so; a malformed pattern is a usage error; no pattern backtracks for long', async () => {
      const [none, empty, backwards, slashes, slow] = await Promise.all([
        run(['find', '*.blend']),
        run(['find', '/']),
        run(['find', '[z-a]*']),
        run(['find', 'art//x']),
        run(['find', '**/**/**/*a*a*a*a*a*a*a*a*a*a*z', '--json']),
      ]);
      expect(none.code).toBe(0);
      expect(none.stdout).toBe('no version holds a path matching "*.blend" (3 versions searched)\n');
      for (const bad of [empty, backwards, slashes]) {
        expect(bad.code).toBe(2);
        expect(errorOf(bad)?.code).toBe('INVALID_ARGUMENT');
      }
      expect(errorOf(backwards)?.message).toContain('runs backwards');
      expect(slow.code).toBe(0);
      expect(JSON.parse(slow.stdout)).toEqual([]);
    });
  });
});

describe('diff against the working folder, and status', () => {
  it('compares contents, hashing only files whose size or mtime changed; honours the ignore rules', async () => {
    const dir = project('work', {
      'keep.txt': 'unchanged\n',
      'edit.txt': 'before\n',
      'touch.txt': 'same content\n',
      'move/me.bin': bytes(2048, 7),
      'gone.txt': 'bye\n',
      '.strataignore': 'build/\n',
      'many/a.txt': 'a',
      'many/b.txt': 'b',
      'many/c.txt': 'c',
    });
    symlinkSync('keep.txt', join(dir, 'ln'));
    const v = snapshot(dir, '--exclude', '*.log');

    // Changes since the snapshot, and things the ignore rules leave out.
    write(dir, { 'edit.txt': 'after, longer\n', 'added.txt': 'new\n', 'build/out.o': 'ignored', 'debug.log': 'ignored by --exclude' });
    utimesSync(join(dir, 'touch.txt'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    mkdirSync(join(dir, 'moved'));
    renameSync(join(dir, 'move/me.bin'), join(dir, 'moved/me.bin'));
    unlinkSync(join(dir, 'gone.txt'));
    unlinkSync(join(dir, 'ln'));
    symlinkSync('edit.txt', join(dir, 'ln'));
    mkdirSync(join(dir, 'empty'));

    const [human, json, stat] = await Promise.all([
      strataP(['diff', 'HEAD', '--exclude', '*.log'], { cwd: dir }),
      strataP(['diff', v, '--exclude', '*.log', '--json'], { cwd: dir }),
      strataP(['diff', 'HEAD', '--exclude', '*.log', '--stat'], { cwd: dir }),
    ]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout.trimEnd().split('\n')).toEqual([
      'A  added.txt  4 B',
      'M  edit.txt  7 B -> 14 B',
      'A  empty/  folder',
      'D  gone.txt  4 B',
      'M  ln  8 B -> 8 B',
      'R  move/me.bin -> moved/me.bin  2.0 KiB',
    ]);
    const d = JSON.parse(json.stdout) as {
      from: { id: string; kind: string };
      source: string;
      hashed: boolean;
      files: number;
      hashedFiles: number;
      warnings: unknown[];
      entries: Array<Record<string, unknown>>;
    };
    expect(d.from).toMatchObject({ id: v, kind: 'version' });
    expect(d.source).toBe(dir);
    expect(d.hashed).toBe(true);
    // touch.txt (new mtime), edit.txt, added.txt, moved/me.bin and the retargeted symlink were read;
    // the unchanged files were not.
    expect(d.hashedFiles).toBe(5);
    expect(d.files).toBe(9);
    expect(d.warnings).toEqual([]);
    expect(d.entries.find((e) => e.path === 'ln')).toMatchObject({ status: 'modified', oldType: 'symlink', newType: 'symlink', contentChanged: true });
    expect(stat.stdout).toContain('total               6  net +7 B');

    // status: metadata alone, so the touched file counts as modified and the move as delete + add.
    const [st, stJson] = await Promise.all([
      strataP(['status', '--exclude', '*.log'], { cwd: dir, env: { TZ: 'UTC' } }),
      strataP(['status', '--exclude', '*.log', '--json'], { cwd: dir }),
    ]);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^on main, since ${short(v)} \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\):$`)),
      'A  added.txt  4 B',
      'M  edit.txt  7 B -> 14 B',
      'A  empty/  folder',
      'D  gone.txt  4 B',
      'M  ln  8 B, new modification time',
      'D  move/me.bin  2.0 KiB',
      'A  moved/me.bin  2.0 KiB',
      'M  touch.txt  13 B, new modification time',
      '3 added (+2.0 KiB), 2 deleted (-2.0 KiB), 3 modified (28 B -> 35 B); net +7 B',
    ]);
    const s = JSON.parse(stJson.stdout) as Record<string, unknown>;
    expect(s).toMatchObject({ branch: 'refs/heads/main', base: { id: v }, clean: false, hashed: false, hashedFiles: 0, source: dir });

    // Snapshot the changes: the folder is clean again, for status and for diff.
    snapshot(dir, '--exclude', '*.log');
    const [clean, cleanDiff] = await Promise.all([
      strataP(['status', '--exclude', '*.log'], { cwd: dir }),
      strataP(['diff', 'HEAD', '--exclude', '*.log', '--json'], { cwd: dir }),
    ]);
    const head = ok(['rev-parse', 'HEAD'], { cwd: dir });
    expect(clean.stdout).toBe(`nothing changed since ${short(head)}\n`);
    const cd = JSON.parse(cleanDiff.stdout) as { entries: unknown[]; hashedFiles: number };
    expect(cd.entries).toEqual([]);
    expect(cd.hashedFiles).toBe(0);
  });

  it('type changes in the folder; names that are not UTF-8 carry rawPath in --json', async () => {
    const dir = project('types', { 'x.txt': 'x\n', 'd/inner.txt': 'i\n' });
    const v = snapshot(dir);
    unlinkSync(join(dir, 'x.txt'));
    mkdirSync(join(dir, 'x.txt'));
    rmSync(join(dir, 'd'), { recursive: true });
    symlinkSync('x.txt', join(dir, 'd'));
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9])]), 'latin-1 name');
    const [human, json] = await Promise.all([strataP(['diff', v], { cwd: dir }), strataP(['diff', v, '--json'], { cwd: dir })]);
    expect(human.stdout.trimEnd().split('\n')).toEqual([
      'A  "caf\\xe9"  12 B',
      'T  d  directory -> symlink, folder -> 5 B',
      'D  d/inner.txt  2 B',
      'T  x.txt  file -> directory, 2 B -> folder',
    ]);
    const entries = (JSON.parse(json.stdout) as { entries: Array<Record<string, unknown>> }).entries;
    expect(Buffer.from(entries[0]?.rawPath as string, 'base64')).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  });

  it('a repository outside the project: the version’s source folder, or --source', async () => {
    const base = tempDir('outside');
    const repo = join(base, 'backup');
    const src = join(base, 'site');
    const other = join(base, 'other');
    write(src, { 'index.html': '<p>hi</p>\n' });
    write(other, { 'index.html': '<p>other page</p>\n' });
    ok(['init', '--repo', repo]);
    const v = JSON.parse(ok(['snapshot', src, '--repo', repo, '--json']).split('\n').pop() as string).id as string;
    const [bySource, byOption, missing, st] = await Promise.all([
      strataP(['diff', v, '--repo', repo]),
      strataP(['diff', v, '--repo', repo, '--source', other]),
      strataP(['diff', v, '--repo', repo, '--source', join(base, 'nope')]),
      strataP(['status', '--repo', repo]),
    ]);
    expect(bySource.stdout).toBe(`no differences between ${short(v)} and the folder ${src}\n`);
    expect(byOption.stdout).toBe('M  index.html  10 B -> 18 B\n');
    expect(missing.code).toBe(1);
    expect(errorOf(missing)?.code).toBe('FILE_NOT_FOUND');
    expect(st.stdout).toBe(`nothing changed since ${short(v)}\n`);
  });

  it('status on a branch without versions, and on another branch', async () => {
    const dir = project('unborn', { 'a.txt': 'aaa', 'b/c.txt': 'cc' });
    const r = await strataP(['status'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`main has no versions yet: a snapshot of ${dir} would record 2 paths (5 B)\n`);
    const json = JSON.parse((await strataP(['status', '--json'], { cwd: dir })).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ branch: 'refs/heads/main', clean: false });
    expect(json).not.toHaveProperty('base');
    const first = snapshot(dir);
    write(dir, { 'a.txt': 'aaaa' });
    snapshot(dir);
    ok(['branch', 'old', first], { cwd: dir });
    const [old, main] = await Promise.all([strataP(['status', '--branch', 'old'], { cwd: dir }), strataP(['status'], { cwd: dir })]);
    expect(old.stdout).toContain('M  a.txt  3 B -> 4 B\n');
    expect(main.stdout).toMatch(/^nothing changed since [0-9a-f]{12}\n$/);
  });
});

describe('forgotten parents', () => {
  it('log ends at a forgotten parent with a note; show says its change is unknown', async () => {
    const dir = project('forgot', { 'f.txt': '1' });
    const a = snapshot(dir, '-m', 'one');
    write(dir, { 'f.txt': '22' });
    const b = snapshot(dir, '-m', 'two');
    write(dir, { 'f.txt': '333' });
    const c = snapshot(dir, '-m', 'three');

    // Retention forgets the first version: its refs/versions ref goes (the object may linger until gc).
    ok(['update-ref', '-d', `refs/versions/${a}`], { cwd: dir });
    const [human, json, all, show, path] = await Promise.all([
      strataP(['log'], { cwd: dir }),
      strataP(['log', '--json'], { cwd: dir }),
      strataP(['log', '--all', '--json'], { cwd: dir }),
      strataP(['show', b, '--json'], { cwd: dir }),
      strataP(['log', '--path', 'f.txt', '--json'], { cwd: dir }),
    ]);
    expect(human.code, human.stderr).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(`parent forgotten: ${short(a)} (the parent of ${short(b)} was removed by retention; history ends here)`);
    const entries = JSON.parse(json.stdout) as Array<{ id: string; forgottenParent?: string }>;
    expect(entries.map((e) => e.id)).toEqual([c, b]);
    expect(entries[1]?.forgottenParent).toBe(a);
    expect(entries[0]).not.toHaveProperty('forgottenParent');
    expect((JSON.parse(all.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual([c, b]);
    const s = JSON.parse(show.stdout) as Record<string, unknown>;
    expect(s.forgottenParent).toBe(a);
    expect(s).not.toHaveProperty('changes');
    expect((JSON.parse(path.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual([c, b]);

    // gc removes the object itself: the same, and find stops there too.
    rmSync(objectPath(join(dir, '.strata'), a), { force: true });
    const [again, showText, find] = await Promise.all([
      strataP(['log', '--json'], { cwd: dir }),
      strataP(['show', b], { cwd: dir }),
      strataP(['find', 'f.txt'], { cwd: dir }),
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual([c, b]);
    expect(showText.stdout).toContain(`parent     ${a} (forgotten)\n`);
    expect(showText.stdout).toContain('changes: unknown, the parent was forgotten (removed by retention)\n');
    expect(find.stdout).toContain(`parent forgotten: ${short(a)}`);
  });
});

describe('tags', () => {
  it('creates, refuses duplicates unless --force, lists, deletes; log shows tag refs', async () => {
    const dir = project('tags', { 'f.txt': '1' });
    const a = snapshot(dir, '--name', 'first');
    write(dir, { 'f.txt': '22' });
    const b = snapshot(dir);

    expect(ok(['tag', 'v1', a], { cwd: dir })).toBe(`tagged ${short(a)} as v1`);
    expect(readFileSync(join(dir, '.strata/refs/tags/v1'), 'utf8')).toBe(`${a}\n`);
    expect(okJson(['tag', 'latest'], { cwd: dir })).toEqual({ name: 'latest', ref: 'refs/tags/latest', id: b });

    const [dup, dupJson, bad, badJson, unknown, notVersion] = await Promise.all([
      strataP(['tag', 'v1'], { cwd: dir }),
      strataP(['tag', 'v1', '--json'], { cwd: dir }),
      strataP(['tag', 'bad name'], { cwd: dir }),
      strataP(['tag', 'a..b', '--json'], { cwd: dir }),
      strataP(['tag', 'v9', 'nosuch'], { cwd: dir }),
      strataP(['tag', 'v9', `${b}:f.txt`], { cwd: dir }),
    ]);
    expect(dup.code).toBe(1);
    expect(errorOf(dup)).toEqual({ code: 'TAG_EXISTS', message: `the tag v1 exists already (on ${short(a)})` });
    expect(dup.stderr).toContain('hint: pick another name, or move it with --force');
    expect(JSON.parse(dupJson.stderr.trim())).toMatchObject({ message_type: 'error', code: 'TAG_EXISTS', exitCode: 1, data: { name: 'v1', id: a } });
    expect(bad.code).toBe(1);
    expect(errorOf(bad)?.code).toBe('INVALID_REF_NAME');
    expect(errorOf(bad)?.message).toContain('is not a valid tag name');
    expect(JSON.parse(badJson.stderr.trim())).toMatchObject({ code: 'INVALID_REF_NAME', exitCode: 1 });
    expect(errorOf(unknown)?.code).toBe('UNKNOWN_REVISION');
    expect(notVersion.code).toBe(1);
    expect(errorOf(notVersion)?.code).toBe('WRONG_KIND');

    expect(ok(['tag', 'v1', b, '--force'], { cwd: dir })).toBe(`moved tag v1 to ${short(b)} (was ${short(a)})`);
    ok(['tag', 'v0', a], { cwd: dir });
    const [list, listJson, log] = await Promise.all([
      strataP(['tag', '--list'], { cwd: dir, env: { TZ: 'UTC' } }),
      strataP(['tag', '--json'], { cwd: dir }),
      strataP(['log'], { cwd: dir }),
    ]);
    expect(list.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^latest  ${short(b)}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`)),
      expect.stringMatching(new RegExp(`^v0      ${short(a)}  .*  first$`)),
      expect.stringMatching(new RegExp(`^v1      ${short(b)}  `)),
    ]);
    expect(JSON.parse(listJson.stdout)).toEqual([
      { name: 'latest', ref: 'refs/tags/latest', id: b, kind: 'version', time: expect.any(Number), versionName: '' },
      { name: 'v0', ref: 'refs/tags/v0', id: a, kind: 'version', time: expect.any(Number), versionName: 'first' },
      { name: 'v1', ref: 'refs/tags/v1', id: b, kind: 'version', time: expect.any(Number), versionName: '' },
    ]);
    expect(log.stdout).toContain(`${short(b)}  `);
    expect(log.stdout).toMatch(/\(main, tag: latest, tag: v1\)/);
    expect(log.stdout).toMatch(/\(tag: v0\) first/);

    expect(okJson(['tag', '-d', 'v0'], { cwd: dir })).toEqual({ name: 'v0', ref: 'refs/tags/v0', id: a });
    const [gone, missingName, usage] = await Promise.all([
      strataP(['tag', '-d', 'v0'], { cwd: dir }),
      strataP(['tag', '-d'], { cwd: dir }),
      strataP(['tag', '--list', 'v1'], { cwd: dir }),
    ]);
    expect(gone.code).toBe(1);
    expect(errorOf(gone)?.code).toBe('UNKNOWN_TAG');
    expect(missingName.code).toBe(2);
    expect(usage.code).toBe(2);
    // The version stays: deleting a tag forgets nothing.
    expect(ok(['cat-file', '-t', `refs/versions/${a}`], { cwd: dir })).toBe('version');
    const [, none] = await Promise.all([strataP(['tag', '-d', 'v1'], { cwd: dir }), strataP(['tag', '-d', 'latest'], { cwd: dir })]);
    expect(none.code).toBe(0);
    expect(ok(['tag'], { cwd: dir })).toBe('no tags');
  });

  it('log --tag matches a recorded label or a tag ref', async () => {
    const dir = project('tagfilter', { 'f.txt': '1' });
    const a = snapshot(dir, '--tag', 'approved');
    write(dir, { 'f.txt': '22' });
    const b = snapshot(dir);
    ok(['tag', 'approved', b], { cwd: dir });
    const r = JSON.parse(ok(['log', '--tag', 'approved', '--json'], { cwd: dir })) as Array<{ id: string }>;
    expect(r.map((e) => e.id)).toEqual([b, a]);
  });
});

describe('branches for several sources in one repository', () => {
  it('lists (current marked), creates, refuses duplicates, deletes; log, find and status per branch', async () => {
    const base = tempDir('branches');
    const repo = join(base, 'store');
    const site = join(base, 'site');
    const art = join(base, 'art');
    write(site, { 'index.html': '<p>v1</p>\n' });
    write(art, { 'hero.psd': bytes(500, 3) });
    ok(['init', '--repo', repo]);
    const R = ['--repo', repo];

    expect(ok(['branch', ...R])).toBe('* main  (no versions yet)');
    const s1 = JSON.parse(ok(['snapshot', site, ...R, '--json']).split('\n').pop() as string).id as string;
    const a1 = JSON.parse(ok(['snapshot', art, '--branch', 'art', ...R, '--json']).split('\n').pop() as string).id as string;
    write(site, { 'index.html': '<p>v2 of the page</p>\n' });
    const s2 = JSON.parse(ok(['snapshot', site, ...R, '--json']).split('\n').pop() as string).id as string;

    const [list, listJson, artLog, mainLog, artFind, all, artStatus] = await Promise.all([
      strataP(['branch', ...R], { env: { TZ: 'UTC' } }),
      strataP(['branch', '--json', ...R]),
      strataP(['log', '--branch', 'art', '--json', ...R]),
      strataP(['log', '--json', ...R]),
      strataP(['find', '*.psd', '--branch', 'art', '--json', ...R]),
      strataP(['log', '--all', '--json', ...R]),
      strataP(['status', '--branch', 'art', ...R]),
    ]);
    expect(list.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^  art   ${short(a1)}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${art}$`)),
      expect.stringMatching(new RegExp(`^\\* main  ${short(s2)}  .*  ${site}$`)),
    ]);
    expect(JSON.parse(listJson.stdout)).toEqual([
      { name: 'art', ref: 'refs/heads/art', id: a1, time: expect.any(Number), versionName: '', source: art, current: false },
      { name: 'main', ref: 'refs/heads/main', id: s2, time: expect.any(Number), versionName: '', source: site, current: true },
    ]);
    expect((JSON.parse(artLog.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual([a1]);
    expect((JSON.parse(mainLog.stdout) as Array<{ id: string }>).map((e) => e.id)).toEqual([s2, s1]);
    expect((JSON.parse(artFind.stdout) as Array<{ path: string }>).map((m) => m.path)).toEqual(['hero.psd']);
    expect((JSON.parse(all.stdout) as Array<{ id: string }>).map((e) => e.id).sort()).toEqual([s1, s2, a1].sort());
    expect(artStatus.stdout).toBe(`nothing changed since ${short(a1)}\n`);

    expect(ok(['branch', 'old-site', 'main~1', ...R])).toBe(`created branch old-site at ${short(s1)}`);
    const [dup, current, unknown, bad, noBranch] = await Promise.all([
      strataP(['branch', 'old-site', ...R]),
      strataP(['branch', '-d', 'main', ...R]),
      strataP(['branch', '-d', 'nope', ...R]),
      strataP(['branch', 'HEAD', ...R]),
      strataP(['log', '--branch', 'nope', ...R]),
    ]);
    expect(dup.code).toBe(1);
    expect(errorOf(dup)?.code).toBe('BRANCH_EXISTS');
    expect(current.code).toBe(1);
    expect(errorOf(current)?.code).toBe('BRANCH_CURRENT');
    expect(errorOf(unknown)?.code).toBe('UNKNOWN_BRANCH');
    expect(errorOf(bad)?.code).toBe('INVALID_REF_NAME');
    expect(noBranch.code).toBe(1);
    expect(errorOf(noBranch)?.code).toBe('UNKNOWN_BRANCH');

    expect(okJson(['branch', 'old-site', 'main', '--force', ...R])).toEqual({ name: 'old-site', ref: 'refs/heads/old-site', id: s2, previous: s1 });
    expect(ok(['branch', '-d', 'old-site', ...R])).toBe(`deleted branch old-site (was ${short(s2)}; its versions are kept)`);
    // A snapshot onto a new branch starts from nothing; the versions of deleted branches are still there.
    expect(ok(['cat-file', '-t', s1, ...R])).toBe('version');
  });
});

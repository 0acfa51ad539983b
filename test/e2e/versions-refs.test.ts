import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEX64, blobId, canonical, objectId, ok, okJson, removeTempDirs, storedObjectIds, strata, strataP, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('commit-version', () => {
  let base: string;
  let repo: string;
  let tree: string;
  const run = (...args: string[]) => strata([...args, '--repo', repo]);
  const runP = (...args: string[]) => strataP([...args, '--repo', repo]);

  beforeAll(() => {
    base = tempDir('version');
    repo = join(base, 'repo');
    ok(['init', '--repo', repo]);
    mkdirSync(join(base, 'dir'));
    writeFileSync(join(base, 'dir', 'file.txt'), 'content\n');
    tree = ok(['write-tree', join(base, 'dir'), '--repo', repo]);
  });

  const FULL = [
    '-m',
    'First version\n\nwith a longer description',
    '--name',
    'alpha',
    '--tag',
    'wip',
    '--tag',
    'approved',
    '--tag',
    'wip',
    '--meta',
    'author=ana',
    '--meta',
    'formula=a=b',
    '--milestone',
  ];

  it('records every field; the id is the hash of the canonical body; refs/versions/<id> keeps it', async () => {
    const r = run('commit-version', tree, ...FULL, '--time', '2026-01-01T00:00:00Z');
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(r.stdout).toBe(`${id}\n`);
    const body = canonical({
      description: 'First version\n\nwith a longer description',
      meta: { author: 'ana', formula: 'a=b' },
      milestone: true,
      name: 'alpha',
      parents: [],
      tags: ['approved', 'wip'],
      time: 1767225600000,
      tree,
    });
    const [raw, pretty] = await Promise.all([runP('cat-file', '--raw', id), runP('cat-file', '-p', id)]);
    expect(raw.stdout).toBe(body);
    expect(id).toBe(objectId('version', body));
    expect(readFileSync(join(repo, 'refs', 'versions', id), 'utf8')).toBe(`${id}\n`);
    expect(pretty.stdout).toBe(
      `tree ${tree}\n` +
        'time 2026-01-01T00:00:00.000Z (1767225600000)\n' +
        'name alpha\n' +
        'tags approved, wip\n' +
        'milestone\n' +
        'meta author=ana\n' +
        'meta formula=a=b\n' +
        '\n' +
        'First version\n\nwith a longer description\n',
    );
  });

  it('is deterministic: the same inputs and --time (ISO or milliseconds) give the same id; --json shape', async () => {
    const [a, c] = await Promise.all([
      runP('commit-version', tree, ...FULL, '--time', '1767225600000', '--json'),
      runP('commit-version', tree, ...FULL, '--time', '1767225600001'),
    ]);
    const b = ok(['commit-version', tree, ...FULL, '--time', '2026-01-01T00:00:00.000Z', '--repo', repo]);
    expect(JSON.parse(a.stdout)).toEqual({ id: b, tree, parents: [], time: 1767225600000, ref: `refs/versions/${b}` });
    expect(c.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(c.stdout).not.toBe(`${b}\n`);
  });

  it('-p records parents in order; a version given as the tree uses its tree', async () => {
    const [p1, p2] = (await Promise.all([runP('commit-version', tree, '--time', '1'), runP('commit-version', tree, '--time', '2')])).map((r) =>
      r.stdout.trim(),
    ) as [string, string];
    const child = okJson(['commit-version', p2, '-p', p2, '--parent', p1, '--time', '3', '--repo', repo]);
    expect(child.tree).toBe(tree);
    expect(child.parents).toEqual([p2, p1]);
    const [pretty, raw] = await Promise.all([runP('cat-file', '-p', child.id), runP('cat-file', '--raw', child.id)]);
    expect(pretty.stdout).toBe(`tree ${tree}\nparent ${p2}\nparent ${p1}\ntime 1970-01-01T00:00:00.003Z (3)\n`);
    const minimal = canonical({ description: '', meta: {}, milestone: false, name: '', parents: [p2, p1], tags: [], time: 3, tree });
    expect(raw.stdout).toBe(minimal);
  });

  it('--no-keep stores the version but writes no refs/versions/<id>', () => {
    const j = okJson(['commit-version', tree, '--no-keep', '--time', '99', '-m', 'loose', '--repo', repo]);
    expect(j).toEqual({ id: expect.stringMatching(HEX64), tree, parents: [], time: 99 });
    expect(existsSync(join(repo, 'refs', 'versions', j.id))).toBe(false);
    expect(storedObjectIds(repo)).toContain(j.id);
  });

  it('uses the current time without --time', () => {
    const before = Date.now();
    const j = okJson(['commit-version', tree, '--no-keep', '--repo', repo]);
    expect(j.time).toBeGreaterThanOrEqual(before - 1000);
    expect(j.time).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('rejects a parent that is not a version, bad --meta and bad --time', async () => {
    const [wrong, meta, time] = await Promise.all([
      runP('commit-version', tree, '-p', tree),
      runP('commit-version', tree, '--meta', 'novalue'),
      runP('commit-version', tree, '--time', 'yesterday'),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error\[WRONG_KIND\]: .* is a tree, not a version/);
    expect(meta.code).toBe(2);
    expect(meta.stderr).toMatch(/^error\[USAGE\]: --meta: "novalue" is not key=value/);
    expect(time.code).toBe(2);
    expect(time.stderr).toMatch(/^error\[USAGE\]: --time/);
  });

  it('rejects a --time that is neither integer milliseconds nor ISO 8601', () => {
    // BUG (see report): parseTime falls back to Date.parse, which reads "1.5" as a local-time date.
    const r = run('commit-version', tree, '--time', '1.5', '--no-keep');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[USAGE\]: --time/);
  });
});

describe('update-ref, symbolic-ref, for-each-ref and rev-parse', () => {
  let base: string;
  let repo: string;
  let tree: string;
  let fileId: string;
  let v1: string;
  let v2: string;
  let s1: string;
  let merge: string;
  const run = (...args: string[]) => strata([...args, '--repo', repo]);
  const out = (...args: string[]) => ok([...args, '--repo', repo]);
  const runP = (...args: string[]) => strataP([...args, '--repo', repo]);
  const refFile = (name: string) => join(repo, ...name.split('/'));

  beforeAll(async () => {
    base = tempDir('refs');
    repo = join(base, 'repo');
    ok(['init', '--repo', repo]);
    mkdirSync(join(base, 'work', 'dir'), { recursive: true });
    writeFileSync(join(base, 'work', 'dir', 'file'), 'in dir\n');
    fileId = blobId('in dir\n');
    tree = out('write-tree', join(base, 'work'));
    // v1 <- v2 <- merge, v1 <- s1 <- merge (merge's parents: v2 first, s1 second)
    v1 = out('commit-version', tree, '--time', '1000', '-m', 'v1');
    [v2, s1] = (
      await Promise.all([
        runP('commit-version', tree, '-p', v1, '--time', '2000', '-m', 'v2'),
        runP('commit-version', tree, '-p', v1, '--time', '3000', '-m', 's1'),
      ])
    ).map((r) => r.stdout.trim()) as [string, string];
    merge = out('commit-version', tree, '-p', v2, '-p', s1, '--time', '4000', '-m', 'merge');
  });

  it('starts with HEAD -> refs/heads/main unborn', async () => {
    expect(readFileSync(join(repo, 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    const [r, heads] = await Promise.all([runP('rev-parse', 'HEAD'), runP('for-each-ref', 'refs/heads')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[UNKNOWN_REVISION\]: HEAD points at refs\/heads\/main, which has no versions yet/);
    expect(heads).toMatchObject({ code: 0, stdout: '' });
  });

  it('update-ref creates a branch; HEAD resolves through it; CAS succeeds with the right old value and fails with REF_CHANGED otherwise', () => {
    const created = run('update-ref', 'refs/heads/main', v2);
    expect(created).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(refFile('refs/heads/main'), 'utf8')).toBe(`${v2}\n`);
    expect(out('rev-parse', 'HEAD')).toBe(v2);

    expect(okJson(['update-ref', 'refs/heads/main', merge, v2, '--repo', repo])).toEqual({ ref: 'refs/heads/main', id: merge, previous: v2 });
    const stale = run('update-ref', 'refs/heads/main', v1, v2);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^error\[REF_CHANGED\]: ref refs\/heads\/main is [0-9a-f]{64}, not [0-9a-f]{64} as expected/);
    expect(readFileSync(refFile('refs/heads/main'), 'utf8')).toBe(`${merge}\n`);
    // the old value may be any revision
    ok(['update-ref', 'refs/heads/main', merge, 'main', '--repo', repo]);
  });

  it('an empty old value (or 64 zeros) means the ref must not exist', async () => {
    ok(['update-ref', 'refs/heads/feature', s1, '', '--repo', repo]);
    expect(readFileSync(refFile('refs/heads/feature'), 'utf8')).toBe(`${s1}\n`);
    const [again, zeros] = await Promise.all([
      runP('update-ref', 'refs/heads/feature', v1, ''),
      runP('update-ref', 'refs/heads/feature', v1, '0'.repeat(64)),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error\[REF_CHANGED\]/);
    expect(zeros.code).toBe(1);
    expect(zeros.stderr).toMatch(/^error\[REF_CHANGED\]/);
    expect(readFileSync(refFile('refs/heads/feature'), 'utf8')).toBe(`${s1}\n`);
  });

  it('-d deletes a ref (checking the old value when given)', () => {
    ok(['update-ref', 'refs/heads/tmp', v1, '', '--repo', repo]);
    const wrong = run('update-ref', '-d', 'refs/heads/tmp', v2);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error\[REF_CHANGED\]/);
    expect(existsSync(refFile('refs/heads/tmp'))).toBe(true);
    expect(okJson(['update-ref', '-d', 'refs/heads/tmp', v1, '--repo', repo])).toEqual({ ref: 'refs/heads/tmp', id: null, previous: v1 });
    expect(existsSync(refFile('refs/heads/tmp'))).toBe(false);
    const gone = run('update-ref', '--delete', 'refs/heads/tmp');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error\[UNKNOWN_REF\]: ref refs\/heads\/tmp does not exist/);
  });

  it('update-ref HEAD moves the branch HEAD points at; bad names and missing objects are refused', async () => {
    const [viaHead, badName, missing] = await Promise.all([
      runP('update-ref', 'HEAD', v1, '--json'),
      runP('update-ref', 'refs/heads/bad..name', v1),
      runP('update-ref', 'refs/heads/ghost', 'e'.repeat(64)),
    ]);
    expect(JSON.parse(viaHead.stdout)).toEqual({ ref: 'refs/heads/main', id: v1, previous: merge });
    expect(readFileSync(join(repo, 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    ok(['update-ref', 'HEAD', merge, v1, '--repo', repo]);
    expect(readFileSync(refFile('refs/heads/main'), 'utf8')).toBe(`${merge}\n`);

    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/^error\[INVALID_REF_NAME\]/);
    expect(missing.code).toBe(12);
    expect(missing.stderr).toMatch(/^error\[OBJECT_MISSING\]/);
    expect(existsSync(refFile('refs/heads/ghost'))).toBe(false);
  });

  it('symbolic-ref reads HEAD and can point it at another branch', async () => {
    const [read, direct] = await Promise.all([runP('symbolic-ref', 'HEAD'), runP('symbolic-ref', 'refs/heads/main')]);
    expect(read.stdout).toBe('refs/heads/main\n');
    expect(run('symbolic-ref', 'HEAD', 'refs/heads/feature')).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(join(repo, 'HEAD'), 'utf8')).toBe('ref: refs/heads/feature\n');
    const [json, head] = await Promise.all([runP('symbolic-ref', 'HEAD', '--json'), runP('rev-parse', 'HEAD')]);
    expect(JSON.parse(json.stdout)).toEqual({ name: 'HEAD', target: 'refs/heads/feature' });
    expect(head.stdout).toBe(`${s1}\n`);
    ok(['symbolic-ref', 'HEAD', 'refs/heads/main', '--repo', repo]);
    expect(readFileSync(join(repo, 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(direct.code).toBe(1);
    expect(direct.stderr).toMatch(/^error\[WRONG_KIND\]: ref refs\/heads\/main is not a symbolic ref/);
  });

  it('for-each-ref: default format, --format, patterns and --json', async () => {
    ok(['update-ref', 'refs/tags/the-tree', tree, '--repo', repo]);
    const versions = [v1, v2, s1, merge].sort();
    const [all, short, fields, json] = await Promise.all([
      runP('for-each-ref'),
      runP('for-each-ref', '--format', '%(refname:short) %(objectname:short)', 'refs/heads', 'refs/tags'),
      runP('for-each-ref', '--format', '%(refname) %(objecttype) %(objectname) %%', 'refs/heads/main', 'refs/nothing-here'),
      runP('for-each-ref', 'refs/tags', '--json'),
    ]);
    expect(all.stdout).toBe(
      [
        `${s1} version\trefs/heads/feature`,
        `${merge} version\trefs/heads/main`,
        `${tree} tree\trefs/tags/the-tree`,
        ...versions.map((v) => `${v} version\trefs/versions/${v}`),
      ].join('\n') + '\n',
    );
    expect(short.stdout).toBe(`feature ${s1.slice(0, 12)}\nmain ${merge.slice(0, 12)}\nthe-tree ${tree.slice(0, 12)}\n`);
    expect(fields.stdout).toBe(`refs/heads/main version ${merge} %\n`);
    expect(JSON.parse(json.stdout)).toEqual({ refs: [{ name: 'refs/tags/the-tree', id: tree, kind: 'tree' }] });
  });

  it('rev-parse resolves ids, prefixes, refs, HEAD, ~N, ^N and rev:path', async () => {
    ok(['update-ref', 'refs/heads/main', merge, '--repo', repo]);
    const ids = storedObjectIds(repo);
    let n = 4;
    while (ids.filter((id) => id.startsWith(merge.slice(0, n))).length > 1) n++;
    const revs: Array<[string, string]> = [
      [merge, merge],
      [merge.slice(0, n), merge],
      [merge.slice(0, n).toUpperCase(), merge],
      ['main', merge],
      ['heads/main', merge],
      ['refs/heads/main', merge],
      ['HEAD', merge],
      ['main~1', v2],
      ['main^', v2],
      ['main^1', v2],
      ['main^2', s1],
      ['main~2', v1],
      ['main^2~1', v1],
      ['HEAD~0', merge],
      ['main:dir/file', fileId],
      ['main:', tree],
      ['the-tree', tree],
    ];
    const [text, json] = await Promise.all([
      runP('rev-parse', ...revs.map(([r]) => r), 'main:dir', `${v1}:dir/`),
      runP('rev-parse', 'HEAD', 'main:dir/file', '--json'),
    ]);
    expect(text.stderr).toBe('');
    const lines = text.stdout.replace(/\n$/, '').split('\n');
    expect(lines.slice(0, revs.length)).toEqual(revs.map(([, id]) => id));
    // a folder: its tree id, the same from any version with that tree
    const [dirA, dirB] = lines.slice(revs.length);
    expect(dirA).toMatch(HEX64);
    expect(dirA).not.toBe(tree);
    expect(dirB).toBe(dirA);
    expect(JSON.parse(json.stdout)).toEqual({
      results: [
        { rev: 'HEAD', id: merge, kind: 'version', ref: 'refs/heads/main' },
        { rev: 'main:dir/file', id: fileId, kind: 'blob' },
      ],
    });
  });

  it('rev-parse errors: no such parent, no such path, too-short prefix, unknown name', async () => {
    const [noParent, noPath, short, unknown] = await Promise.all([
      runP('rev-parse', 'main~9'),
      runP('rev-parse', 'main:dir/nope'),
      runP('rev-parse', merge.slice(0, 3)),
      runP('rev-parse', 'no-such-branch'),
    ]);
    expect(noParent.code).toBe(1);
    expect(noParent.stdout).toBe('');
    expect(noParent.stderr).toMatch(/^error\[UNKNOWN_REVISION\]: main~9: version [0-9a-f]{12} has no parent number 1/);
    expect(noPath.code).toBe(1);
    expect(noPath.stderr).toMatch(/^error\[PATH_NOT_FOUND\]/);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^error\[INVALID_ID\]/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error\[UNKNOWN_REVISION\]: "no-such-branch" is neither an object id nor a ref/);
  });
});
